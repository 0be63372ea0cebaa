"""Reading the ledger and balances, verifying them, and reversing moves."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from core.catalogue.models import Sku, Style
from core.documents.models import DocKind, Document
from core.documents.service import new_document, set_status
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.fields import Lookup, SaneDateTime
from core.ledger.models import Balance, MoveSerial, StockMove
from core.ledger.posting import MoveRequest, ledger_totals, post_moves
from core.locations.models import VIRTUAL_KINDS, Location
from core.lots.models import Lot
from core.orders.models import Reservation
from core.people.models import User
from core.people.security import Actor


@dataclass
class LedgerReport:
    """What `facet ledger verify` found."""

    moves: int
    balances: int
    differences: list[dict[str, int]] = field(default_factory=list)
    unbalanced_skus: list[int] = field(default_factory=list)
    negative_internal: list[dict[str, int]] = field(default_factory=list)
    reserved_mismatches: list[dict[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when balances equal the fold of the ledger and every rule holds."""
        return not (
            self.differences
            or self.unbalanced_skus
            or self.negative_internal
            or self.reserved_mismatches
        )


def verify_ledger(session: Session) -> LedgerReport:
    """Rebuild balances from the ledger in memory and compare with the stored ones."""
    totals = ledger_totals(session)
    stored = {
        (r.sku_id, r.location_id, r.lot_id): (r.on_hand, r.reserved)
        for r in session.execute(select(Balance)).scalars().all()
    }
    report = LedgerReport(
        moves=session.scalar(select(func.count(StockMove.id))) or 0, balances=len(stored)
    )
    for key in set(totals) | set(stored):
        expected, actual = totals.get(key, 0), stored.get(key, (0, 0))[0]
        if expected != actual:
            report.differences.append(_key(key, ledger=expected, balance=actual))
    sums: dict[int, int] = {}
    for (sku_id, _loc, _lot), qty in totals.items():
        sums[sku_id] = sums.get(sku_id, 0) + qty
    report.unbalanced_skus = sorted(s for s, total in sums.items() if total != 0)
    virtual = set(
        session.scalars(
            select(Location.id).where(Location.kind.in_([str(k) for k in VIRTUAL_KINDS]))
        )
    )
    for key, (on_hand, reserved) in stored.items():
        if key[1] not in virtual and (on_hand < 0 or reserved < 0 or reserved > on_hand):
            report.negative_internal.append(_key(key, on_hand=on_hand, reserved=reserved))
    reserved = session.execute(
        select(
            Reservation.sku_id,
            Reservation.location_id,
            Reservation.lot_id,
            func.sum(Reservation.open_quantity),
        )
        .where(Reservation.status == "open")
        .group_by(Reservation.sku_id, Reservation.location_id, Reservation.lot_id)
    ).all()
    held = {(r[0], r[1], r[2]): int(r[3]) for r in reserved}
    for key in set(held) | {k for k, v in stored.items() if v[1]}:
        if held.get(key, 0) != stored.get(key, (0, 0))[1]:
            report.reserved_mismatches.append(
                _key(key, reservations=held.get(key, 0), balance=stored.get(key, (0, 0))[1])
            )
    return report


def _key(key: tuple[int, int, int], **values: int) -> dict[str, int]:
    return {"sku_id": key[0], "location_id": key[1], "lot_id": key[2], **values}


@dataclass(frozen=True)
class StockFilter:
    """Filters for balance queries; codes as people type them."""

    sku: Lookup | None = None
    style: Lookup | None = None
    lot: Lookup | None = None
    location: Lookup | None = None
    metal: Lookup | None = None
    purity: Lookup | None = None
    size: Lookup | None = None
    include_virtual: bool = False


def stock_query(f: StockFilter) -> Select[tuple[Balance, Sku, Lot, Location]]:
    """Balances joined with SKU, lot and location, filtered; non-zero only."""
    stmt = (
        select(Balance, Sku, Lot, Location)
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.on_hand != 0)
    )
    if not f.include_virtual:
        stmt = stmt.where(Location.kind.not_in([str(k) for k in VIRTUAL_KINDS]))
    if f.sku:
        stmt = stmt.where(Sku.code == f.sku)
    if f.style:
        stmt = stmt.join(Style, Style.id == Sku.style_id).where(Style.code == f.style)
    if f.lot:
        stmt = stmt.where(Lot.code == f.lot.upper())
    if f.location:
        stmt = stmt.where(Location.code == f.location)
    if f.metal:
        stmt = stmt.where(Sku.metal == f.metal)
    if f.purity:
        stmt = stmt.where(Sku.purity == f.purity)
    if f.size:
        stmt = stmt.where(Sku.size == f.size)
    return stmt.order_by(Location.code, Sku.code, Lot.code)


def list_stock(
    session: Session, *, filters: StockFilter, limit: int, offset: int,
    hidden: Collection[int] = (),
) -> tuple[list[dict[str, object]], int]:
    """A page of balances as rows, and the total number of rows (bins in ``hidden`` left out)."""
    stmt = stock_query(filters)
    if hidden:
        stmt = stmt.where(Location.id.not_in(list(hidden)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = [
        {
            "sku": sku.code,
            "lot": lot.code,
            "lot_status": lot.status,
            "location": loc.code,
            "location_kind": loc.kind,
            "on_hand": bal.on_hand,
            "reserved": bal.reserved,
            "available": bal.on_hand - bal.reserved,
        }
        for bal, sku, lot, loc in session.execute(stmt.limit(limit).offset(offset))
    ]
    return rows, total


def occupancy(
    session: Session, *, location_prefix: str | None = None, hidden: Collection[int] = ()
) -> list[dict[str, object]]:
    """Units on hand and reserved per internal location holding stock, summed in SQL (bins in
    ``hidden`` left out)."""
    stmt = (
        select(Location.code, Location.kind, func.sum(Balance.on_hand), func.sum(Balance.reserved),
               func.count(func.distinct(Balance.sku_id)))
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.on_hand > 0, Location.kind.not_in([str(k) for k in VIRTUAL_KINDS]))
        .group_by(Location.code, Location.kind)
        .order_by(Location.code)
    )
    if location_prefix:
        stmt = stmt.where(Location.code.startswith(location_prefix, autoescape=True))
    if hidden:
        stmt = stmt.where(Location.id.not_in(list(hidden)))
    return [
        {"location": code, "kind": kind, "on_hand": int(on_hand), "reserved": int(reserved),
         "skus": int(skus)}
        for code, kind, on_hand, reserved, skus in session.execute(stmt)
    ]


@dataclass(frozen=True)
class MoveFilter:
    """Filters for ledger queries."""

    sku: Lookup | None = None
    lot: Lookup | None = None
    location: Lookup | None = None
    document: Lookup | None = None
    actor: Lookup | None = None
    reason: Lookup | None = None
    since: SaneDateTime | None = None
    until: SaneDateTime | None = None


def list_moves(
    session: Session, *, filters: MoveFilter, limit: int, offset: int,
    hidden: Collection[int] = (),
) -> tuple[list[dict[str, object]], int]:
    """A page of moves, newest first, with codes, and the total count (moves into or out of
    bins in ``hidden`` left out)."""
    src, dst = aliased(Location), aliased(Location)
    stmt = (
        select(StockMove, Sku.code, Lot.code, src.code, dst.code, Document.number, User.username)
        .join(Sku, Sku.id == StockMove.sku_id)
        .join(Lot, Lot.id == StockMove.lot_id)
        .join(src, src.id == StockMove.from_location_id)
        .join(dst, dst.id == StockMove.to_location_id)
        .join(Document, Document.id == StockMove.document_id)
        .join(User, User.id == StockMove.actor_id)
    )
    if filters.sku:
        stmt = stmt.where(Sku.code == filters.sku)
    if filters.lot:
        stmt = stmt.where(Lot.code == filters.lot.upper())
    if filters.location:
        stmt = stmt.where((src.code == filters.location) | (dst.code == filters.location))
    if filters.document:
        stmt = stmt.where(Document.number == filters.document)
    if hidden:
        ids = list(hidden)
        stmt = stmt.where(StockMove.from_location_id.not_in(ids),
                          StockMove.to_location_id.not_in(ids))
    if filters.actor:
        stmt = stmt.where(User.username == filters.actor)
    if filters.reason:
        stmt = stmt.where(StockMove.reason == filters.reason)
    if filters.since is not None:
        stmt = stmt.where(StockMove.created_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(StockMove.created_at < filters.until)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = session.execute(stmt.order_by(StockMove.id.desc()).limit(limit).offset(offset)).all()
    rows = [
        {
            "id": m.id,
            "at": m.created_at,
            "sku": sku,
            "lot": lot,
            "from_location": a,
            "to_location": b,
            "quantity": m.quantity,
            "document": doc,
            "reason": m.reason,
            "actor": who,
            "reverses_move_id": m.reverses_move_id,
        }
        for m, sku, lot, a, b, doc, who in page
    ]
    return rows, total


def reverse_moves(
    session: Session, *, actor: Actor, move_ids: Sequence[int], reason: str
) -> Document:
    """Post the opposite of each move (serials go back too) under a correction document."""
    if not reason.strip():
        raise ValidationFailed("A correction needs a reason.", code="reason-required")
    moves = session.scalars(select(StockMove).where(StockMove.id.in_(move_ids))).all()
    if len(moves) != len(set(move_ids)):
        raise NotFoundError("Some of the moves to reverse do not exist.", code="unknown-move")
    already = session.scalar(
        select(StockMove.reverses_move_id).where(StockMove.reverses_move_id.in_(move_ids)).limit(1)
    )
    if already is not None:
        raise ConflictError(f"Move {already} was already reversed.", code="already-reversed")
    doc = new_document(
        session,
        kind=DocKind.CORRECTION,
        actor=actor,
        status="open",
        reason=reason,
        data={"reverses": list(move_ids)},
    )
    requests = []
    for move in moves:
        serial_ids = tuple(
            session.scalars(select(MoveSerial.serial_id).where(MoveSerial.move_id == move.id))
        )
        requests.append(
            MoveRequest(
                move.sku_id,
                move.lot_id,
                move.to_location_id,
                move.from_location_id,
                move.quantity,
                serial_ids,
                reverses_move_id=move.id,
            )
        )
    post_moves(
        session,
        document_id=doc.id,
        document_kind=doc.kind,
        actor=actor,
        reason=f"correction: {reason}",
        moves=requests,
    )
    set_status(session, doc, status="posted", actor=actor)
    return doc
