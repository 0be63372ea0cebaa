"""Plotly figures of the twin."""

from __future__ import annotations

from datetime import UTC, datetime

import plotly.graph_objects as go

from twin.generate import generate_layout
from twin.mirror import LiveMirror, LocationEvent
from twin.routing import route
from twin.view import (
    heatmap_figure,
    layout_figure,
    occupancy_figure,
    pickers_figure,
    route_figure,
    waiting_figure,
)

LAYOUT = generate_layout(aisles=3, bays=4, levels=3, vault_aisles=1)


def test_layout_figure_has_racks_and_locations() -> None:
    fig = layout_figure(LAYOUT)
    assert isinstance(fig, go.Figure)
    names = [t.name for t in fig.data]
    assert names == ["racks", "aisles", "depot", "vault", "locations"]
    racks = fig.data[0]
    assert len(racks.x) == 8 * 6 and len(racks.i) == 12 * 6
    assert len(fig.data[-1].x) == len(LAYOUT.locations)


def test_occupancy_and_heatmap_colour_locations() -> None:
    fig = occupancy_figure(LAYOUT, {"A01-L01-1": 4.0})
    colours = list(fig.data[-1].marker.color)
    assert colours.count(4.0) == 1 and colours.count(0.0) == len(LAYOUT.locations) - 1
    assert heatmap_figure(LAYOUT, {"A02-R02-2": 7}).data[-1].marker.showscale


def test_route_and_waiting_and_pickers() -> None:
    r = route(LAYOUT, ["A01-L02-1", "A03-R04-3"])
    fig = route_figure(LAYOUT, r)
    line = fig.data[-2]
    assert list(zip(line.x, line.y, strict=True)) == list(r.path)
    assert list(fig.data[-1].text) == ["1", "2"]
    wait = waiting_figure(LAYOUT, {(1.2, 1.0): 30.0, (3.6, 7.0): 10.0})
    assert len(wait.data[-1].x) == 2
    assert waiting_figure(LAYOUT, {}).data[-1].x == ()
    mirror = LiveMirror(LAYOUT)
    mirror.load_snapshot([("A02-L03-2", "ring", 1)])
    mirror.apply(LocationEvent("A02-L03-2", "ring", -1, datetime(2024, 1, 1, tzinfo=UTC), "p9"))
    fig = pickers_figure(LAYOUT, mirror.picker_positions())
    assert list(fig.data[-1].text) == ["p9"]
    assert fig.data[-1].x[0] == LAYOUT.aisle_by_id["A02"].x
