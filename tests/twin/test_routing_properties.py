"""Properties of every routing method on random pick lists (hypothesis)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.twin.conftest import assert_walkable
from twin.generate import generate_layout
from twin.routing import METHODS, route

LAYOUTS = {
    "left": generate_layout(aisles=6, bays=8, levels=2),
    "centre": generate_layout(aisles=7, bays=8, levels=1, depot="centre", depot_offset=2.0),
    "right": generate_layout(aisles=4, bays=12, levels=1, depot="right"),
    "blocks": generate_layout(blocks=3, aisles=3, bays=3, levels=1, depot="centre"),
}


@st.composite
def instances(draw: st.DrawFn) -> tuple[str, list[str]]:
    name = draw(st.sampled_from(sorted(LAYOUTS)))
    codes = [loc.code for loc in LAYOUTS[name].locations]
    limit = 10 if name == "blocks" else 25
    picks = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=limit, unique=True))
    return name, picks


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimal_is_never_longer_than_a_heuristic(instance: tuple[str, list[str]]) -> None:
    name, picks = instance
    layout = LAYOUTS[name]
    best = route(layout, picks)
    assert best.exact
    for method in METHODS:
        r = route(layout, picks, method)
        assert best.length <= r.length + 1e-6, method
        assert sorted(r.order) == sorted(picks)
        walked = sum(
            abs(x1 - x0) + abs(y1 - y0) for (x0, y0), (x1, y1) in itertools.pairwise(r.path)
        )
        assert abs(walked - r.length) < 1e-6
        assert_walkable(layout, r.path)
        for index, codes in r.stops:
            x, y = r.path[index]
            point = layout.pick_point(codes[0])
            assert (x, y) == (point.x, point.y)
