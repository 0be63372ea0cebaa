"""The intake's fast path writes rows without the ORM's unit of work: what the session's objects
say must be what the database holds, and a refusal part-way must leave nothing behind."""

from __future__ import annotations

from sqlalchemy import select

from core import Database
from core.channels import receive_and_apply
from core.clock import as_utc
from core.errors import InsufficientStockError
from core.events import savepoint
from core.orders import create_order, order_read
from core.orders.allocation import allocate_locked
from core.orders.integrity import verify_stock
from core.orders.models import OrderStatus, Reservation, SalesOrder
from core.orders.schemas import OrderCreate, OrderLineIn
from core.people.service import system_actor
from tests.core.channels.inbox_fixtures import SKU, message, reserved, shop


def test_a_webhook_order_is_held_exactly_as_the_database_says(db: Database) -> None:
    shop(db, qty=5)
    (got,), reads = receive_and_apply(
        db, channel="tmall", messages=[message("created", "T-1", lines=((SKU, 2),))], raw="{}"
    )
    assert reads[got.message_id].outcome == "created"
    with db.read() as session:
        order = session.scalar(select(SalesOrder).where(SalesOrder.external_id == "T-1"))
        assert order is not None and order.status == OrderStatus.ALLOCATED
        assert [(ln.line_no, ln.quantity, ln.reserved_quantity) for ln in order.lines] == [
            (1, 2, 2)
        ]
        held = session.scalars(select(Reservation)).all()
        assert [(r.quantity, r.open_quantity, r.status) for r in held] == [(2, 2, "open")]
        assert verify_stock(session).ok
    assert reserved(db) == 2


def test_create_and_allocate_leave_nothing_pending_and_read_back_the_same(db: Database) -> None:
    shop(db, qty=5)
    with db.write() as session:
        actor = system_actor(session)
        data = OrderCreate(channel="api", external_id="A-1", customer_name="Lin Mei",
                           lines=[OrderLineIn(sku=SKU, quantity=3)])  # fmt: skip
        order, new = create_order(session, actor=actor, data=data)
        assert new and not session.new and not session.dirty
        allocation = allocate_locked(session, actor=actor, order=order)
        assert allocation.complete and not session.new and not session.dirty
        held = order_read(session, order)
        session.expire_all()  # what the objects said against what the rows say
        read = order_read(session, session.get_one(SalesOrder, order.id))
        # SQLite hands a time back without its zone (UTC), as for any order.
        assert as_utc(read.created_at) == held.created_at
        assert read.model_dump(exclude={"created_at"}) == held.model_dump(exclude={"created_at"})
        assert held.status == OrderStatus.ALLOCATED and held.lines[0].reserved_quantity == 3
        again, new = create_order(session, actor=actor, data=data)  # a repeat: the same order
        assert not new and again.id == order.id


def test_a_refused_allocation_in_a_savepoint_leaves_the_order_as_it_was(db: Database) -> None:
    shop(db, qty=1)
    with db.write() as session:
        actor = system_actor(session)
        order, _ = create_order(session, actor=actor, data=OrderCreate(
            channel="api", external_id="A-2", customer_name="Lin Mei",
            lines=[OrderLineIn(sku=SKU, quantity=1)]))  # fmt: skip
        allocate_locked(session, actor=actor, order=order)  # takes the only piece
        second, _ = create_order(session, actor=actor, data=OrderCreate(
            channel="api", external_id="A-3", customer_name="Lin Mei",
            lines=[OrderLineIn(sku=SKU, quantity=1)]))  # fmt: skip
        try:
            with savepoint(session):
                allocate_locked(session, actor=actor, order=second)
        except InsufficientStockError:
            pass
        else:
            raise AssertionError("the second order was given a piece that is not there")
        assert second.status == OrderStatus.OPEN and second.lines[0].reserved_quantity == 0
    assert reserved(db) == 1
