"""Read-only reports on the small demo warehouse, cross-checked against the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Select, func, select

from core import Database
from core.audit.service import verify as verify_audit
from core.catalogue.models import Sku, Style
from core.catalogue.schemas import StyleCreate
from core.catalogue.service import create_style
from core.documents.models import Document, DocumentLine
from core.errors import NotFoundError, ValidationFailed
from core.ledger import StockFilter, list_stock
from core.ledger.models import StockMove
from core.locations.models import Kind, Location
from core.lots.models import Lot
from core.orders.integrity import verify_stock
from core.orders.models import OrderLine, PickException, Reservation, SalesOrder
from core.people.service import system_actor
from core.reports import (
    best_sellers,
    catalogue_version,
    open_reservations,
    pending_orders,
    pick_progress,
    picker_performance,
    qc_failures_by_supplier,
    slow_movers,
    stock_summary,
    stock_turnover,
    vocabulary,
    who_picked,
)
from core.reports.filters import ReportFilter
from core.reports.people import staff_performance
from core.reports.traced import traced_variances

NOW = datetime.now(UTC)
SINCE = NOW - timedelta(days=45)



def _sold(db: Database, since: datetime, until: datetime) -> int:
    with db.read() as session:
        return int(session.scalar(
            select(func.coalesce(func.sum(StockMove.quantity), 0))
            .join(Location, Location.id == StockMove.to_location_id)
            .where(Location.kind == Kind.CUSTOMER.value, StockMove.created_at >= since,
                   StockMove.created_at < until)) or 0)


def test_sales_reports_agree_with_the_ledger(demo: Database) -> None:
    with demo.read() as session:
        top = best_sellers(session, since=SINCE, until=NOW, limit=10_000)
        turnover = stock_turnover(session, since=SINCE, until=NOW)
        slow = slow_movers(session, since=SINCE, until=NOW, limit=10_000)
        webshop = best_sellers(session, since=SINCE, until=NOW, channel="webshop", limit=10_000)
        with pytest.raises(ValidationFailed):
            best_sellers(session, since=NOW, until=SINCE)
    sold = _sold(demo, SINCE, NOW)
    assert sold > 0 and sum(int(r["quantity"]) for r in top) == sold
    assert [r["rank"] for r in top] == list(range(1, len(top) + 1))
    assert all(top[i]["quantity"] >= top[i + 1]["quantity"] for i in range(len(top) - 1))
    assert sum(int(r["quantity"]) for r in webshop) < sold
    overall = turnover[-1]
    assert overall["category"] == "all" and overall["sold"] == sold
    days = (NOW - SINCE).total_seconds() / 86400
    assert overall["turnover_days"] == pytest.approx(
        float(overall["average_on_hand"]) / (sold / days), rel=0.01)
    assert all(int(r["on_hand"]) > 0 for r in slow)
    assert all(slow[i]["sold"] <= slow[i + 1]["sold"] for i in range(len(slow) - 1))
    assert {r["sku"] for r in slow} >= {r["sku"] for r in slow if r["sold"] == 0}


def test_orders_and_picking(demo: Database) -> None:
    with demo.read() as session:
        pending = pending_orders(session)
        lists = pick_progress(session)
        open_orders = session.scalar(select(func.count(SalesOrder.id)).where(
            SalesOrder.status.not_in(["shipped", "cancelled"])))
        shipped = session.scalar(select(SalesOrder.external_id).where(
            SalesOrder.status == "shipped").order_by(SalesOrder.id.desc()).limit(1))
        picks = who_picked(session, order=str(shipped))
        open_lists = list(session.scalars(select(Document.number).where(
            Document.kind == "pick", Document.status == "open").order_by(Document.id)))
        with pytest.raises(NotFoundError):
            who_picked(session, order="NOPE-000000-00000")
    assert len(pending) == open_orders and all(r["status"] != "shipped" for r in pending)
    assert lists and [r["pick_list"] for r in lists] == open_lists and all(
        r["lines"] == r["lines_done"] + r["lines_short"] + r["lines_open"] for r in lists)
    assert picks and all(r["picked_by"] in ("picker", "picker2") for r in picks)
    assert all(r["done_quantity"] == r["quantity"] for r in picks)


def test_picker_performance_counts_confirmed_lines(demo: Database) -> None:
    with demo.read() as session:
        day = session.scalar(select(func.max(DocumentLine.done_at)).join(
            Document, Document.id == DocumentLine.document_id).where(Document.kind == "pick",
            DocumentLine.done_by_id.is_not(None), DocumentLine.status == "done"))
        assert day is not None
        rows = picker_performance(session, day=day.date())
        mine = picker_performance(session, day=day.date(), username="picker")
        with pytest.raises(NotFoundError):
            picker_performance(session, day=day.date(), username="nobody")
        start = datetime.combine(day.date(), datetime.min.time())
        done = session.scalar(select(func.count(DocumentLine.id)).join(
            Document, Document.id == DocumentLine.document_id).where(
            Document.kind == "pick", DocumentLine.done_at >= start,
            DocumentLine.done_at < start + timedelta(days=1),
            DocumentLine.done_by_id.is_not(None), DocumentLine.status.in_(["done", "short"])))
    assert [r["picker"] for r in rows] == ["picker", "picker2"]
    assert sum(int(r["lines_picked"]) for r in rows) == done > 0
    assert [r["picker"] for r in mine] == ["picker"]


def test_qc_failures_by_supplier(demo: Database) -> None:
    with demo.read() as session:
        rows = qc_failures_by_supplier(session)
        failed = set(session.scalars(select(Lot.code).where(Lot.qc_result == "fail")))
        one = qc_failures_by_supplier(session, supplier=str(rows[0]["supplier"]))
    assert {lot for r in rows for lot in r["failed_lots"]} == failed
    assert sum(int(r["inspections"]) for r in rows) >= len(failed)
    assert len(one) == 1 and one[0] == rows[0]


def test_stock_summary_by_sku(demo: Database) -> None:
    with demo.read() as session:
        rows, totals = stock_summary(session, metal="gold", purity="Au750")
        listed, _ = list_stock(session, filters=StockFilter(metal="gold", purity="Au750"),
                               limit=10_000, offset=0)
    assert totals["on_hand"] == sum(int(r["on_hand"]) for r in listed) == sum(
        int(r["on_hand"]) for r in rows) > 0
    assert totals["skus"] == len(rows) == len({r["sku"] for r in listed})


def _open_holds() -> Select[tuple[str, str, int]]:
    """Open reservations as (lot, order, quantity)."""
    return (select(Lot.code, SalesOrder.external_id, Reservation.open_quantity)
            .join(Lot, Lot.id == Reservation.lot_id)
            .join(OrderLine, OrderLine.id == Reservation.order_line_id)
            .join(SalesOrder, SalesOrder.id == OrderLine.order_id)
            .where(Reservation.status == "open"))


def test_stock_by_location_and_open_reservations(demo: Database) -> None:
    """On the lot holding the most open reservations of the demo."""
    with demo.read() as session:
        holds = session.execute(_open_holds()).all()
        lot = max({h[0] for h in holds}, key=lambda c: sum(q for lc, _o, q in holds if lc == c))
        by_loc, loc_totals = stock_summary(session, by="location", lot=lot, limit=10_000)
        lot_stock, _ = list_stock(session, filters=StockFilter(lot=lot), limit=10_000,
                                  offset=0)
        reservations = open_reservations(session, lot=lot)
    # By bin: the lot's bins, each with the on hand and reserved the ledger holds there (summed
    # over the lot's SKUs: one bin may hold two sizes of a lot; which lot holds the most
    # reservations, and so whether it does, follows the demo's date, which is today's).
    in_bins: dict[str, tuple[int, int]] = {}
    for r in lot_stock:
        if int(r["on_hand"]) > 0:
            on_hand, reserved = in_bins.get(str(r["location"]), (0, 0))
            in_bins[str(r["location"])] = (on_hand + int(r["on_hand"]),
                                           reserved + int(r["reserved"]))
    assert {r["location"]: (r["on_hand"], r["reserved"]) for r in by_loc} == in_bins
    held: dict[str, int] = {}
    for lot_code, order, quantity in holds:
        if lot_code == lot:
            held[order] = held.get(order, 0) + quantity
    listed: dict[str, int] = {}
    for r in reservations:
        listed[str(r["order"])] = listed.get(str(r["order"]), 0) + int(r["quantity"])
    assert listed == held and sum(held.values()) > 0
    assert loc_totals["locations"] == len(by_loc) and loc_totals["reserved"] == sum(held.values())
    assert all(r["order_status"] != "shipped" for r in reservations)


def test_vocabulary_and_version(demo: Database) -> None:
    with demo.read() as session:
        words = vocabulary(session)
        before = catalogue_version(session)
    assert "G-2311" in {lot["code"] for lot in words["lots"]}
    assert {"picker", "picker2"} <= {p["username"] for p in words["people"]}
    with demo.read() as session:
        channels = list(session.scalars(select(SalesOrder.channel).distinct()
                                        .order_by(SalesOrder.channel)))
        skus = list(session.scalars(select(Sku.code).order_by(Sku.id)))
        styles = session.scalar(select(func.count(Style.id)))
    assert [c["code"] for c in words["channels"]] == channels and len(channels) >= 2
    assert [s["code"] for s in words["skus"]] == skus and len(words["styles"]) == styles > 0
    with demo.write() as session:
        create_style(session, actor=system_actor(session),
                     data=StyleCreate(code="ST9999", name="Test halo ring", category="ring"))
    with demo.read() as session:
        assert catalogue_version(session) != before


def test_demo_floor_life_shows_in_staff_accuracy(demo: Database) -> None:
    """The demo's refused scans, counts and adjustments reach the staff report, and verify."""
    since, until = NOW - timedelta(days=120), NOW + timedelta(days=1)
    with demo.read() as session:
        f = ReportFilter(since=since, until=until)
        rows = staff_performance(session, f)
        caught = session.scalar(select(func.count(PickException.id))) or 0
        kinds = dict(session.execute(select(Document.kind, func.count(Document.id))
                                     .group_by(Document.kind)).all())
        traced = traced_variances(session, f)
        assert verify_stock(session).ok and verify_audit(session).ok
    assert caught > 0 and sum(r["wrong_picks_caught"] for r in rows) == caught
    assert kinds.get("count", 0) > 0 and kinds.get("adjustment", 0) > 0
    assert sum(r["variances_traced"] for r in rows) == len(traced)
    assert all(v.picker in ("picker", "picker2") for v in traced)
    assert all(r["pick_accuracy"] is None or 0 <= r["pick_accuracy"] <= 1 for r in rows)
    assert any(r["picks_per_hour"] for r in rows)  # the demo's picks take time now


def test_demo_orders_carry_promised_dates_and_some_miss_them(demo: Database) -> None:
    from core.demo.history import promised
    from core.reports.quality import order_flow

    friday_morning = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
    assert promised("marketplace", friday_morning) == datetime(2026, 11, 20, 18, tzinfo=UTC)
    assert promised("webshop", friday_morning) == datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert promised("wholesale", friday_morning) == datetime(2026, 11, 25, 17, tzinfo=UTC)
    with demo.read() as session:
        year = ReportFilter(since=NOW - timedelta(days=400))  # the demo's whole history
        flow = {r["channel"]: r for r in order_flow(session, year)}
    everything = flow["all"]
    assert everything["with_due_date"] == everything["orders"] - everything["cancelled"]
    # The one evening pick wave misses some same-day marketplace promises, and nothing else.
    assert flow["marketplace"]["late"] > 0
    assert everything["late"] == flow["marketplace"]["late"]
