"""Slotting advice against distances worked out by hand.

The warehouse of :class:`tests.builders.Builder`: bins 1-4 at (2, 1) .. (2, 4), the packing
desk and VAULT-01 at (0, 0); the test adds VAULT-02 at (0, 10). Stock: 10 chains (100 each) in
bin 4, 2 rings (950) in bin 3, 3 gems (6000, valuables) in VAULT-02. On 2 February the chains
are picked 3 times, the gems twice, the rings once. Free bins: 1, 2 and VAULT-01.

Euclidean distances to packing: bin 1 sqrt 5, bin 2 sqrt 8, bin 3 sqrt 13, bin 4 sqrt 20,
VAULT-01 0, VAULT-02 10. Busiest first: the chains take bin 1 (VAULT-01 is nearer but kept for
valuables), saving 3 * (sqrt 20 - sqrt 5) * 2; the gems may only go to a secure bin: VAULT-01,
saving 2 * 10 * 2 = 40; the rings take bin 2, saving 1 * (sqrt 13 - sqrt 8) * 2.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.locations.models import Kind, Tier
from core.locations.schemas import LocationCreate
from core.locations.service import create_location
from core.orders.allocation import allocate_order
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.reports.filters import ReportFilter
from core.reports.registry import ReportOptions, run_report
from core.reports.slotting_advice import slotting_advice
from tests.builders import Builder, at, clock, label_digits

FEB = ReportFilter(since=at(2, 1, 0), until=at(3, 1, 0))


@pytest.fixture
def shop(session: Session) -> dict[str, Any]:
    b = Builder(session)
    with clock(at(1, 10, 8)):
        bins = b.warehouse()
        create_location(session, actor=b.actor, data=LocationCreate(
            code="VAULT-02", tier=Tier.BIN, kind=Kind.VAULT, parent="Z1", x=0.0, y=10.0,
            check_digits="55"))
        b.supplier("SUP1")
        b.sku("CHAIN-1", serialised=False, price="100.00", metal="silver", purity="S925")
        b.sku("RING-1")
        b.sku("GEM-1", price="6000.00")
        pia = b.user("pia", "picker")
    with clock(at(1, 10)):
        b.stock("CHAIN-1", "C-1", 10, bins[3], serialised=False)
        rings = b.stock("RING-1", "R-1", 2, bins[2])
        gems = b.stock("GEM-1", "G-1", 3, "VAULT-02")
    picks = [("CHAIN-1", [])] * 3 + [("GEM-1", [gems[0]]), ("GEM-1", [gems[1]]),
                                     ("RING-1", [rings[0]])]
    for n, (sku, serials) in enumerate(picks):
        with clock(at(2, 2, 8 + n)):
            order, _ = create_order(session, actor=b.actor, data=OrderCreate(
                channel="shopify", external_id=f"O{n}", customer_name="Ada",
                lines=[OrderLineIn(sku=sku, quantity=1)]))
            allocate_order(session, actor=b.actor, order_id=order.id)
            doc = create_pick_list(session, actor=b.actor, order_ids=[order.id], picker="pia")
            line = pick_list_read(session, doc).lines[0]
            confirm_pick(session, actor=pia, line_id=line.id, quantity=1, serials=serials,
                         check_digits=label_digits(session, line.id))
    return {"bins": bins}


def test_euclidean_advice(session: Session, shop: dict[str, Any]) -> None:
    bins = shop["bins"]
    rows = slotting_advice(session, FEB)
    assert [(r["rank"], r["sku"], r["picks"], r["units"], r["from_location"], r["to_location"])
            for r in rows] == [
        (1, "CHAIN-1", 3, 7, bins[3], bins[0]),
        (2, "GEM-1", 2, 1, "VAULT-02", "VAULT-01"),
        (3, "RING-1", 1, 1, bins[2], bins[1])]
    assert [r["saving_m"] for r in rows] == [
        round(3 * (math.sqrt(20) - math.sqrt(5)) * 2, 2), 40.0,
        round(1 * (math.sqrt(13) - math.sqrt(8)) * 2, 2)]
    assert (rows[0]["from_distance_m"], rows[0]["to_distance_m"]) == (
        round(math.sqrt(20), 2), round(math.sqrt(5), 2))
    assert "only a secure bin" in str(rows[1]["why"])
    assert "picked 3 times from" in str(rows[0]["why"])
    # Nothing was picked in March; only valuables at a 900 threshold may not leave for bins.
    assert slotting_advice(session, ReportFilter(since=at(3, 1, 0), until=at(4, 1, 0))) == []
    strict = slotting_advice(session, FEB, vault_price_threshold=900.0)
    assert [(r["sku"], r["to_location"]) for r in strict] == [
        ("CHAIN-1", bins[0]), ("GEM-1", "VAULT-01")]  # the ring finds no free secure bin
    assert run_report(session, "slotting-advice", FEB) == rows


def test_injected_distance(session: Session, shop: dict[str, Any]) -> None:
    bins = shop["bins"]
    xy = {bins[i]: (2.0, float(i + 1)) for i in range(4)} | {
        "VAULT-01": (0.0, 0.0), "VAULT-02": (0.0, 10.0)}
    asked: set[str] = set()

    def walk(a: str, b: str) -> float:  # Manhattan walking to the packing desk at (0, 0)
        assert b == "PACK"
        asked.add(a)
        return abs(xy[a][0]) + abs(xy[a][1])

    rows = run_report(session, "slotting-advice", FEB, ReportOptions(limit=2), distance=walk)
    # Chains: bin 4 (6 m) -> bin 1 (3 m), 3 picks: 18 m; gems: 10 m -> 0 m, 2 picks: 40 m.
    assert [(r["sku"], r["to_location"], r["saving_m"]) for r in rows] == [
        ("CHAIN-1", bins[0], 18.0), ("GEM-1", "VAULT-01", 40.0)]
    assert {bins[0], bins[3], "VAULT-02"} <= asked
