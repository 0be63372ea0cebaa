"""The reports' goods filters the chat needs (issue 18): a metal's colour and a size narrow every
report; open orders and QC failures narrow to the goods they hold, one lot, or a place."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import Database
from core.catalogue.models import Sku, Style
from core.clock import as_utc
from core.errors import NotFoundError
from core.lots.models import Lot, Serial
from core.orders.models import OrderLine, SalesOrder
from core.reports import (
    ReportFilter,
    order_timing,
    pending_orders,
    qc_failures_by_supplier,
    run_report,
)


def _units(db: Database, f: ReportFilter) -> int:
    with db.read() as session:
        return sum(int(r["units"]) for r in run_report(session, "ageing", f))


def test_colour_and_size_narrow_stock_to_those_skus(demo: Database) -> None:
    gold = _units(demo, ReportFilter(metal="gold"))
    by_colour = {c: _units(demo, ReportFilter(metal="gold", colour=c))
                 for c in ("yellow", "white", "rose")}
    assert gold > 0 and all(n < gold for n in by_colour.values())
    assert sum(by_colour.values()) == gold  # every gold SKU has one of the three colours
    rings = _units(demo, ReportFilter(category="ring"))
    sizes = {s: _units(demo, ReportFilter(category="ring", size=s)) for s in "56789"}
    assert 0 < max(sizes.values()) < rings and sum(sizes.values()) <= rings
    assert _units(demo, ReportFilter(size="no-such-size")) == 0


def test_open_orders_narrow_to_those_holding_the_goods(demo: Database) -> None:
    with demo.read() as session:
        every = pending_orders(session)
        for goods in (ReportFilter(category="ring"), ReportFilter(metal="platinum"),
                      ReportFilter(metal="gold", colour="white")):
            some = pending_orders(session, goods=goods)
            assert {r["order"] for r in some} <= {r["order"] for r in every}
            for row in some:  # each holds a line of such goods
                skus = select(Sku.id).join(Style, Style.id == Sku.style_id)
                if goods.category:
                    skus = skus.where(Style.category == goods.category)
                if goods.metal:
                    skus = skus.where(Sku.metal == goods.metal)
                if goods.colour:
                    skus = skus.where(Sku.metal_colour == goods.colour)
                held = session.scalar(
                    select(OrderLine.id).join(SalesOrder, SalesOrder.id == OrderLine.order_id)
                    .where(SalesOrder.external_id == row["order"], OrderLine.sku_id.in_(skus))
                    .limit(1))
                assert held is not None, (goods, row["order"])
        assert pending_orders(session, goods=ReportFilter(category="no-such")) == []
        assert pending_orders(session, goods=ReportFilter()) == every  # nothing named


def _lots(row: dict[str, object]) -> list[str]:
    failed = row["failed_lots"]
    assert isinstance(failed, list)
    return [str(code) for code in failed]


def test_qc_failures_narrow_to_lots_of_the_goods_one_lot_or_a_place(demo: Database) -> None:
    with demo.read() as session:
        every = qc_failures_by_supplier(session)
        inspected = sum(int(str(r["inspections"])) for r in every)
        assert inspected > 0
        platinum = qc_failures_by_supplier(session, goods=ReportFilter(metal="platinum"))
        lots_with = set(session.scalars(
            select(Lot.code).join(Serial, Serial.lot_id == Lot.id)
            .join(Sku, Sku.id == Serial.sku_id).where(Sku.metal == "platinum")))
        assert sum(int(str(r["inspections"])) for r in platinum) <= inspected
        assert all(lot in lots_with for r in platinum for lot in _lots(r))
        lot = session.scalars(select(Lot.code).order_by(Lot.code)).first()
        assert lot is not None
        one = qc_failures_by_supplier(session, goods=ReportFilter(lot=lot.lower()))
        assert len(one) == 1 and all(code == lot for code in _lots(one[0]))
        nowhere = qc_failures_by_supplier(session, goods=ReportFilter(location="NO-SUCH"))
        assert nowhere == []


def test_a_sku_or_the_start_of_several_narrows_stock(demo: Database) -> None:
    with demo.read() as session:
        codes = list(session.scalars(select(Sku.code).where(Sku.code.like("ST0003-Au750Y-%"))))
    assert len(codes) > 1
    each = {c: _units(demo, ReportFilter(sku=c)) for c in codes}
    assert _units(demo, ReportFilter(sku="ST0003-Au750Y")) == sum(each.values()) > 0
    assert _units(demo, ReportFilter(sku=codes[0].lower())) == each[codes[0]]
    assert _units(demo, ReportFilter(sku="ST0003-Au750")) == 0  # not cut at a dash


def test_one_orders_timing_against_its_due_date(demo: Database) -> None:
    with demo.read() as session:
        orders = list(session.scalars(select(SalesOrder).where(SalesOrder.due_at.is_not(None))))
        assert orders
        for order in orders[:20]:
            assert order.due_at is not None
            due = as_utc(order.due_at)
            row = order_timing(session, order=order.external_id.lower(), at=due)
            assert row["order"] == order.external_id
            if order.status == "cancelled":
                assert row["late"] is None
            elif order.shipped_at is not None:
                assert row["late"] == (as_utc(order.shipped_at) > due)
            else:  # open, asked at its due moment: not yet late
                assert row["late"] is False
        with pytest.raises(NotFoundError):
            order_timing(session, order="W-1042", at=as_utc(orders[0].created_at))
