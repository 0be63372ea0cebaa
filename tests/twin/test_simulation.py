"""The SimPy shift: distances, narrow-aisle blocking and reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from twin.errors import OrderError, RoutingMethodError, SimulationError
from twin.generate import generate_layout
from twin.orders import Order, OrderLine, OrderStream, generate_orders, make_catalogue
from twin.routing import route
from twin.scenarios import make_scenario
from twin.simulation import SimConfig, simulate_shift, tour_actions


def _orders(codes_per_order: list[list[str]], release: float = 0.0) -> tuple[list[Order], dict]:
    slotting = {c: c for codes in codes_per_order for c in codes}
    orders = [
        Order(f"o{i}", release * i, tuple(OrderLine(c) for c in codes))
        for i, codes in enumerate(codes_per_order)
    ]
    return orders, slotting


def test_one_picker_without_congestion_walks_the_routing_distance() -> None:
    layout = generate_layout(aisles=4, bays=8, levels=2, aisle_width=2.5)
    lists = [["A01-L02-1", "A03-R07-2"], ["A04-L08-1"], ["A02-R01-1", "A02-L05-2", "A04-R03-1"]]
    orders, slotting = _orders(lists, release=10.0)
    config = SimConfig(pickers=1, batch_size=1, shift_hours=2.0, routing="optimal")
    res = simulate_shift(layout, orders, slotting, config, rng=np.random.default_rng(0))
    expected = sum(route(layout, codes).length for codes in lists)
    assert res.orders_completed == 3 and res.tours == 3
    assert res.total_distance == pytest.approx(expected)
    assert res.distance_per_order == pytest.approx(expected / 3)
    assert res.congestion_time == 0 and not res.wait_by_aisle
    assert sum(res.picks_by_location.values()) == 6


def test_pickers_sharing_a_narrow_aisle_wait() -> None:
    narrow = generate_layout(aisles=1, bays=10, levels=1, aisle_width=1.0)
    lists = [["A01-L10-1"], ["A01-R09-1"], ["A01-L08-1"], ["A01-R10-1"]]
    orders, slotting = _orders(lists)
    config = SimConfig(pickers=4, batch_size=1, shift_hours=1.0, pick_time=30.0)
    res = simulate_shift(narrow, orders, slotting, config, rng=np.random.default_rng(1))
    assert res.congestion_time > 0
    assert set(res.wait_by_aisle) == {"A01"}
    assert res.wait_points and all(s > 0 for s in res.wait_points.values())
    wide = generate_layout(aisles=1, bays=10, levels=1, aisle_width=3.0)
    free = simulate_shift(wide, orders, slotting, config, rng=np.random.default_rng(1))
    assert free.congestion_time == 0
    assert free.mean_cycle_time < res.mean_cycle_time


def test_same_seed_same_result() -> None:
    layout = generate_layout(aisles=5, bays=8, levels=3)
    cat = make_catalogue(60)
    scenario = make_scenario("s", layout, cat)
    orders = generate_orders(
        OrderStream(cat, n_orders=80), np.random.default_rng(4), horizon_s=3600
    )
    config = SimConfig(pickers=3, shift_hours=1.0)
    runs = [
        simulate_shift(layout, orders, scenario.slotting, config, rng=np.random.default_rng(seed))
        for seed in (9, 9, 10)
    ]
    assert runs[0] == runs[1]
    assert runs[0].metrics() != runs[2].metrics()


def test_tour_actions_bracket_narrow_aisles() -> None:
    layout = generate_layout(aisles=3, bays=6, levels=1, aisle_width=1.0)
    actions = tour_actions(layout, route(layout, ["A01-L03-1", "A03-L05-1"], "s-shape"))
    kinds = [a[0] for a in actions]
    assert kinds.count("enter") == kinds.count("leave") == 2
    assert kinds.count("pick") == 2


def test_invalid_inputs() -> None:
    layout = generate_layout(aisles=2, bays=2, levels=1)
    orders, slotting = _orders([["A01-L01-1"]])
    rng = np.random.default_rng(0)
    with pytest.raises(SimulationError):
        simulate_shift(layout, orders, slotting, SimConfig(pickers=0), rng=rng)
    with pytest.raises(RoutingMethodError):
        simulate_shift(layout, orders, slotting, SimConfig(routing="teleport"), rng=rng)
    with pytest.raises(SimulationError):
        simulate_shift(layout, [], slotting, SimConfig(), rng=rng)
    with pytest.raises(OrderError):
        simulate_shift(layout, orders, {}, SimConfig(), rng=rng)
    late = [Order("late", 10_000.0, (OrderLine("A01-L01-1"),))]
    with pytest.raises(SimulationError, match="no order"):
        simulate_shift(layout, late, slotting, SimConfig(shift_hours=1.0), rng=rng)
