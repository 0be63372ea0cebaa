"""Packing: what was picked for an order waits in packing, is checked piece by piece by the
packer's scans, and ships with its parcel (count, weight, carrier, tracking number).

Also the order's trail on the floor (reservations, pick lines, shipments) for the office pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.db import pairs
from core.documents.models import DocKind, Document, DocumentLine
from core.errors import ConflictError, CoreError
from core.locations.models import Location
from core.lots import read_code
from core.lots.models import Lot, Serial
from core.orders.models import OrderLine, Reservation, SalesOrder
from core.orders.picking import pick_line_reads
from core.orders.schemas import (
    OrderTrailRead,
    PackExtraRead,
    PackingRead,
    PackPieceRead,
    ParcelRead,
    ReservationRead,
    ShipCreate,
    ShipmentRead,
    TrailPickRead,
)
from core.orders.service import get_order
from core.orders.shipping import picked_not_shipped, ship_order, shippable_order
from core.orders.views import shipment_read as plain_shipment_read
from core.people.models import User
from core.people.security import Actor
from core.weighing import weigh_pieces

__all__ = ["check_packing", "order_trail", "ship_packed", "shipment_read"]

#: The most missing or extra pieces named in a refusal's message (the check lists them all).
_NAMED = 5


@dataclass(frozen=True)
class _Scan:
    """A scanned code, resolved: a piece (serial id), an SKU code, or why it is neither."""

    code: str
    serial_id: int | None = None
    sku: str | None = None
    refused: str | None = None


_Expected = list[tuple[PackPieceRead, int | None]]  # with each piece's serial id


def _expected(session: Session, order: SalesOrder) -> _Expected:
    """Pieces (one row each) and unserialised quantities picked for the order, in packing."""
    parcels = picked_not_shipped(session, order)
    ids = [sid for p in parcels.values() for sid in p.serial_ids]
    serials = pairs(session, select(Serial.id, Serial.code).where(Serial.id.in_(ids)))
    skus = pairs(session, select(Sku.id, Sku.code).where(Sku.id.in_({k[1] for k in parcels})))
    lots = pairs(session, select(Lot.id, Lot.code).where(Lot.id.in_({k[2] for k in parcels})))
    bins = pairs(session, select(Location.id, Location.code).where(
        Location.id.in_({k[3] for k in parcels})))
    line_no = {ln.id: ln.line_no for ln in order.lines}
    rows: _Expected = []
    for (line_id, sku_id, lot_id, bin_id), parcel in sorted(parcels.items()):
        if not parcel.quantity:
            continue
        base = {"line_no": line_no[line_id], "sku": skus[sku_id], "lot": lots.get(lot_id),
                "packing": bins[bin_id]}
        if parcel.serial_ids:
            rows += [(PackPieceRead(**base, serial=serials[s], quantity=1), s)
                     for s in sorted(parcel.serial_ids, key=lambda s: serials[s])]
        else:
            rows.append((PackPieceRead(**base, serial=None, quantity=parcel.quantity), None))
    return rows


def _piece_code(raw: str) -> tuple[str | None, str]:
    """The piece code (or EPC) a scan carries, else None and why it carries none."""
    try:
        scanned = read_code(raw)
    except CoreError:  # junk no label carries, or a damaged Facet label
        return None, "unknown-code"
    if scanned.kind == "location":
        return None, "not-a-piece"
    return scanned.code, ""


def _resolve(session: Session, codes: Sequence[str]) -> list[_Scan]:
    """What each scanned code names: a piece by serial, piece QR or EPC, else an SKU code."""
    read = [_piece_code(raw) for raw in codes]
    plain = [code for code, _why in read]
    known = [c for c in plain if c]
    by_code = pairs(session, select(Serial.code, Serial.id).where(Serial.code.in_(known)))
    by_epc = pairs(session, select(Serial.epc, Serial.id).where(
        Serial.epc.in_([c.upper() for c in known])))
    skus = pairs(session, select(Sku.code, Sku.serialised).where(Sku.code.in_(known)))
    scans = []
    for raw, (name, why) in zip(codes, read, strict=True):
        if name is None:
            scans.append(_Scan(raw, refused=why))
        elif (sid := by_code.get(name) or by_epc.get(name.upper())) is not None:
            scans.append(_Scan(raw, serial_id=sid))
        elif name in skus:
            scans.append(_Scan(raw, sku=name) if not skus[name]
                         else _Scan(raw, refused="not-a-piece"))  # scan the piece's own label
        else:
            scans.append(_Scan(raw, refused="unknown-code"))
    return scans


def _match(expected: _Expected, scans: list[_Scan]
           ) -> tuple[list[PackPieceRead], list[PackPieceRead], list[PackExtraRead]]:
    """Matched pieces, missing pieces and extra codes of ``scans`` against ``expected``."""
    wanted = {sid: p for p, sid in expected if sid is not None}
    bulk = [p for p, sid in expected if sid is None]
    units: Counter[str] = Counter()
    for p in bulk:
        units[p.sku] += p.quantity
    seen: set[int] = set()
    scanned: Counter[str] = Counter()
    extra: list[PackExtraRead] = []
    for scan in scans:
        reason = scan.refused
        if scan.serial_id is not None:
            reason = ("duplicate" if scan.serial_id in seen
                      else None if scan.serial_id in wanted else "not-in-order")
            seen.add(scan.serial_id)
        elif scan.sku is not None:
            scanned[scan.sku] += 1
            reason = None if scanned[scan.sku] <= units.get(scan.sku, 0) else (
                "too-many" if scan.sku in units else "not-in-order")
        if reason:
            extra.append(PackExtraRead(code=scan.code, reason=reason))
    matched = [p for sid, p in wanted.items() if sid in seen]
    missing = [p for sid, p in wanted.items() if sid not in seen]
    for p in bulk:
        took = min(p.quantity, scanned[p.sku])
        scanned[p.sku] -= took
        if took:
            matched.append(p.model_copy(update={"quantity": took}))
        if took < p.quantity:
            missing.append(p.model_copy(update={"quantity": p.quantity - took}))
    return matched, missing, extra


def check_packing(session: Session, *, order_id: int, pieces: Sequence[str]) -> PackingRead:
    """What waits in packing for the order, checked against the codes a packer scanned.

    ConflictError ``picks-open`` while the order still has open pick lines.
    """
    order = get_order(session, order_id=order_id)
    expected = _expected(session, order)
    matched, missing, extra = _match(expected, _resolve(session, pieces))
    return PackingRead(
        order_id=order.id, external_id=order.external_id, status=order.status,
        expected=[p for p, _sid in expected], matched=matched, missing=missing, extra=extra,
        complete=bool(expected) and not missing and not extra,
    )


def _mismatch(check: PackingRead) -> ConflictError:
    def named(items: list[str]) -> str:
        more = f" and {len(items) - _NAMED} more" if len(items) > _NAMED else ""
        return ", ".join(items[:_NAMED]) + more

    parts = []
    if check.missing:
        parts.append("missing " + named([p.serial or f"{p.quantity} x {p.sku}"
                                         for p in check.missing]))
    if check.extra:
        parts.append("not for this order " + named([f"{e.code} ({e.reason})"
                                                    for e in check.extra]))
    if not check.expected:
        parts.append("nothing is waiting in packing")
    return ConflictError(f"Order {check.external_id} does not match its picks: "
                         f"{'; '.join(parts)}. Scan again or fix the picks.",
                         code="packing-mismatch")


def ship_packed(session: Session, *, actor: Actor, order_id: int, data: ShipCreate) -> Document:
    """Ship an order with its parcel; when scanned pieces are given, only if they match.

    The check and the shipment run in one transaction under the order's row lock, so a
    mismatch (``packing-mismatch``) posts nothing; nor does a piece on a weight hold
    (``piece-on-hold``) or a reading in ``data.weights`` outside the piece's tolerance.
    """
    shippable_order(session, order_id=order_id)
    verified = data.pieces is not None
    if data.pieces is not None:
        check = check_packing(session, order_id=order_id, pieces=data.pieces)
        if not check.complete:
            raise _mismatch(check)
    _weigh_packed(session, actor, order_id, data)
    doc = ship_order(session, actor=actor, order_id=order_id)
    parcel = data.parcel.model_dump() if data.parcel else None
    doc.data = {**(doc.data or {}), "parcel": parcel, "verified": verified}
    session.flush()
    return doc


def _weigh_packed(session: Session, actor: Actor, order_id: int, data: ShipCreate) -> None:
    """Held pieces do not ship; the packer's scale readings (or required ones) are checked."""
    order = get_order(session, order_id=order_id)
    ids = [sid for p in picked_not_shipped(session, order).values() for sid in p.serial_ids]
    weigh_pieces(session, actor=actor, serial_ids=ids, weights=data.weights, event="pack",
                 reference=order.external_id)


def shipment_read(session: Session, doc: Document) -> ShipmentRead:
    """The API view of a shipment with its parcel and whether it was checked piece by piece."""
    data = doc.data or {}
    parcel = ParcelRead(**data["parcel"]) if data.get("parcel") else None
    return plain_shipment_read(session, doc).model_copy(
        update={"parcel": parcel, "verified": bool(data.get("verified"))})


def _reservations(session: Session, order_id: int) -> list[ReservationRead]:
    rows = session.execute(
        select(Reservation, OrderLine.line_no, Sku.code, Location.code, Lot.code)
        .join(OrderLine, OrderLine.id == Reservation.order_line_id)
        .join(Sku, Sku.id == Reservation.sku_id)
        .join(Location, Location.id == Reservation.location_id)
        .join(Lot, Lot.id == Reservation.lot_id)
        .where(OrderLine.order_id == order_id)
        .order_by(OrderLine.line_no, Reservation.id)
    ).all()
    return [ReservationRead(id=r.id, line_no=no, sku=sku, location=loc, lot=lot,
                            quantity=r.quantity, open_quantity=r.open_quantity, status=r.status,
                            created_at=r.created_at)
            for r, no, sku, loc, lot in rows]


def order_trail(session: Session, *, order_id: int, hidden: Collection[str] = ()
                ) -> OrderTrailRead:
    """An order's reservations, pick lines (with their list and picker) and shipments;
    reservations and picks at the bins coded in ``hidden`` (the reader's live blind counts,
    `core.trace.visibility`) left out, as the ledger's lists leave them out."""
    order = get_order(session, order_id=order_id)
    picks = session.execute(
        select(DocumentLine.id, Document.number, User.username)
        .join(Document, Document.id == DocumentLine.document_id)
        .outerjoin(User, User.id == Document.assignee_id)
        .join(OrderLine, OrderLine.id == DocumentLine.order_line_id)
        .where(Document.kind == DocKind.PICK, OrderLine.order_id == order.id)
        .order_by(Document.id, DocumentLine.line_no)
    ).all()
    lines = {ln.id: ln for ln in pick_line_reads(session, [p.id for p in picks])}
    shipments = session.scalars(
        select(Document).where(Document.kind == DocKind.SHIPMENT, Document.order_id == order.id)
        .order_by(Document.id)
    ).all()
    return OrderTrailRead(
        order_id=order.id,
        reservations=[r for r in _reservations(session, order.id) if r.location not in hidden],
        picks=[TrailPickRead(pick_list=p.number, picker=p.username, line=lines[p.id])
               for p in picks if p.id in lines and lines[p.id].from_location not in hidden],
        shipments=[shipment_read(session, d) for d in shipments],
    )

