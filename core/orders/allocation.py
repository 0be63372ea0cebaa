"""Allocation: reserve specific stock (SKU x bin x lot) for order lines, and give it back.

Only approved lots in active bins of kind pick_face, reserve or vault are allocated, oldest lot
first (FIFO by purchase date, then receipt) unless the line names its lot. Candidate balances
are row-locked (``FOR UPDATE`` on PostgreSQL; SQLite writers are serialised by ``BEGIN
IMMEDIATE``) and reserved through :func:`core.ledger.posting.change_reserved`, whose conditional
update is what finally refuses to over-reserve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core.audit import service as audit
from core.clock import now
from core.documents.models import DocKind, Document, DocumentLine, LineStatus
from core.errors import ConflictError, InsufficientStockError
from core.ledger.models import Balance
from core.ledger.posting import change_reserved
from core.locations.models import Kind, Location, Tier
from core.lots.models import Lot, LotStatus, Serial
from core.orders.models import OrderLine, OrderStatus, Reservation, ReservationStatus, SalesOrder
from core.orders.picking import finish_pick_lists
from core.orders.service import lock_order, release_reservations
from core.people.security import Actor
from core.prepared import Prepared
from core.weighing.models import WeightHold

__all__ = [
    "ALLOCATABLE_KINDS",
    "Allocation",
    "AllocatedLine",
    "allocate_locked",
    "allocate_order",
    "cancel_order",
]

ALLOCATABLE_KINDS = (Kind.PICK_FACE, Kind.RESERVE, Kind.VAULT)
ALLOCATABLE_STATUSES = frozenset(
    {OrderStatus.OPEN, OrderStatus.PARTIALLY_ALLOCATED, OrderStatus.ALLOCATED}
)
CANCELLABLE = ALLOCATABLE_STATUSES | {OrderStatus.PICKING}
# Within one lot, take from the pick face before opening reserve stock or the vault.
_KIND_RANK = case({Kind.PICK_FACE: 0, Kind.RESERVE: 1}, value=Location.kind, else_=2)


@dataclass
class AllocatedLine:
    """What one run did for an order line; ``reserved_now`` holds (location, lot, qty) ids."""

    line: OrderLine
    reserved_now: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """Pieces still neither reserved nor picked."""
        ln = self.line
        return max(ln.quantity - ln.reserved_quantity - ln.picked_quantity, 0)


@dataclass
class Allocation:
    """The outcome of :func:`allocate_order`."""

    order: SalesOrder
    lines: list[AllocatedLine]

    @property
    def complete(self) -> bool:
        """True when every line is fully reserved (or picked)."""
        return all(al.missing == 0 for al in self.lines)


def _candidates_stmt(*, lock: bool, lot: bool) -> Select[int, int, int]:
    stmt = (
        select(Balance.location_id, Balance.lot_id, Balance.on_hand - Balance.reserved)
        .join(Location, Location.id == Balance.location_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .where(
            Balance.sku_id == bindparam("sku_id"),
            Balance.on_hand > Balance.reserved,
            # Equalities, not IN: an IN list is expanded per execution, a prepared statement
            # is compiled once.
            or_(*(Location.kind == str(k) for k in ALLOCATABLE_KINDS)),
            Location.tier == Tier.BIN,
            Location.active.is_(True),
            Lot.status == LotStatus.APPROVED,
        )
        .order_by(Lot.purchase_date, Lot.received_at, Lot.id, _KIND_RANK, Location.code)
    )
    if lock:
        stmt = stmt.with_for_update(of=Balance)
    if lot:
        stmt = stmt.where(Balance.lot_id == bindparam("lot_id"))
    return stmt


# Prepared once per (locked, lot named) and run on the raw cursor (see core.prepared):
# allocation runs one on every order line.
_CANDIDATES = {
    (lock, lot): Prepared(_candidates_stmt(lock=lock, lot=lot)) for lock in (True, False)
    for lot in (True, False)
}  # fmt: skip


# What reserving writes besides the balance, prepared once and run on the raw cursor (see
# core.prepared); the order and its lines in the session are given the written values as
# their committed state, so they stay current and nothing waits to be flushed.
_INSERT_RESERVATION = Prepared(
    insert(Reservation.__table__).values(
        {name: bindparam(name) for name in ("order_line_id", "sku_id", "location_id", "lot_id",
                                            "quantity", "open_quantity", "status",
                                            "created_at")}
    )
)  # fmt: skip
_SET_LINE_RESERVED = Prepared(
    update(OrderLine.__table__)
    .where(OrderLine.__table__.c.id == bindparam("p_id"))
    .values(reserved_quantity=bindparam("p_reserved"))
)
_SET_ORDER_STATUS = Prepared(
    update(SalesOrder.__table__)
    .where(SalesOrder.__table__.c.id == bindparam("p_id"))
    .values(status=bindparam("p_status"))
)


# Pieces of a SKU on a weight hold, per bin and lot: they are on hand but no reservation can be
# met with them (core.weighing refuses to pick, pack or move them until released).
_HELD = Prepared(
    select(Serial.location_id, Serial.lot_id, func.count())
    .join(WeightHold, WeightHold.serial_id == Serial.id)
    .where(Serial.sku_id == bindparam("sku_id"), WeightHold.released_at.is_(None))
    .group_by(Serial.location_id, Serial.lot_id)
)


def _candidates(
    session: Session, line: OrderLine, *, lock: bool = True
) -> list[tuple[int, int, int]]:
    """Bins and lots that can give ``line`` pieces, FEFO, with the units free in each (on hand
    less reserved less pieces on a weight hold)."""
    if session.autoflush:  # as session.execute would: what the session holds goes first
        session.flush()
    stmt = _CANDIDATES[lock, line.lot_id is not None]
    rows = stmt.rows(session, {"sku_id": line.sku_id, "lot_id": line.lot_id})
    held = {(loc, lot): int(n) for loc, lot, n in _HELD.rows(session, {"sku_id": line.sku_id})}
    free = [(loc, lot, int(free) - held.get((loc, lot), 0)) for loc, lot, free in rows]
    return [row for row in free if row[2] > 0]


def _reserve_line(session: Session, line: OrderLine) -> AllocatedLine:
    result = AllocatedLine(line)
    need = result.missing
    if need == 0:
        return result
    for location_id, lot_id, free in _candidates(session, line):
        take = min(free, need)
        change_reserved(session, sku_id=line.sku_id, location_id=location_id, lot_id=lot_id,
                        delta=take)
        _INSERT_RESERVATION.run(session, {
            "order_line_id": line.id, "sku_id": line.sku_id, "location_id": location_id,
            "lot_id": lot_id, "quantity": take, "open_quantity": take,
            "status": str(ReservationStatus.OPEN), "created_at": now(),
        })  # fmt: skip
        result.reserved_now.append((location_id, lot_id, take))
        need -= take
        if need == 0:
            break
    if result.reserved_now:
        reserved = line.reserved_quantity + sum(qty for _, _, qty in result.reserved_now)
        _SET_LINE_RESERVED.run(session, {"p_id": line.id, "p_reserved": reserved})
        set_committed_value(line, "reserved_quantity", reserved)
    return result


def allocate_order(session: Session, *, actor: Actor, order_id: int) -> Allocation:
    """Reserve stock for what an order still needs; partial allocation is reported.

    InsufficientStockError when nothing at all could be reserved for the order (then nothing
    was written); ConflictError ``stock-changed`` when a reservation was refused part-way (the
    transaction must then be rolled back).
    """
    return allocate_locked(session, actor=actor, order=lock_order(session, order_id=order_id))


def allocate_locked(session: Session, *, actor: Actor, order: SalesOrder) -> Allocation:
    """:func:`allocate_order` for an order this transaction already holds: row-locked by
    :func:`~core.orders.service.lock_order`, or created by it (as a channel's new order is),
    with its lines loaded. Nothing is read again."""
    if order.status not in ALLOCATABLE_STATUSES:
        raise ConflictError(f"Order {order.id} is {order.status}; it cannot be allocated.",
                            code="order-not-allocatable")
    # Lines in SKU order so that two orders lock balances in the same order (no deadlock).
    by_sku = sorted(order.lines, key=lambda ln: (ln.sku_id, ln.line_no))
    try:
        results = {al.line.id: al for al in (_reserve_line(session, ln) for ln in by_sku)}
    except BaseException as exc:
        # What was written goes with the caller's rollback; the values given to the lines as
        # committed would not (a savepoint's rollback expires only what the ORM changed).
        for obj in (order, *order.lines):
            session.expire(obj)
        if isinstance(exc, InsufficientStockError):
            # A conditional update refused part-way (free stock read under lock changed): not
            # the "nothing to reserve" refusal below, which a caller may commit after, since
            # pieces may already be reserved here. Only the whole transaction may go.
            raise ConflictError(
                f"Order {order.external_id}: the free stock changed while it was being "
                "reserved; try again.", code="stock-changed",
            ) from exc
        raise
    allocation = Allocation(order, [results[ln.id] for ln in order.lines])
    held = sum(ln.reserved_quantity + ln.picked_quantity for ln in order.lines)
    if held == 0:  # nothing was reserved, so nothing was written
        raise InsufficientStockError(
            f"Order {order.external_id}: no free stock of any line in pickable bins."
        )
    status = OrderStatus.ALLOCATED if allocation.complete else OrderStatus.PARTIALLY_ALLOCATED
    if order.status != status:
        _SET_ORDER_STATUS.run(session, {"p_id": order.id, "p_status": str(status)})
        set_committed_value(order, "status", status)
    audit.record(
        session, actor=actor.username, action="order.allocate",
        entity=f"{order.channel}:{order.external_id}",
        detail={"order_id": order.id, "status": order.status, "reserved": [
            {"line": al.line.line_no, "location_id": loc, "lot_id": lot, "quantity": qty}
            for al in allocation.lines for loc, lot, qty in al.reserved_now
        ]},
    )
    return allocation


def cancel_order(session: Session, *, actor: Actor, order_id: int) -> SalesOrder:
    """Cancel an order not yet picked: release its reservations and cancel its open picks.

    Pieces already picked stay in packing (a transfer puts them back).
    """
    order = lock_order(session, order_id=order_id)
    if order.status not in CANCELLABLE:
        raise ConflictError(f"Order {order.id} is {order.status}; it cannot be cancelled.",
                            code="order-not-cancellable")
    line_ids = [ln.id for ln in order.lines]
    reservations = session.scalars(
        select(Reservation).where(Reservation.order_line_id.in_(line_ids),
                                  Reservation.status == ReservationStatus.OPEN)
    ).all()
    released = release_reservations(session, reservations=reservations, lines=order.lines)
    open_picks = (
        (DocumentLine.order_line_id.in_(line_ids)) & (DocumentLine.status == LineStatus.OPEN)
        & DocumentLine.document_id.in_(select(Document.id).where(Document.kind == DocKind.PICK))
    )
    doc_ids = set(session.scalars(select(DocumentLine.document_id).where(open_picks)))
    session.execute(update(DocumentLine).where(open_picks).values(status=LineStatus.CANCELLED)
                    .execution_options(synchronize_session="fetch"))
    order.status = OrderStatus.CANCELLED
    session.flush()
    audit.record(session, actor=actor.username, action="order.cancel",
                 entity=f"{order.channel}:{order.external_id}",
                 detail={"order_id": order.id, "released": released})
    finish_pick_lists(session, actor=actor, document_ids=sorted(doc_ids))
    return order
