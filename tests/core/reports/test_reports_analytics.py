"""Analytics reports against values worked out by hand on a small warehouse.

The story (UTC): on 10 January two suppliers deliver. SUP1's lot L-1 (5 rings, weighed) passes
QC with an assay of 748 per mille; SUP2's lot L-2 (10 chains, unserialised) passes, its lot L-3
(2 rings, assay 700) fails and stays in quarantine. On 1 February Pia picks and ships two
orders (2 rings at 10:00, 4 chains at 11:00); on 2 February she finds the bin short for a third
order, due on 3 February. In March Cleo writes off one chain (lost) and one ring (theft).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.documents.adjustments import adjust
from core.documents.schemas import (
    AdjustmentCreate,
    AdjustmentLineIn,
    LotIn,
    MoveLineIn,
    PutawayCreate,
    QCCreate,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.errors import NotFoundError, ValidationFailed
from core.orders.allocation import allocate_order
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick, short_pick
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.orders.shipping import ship_order
from core.purchasing import receiving
from core.reports.filters import ReportFilter
from core.reports.forecast import reorder_advice
from core.reports.inventory import ageing, dead_stock, sales_ranking, turnover
from core.reports.people import shift_of, staff_performance
from core.reports.quality import order_flow, per_mille, supplier_quality
from core.reports.registry import REPORTS, ReportOptions, run_report
from core.reports.shrinkage import shrinkage
from tests.builders import Builder, at, clock, label_digits


def _lot(b: Builder, sku: str, lot: str, supplier: str, weights: list[float] | None,
         qty: int, *, result: str, assay: float | None, to: str | None) -> list[str]:
    serials = [f"{lot}-{i}" for i in range(qty)] if weights is not None else []
    receiving.receive(b.session, actor=b.actor, data=ReceiptCreate(
        supplier=supplier,
        lots=[LotIn(code=lot, purchase_date=at(1, 5).date(), declared_purity="Au750")],
        lines=[ReceiptLineIn(sku=sku, lot=lot, quantity=qty, serials=[
            SerialIn(code=c, weight_g=w) for c, w in zip(serials, weights or [], strict=True)])]))
    receiving.inspect_lot(b.session, actor=b.actor,
                          data=QCCreate(lot=lot, result=result, measured_purity=assay))
    if to:
        receiving.putaway(b.session, actor=b.actor, data=PutawayCreate(lines=[MoveLineIn(
            sku=sku, lot=lot, quantity=qty, from_location="QUAR", to_location=to,
            serials=serials)]))
    return serials


def _order(b: Builder, ext: str, sku: str, qty: int, due: datetime | None = None) -> Any:
    order, _ = create_order(b.session, actor=b.actor, data=OrderCreate(
        channel="shopify", external_id=ext, customer_name="Ada", due_at=due,
        lines=[OrderLineIn(sku=sku, quantity=qty)]))
    allocate_order(b.session, actor=b.actor, order_id=order.id)
    return order


@pytest.fixture
def shop(session: Session) -> dict[str, Any]:
    b = Builder(session)
    with clock(at(1, 10, 8)):
        bins = b.warehouse()
        b.supplier("SUP1")
        b.supplier("SUP2")
        b.sku("RING-1")
        b.sku("CHAIN-1", serialised=False, price="100.00", metal="silver", purity="S925")
        pia, cleo = b.user("pia", "picker"), b.user("cleo", "clerk")
    with clock(at(1, 10)):
        rings = _lot(b, "RING-1", "L-1", "SUP1", [2.9, 3.19, 2.61, 2.9, 2.9], 5,
                     result="pass", assay=748.0, to=bins[0])
        _lot(b, "CHAIN-1", "L-2", "SUP2", None, 10, result="pass", assay=None, to=bins[1])
        _lot(b, "RING-1", "L-3", "SUP2", [2.9, 2.9], 2, result="fail", assay=700.0, to=None)
    for ext, sku, qty, hour, pieces in (("O1", "RING-1", 2, 10, rings[:2]),
                                        ("O2", "CHAIN-1", 4, 11, [])):
        with clock(at(2, 1, hour)):
            order = _order(b, ext, sku, qty)
            doc = create_pick_list(session, actor=b.actor, order_ids=[order.id], picker="pia")
            line = pick_list_read(session, doc).lines[0]
            confirm_pick(session, actor=pia, line_id=line.id, quantity=qty, serials=pieces,
                         check_digits=label_digits(session, line.id))
        with clock(at(2, 1, hour, 30 if hour == 10 else 59)):
            ship_order(session, actor=b.actor, order_id=order.id)
    with clock(at(2, 2, 15)):
        third = _order(b, "O3", "RING-1", 1, due=at(2, 3))
        doc = create_pick_list(session, actor=b.actor, order_ids=[third.id], picker="pia")
        short_pick(session, actor=pia, line_id=pick_list_read(session, doc).lines[0].id,
                   found_quantity=0,
                   check_digits=label_digits(session, pick_list_read(session, doc).lines[0].id))
    with clock(at(3, 1, 10)):
        adjust(session, actor=cleo, data=AdjustmentCreate(reason="lost", lines=[
            AdjustmentLineIn(sku="CHAIN-1", lot="L-2", location=bins[1], quantity=-1)]))
    with clock(at(3, 2, 10)):
        adjust(session, actor=cleo, data=AdjustmentCreate(reason="theft", lines=[
            AdjustmentLineIn(sku="RING-1", lot="L-1", location=bins[0], quantity=-1,
                             serials=[rings[4]])]))
    return {"bins": bins}


FEB = ReportFilter(since=at(2, 1, 0), until=at(3, 1, 0))
SPRING = ReportFilter(since=at(1, 1, 0), until=at(6, 1, 0))


def test_best_sellers_and_slow_movers(session: Session, shop: dict[str, Any]) -> None:
    best = sales_ranking(session, FEB)
    assert [(r["sku"], r["sold"], r["revenue"], r["orders"]) for r in best] == [
        ("CHAIN-1", 4, 400.0, 1), ("RING-1", 2, 1900.0, 1)]
    gold = sales_ranking(session, ReportFilter(since=FEB.since, until=FEB.until, metal="gold"))
    assert [r["sku"] for r in gold] == ["RING-1"]
    assert sales_ranking(session, ReportFilter(since=FEB.since, until=FEB.until,
                                               supplier="SUP2")) == [best[0]]
    march = sales_ranking(session, ReportFilter(since=at(3, 1, 0), until=at(4, 1, 0)), slow=True)
    # Nothing sold in March: the ring (4 on hand: 2 in the bin, 2 held in quarantine) leads.
    assert [(r["sku"], r["sold"], r["on_hand"], r["stock_value"]) for r in march] == [
        ("CHAIN-1", 0, 5, 500.0), ("RING-1", 0, 4, 3800.0)]


def test_dead_stock_and_ageing(session: Session, shop: dict[str, Any]) -> None:
    bins = shop["bins"]
    until = ReportFilter(until=at(6, 1, 0))
    dead = dead_stock(session, until, days=60)
    assert [(r["sku"], r["location"], r["on_hand"], r["idle_days"], r["value"]) for r in dead] == [
        ("RING-1", bins[0], 2, 90, 1900.0),
        ("RING-1", "QUAR", 2, 141, 1900.0),  # the failed lot, untouched since 10 January 09:00
        ("CHAIN-1", bins[1], 5, 91, 500.0)]
    assert [r["sku"] for r in dead_stock(session, until, days=91)] == ["RING-1", "CHAIN-1"]
    located = ReportFilter(until=at(6, 1, 0), location=bins[1][:-1])  # the bins' level prefix
    assert [r["location"] for r in dead_stock(session, located, days=60)] == [bins[0], bins[1]]
    ages = {r["age"]: r for r in ageing(session, SPRING)}
    assert ages["91-180 days"] == {"age": "91-180 days", "lots": 3, "units": 9,
                                   "value": 4300.0, "value_share": 1.0,
                                   "average_age_days": 141.0}
    assert ages["0-30 days"]["units"] == 0 and len(ages) == 5


def test_turnover(session: Session, shop: dict[str, Any]) -> None:
    rows = turnover(session, FEB)
    assert rows[-1] == {"category": "all", "on_hand_start": 17, "on_hand_end": 11,
                        "average_on_hand": 14.0, "sold": 6, "sold_per_day": round(6 / 28, 3),
                        "turnover_days": round(14 / (6 / 28), 1)}
    silver = turnover(session, ReportFilter(since=FEB.since, until=FEB.until, metal="silver"))
    assert silver[-1]["on_hand_start"] == 10 and silver[-1]["on_hand_end"] == 6


def test_shrinkage(session: Session, shop: dict[str, Any]) -> None:
    moves = shrinkage(session, SPRING)
    assert [(m["reason"], m["sku"], m["quantity"], m["value"], m["person"]) for m in moves] == [
        ("lost", "CHAIN-1", -1, -100.0, "cleo"), ("theft", "RING-1", -1, -950.0, "cleo")]
    assert all(m["document"].startswith("ADJ") and m["move_id"] for m in moves)
    (person,) = shrinkage(session, SPRING, by="person")
    assert person["person"] == "cleo" and person["net_value"] == -1050.0
    assert person["units_lost"] == 2 and person["move_ids"] == [m["move_id"] for m in moves]
    by_reason = shrinkage(session, SPRING, by="reason")
    assert [(r["reason"], r["value_lost"]) for r in by_reason] == [("theft", 950.0),
                                                                    ("lost", 100.0)]
    assert shrinkage(session, FEB) == []


def test_staff_performance(session: Session, shop: dict[str, Any]) -> None:
    assert [shift_of(h) for h in (5, 6, 13, 14, 21, 22)] == [
        "night", "early", "early", "late", "late", "night"]
    rows = staff_performance(session, FEB)
    # The chain lost on 1 March traces to Pia's pick of 4 chains from that bin on 1 February
    # at 11:00 (28 days before, inside the 30-day window): early shift, (2 - 0 - 1) / 2.
    # The ring stolen on 2 March is theft, not a picking error.
    assert rows == [
        {"person": "pia", "name": "pia", "shift": "early", "days": 1, "lines": 2, "pieces": 6,
         "short_lines": 0, "wrong_picks_caught": 0, "variances_traced": 1, "accuracy": 1.0,
         "pick_accuracy": 0.5, "hours": 1.0, "picks_per_hour": 2.0, "pieces_per_hour": 6.0},
        {"person": "pia", "name": "pia", "shift": "late", "days": 1, "lines": 1, "pieces": 0,
         "short_lines": 1, "wrong_picks_caught": 0, "variances_traced": 0, "accuracy": 0.0,
         "pick_accuracy": 0.0, "hours": 0.0, "picks_per_hour": None, "pieces_per_hour": None}]
    narrow = staff_performance(session, FEB, trace_days=20)  # the loss is 28 days later
    assert [r["variances_traced"] for r in narrow] == [0, 0]
    silver = staff_performance(session, ReportFilter(since=FEB.since, until=FEB.until,
                                                     metal="silver"))
    assert [(r["lines"], r["pieces"]) for r in silver] == [(1, 4)]


def test_supplier_quality(session: Session, shop: dict[str, Any]) -> None:
    assert (per_mille("Au750"), per_mille("S925"), per_mille("18K"), per_mille("x")) == (
        750.0, 925.0, 750.0, None)
    sup1, sup2 = sorted(supplier_quality(session, SPRING), key=lambda r: str(r["supplier"]))
    assert (sup1["inspections"], sup1["pass_rate"], sup1["mean_purity_deviation"]) == (1, 1.0, -2.0)
    assert (sup1["pieces_weighed"], sup1["mean_weight_deviation_pct"],
            sup1["max_abs_weight_deviation_pct"]) == (5, 0.0, 10.0)
    assert (sup2["inspections"], sup2["passed"], sup2["pass_rate"]) == (2, 1, 0.5)
    assert (sup2["purity_lots"], sup2["worst_purity_deviation"]) == (1, -50.0)
    assert sup2["pieces_weighed"] == 2 and sup2["mean_weight_deviation_pct"] == 0.0


def test_order_flow(session: Session, shop: dict[str, Any]) -> None:
    shopify, overall = order_flow(session, FEB)
    assert shopify["channel"] == "shopify" and overall["channel"] == "all"
    assert {k: overall[k] for k in ("orders", "shipped", "open", "cancelled", "late")} == {
        "orders": 3, "shipped": 2, "open": 1, "cancelled": 0, "late": 1}
    assert overall["lead_time_mean_h"] == pytest.approx((0.5 + 59 / 60) / 2, abs=0.01)
    assert overall["unit_fill_rate"] == round(6 / 7, 4)
    assert overall["line_fill_rate"] == round(2 / 3, 4) and overall["late_rate"] == 1.0
    rings = order_flow(session, ReportFilter(since=FEB.since, until=FEB.until, metal="gold"))
    assert rings[-1]["orders"] == 2


# What each registered report shows of the story from January to May, in its own row order:
# the columns named, then their values row by row (worked out from the story above).
REGISTRY_ROWS: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {
    "best-sellers": (("sku", "sold", "revenue"), [("CHAIN-1", 4, 400.0), ("RING-1", 2, 1900.0)]),
    "slow-movers": (("sku", "sold", "on_hand"), [("RING-1", 2, 4), ("CHAIN-1", 4, 5)]),
    "dead-stock": (("sku",), []),  # both SKUs sold in the period
    "ageing": (("age", "units"), [("0-30 days", 0), ("31-90 days", 0), ("91-180 days", 9),
                                  ("181-365 days", 0), ("over a year", 0)]),
    "turnover": (("category", "sold", "on_hand_end"), [("pendant", 6, 9), ("all", 6, 9)]),
    "shrinkage": (("reason", "sku", "quantity", "value"),
                  [("lost", "CHAIN-1", -1, -100.0), ("theft", "RING-1", -1, -950.0)]),
    "staff-performance": (("person", "shift", "lines", "pieces"),
                          [("pia", "early", 2, 6), ("pia", "late", 1, 0)]),
    "traced-variances": (("sku", "variance", "suggests", "picker"),
                         [("CHAIN-1", -1, "over-pick", "pia")]),
    "supplier-quality": (("supplier", "inspections", "passed"),  # the worst pass rate first
                         [("SUP2", 2, 1), ("SUP1", 1, 1)]),
    "order-flow": (("channel", "orders", "shipped", "open"),
                   [("shopify", 3, 2, 1), ("all", 3, 2, 1)]),
    "reorder": (("sku", "sold", "available"), [("RING-1", 2, 2), ("CHAIN-1", 4, 5)]),
    # Cleo's two moves are both write-offs; the pieces left since 10 January sit 141 days.
    "anomalies": (("kind", "subject", "value"),
                  [("person", "cleo", 1.0), ("idle-piece", "L-1-2", 141),
                   ("idle-piece", "L-1-3", 141), ("idle-piece", "L-3-0", 141),
                   ("idle-piece", "L-3-1", 141)]),
    # Nothing to move here; the advice is worked out on its own warehouse in
    # test_reports_slotting_advice.
    "slotting-advice": (("sku",), []),
}


def test_every_registered_report_shows_the_story(session: Session, shop: dict[str, Any]) -> None:
    assert set(REGISTRY_ROWS) == set(REPORTS)  # a new report says here what it shows
    for name, (columns, expected) in REGISTRY_ROWS.items():
        rows = run_report(session, name, SPRING)
        assert [tuple(r[c] for c in columns) for r in rows] == expected, name
        assert all(set(r) == set(rows[0]) for r in rows), name  # one shape per report


def test_registry_and_advice(session: Session, shop: dict[str, Any]) -> None:
    with pytest.raises(NotFoundError):
        run_report(session, "no-such-report", SPRING)
    with pytest.raises(ValidationFailed):
        run_report(session, "shrinkage", SPRING, ReportOptions(by="colour"))
    with pytest.raises(ValidationFailed):
        sales_ranking(session, ReportFilter(since=at(3, 1), until=at(2, 1)))
    advice = {r["sku"]: r for r in reorder_advice(session, SPRING)}
    assert set(advice) == {"RING-1", "CHAIN-1"} and advice["CHAIN-1"]["sold"] == 4
    # 2 in the bin (the short pick released O3's hold); quarantine is not available.
    assert advice["RING-1"]["available"] == 2
    assert "a week" in str(advice["RING-1"]["explanation"])
