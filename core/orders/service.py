"""Order verbs: take orders from channels (idempotently), read and list them, release stock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.orm import Session, make_transient_to_detached, selectinload

from core.audit import service as audit
from core.catalogue.models import Sku
from core.clock import now
from core.db import pairs
from core.errors import ConflictError, NotFoundError
from core.events import OrderCreated, record
from core.ledger.posting import change_reserved
from core.lots.models import Lot
from core.orders.models import OrderLine, OrderStatus, Reservation, ReservationStatus, SalesOrder
from core.orders.schemas import OrderCreate, OrderLineIn, OrderLineRead, OrderRead
from core.people.security import Actor
from core.prepared import Prepared, driver_dialect, insert_unless_taken

__all__ = [
    "create_order",
    "get_order",
    "list_orders",
    "lock_order",
    "order_read",
    "order_reads",
    "release_reservations",
]

# Built once: taking an order runs these on every channel message (a statement built per call
# costs more in SQLAlchemy than SQLite spends running it).
_SKU_IDS = select(Sku.code, Sku.id).where(Sku.code.in_(bindparam("codes", expanding=True)))
_LOT_IDS = select(Lot.code, Lot.id).where(Lot.code.in_(bindparam("codes", expanding=True)))
_P_SKU_ID = Prepared(select(Sku.__table__.c.id).where(Sku.__table__.c.code == bindparam("code")))
_FIND = (
    select(SalesOrder)
    .where(SalesOrder.channel == bindparam("channel"),
           SalesOrder.external_id == bindparam("external_id"))
    .options(selectinload(SalesOrder.lines))
)
_ORDER_COLUMNS = ("channel", "external_id", "customer_name", "customer_ref", "status",
                  "removal_strategy", "created_at", "due_at", "shipped_at", "paid_at",
                  "refund_ref")  # fmt: skip
_LINE_COLUMNS = ("order_id", "line_no", "sku_id", "lot_id", "quantity", "reserved_quantity",
                 "picked_quantity", "shipped_quantity", "unit_price")  # fmt: skip


# Taking an order writes its rows with these, prepared once and run on the raw cursor (see
# core.prepared): the ORM's unit of work cost more than the inserts themselves. A new order's
# row is not inserted when (channel, external_id) is taken by a concurrent twin of the request
# that committed first (PostgreSQL waits for it, then inserts nothing).
_INSERT_ORDER = insert_unless_taken(SalesOrder.__table__, _ORDER_COLUMNS,
                                    ["channel", "external_id"])
_INSERT_LINE = Prepared(
    insert(OrderLine.__table__)
    .values({name: bindparam(name) for name in _LINE_COLUMNS})
    .returning(OrderLine.__table__.c.id)
)
# The order row-locked (PostgreSQL) and read again with its lines, in two statements.
_LOCK = (
    select(SalesOrder)
    .where(SalesOrder.id == bindparam("order_id"))
    .options(selectinload(SalesOrder.lines))
    .with_for_update(of=SalesOrder)
    .execution_options(populate_existing=True)
)


@dataclass(frozen=True)
class _Line:
    sku_id: int
    lot_id: int | None
    quantity: int
    unit_price: float | None


def _sku_ids(session: Session, codes: set[str]) -> dict[str, int]:
    if len(codes) == 1:  # most channel orders: one prepared look-up
        (code,) = codes
        found = _P_SKU_ID.first(session, {"code": code})
        return {code: found[0]} if found is not None else {}
    return dict(session.execute(_SKU_IDS, {"codes": sorted(codes)}).all())


def _resolve_lines(
    session: Session, lines: Sequence[OrderLineIn], known: Mapping[str, int] | None = None
) -> list[_Line]:
    sku_codes = {ln.sku for ln in lines}
    lot_codes = {ln.lot.strip().upper() for ln in lines if ln.lot}
    if known is not None and sku_codes <= known.keys():
        skus = {code: known[code] for code in sku_codes}
    else:
        skus = _sku_ids(session, sku_codes)
    lots: dict[str, int] = (
        dict(session.execute(_LOT_IDS, {"codes": sorted(lot_codes)}).all()) if lot_codes else {}
    )
    if missing := sorted(sku_codes - set(skus)):
        raise NotFoundError(f"No SKU with code '{missing[0]}'.", code="unknown-sku")
    if missing := sorted(lot_codes - set(lots)):
        raise NotFoundError(f"No lot with code '{missing[0]}'.", code="unknown-lot")
    return [
        _Line(skus[ln.sku], lots[ln.lot.strip().upper()] if ln.lot else None, ln.quantity,
              ln.unit_price)
        for ln in lines
    ]


def _find(session: Session, channel: str, external_id: str) -> SalesOrder | None:
    return session.scalar(_FIND, {"channel": channel, "external_id": external_id})


def _same_or_conflict(order: SalesOrder, lines: list[_Line]) -> SalesOrder:
    have = [(ln.sku_id, ln.lot_id, ln.quantity) for ln in order.lines]
    want = [(ln.sku_id, ln.lot_id, ln.quantity) for ln in lines]
    if have != want:
        raise ConflictError(
            f"Order {order.external_id} from {order.channel} already exists with other lines.",
            code="order-conflict",
        )
    return order


def create_order(
    session: Session,
    *,
    actor: Actor,
    data: OrderCreate,
    sku_ids: Mapping[str, int] | None = None,
) -> tuple[SalesOrder, bool]:
    """Take an order; a repeat of (channel, external_id) returns the existing one, unchanged.

    Returns the order and whether it was created now. Different lines under a known
    (channel, external_id) raise ConflictError ``order-conflict``. ``sku_ids`` are the ids of
    the lines' SKU codes when the caller read them in this transaction already (a channel's
    SKU mapping does): they are not looked up again.
    """
    if session.autoflush:  # the look-ups below run on the raw cursor: the session goes first
        session.flush()
    lines = _resolve_lines(session, data.lines, sku_ids)
    # Inserted first (a new order is the common case): a taken (channel, external_id) inserts
    # nothing, and the order that holds it is read instead.
    order = _insert(session, data, lines)
    if order is None:  # a repeat, or a concurrent twin of this request committed it first
        if (existing := _find(session, data.channel, data.external_id)) is None:
            raise ConflictError(
                f"Order {data.external_id} from {data.channel} is being taken by another "
                "request; try again.", code="order-conflict",
            )
        return _same_or_conflict(existing, lines), False
    audit.record(session, actor=actor.username, action="order.create",
                 entity=f"{order.channel}:{order.external_id}",
                 detail={"order_id": order.id, "lines": data.model_dump(mode="json")["lines"]})
    record(session, OrderCreated(order_id=order.id, channel=order.channel,
                                 external_id=order.external_id))
    return order, True


def _insert(session: Session, data: OrderCreate, lines: list[_Line]) -> SalesOrder | None:
    """Insert the order and its lines; they join the session as persistent objects, loaded
    and clean (exactly what was written), so nothing is flushed or read back."""
    values: dict[str, Any] = {
        "channel": data.channel, "external_id": data.external_id,
        "customer_name": data.customer_name, "customer_ref": data.customer_ref,
        "status": str(OrderStatus.OPEN), "removal_strategy": str(data.removal_strategy),
        "created_at": now(), "due_at": data.due_at, "shipped_at": None, "paid_at": None,
        "refund_ref": None,
    }  # fmt: skip
    row = _INSERT_ORDER[driver_dialect(session).name].first(session, values)
    if row is None:
        return None
    order = SalesOrder(id=row[0], **values)
    order_lines = []
    for no, ln in enumerate(lines, start=1):
        line_values: dict[str, Any] = {
            "order_id": order.id, "line_no": no, "sku_id": ln.sku_id, "lot_id": ln.lot_id,
            "quantity": ln.quantity, "reserved_quantity": 0, "picked_quantity": 0,
            "shipped_quantity": 0, "unit_price": ln.unit_price,
        }  # fmt: skip
        found = _INSERT_LINE.first(session, line_values)
        assert found is not None  # an INSERT ... RETURNING answers its row
        order_lines.append(OrderLine(id=found[0], **line_values))
    order.lines = order_lines
    for obj in (order, *order_lines):
        make_transient_to_detached(obj)  # as if just read: nothing pending
    session.add(order)  # its lines come with it
    return order


def get_order(session: Session, *, order_id: int) -> SalesOrder:
    """An order with its lines; NotFoundError ``unknown-order`` otherwise."""
    order = session.scalar(
        select(SalesOrder).where(SalesOrder.id == order_id).options(selectinload(SalesOrder.lines))
    )
    if order is None:
        raise NotFoundError(f"No order with id {order_id}.", code="unknown-order")
    return order


def lock_order(session: Session, *, order_id: int) -> SalesOrder:
    """The order, row-locked until commit on PostgreSQL (SQLite writers are serialised)."""
    order = session.scalar(_LOCK, {"order_id": order_id})
    if order is None:
        raise NotFoundError(f"No order with id {order_id}.", code="unknown-order")
    return order


def list_orders(
    session: Session, *, status: str | None = None, channel: str | None = None,
    search: str | None = None, limit: int = 50, offset: int = 0,
) -> tuple[list[SalesOrder], int]:
    """A page of orders, newest first, filtered by status and channel, and the total.

    ``search`` finds orders whose number (external id) or channel contains it, in any case;
    never the customer, which some roles may not see.
    """
    stmt = select(SalesOrder)
    if status:
        stmt = stmt.where(SalesOrder.status == status)
    if channel:
        stmt = stmt.where(SalesOrder.channel == channel)
    if search:
        # Typed text, not a pattern: the wildcards % and _ match themselves.
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(or_(func.lower(SalesOrder.external_id).like(pattern, escape="\\"),
                              func.lower(SalesOrder.channel).like(pattern, escape="\\")))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = stmt.order_by(SalesOrder.created_at.desc(), SalesOrder.id.desc())
    orders = session.scalars(
        page.limit(limit).offset(offset).options(selectinload(SalesOrder.lines))
    ).all()
    return list(orders), total


def order_reads(
    session: Session, orders: Sequence[SalesOrder], *, customers: bool = True
) -> list[OrderRead]:
    """API views of orders, with SKU and lot codes looked up in one go (the customer's name
    and reference null unless ``customers``)."""
    lines = [ln for o in orders for ln in o.lines]
    sku_ids = {ln.sku_id for ln in lines}
    lot_ids = {ln.lot_id for ln in lines if ln.lot_id}
    skus = pairs(session, select(Sku.id, Sku.code).where(Sku.id.in_(sku_ids)))
    lots = pairs(session, select(Lot.id, Lot.code).where(Lot.id.in_(lot_ids)))
    return [
        OrderRead(
            id=o.id, channel=o.channel, external_id=o.external_id,
            customer_name=o.customer_name if customers else None,
            customer_ref=o.customer_ref if customers else None, status=o.status,
            removal_strategy=o.removal_strategy, created_at=o.created_at, due_at=o.due_at,
            shipped_at=o.shipped_at, paid_at=o.paid_at, refund_ref=o.refund_ref,
            lines=[
                OrderLineRead(
                    id=ln.id, line_no=ln.line_no, sku=skus[ln.sku_id],
                    lot=lots.get(ln.lot_id) if ln.lot_id else None, quantity=ln.quantity,
                    reserved_quantity=ln.reserved_quantity, picked_quantity=ln.picked_quantity,
                    shipped_quantity=ln.shipped_quantity, unit_price=ln.unit_price,
                )
                for ln in o.lines
            ],
        )
        for o in orders
    ]


def order_read(session: Session, order: SalesOrder, *, customers: bool = True) -> OrderRead:
    """The API view of one order (the customer null unless ``customers``)."""
    return order_reads(session, [order], customers=customers)[0]


def release_reservations(
    session: Session, *, reservations: Sequence[Reservation], lines: Sequence[OrderLine]
) -> int:
    """Give back the open part of ``reservations``; returns how many pieces were released."""
    by_id = {ln.id: ln for ln in lines}
    released = 0
    for res in reservations:
        if res.status != ReservationStatus.OPEN:
            continue
        if res.open_quantity:
            change_reserved(session, sku_id=res.sku_id, location_id=res.location_id,
                            lot_id=res.lot_id, delta=-res.open_quantity)
            by_id[res.order_line_id].reserved_quantity -= res.open_quantity
            released += res.open_quantity
        res.open_quantity = 0
        res.status = ReservationStatus.RELEASED
    session.flush()
    return released
