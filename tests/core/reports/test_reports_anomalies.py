"""Anomalies and shrinkage linked to camera alerts, against values worked out by hand.

The story (UTC, 2026): on 10 January Ann puts away 20 chains (two putaways) into bin 1 and three
rings of RING-1 into bin 2; Bob puts away 20 chains (two putaways) into bin 1 and two rings of
RING-2 (another style) into bin 3. On 2 February Pia picks one RING-1 piece, which ships. On
1 March Cleo writes off chains in bin 1 as lost: 1, 1, 1 and then 8 at 10:00, 11:00, 12:00,
13:00. A camera in zone Z1 raises alerts at 12:30 on 1 March and (too late) at 16:00.

Hand-worked expectations over 1 January - 1 June:
- lost moves are 1, 1, 1, 8 units (100 each): median 1, MAD 0, threshold 1; the 8 (800.00)
  stands out both for reason 'lost' and for location bin 1.
- adjustment rates: system 0, Ann 0/3, Bob 0/3, Pia 0/1, Cleo 4/4: median 0, MAD 0 -> Cleo.
- RING-1 sold in the period; its two other pieces have not moved since 10 January 09:00:
  141 days before 1 June. RING-2's pieces are as idle but their style did not sell.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.alerts.service import raise_alert
from core.documents.adjustments import adjust
from core.documents.schemas import (
    AdjustmentCreate,
    AdjustmentLineIn,
    MoveLineIn,
    PutawayCreate,
)
from core.orders.allocation import allocate_order
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.orders.shipping import ship_order
from core.purchasing import receiving
from core.reports.anomalies import anomalies, robust_threshold
from core.reports.filters import ReportFilter
from core.reports.registry import run_report
from core.reports.shrinkage import shrinkage
from tests.builders import Builder, at, clock, label_digits

SPRING = ReportFilter(since=at(1, 1, 0), until=at(6, 1, 0))


def _put(b: Builder, who: Any, sku: str, lot: str, qty: int, to: str,
         serials: list[str]) -> None:
    receiving.putaway(b.session, actor=who, data=PutawayCreate(lines=[MoveLineIn(
        sku=sku, lot=lot, quantity=qty, from_location="QUAR", to_location=to,
        serials=serials)]))


@pytest.fixture
def shop(session: Session) -> dict[str, Any]:
    b = Builder(session)
    with clock(at(1, 10, 8)):
        bins = b.warehouse()
        b.supplier("SUP1")
        b.sku("CHAIN-1", serialised=False, price="100.00", metal="silver", purity="S925")
        b.sku("RING-1")
        b.sku("RING-2")
        ann, bob = b.user("ann", "clerk"), b.user("bob", "clerk")
        pia, cleo = b.user("pia", "picker"), b.user("cleo", "clerk")
    with clock(at(1, 10)):
        for lot, who in (("C-1", ann), ("C-2", ann), ("C-3", bob), ("C-4", bob)):
            b.receive("CHAIN-1", lot, 10, serialised=False)
            b.approve(lot)
            _put(b, who, "CHAIN-1", lot, 10, bins[0], [])
        rings = b.receive("RING-1", "R-1", 3)
        b.approve("R-1")
        _put(b, ann, "RING-1", "R-1", 3, bins[1], rings)
        others = b.receive("RING-2", "R-2", 2)
        b.approve("R-2")
        _put(b, bob, "RING-2", "R-2", 2, bins[2], others)
    with clock(at(2, 2, 10)):
        order, _ = create_order(session, actor=b.actor, data=OrderCreate(
            channel="shopify", external_id="O1", customer_name="Ada",
            lines=[OrderLineIn(sku="RING-1", quantity=1)]))
        allocate_order(session, actor=b.actor, order_id=order.id)
        doc = create_pick_list(session, actor=b.actor, order_ids=[order.id], picker="pia")
        line = pick_list_read(session, doc).lines[0]
        confirm_pick(session, actor=pia, line_id=line.id, quantity=1, serials=[rings[0]],
                     check_digits=label_digits(session, line.id))
        ship_order(session, actor=b.actor, order_id=order.id)
    for hour, qty in ((10, 1), (11, 1), (12, 1), (13, 8)):
        with clock(at(3, 1, hour)):
            adjust(session, actor=cleo, data=AdjustmentCreate(reason="lost", lines=[
                AdjustmentLineIn(sku="CHAIN-1", lot="C-1" if qty == 1 else "C-3",
                                 location=bins[0], quantity=-qty)]))
    return {"b": b, "bins": bins, "rings": rings, "others": others}


def test_robust_threshold() -> None:
    assert robust_threshold([1, 1, 1, 8]) == (1.0, 1.0)
    assert robust_threshold([0, 0.25, 0.25, 0, 1]) == (0.25, 1.0)
    assert robust_threshold([5, 9]) is None


def test_anomalies(session: Session, shop: dict[str, Any]) -> None:
    bins, rings = shop["bins"], shop["rings"]
    rows = anomalies(session, SPRING)
    assert [(r["kind"], r["subject"], r["value"]) for r in rows] == [
        ("adjustment", rows[0]["subject"], 8),
        ("person", "cleo", 1.0),
        ("idle-piece", rings[1], 141),
        ("idle-piece", rings[2], 141)]
    big = rows[0]
    assert (big["sku"], big["location"], big["person"], big["usual"], big["threshold"]) == (
        "CHAIN-1", bins[0], "cleo", 1.0, 1.0)
    assert big["at"] == at(3, 1, 13)
    why = str(big["why"])
    assert "8 units is above 1 (median 1 + 3·MAD) for reason 'lost' (4 moves)" in why
    assert f"for location '{bins[0]}' (4 moves)" in why and "value 800.00 is above 100.00" in why
    person = rows[1]
    assert (person["usual"], person["threshold"]) == (0.0, 0.0)
    assert "cleo: 4 of 4 moves were adjustments" in str(person["why"])
    assert "over 5 people" in str(person["why"])
    assert rows[2]["location"] == bins[1] and rows[2]["at"] == at(1, 10)
    assert "while its style sold" in str(rows[2]["why"])
    # An idle limit above 141 days drops the pieces.
    assert [r["subject"] for r in anomalies(session, SPRING, idle_days=142)
            if r["kind"] == "idle-piece"] == []
    # Filters narrow every kind: gold only leaves the rings (and no one adjusted gold).
    gold = anomalies(session, ReportFilter(since=SPRING.since, until=SPRING.until,
                                           metal="gold"))
    assert [r["kind"] for r in gold] == ["idle-piece", "idle-piece"]
    assert run_report(session, "anomalies", SPRING) == rows


def test_shrinkage_lists_nearby_alerts(session: Session, shop: dict[str, Any]) -> None:
    assert all("alerts" not in m for m in shrinkage(session, SPRING))  # no alerts yet
    with clock(at(3, 1, 12, 30)):
        near = raise_alert(session, camera="cam-1", zone="Z1", rule="loiter", severity="warning",
                           message="person lingering")
        raise_alert(session, camera="cam-9", zone="Z9", rule="loiter", severity="warning",
                    message="elsewhere")
    with clock(at(3, 1, 16)):
        raise_alert(session, camera="cam-1", zone="Z1", rule="loiter", severity="warning",
                    message="later")
    moves = shrinkage(session, SPRING)
    # 10:00 is 2.5 h before the alert; 11:00, 12:00 and 13:00 are within 2 h of it.
    assert [(m["at"].hour, m["alerts"]) for m in moves] == [
        (10, []), (11, [near.id]), (12, [near.id]), (13, [near.id])]
    assert all("alerts" not in r for r in shrinkage(session, SPRING, by="reason"))
