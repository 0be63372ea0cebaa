"""What stock and serial imports share: SKUs, bins and lots named by the rows (read in sets),
new lots made once, and the one opening-balance document that posts the rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.clock import now
from core.documents.models import DocKind, DocStatus, DocumentLine, LineStatus
from core.documents.service import new_document, set_status
from core.imports.common import Rejects, by_chunks, parse_date
from core.imports.reader import Row
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import STOCK_KINDS, Kind, Location, Tier
from core.locations.service import virtual_location
from core.lots.models import Lot, LotStatus, Supplier
from core.people.security import Actor

__all__ = [
    "OPENING",
    "Line",
    "Refs",
    "RowRefs",
    "load_refs",
    "make_lots",
    "post_opening",
    "resolve",
]

#: The reason on the opening-balance document and its moves.
OPENING = "opening_balance"
_LOT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]{0,31}$")


class SkuInfo(NamedTuple):
    """A SKU the file names."""

    id: int
    serialised: bool


class BinInfo(NamedTuple):
    """A location the file names."""

    id: int
    kind: str
    tier: str
    active: bool


class LotInfo(NamedTuple):
    """A lot the database has."""

    id: int
    supplier: str
    status: str


@dataclass(frozen=True)
class NewLot:
    """A lot the file brings, described by the first row naming it."""

    line: int
    supplier_id: int
    supplier: str
    purchase_date: date
    declared_purity: str | None


@dataclass
class Refs:
    """The SKUs, locations, lots and suppliers the rows name (codes the database has)."""

    skus: dict[str, SkuInfo]
    bins: dict[str, BinInfo]
    lots: dict[str, LotInfo]
    suppliers: dict[str, int]
    new_lots: dict[str, NewLot] = field(default_factory=dict)
    lot_lines: dict[str, list[int]] = field(default_factory=dict)


class RowRefs(NamedTuple):
    """What one good row names: SKU, bin and lot code (the lot may be new)."""

    sku_id: int
    location_id: int
    lot: str


@dataclass(frozen=True)
class Line:
    """A document line to post: quantity, serial ids and what the line records."""

    refs: RowRefs
    quantity: int
    serial_ids: tuple[int, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


def load_refs(session: Session, rows: Sequence[Row]) -> Refs:
    """One query per kind and 500 codes for every SKU, bin, lot and supplier the rows name."""
    skus = {
        c: SkuInfo(i, bool(s))
        for c, i, s in by_chunks(
            session,
            lambda c: select(Sku.code, Sku.id, Sku.serialised).where(Sku.code.in_(c)),
            (r.get("sku") for r in rows),
        )
    }
    bins = {
        c: BinInfo(i, k, t, bool(a))
        for c, i, k, t, a in by_chunks(
            session,
            lambda c: select(
                Location.code, Location.id, Location.kind, Location.tier, Location.active
            ).where(Location.code.in_(c)),
            (r.get("location") for r in rows),
        )
    }
    lots = {
        c: LotInfo(i, s, st)
        for c, i, s, st in by_chunks(
            session,
            lambda c: (
                select(Lot.code, Lot.id, Supplier.code, Lot.status)
                .join(Supplier, Supplier.id == Lot.supplier_id)
                .where(Lot.code.in_(c))
            ),
            (r.get("lot").upper() for r in rows),
        )
    }
    suppliers = dict(
        by_chunks(
            session,
            lambda c: select(Supplier.code, Supplier.id).where(Supplier.code.in_(c)),
            (r.get("supplier") for r in rows),
        )
    )
    return Refs(skus, bins, lots, suppliers)


def resolve(row: Row, refs: Refs, rejects: Rejects, *, serialised: bool) -> RowRefs | None:
    """The row's SKU, bin and lot, or None with every reason it is refused."""
    before = len(rejects.reasons)
    sku = refs.skus.get(row.get("sku"))
    if sku is None:
        rejects.add(row.line, "sku", "unknown-sku", f"No SKU {row.get('sku')[:48]}.")
    elif sku.serialised != serialised:
        code, what = (
            ("sku-not-serialised", "is not serialised: import it as stock")
            if serialised
            else ("sku-serialised", "is serialised: import its pieces as serials")
        )
        rejects.add(row.line, "sku", code, f"SKU {row.get('sku')} {what}.")
    where = _bin(row, refs, rejects)
    lot = _lot(row, refs, rejects, where)
    if len(rejects.reasons) > before or sku is None or where is None or lot is None:
        return None
    return RowRefs(sku.id, where.id, lot)


def _bin(row: Row, refs: Refs, rejects: Rejects) -> BinInfo | None:
    code = row.get("location")
    where = refs.bins.get(code)
    if where is None:
        rejects.add(row.line, "location", "unknown-location", f"No location {code[:48]}.")
    elif where.tier != Tier.BIN or where.kind not in STOCK_KINDS:
        rejects.add(
            row.line,
            "location",
            "not-a-stock-bin",
            f"{code} is a {where.kind} {where.tier}; stock lies in bins.",
        )
    elif not where.active:
        rejects.add(row.line, "location", "location-inactive", f"Location {code} is inactive.")
    else:
        return where
    return None


def _lot(row: Row, refs: Refs, rejects: Rejects, where: BinInfo | None) -> str | None:
    code = row.get("lot").upper()
    if not _LOT_CODE.match(code):
        rejects.add(
            row.line, "lot", "bad-format", "A lot code is 1-32 letters, digits and hyphens."
        )
        return None
    refs.lot_lines.setdefault(code, []).append(row.line)
    known = refs.lots.get(code)
    if known is None:
        return code if _new_lot(row, code, refs, rejects) else None
    supplier = row.get("supplier")
    if supplier and supplier != known.supplier:
        rejects.add(
            row.line, "supplier", "lot-supplier", f"Lot {code} is from supplier {known.supplier}."
        )
    elif known.status == LotStatus.RECALLED:
        rejects.add(row.line, "lot", "lot-recalled", f"Lot {code} is recalled.")
    elif known.status != LotStatus.APPROVED and (where is None or where.kind != Kind.QUARANTINE):
        rejects.add(
            row.line,
            "lot",
            "lot-not-approved",
            f"Lot {code} is {known.status}; it may only go to a quarantine bin.",
        )
    else:
        return code
    return None


def _new_lot(row: Row, code: str, refs: Refs, rejects: Rejects) -> bool:
    supplier, day = row.get("supplier"), row.get("purchase_date")
    first = refs.new_lots.get(code)
    if first is not None:
        for column, theirs in (
            ("supplier", first.supplier),
            ("purchase_date", first.purchase_date.isoformat()),
        ):
            ours = row.get(column)
            if ours and ours.replace("/", "-") != theirs:
                rejects.add(
                    row.line,
                    column,
                    "lot-conflict",
                    f"Lot {code} has {column} {theirs} on line {first.line}.",
                )
                return False
        return True
    if not supplier:
        rejects.add(row.line, "supplier", "required", f"Lot {code} is new: name its supplier.")
    elif supplier not in refs.suppliers:
        rejects.add(row.line, "supplier", "unknown-supplier", f"No supplier {supplier[:32]}.")
    if not day:
        rejects.add(
            row.line, "purchase_date", "required", f"Lot {code} is new: give its purchase date."
        )
    purchased = parse_date(row, "purchase_date", rejects) if day else None
    purity = row.get("declared_purity") or None
    if purity and len(purity) > 16:
        rejects.add(row.line, "declared_purity", "too-long", "At most 16 characters.")
    if supplier not in refs.suppliers or purchased is None or (purity and len(purity) > 16):
        return False
    refs.new_lots[code] = NewLot(row.line, refs.suppliers[supplier], supplier, purchased, purity)
    return True


def make_lots(session: Session, refs: Refs, codes: set[str]) -> dict[str, int]:
    """Ids of ``codes``: known lots, and new ones inserted approved (stock already on hand)."""
    ids = {code: info.id for code, info in refs.lots.items() if code in codes}
    rows = [
        {
            "code": code,
            "supplier_id": new.supplier_id,
            "purchase_date": new.purchase_date,
            "declared_purity": new.declared_purity,
            "qc_result": "pass",
            "status": LotStatus.APPROVED,
            "received_at": now(),
        }
        for code, new in refs.new_lots.items()
        if code in codes
    ]
    if rows:
        stmt = insert(Lot).returning(Lot.code, Lot.id, sort_by_parameter_order=True)
        ids.update((code, ident) for code, ident in session.execute(stmt, rows))
    return ids


def post_opening(
    session: Session,
    *,
    actor: Actor,
    lines: Sequence[Line],
    lot_ids: dict[str, int],
    reference: str,
) -> str:
    """Post ``lines`` from V-ADJUSTMENT on one opening-balance document; its number."""
    outside = virtual_location(session, Kind.ADJUSTMENT)
    doc = new_document(
        session,
        kind=DocKind.ADJUSTMENT,
        actor=actor,
        status=DocStatus.OPEN,
        reason=OPENING,
        reference=reference[:64],
        note="Opening balance imported from a file.",
    )
    rows = [
        {
            "document_id": doc.id,
            "line_no": no,
            "sku_id": ln.refs.sku_id,
            "lot_id": lot_ids[ln.refs.lot],
            "from_location_id": outside.id,
            "to_location_id": ln.refs.location_id,
            "quantity": ln.quantity,
            "done_quantity": ln.quantity,
            "status": LineStatus.DONE,
            "data": ln.data,
        }
        for no, ln in enumerate(lines, start=1)
    ]
    stmt = insert(DocumentLine).returning(DocumentLine.id, sort_by_parameter_order=True)
    line_ids = list(session.scalars(stmt, rows))
    moves = [
        MoveRequest(
            ln.refs.sku_id,
            lot_ids[ln.refs.lot],
            outside.id,
            ln.refs.location_id,
            ln.quantity,
            ln.serial_ids,
            document_line_id=line_id,
        )
        for ln, line_id in zip(lines, line_ids, strict=True)
    ]
    post_moves(
        session,
        document_id=doc.id,
        document_kind=doc.kind,
        actor=actor,
        reason=OPENING,
        moves=moves,
    )
    set_status(session, doc, status=DocStatus.POSTED, actor=actor)
    return doc.number
