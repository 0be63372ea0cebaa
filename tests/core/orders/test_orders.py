"""Orders: idempotent intake, FIFO and named-lot allocation, partial allocation, cancel."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import ConflictError, InsufficientStockError
from core.ledger.models import Balance
from core.lots.models import Lot
from core.lots.service import set_hold
from core.orders.allocation import allocate_order, cancel_order
from core.orders.integrity import verify_stock
from core.orders.models import OrderStatus
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order, list_orders, order_read
from tests.builders import Builder
from tests.core.orders.support import order, reserved, stock_lot

Shop = tuple[Builder, list[str], str]


@pytest.fixture
def shop(session: Session) -> Shop:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    return b, bins, b.sku("RING-7")


def test_fifo_takes_the_oldest_lot_first(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    stock_lot(session, b.actor, sku=sku, lot="L-NEW", qty=3, location=bins[0],
              purchased=date(2026, 3, 1))
    stock_lot(session, b.actor, sku=sku, lot="L-OLD", qty=2, location=bins[1],
              purchased=date(2025, 12, 1))
    o = order(session, b.actor, "1001", (sku, 4))
    result = allocate_order(session, actor=b.actor, order_id=o.id)
    assert result.complete and o.status == OrderStatus.ALLOCATED
    assert reserved(session, o.id) == [(bins[1], "L-OLD", 2), (bins[0], "L-NEW", 2)]
    assert order_read(session, o).lines[0].reserved_quantity == 4
    assert verify_stock(session).ok


def test_named_lot_is_honoured(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    stock_lot(session, b.actor, sku=sku, lot="L-NEW", qty=3, location=bins[0],
              purchased=date(2026, 3, 1))
    stock_lot(session, b.actor, sku=sku, lot="L-OLD", qty=2, location=bins[1],
              purchased=date(2025, 12, 1))
    o = order(session, b.actor, "1002", (sku, 2, "l-new"))
    allocate_order(session, actor=b.actor, order_id=o.id)
    assert reserved(session, o.id) == [(bins[0], "L-NEW", 2)]


def test_partial_allocation_is_reported(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    stock_lot(session, b.actor, sku=sku, lot="L-1", qty=3, location=bins[0])
    o = order(session, b.actor, "1003", (sku, 5))
    result = allocate_order(session, actor=b.actor, order_id=o.id)
    assert not result.complete
    assert o.status == OrderStatus.PARTIALLY_ALLOCATED
    assert result.lines[0].missing == 2 and result.lines[0].reserved_now[0][2] == 3
    again = allocate_order(session, actor=b.actor, order_id=o.id)  # nothing more: still reported
    assert again.lines[0].reserved_now == [] and again.lines[0].missing == 2
    assert verify_stock(session).ok


def test_only_approved_stock_in_storage_bins_is_allocated(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    b.receive(sku, "L-QUAR", 4)  # still in quarantine, not approved
    stock_lot(session, b.actor, sku=sku, lot="L-HELD", qty=2, location=bins[0])
    set_hold(session, actor=b.actor, code="L-HELD", hold=True, reason="assay query")
    o = order(session, b.actor, "1004", (sku, 1))
    with pytest.raises(InsufficientStockError):
        allocate_order(session, actor=b.actor, order_id=o.id)


def test_order_intake_is_idempotent(session: Session, shop: Shop) -> None:
    b, _bins, sku = shop
    data = OrderCreate(channel="etsy", external_id="E-77", customer_name="Grace Hopper",
                       lines=[OrderLineIn(sku=sku, quantity=2)])
    first, created = create_order(session, actor=b.actor, data=data)
    again, created_again = create_order(session, actor=b.actor, data=data)
    assert created and not created_again and again.id == first.id
    other = data.model_copy(update={"lines": [OrderLineIn(sku=sku, quantity=3)]})
    with pytest.raises(ConflictError) as err:
        create_order(session, actor=b.actor, data=other)
    assert err.value.code == "order-conflict"
    orders, total = list_orders(session, channel="etsy")
    assert total == 1 and orders[0].id == first.id


def test_cancel_releases_reservations(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    stock_lot(session, b.actor, sku=sku, lot="L-1", qty=3, location=bins[0])
    o = order(session, b.actor, "1005", (sku, 3))
    allocate_order(session, actor=b.actor, order_id=o.id)
    cancel_order(session, actor=b.actor, order_id=o.id)
    assert o.status == OrderStatus.CANCELLED
    lot_id = session.scalar(select(Lot.id).where(Lot.code == "L-1"))
    held = session.scalar(select(Balance.reserved).where(Balance.lot_id == lot_id,
                                                         Balance.on_hand > 0))
    assert held == 0
    with pytest.raises(ConflictError) as err:
        allocate_order(session, actor=b.actor, order_id=o.id)
    assert err.value.code == "order-not-allocatable"
    assert verify_stock(session).ok
