"""Reorder advice nets out stock on its way: in quarantine and on open purchase orders.

The story (UTC): 18 chains are stored on 2 January 2026. From 5 January, a Monday, two are
sold every week for eight weeks, so on 2 March two are left. By hand, with the defaults (SBA,
alpha 0.1, two weeks of lead time, weekly review, 95% service):

- the SBA rate is 0.95 x 2 / 1 = 1.9 a week; every one-step forecast in the 4-week holdout
  misses by 0.1, so sigma = 1.25 x 0.1 = 0.125;
- reorder point = 1.9 x 2 + 1.6449 x 0.125 x sqrt(2) = 4.09,
  order-up-to = 1.9 x 3 + 1.6449 x 0.125 x sqrt(3) = 6.06.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from core.documents.schemas import LotIn, QCCreate, ReceiptCreate, ReceiptLineIn
from core.orders.allocation import allocate_order
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.orders.shipping import ship_order
from core.purchasing import cancel_purchase_order, create_purchase_order, receiving
from core.purchasing.schemas import PurchaseOrderCreate, PurchaseOrderLineIn
from core.reports.filters import ReportFilter
from core.reports.forecast import reorder_advice
from core.reports.registry import run_report
from tests.builders import Builder, clock, label_digits

START = datetime(2026, 1, 5, tzinfo=UTC)
END = START + timedelta(weeks=8)
PERIOD = ReportFilter(since=START, until=END)


@pytest.fixture
def b(session: Session) -> Iterator[Builder]:
    builder = Builder(session)
    with clock(START - timedelta(days=3)):
        bins = builder.warehouse()
        builder.supplier("SUP1")
        builder.supplier("SUP2")
        builder.sku("CHAIN-1", serialised=False)
        builder.stock("CHAIN-1", "L-1", 18, bins[0], serialised=False)
    for week in range(8):
        with clock(START + timedelta(weeks=week, days=2, hours=10)):
            order, _ = create_order(session, actor=builder.actor, data=OrderCreate(
                channel="shop", external_id=f"W{week}", customer_name="Ada",
                lines=[OrderLineIn(sku="CHAIN-1", quantity=2)]))
            allocate_order(session, actor=builder.actor, order_id=order.id)
            doc = create_pick_list(session, actor=builder.actor, order_ids=[order.id])
            line = pick_list_read(session, doc).lines[0]
            confirm_pick(session, actor=builder.actor, line_id=line.id, quantity=2,
                         check_digits=label_digits(session, line.id))
            ship_order(session, actor=builder.actor, order_id=order.id)
    with clock(END):  # the advice is read the day the period ends
        yield builder


def _po(b: Builder, quantity: int, *, supplier: str = "SUP1", status: str = "open",
        due: date = date(2026, 3, 10)) -> str:
    return create_purchase_order(b.session, actor=b.actor, data=PurchaseOrderCreate(
        supplier=supplier, expected_on=due, status=status,  # type: ignore[arg-type]
        lines=[PurchaseOrderLineIn(sku="CHAIN-1", quantity=quantity, unit_cost=Decimal(40))],
    )).number


def test_on_order_and_quarantine_count_towards_the_reorder_point(b: Builder) -> None:
    s = b.session
    (row,) = reorder_advice(s, PERIOD)
    assert (row["forecast_per_week"], row["backtest_mae"]) == (1.9, 0.1)
    assert (row["reorder_point"], row["order_up_to"]) == (4.1, 6.1)
    assert (row["on_hand"], row["available"], row["in_quarantine"], row["on_order"]) == (
        2, 2, 0, 0)
    assert row["suggested_quantity"] == 5  # ceil(6.06 - 2)
    assert str(row["explanation"]).endswith("2 available, so order 5.")

    # A draft is not on order yet, a cancelled order no longer is; one piece is.
    _po(b, 50, status="draft")
    cancel_purchase_order(s, actor=b.actor, number=_po(b, 50))
    _po(b, 1, due=date(2026, 3, 12))
    _po(b, 3, supplier="SUP2", status="draft")
    (row,) = reorder_advice(s, PERIOD)
    assert (row["on_order"], row["next_due"], row["position"]) == (1, "2026-03-12", 3)
    assert row["suggested_quantity"] == 4  # ceil(6.06 - 3)
    assert "2 available and 1 on order (next due 2026-03-12), 3 in all, so order 4." in str(
        row["explanation"])

    # Three of five more arrive against a second order: in quarantine, and two still to come.
    second = _po(b, 5)
    receiving.receive(s, actor=b.actor, data=ReceiptCreate(
        supplier="SUP1", purchase_order=second,
        lots=[LotIn(code="L-2", purchase_date=date(2026, 2, 25))],
        lines=[ReceiptLineIn(sku="CHAIN-1", lot="L-2", quantity=3)]))
    (row,) = reorder_advice(s, PERIOD)
    assert (row["available"], row["in_quarantine"], row["on_order"], row["position"]) == (
        2, 3, 3, 8)
    assert row["suggested_quantity"] == 0 and str(row["explanation"]).endswith(
        "2 available, 3 received and in quarantine and 3 on order (next due 2026-03-10), "
        "8 in all, above the reorder point: nothing to order.")

    # A held lot will not reach the shelves.
    receiving.inspect_lot(s, actor=b.actor, data=QCCreate(lot="L-2", result="fail"))
    (row,) = reorder_advice(s, PERIOD)
    assert (row["in_quarantine"], row["position"], row["suggested_quantity"]) == (0, 5, 0)
    with clock(datetime(2026, 3, 11, tzinfo=UTC)):
        (row,) = reorder_advice(s, PERIOD)
    assert "3 on order (next due 2026-03-10, overdue), 5 in all" in str(row["explanation"])

    # Filters: by supplier, only that supplier's orders are on order; by metal, the SKU's.
    _po(b, 4, supplier="SUP2")
    (row,) = run_report(s, "reorder", PERIOD)
    assert row["on_order"] == 7
    (row,) = run_report(s, "reorder", ReportFilter(since=START, until=END,
                                                   supplier="SUP1"))
    assert row["on_order"] == 3
    (row,) = run_report(s, "reorder", ReportFilter(since=START, until=END,
                                                   metal="gold"))
    assert row["on_order"] == 7
    assert run_report(s, "reorder", ReportFilter(since=START, until=END,
                                                 metal="silver")) == []
