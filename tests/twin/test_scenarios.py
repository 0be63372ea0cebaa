"""Replications, confidence intervals and what-ifs on common random numbers."""

from __future__ import annotations

import numpy as np
import pytest

from twin.errors import OrderError, SimulationError
from twin.generate import generate_layout
from twin.orders import (
    Order,
    OrderLine,
    OrderStream,
    catalogue_from_orders,
    generate_orders,
    make_catalogue,
    orders_from_data,
    slot_by_popularity,
)
from twin.scenarios import compare_scenarios, make_scenario, simulate
from twin.simulation import KPI_NAMES, SimConfig
from twin.stats import confidence_interval

LAYOUT = generate_layout(aisles=6, bays=10, levels=2, aisle_width=2.0)
CATALOGUE = make_catalogue(80, skew=1.2)
CONFIG = SimConfig(pickers=3, shift_hours=1.0, batch_size=3)
STREAM = OrderStream(CATALOGUE, n_orders=60, arrival="wave")


def test_simulate_reports_every_kpi_with_an_interval() -> None:
    out = simulate(make_scenario("base", LAYOUT, CATALOGUE), CONFIG, STREAM, seed=1, replications=3)
    assert set(out.kpis) == set(KPI_NAMES)
    for est in out.kpis.values():
        assert est.low <= est.mean <= est.high and est.n == 3
    assert out.to_dict()["scenario"] == "base"
    again = simulate(
        make_scenario("base", LAYOUT, CATALOGUE), CONFIG, STREAM, seed=1, replications=3
    )
    assert again.kpis == out.kpis


def test_identical_scenarios_have_zero_deltas() -> None:
    a = make_scenario("a", LAYOUT, CATALOGUE)
    result = compare_scenarios(a, a, CONFIG, STREAM, seed=2, replications=2)
    assert all(e.mean == 0 and e.half_width == 0 for e in result.delta.values())


def test_fast_movers_near_the_depot_shorten_walking() -> None:
    random = make_scenario("random", LAYOUT, CATALOGUE, "random", seed=3)
    popular = make_scenario("popularity", LAYOUT, CATALOGUE, "popularity")
    result = compare_scenarios(random, popular, CONFIG, STREAM, seed=4, replications=3)
    assert result.delta["distance_per_order"].high < 0
    assert set(result.to_dict()) == {"a", "b", "delta"}


def test_added_cross_aisle_compares_on_the_same_orders() -> None:
    one = generate_layout(aisles=6, bays=20, levels=1, aisle_width=2.0)
    two = generate_layout(blocks=2, aisles=6, bays=10, levels=1, aisle_width=2.0)
    cat = make_catalogue(100)
    result = compare_scenarios(
        make_scenario("one", one, cat, "random", seed=1),
        make_scenario("two", two, cat, "random", seed=1),
        SimConfig(pickers=2, shift_hours=1.0, batch_size=2),
        OrderStream(cat, n_orders=30, arrival="wave"),
        seed=5,
        replications=2,
    )
    assert result.a.kpis["orders_completed"].n == 2


def test_confidence_interval_rules() -> None:
    est = confidence_interval([1.0, 2.0, 3.0], confidence=0.9)
    assert est.mean == 2.0 and est.low < 2.0 < est.high
    with pytest.raises(SimulationError):
        confidence_interval([1.0])
    with pytest.raises(SimulationError):
        simulate(make_scenario("x", LAYOUT, CATALOGUE), CONFIG, STREAM, seed=0, replications=1)


def test_orders_and_slotting_helpers() -> None:
    orders = generate_orders(STREAM, np.random.default_rng(0), horizon_s=100)
    assert len(orders) == 60 and all(o.release_s == 0 for o in orders)
    slots = slot_by_popularity(LAYOUT, CATALOGUE)
    assert len(set(slots.values())) == len(CATALOGUE.skus)
    data = [{"id": "1", "lines": [{"sku": "a", "quantity": 2}]}]
    assert orders_from_data(data)[0].lines == (OrderLine("a", 2),)
    with pytest.raises(OrderError):
        orders_from_data([{"id": "1", "lines": []}])
    with pytest.raises(OrderError):
        orders_from_data(data + data)
    with pytest.raises(OrderError):
        make_scenario("big", generate_layout(aisles=1, bays=1, levels=1), CATALOGUE)
    cat = catalogue_from_orders([Order("1", 0, (OrderLine("b"), OrderLine("a")))])
    assert cat.skus == ("a", "b")
