"""The what-if on the warehouse's own history: orders rebuilt from the ledger's pick moves (the
counts match the ledger), today's slotting, one real day replayed per replication, and the same
answer from the same seed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core import CoreSettings, Database
from core.clock import use_clock
from core.documents import MoveFilter, list_moves
from core.documents.models import DocumentLine
from core.locations.models import Location
from core.orders import allocate_order, confirm_pick, create_order, create_pick_list
from core.orders.schemas import OrderCreate, OrderLineIn
from tests.builders import PASSWORD, Builder
from twin import (
    OrderHistory,
    compare_scenarios,
    history_from_picks,
    last_bins,
    layout_to_dict,
)
from twin.errors import OrderError
from twin.generate import generate_layout
from twin.scenarios import make_scenario
from twin.simulation import SimConfig
from web.app import Settings, create_app
from web.services import services_of

DAY = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


def _pick(order_id: int, sku: str, hour: float, *, day: int = 0, placed: float = 9.0,
          location: str = "A-1", quantity: int = 1) -> dict[str, Any]:
    return {"order_id": order_id, "order": f"W-{order_id}", "sku": sku, "location": location,
            "quantity": quantity, "ordered_at": DAY + timedelta(days=day, hours=placed),
            "picked_at": DAY + timedelta(days=day, hours=hour)}


def test_orders_are_rebuilt_per_day_from_their_picks() -> None:
    history = history_from_picks([
        _pick(1, "R1", 17.0), _pick(1, "R1", 17.1, quantity=2), _pick(1, "E2", 17.2),
        _pick(2, "R1", 17.5, placed=11.5),
        _pick(3, "E2", 9.5, day=1, placed=-3.0),  # placed the evening before: opens the shift
    ])
    assert history.labels == ("2026-03-02", "2026-03-03")
    first, second = history.days
    assert [(o.id, o.release_s) for o in first] == [("W-1", 0.0), ("W-2", 2.5 * 3600)]
    assert [(ln.sku, ln.quantity) for ln in first[0].lines] == [("R1", 3), ("E2", 1)]
    assert [(o.id, o.release_s) for o in second] == [("W-3", 0.0)]
    assert (len(history.orders), history.n_lines, history.n_units) == (3, 4, 6)
    kept = history.within({"R1"})
    assert (len(kept.days), kept.n_lines, kept.left_out) == (1, 2, 2)


def test_last_bins_and_malformed_records() -> None:
    assert last_bins([_pick(1, "R1", 9, location="A-1"), _pick(2, "R1", 10, location="B-2"),
                      _pick(3, "E2", 8, location="C-3")]) == {"E2": "C-3", "R1": "B-2"}
    with pytest.raises(OrderError, match="datetimes"):
        history_from_picks([{**_pick(1, "R1", 9), "picked_at": "yesterday"}])
    with pytest.raises(OrderError, match="no quantity"):
        history_from_picks([_pick(1, "R1", 9, quantity=0)])


def test_a_replication_replays_one_real_day_reproducibly() -> None:
    layout = generate_layout(aisles=3, bays=6, levels=1)
    codes = [loc.code for loc in layout.locations]
    picks = [_pick(n, f"S{n % 5}", 12 + n / 10, day=n % 4, placed=8 + n / 10,
                   location=codes[n % 5]) for n in range(40)]
    history = history_from_picks(picks)
    catalogue_skus = {f"S{k}" for k in range(5)}
    a = make_scenario("A", layout, _catalogue(history), "random", seed=1)
    b = make_scenario("B", layout, _catalogue(history), "popularity")
    assert set(a.slotting) == catalogue_skus
    config = SimConfig(pickers=2, shift_hours=12)
    one = compare_scenarios(a, b, config, history, seed=3, replications=4).to_dict()
    again = compare_scenarios(a, b, config, history, seed=3, replications=4).to_dict()
    assert one == again
    released = {r["orders_completed"] for r in one["a"]["replications"]}
    assert released <= {float(len(day)) for day in history.days}  # each ran one whole day
    with pytest.raises(OrderError, match="no picked orders"):
        compare_scenarios(a, b, config, OrderHistory((), ()), seed=3, replications=2)


def _catalogue(history: OrderHistory) -> Any:
    from twin.orders import catalogue_from_orders

    return catalogue_from_orders(history.orders)


# --- through the API, on a real database -------------------------------------------------


def _warehouse_with_history(db: Database) -> tuple[list[str], list[tuple[int, str, int]]]:
    """Six bins, three SKUs in stock, and orders picked on three days (one before the period
    the test asks for); returns the bins and (day, sku, quantity) of every pick in the period."""
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse(bins=6)
        b.supplier()
        skus = [b.sku(serialised=False) for _ in range(3)]
        for n, sku in enumerate(skus):
            b.stock(sku, f"L-{n}", 40, bins[n * 2], serialised=False)
        b.user("mara", "manager")
        pia = b.user("pia", "picker")
        clerk = b.actor
    plan = [(0, [(skus[0], 2), (skus[1], 1)]), (0, [(skus[2], 1)]), (1, [(skus[0], 1)]),
            (2, [(skus[1], 3), (skus[2], 1)]), (-5, [(skus[0], 4)])]  # day -5: before the period
    picked = []
    for n, (day, lines) in enumerate(plan):
        at = DAY + timedelta(days=day, hours=10)
        with use_clock(_stopped(at)), db.write() as session:
            order, _new = create_order(session, actor=clerk, data=OrderCreate(
                channel="web", external_id=f"H-{n}", customer_name="Ines",
                lines=[OrderLineIn(sku=sku, quantity=q) for sku, q in lines]))
            allocate_order(session, actor=clerk, order_id=order.id)
            doc = create_pick_list(session, actor=clerk, order_ids=[order.id], picker="pia")
            line_ids = [(ln.id, ln.from_location_id, ln.quantity) for ln in doc.lines]
        for line_id, _loc, qty in line_ids:
            with use_clock(_stopped(at + timedelta(hours=7))), db.write() as session:
                digits = _digits(session, line_id)
                confirm_pick(session, actor=pia, line_id=line_id, quantity=qty,
                             check_digits=digits)
        if day >= 0:
            picked += [(day, sku, q) for sku, q in lines]
    return bins, picked


def _stopped(moment: datetime) -> Callable[[], datetime]:
    """A clock standing at ``moment``."""
    return lambda: moment


def _digits(session: Any, line_id: int) -> str | None:
    """The check digits on the label of the line's bin, as the picker reads them."""
    line = session.get(DocumentLine, line_id)
    digits: str | None = session.get(Location, line.from_location_id).check_digits
    return digits


def test_what_if_on_history_uses_the_ledgers_orders(db_url: str) -> None:
    app = create_app(Settings(core=CoreSettings(database_url=db_url, secret_key="k" * 40)))
    db = services_of(app).db
    _bins, picked = _warehouse_with_history(db)
    until = DAY + timedelta(days=3)
    with TestClient(app) as client:
        token = client.post("/api/auth/token", data={"username": "mara", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        layout = client.get("/api/twin/live", headers=headers)  # the twin knows the bins
        assert layout.status_code == 200
        base = layout_to_dict(services_of(app).live_twin.layout())
        body = {"a": {"layout": base, "slotting": "today"},
                "b": {"layout": base, "slotting": "popularity"},
                "history": {"days": 4, "until": until.isoformat()},
                "config": {"pickers": 2, "shift_hours": 12}, "replications": 3, "seed": 11}
        first = client.post("/api/twin/scenarios", headers=headers, json=body)
        assert first.status_code == 200, first.text
        again = client.post("/api/twin/scenarios", headers=headers, json=body)
        empty = client.post("/api/twin/scenarios", headers=headers,
                            json={**body, "history": {"days": 1, "until": DAY.isoformat()}})
    workload = first.json()["workload"]
    with db.read() as session:
        moves, _total = list_moves(session, filters=MoveFilter(
            reason="pick", since=until - timedelta(days=4), until=until), limit=1000, offset=0)
    assert workload["source"] == "history"
    assert workload["orders"] == 4 and workload["days"] == 3
    assert workload["lines"] == len(picked) == len(moves)
    units = [int(str(m["quantity"])) for m in moves]
    assert workload["units"] == sum(q for _d, _s, q in picked) == sum(units)
    assert workload["lines_left_out"] == 0  # every SKU is in a bin today
    assert again.json() == first.json()  # the same seed, the same answer
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "order-invalid"
