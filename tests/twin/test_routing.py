"""Routing on hand-made layouts with known optimal tours, and exactness against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from tests.twin.conftest import assert_walkable, brute_force_length
from twin.errors import RoutingMethodError, UnknownLocationError
from twin.generate import generate_layout
from twin.layout import Layout
from twin.routing import HEURISTICS, METHODS, route, sequence_picks

# generate_layout(aisles=3, bays=10): aisles at x = 1.2, 3.6, 6.0 run from y = 1 to 13;
# bay b is at y = 1.5 + b, the depot is at (1.2, 1.0).
BACK = ["A01-L10-1", "A02-R10-1", "A03-L10-1"]


def test_three_picks_at_the_back(small: Layout) -> None:
    # Up A01 (12), across the back (4.8), into A02 from the back and out (3),
    # down A03 (12), back along the front (4.8).
    best = route(small, BACK)
    assert best.exact and best.length == pytest.approx(36.6)
    assert route(small, BACK, "largest-gap").length == pytest.approx(36.6)
    assert route(small, BACK, "s-shape").length == pytest.approx(54.6)
    assert route(small, BACK, "return").length == pytest.approx(2 * 3 * 10.5 + 2 * 4.8)


def test_single_pick_is_a_return_trip(small: Layout) -> None:
    for method in METHODS:
        r = route(small, ["A02-L03-2"], method)
        assert r.length == pytest.approx(2 * 2.4 + 2 * 3.5), method
        assert r.order == ("A02-L03-2",)


def test_depot_between_aisles() -> None:
    layout = generate_layout(aisles=2, bays=10, levels=1, depot="centre")
    r = route(layout, ["A01-L01-1", "A02-R01-1"])
    assert r.length == pytest.approx(1.2 + 2 * 1.5 + 2.4 + 2 * 1.5 + 1.2)
    assert r.path[0] == r.path[-1] == (2.4, 1.0)


def test_multi_block_hand_made() -> None:
    layout = generate_layout(blocks=2, aisles=1, bays=4, levels=1)
    # Cross aisles at y = 1, 7, 13; the pick at y = 11.5 sits in block B.
    r = route(layout, ["B01-L04-1"])
    assert r.exact and r.length == pytest.approx(2 * 10.5)
    assert_walkable(layout, r.path)


def test_route_output_shape(small: Layout) -> None:
    r = route(small, ["A03-L02-1", "A01-R07-2", "A03-L02-1"], "traversal")
    assert r.method == "s-shape"
    assert sorted(r.order) == ["A01-R07-2", "A03-L02-1"]
    data = r.to_dict()
    assert set(data) == {"method", "length", "order", "path", "exact"}
    assert data["path"][0] == data["path"][-1] == [small.depot.x, small.depot.y]


def test_empty_pick_list(small: Layout) -> None:
    r = route(small, [])
    assert r.length == 0 and r.order == ()


def test_errors(small: Layout) -> None:
    with pytest.raises(UnknownLocationError):
        route(small, ["nope"])
    with pytest.raises(UnknownLocationError):
        route(small, "A01-L01-1")
    with pytest.raises(RoutingMethodError) as info:
        route(small, ["A01-L01-1"], "teleport")
    assert info.value.code == "routing-method"


def _random_lists(layout: Layout, rng: np.random.Generator, count: int, max_picks: int):
    codes = [loc.code for loc in layout.locations]
    for _ in range(count):
        k = int(rng.integers(1, max_picks + 1))
        yield [str(c) for c in rng.choice(codes, size=k, replace=False)]


@pytest.mark.parametrize("depot", ["left", "centre", "right"])
def test_single_block_optimum_equals_brute_force(depot: str) -> None:
    layout = generate_layout(aisles=5, bays=6, levels=1, depot=depot, depot_offset=1.0)
    for picks in _random_lists(layout, np.random.default_rng(11), 8, 8):
        assert route(layout, picks).length == pytest.approx(brute_force_length(layout, picks))


def test_multi_block_optimum_equals_brute_force(two_blocks: Layout) -> None:
    for picks in _random_lists(two_blocks, np.random.default_rng(5), 8, 8):
        r = route(two_blocks, picks)
        assert r.exact
        assert r.length == pytest.approx(brute_force_length(two_blocks, picks))
        assert_walkable(two_blocks, r.path)


def test_solver_for_large_multi_block_lists(two_blocks: Layout) -> None:
    picks = [loc.code for loc in two_blocks.locations[::9]][:8]
    exact = route(two_blocks, picks)
    solved = route(two_blocks, picks, exact_limit=3)
    assert not solved.exact
    assert exact.length - 1e-9 <= solved.length <= exact.length * 1.05
    assert sorted(solved.order) == sorted(picks)
    assert_walkable(two_blocks, solved.path)


def test_sequence_picks_is_never_worse(two_blocks: Layout) -> None:
    picks = [loc.code for loc in two_blocks.locations[::5]]
    best = sequence_picks(two_blocks, picks, time_limit_s=0.5)
    for method in HEURISTICS:
        assert best.length <= route(two_blocks, picks, method).length + 1e-9
