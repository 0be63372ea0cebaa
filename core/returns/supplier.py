"""Returns to suppliers: pieces or quantities of one lot go back, through the ledger.

A return is a document (``RTS-...``) on the lot, with the reason (assay failed, QC reject,
damage...) and the supplier's RMA reference; its lines move stock from bins or quarantine to
the supplier (virtual). A lot that failed QC may go; nothing reserved for an order does.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.catalogue.service import sku_by_code
from core.documents.models import DocKind, DocStatus, Document
from core.documents.service import done_line, new_document, set_status
from core.errors import SerialError, ValidationFailed
from core.ledger.models import Balance
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import VIRTUAL_KINDS, Kind, Location
from core.locations.service import virtual_location
from core.lots import codes as scans
from core.lots.models import Lot, Serial, Supplier
from core.lots.service import lot_by_code, serials_by_codes, supplier_by_code
from core.people.security import Actor
from core.returns.customer import set_reference
from core.returns.schemas import SupplierReturnCreate

__all__ = ["create_supplier_return", "set_supplier_rma"]

#: Where a whole lot's stock is taken from (packing holds what was picked for orders).
_SENDABLE = frozenset({Kind.PICK_FACE, Kind.RESERVE, Kind.VAULT, Kind.DOCK, Kind.QUARANTINE})
#: (SKU id, location id) -> quantity and serial ids going back.
_Parts = dict[tuple[int, int], tuple[int, list[int]]]


def _check_supplier(session: Session, lot: Lot, code: str | None) -> Supplier:
    supplier = session.get_one(Supplier, lot.supplier_id)
    if code is not None and code != supplier.code:
        supplier_by_code(session, code)  # unknown-supplier first
        raise ValidationFailed(
            f"Lot {lot.code} came from {supplier.code}, not {code}.", code="lot-not-from-supplier"
        )
    return supplier


def _virtual_ids(session: Session) -> set[int]:
    return set(
        session.scalars(
            select(Location.id).where(Location.kind.in_([str(k) for k in VIRTUAL_KINDS]))
        )
    )


def _serial_parts(session: Session, lot: Lot, codes: list[str], parts: _Parts) -> None:
    virtual = _virtual_ids(session)
    for serial in serials_by_codes(session, codes):
        if serial.lot_id != lot.id:
            raise ValidationFailed(
                f"Piece {serial.code} is not of lot {lot.code}.", code="serial-not-in-lot"
            )
        if serial.location_id in virtual:
            raise SerialError(
                f"Piece {serial.code} is not in the warehouse.", code="serial-not-in-stock"
            )
        qty, ids = parts.get((serial.sku_id, serial.location_id), (0, []))
        parts[(serial.sku_id, serial.location_id)] = (qty + 1, [*ids, serial.id])


def _line_parts(session: Session, data: SupplierReturnCreate, parts: _Parts) -> None:
    for item in data.lines:
        sku = sku_by_code(session, item.sku)
        if sku.serialised:
            raise SerialError(
                f"{sku.code} is serialised: name the pieces (serials).", code="serials-required"
            )
        place = scans.location(session, item.location)
        if place.is_virtual:
            raise ValidationFailed(
                f"{place.code} is not a place in the warehouse.", code="location-holds-no-stock"
            )
        qty, ids = parts.get((sku.id, place.id), (0, []))
        parts[(sku.id, place.id)] = (qty + item.quantity, ids)


def _whole_lot_parts(session: Session, lot: Lot, parts: _Parts) -> None:
    """Everything of the lot in stock that no order holds (free stock); not what was picked
    and waits in packing for its order."""
    rows = session.execute(
        select(
            Balance.sku_id, Balance.location_id, Balance.on_hand - Balance.reserved, Sku.serialised
        )
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Location, Location.id == Balance.location_id)
        .where(
            Balance.lot_id == lot.id,
            Balance.on_hand > Balance.reserved,
            Location.kind.in_([str(k) for k in _SENDABLE]),
        )
        .order_by(Balance.location_id, Balance.sku_id)
    ).all()
    for sku_id, loc_id, free, serialised in rows:
        ids: list[int] = []
        if serialised:
            ids = list(
                session.scalars(
                    select(Serial.id)
                    .where(
                        Serial.lot_id == lot.id,
                        Serial.sku_id == sku_id,
                        Serial.location_id == loc_id,
                    )
                    .order_by(Serial.code)
                    .limit(free)
                )
            )
        parts[(sku_id, loc_id)] = (len(ids) if serialised else free, ids)


def _parts(session: Session, lot: Lot, data: SupplierReturnCreate) -> _Parts:
    parts: _Parts = {}
    if data.whole_lot and (data.serials or data.lines):
        raise ValidationFailed(
            "Return the whole lot, or name pieces and lines; not both.", code="whole-lot-or-parts"
        )
    if data.whole_lot:
        _whole_lot_parts(session, lot, parts)
    if data.serials:
        _serial_parts(session, lot, list(data.serials), parts)
    if data.lines:
        _line_parts(session, data, parts)
    if not any(qty for qty, _ in parts.values()):
        raise ValidationFailed(
            f"Nothing of lot {lot.code} to return: name pieces or lines, "
            "or whole_lot (with stock free in the warehouse).",
            code="empty-return",
        )
    return parts


def create_supplier_return(
    session: Session, *, actor: Actor, data: SupplierReturnCreate
) -> Document:
    """Send goods of one lot back to its supplier: bins or quarantine -> supplier."""
    lot = lot_by_code(session, data.lot)
    supplier = _check_supplier(session, lot, data.supplier)
    parts = _parts(session, lot, data)
    target = virtual_location(session, Kind.SUPPLIER)
    doc = new_document(
        session,
        kind=DocKind.SUPPLIER_RETURN,
        actor=actor,
        status=DocStatus.OPEN,
        lot_id=lot.id,
        reason=data.reason,
        reference=data.supplier_rma,
        note=data.note,
        data={"lot": lot.code, "supplier": supplier.code, "lot_status": lot.status},
    )
    moves: list[MoveRequest] = []
    by_place: dict[int, list[tuple[int, int, list[int]]]] = defaultdict(list)
    for (sku_id, loc_id), (qty, ids) in parts.items():
        by_place[loc_id].append((sku_id, qty, ids))
    no = 0
    for loc_id in sorted(by_place):
        for sku_id, qty, ids in sorted(by_place[loc_id]):
            no += 1
            moves.append(
                done_line(
                    session,
                    doc,
                    line_no=no,
                    sku_id=sku_id,
                    lot_id=lot.id,
                    origin_id=loc_id,
                    target_id=target.id,
                    quantity=qty,
                    serial_ids=tuple(sorted(ids)),
                    data={"serials": sorted(ids)},
                )
            )
    post_moves(
        session,
        document_id=doc.id,
        document_kind=doc.kind,
        actor=actor,
        reason="return to supplier",
        moves=moves,
    )
    set_status(session, doc, status=DocStatus.POSTED, actor=actor)
    return doc


def set_supplier_rma(session: Session, *, actor: Actor, number: str, supplier_rma: str) -> Document:
    """Set or change the supplier's RMA reference of a return to a supplier."""
    return set_reference(
        session,
        actor=actor,
        number=number,
        kind=DocKind.SUPPLIER_RETURN,
        reference=supplier_rma,
        action="supplier_return.rma",
    )
