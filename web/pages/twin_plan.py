"""The twin's first view: a 2D floor plan, one marker per rack position with its levels summed,
and the live layer drawn over it (or over the 3D racks): open picks and where pickers are.

A plan draws as SVG in a few milliseconds where the 3D scene (one WebGL marker per bin) takes
seconds in a browser without a GPU, so the page opens on the plan and offers the 3D racks.
The live layer's two traces are always drawn last, with the uids :data:`LIVE_OPEN` and
:data:`LIVE_PICKERS`, so the browser moves them in place (``Plotly.restyle`` in
assets/live.js) when a pick is confirmed, without asking the server to redraw the figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from twin import Layout
from twin.view import floor_lines
from web.i18n import _

__all__ = ["LIVE_OPEN", "LIVE_PICKERS", "add_live", "live_points", "plan_figure",
           "plan_route_figure"]

LIVE_OPEN, LIVE_PICKERS = "tw-open", "tw-pickers"
#: Height of the pickers' markers in the 3D racks: just above the floor.
_FLOOR_Z = 0.05


def _positions(layout: Layout, occ: Mapping[str, float]) -> dict[tuple[float, float], list[Any]]:
    """``(x, y) -> [units, bins, codes]`` over the levels stacked at each rack position."""
    cells: dict[tuple[float, float], list[Any]] = defaultdict(lambda: [0.0, 0, []])
    for loc in layout.locations:
        cell = cells[(round(loc.x, 2), round(loc.y, 2))]
        cell[0] += float(occ.get(loc.code, 0.0))
        cell[1] += 1
        cell[2].append(loc.code)
    return cells


def _floor(layout: Layout) -> list[go.Scatter]:
    xs, ys = floor_lines(layout)
    traces = [
        go.Scatter(x=xs, y=ys, mode="lines", line={"color": "lightgrey", "width": 2},
                   name=_("aisles"), hoverinfo="skip"),
        go.Scatter(x=[layout.depot.x], y=[layout.depot.y], mode="markers+text",
                   text=[_("depot")], textposition="bottom center", name=_("depot"),
                   marker={"size": 10, "color": "black", "symbol": "square"}),
    ]
    if layout.vault is not None:
        v = layout.vault
        traces.append(go.Scatter(x=[v.x_min, v.x_max, v.x_max, v.x_min, v.x_min],
                                 y=[v.y_min, v.y_min, v.y_max, v.y_max, v.y_min], mode="lines",
                                 line={"color": "goldenrod", "width": 3}, name=_("vault")))
    return traces


def plan_figure(layout: Layout, occ: Mapping[str, float], *, title: str | None = None) -> go.Figure:
    """Rack positions seen from above, coloured by the units held over all their levels."""
    cells = sorted(_positions(layout, occ).items())
    text = [_("{first}…{last}<br>{units} units in {n} bins", first=codes[0], last=codes[-1],
              units=f"{units:.0f}", n=n) if n > 1
            else _("{code}<br>{units} units", code=codes[0], units=f"{units:.0f}")
            for _p, (units, n, codes) in cells]
    marker = go.Scatter(
        x=[p[0] for p, _c in cells], y=[p[1] for p, _c in cells], mode="markers",
        name=_("units"), text=text, hoverinfo="text",
        marker={"symbol": "square", "size": 9, "color": [c[0] for _p, c in cells],
                "colorscale": "Viridis", "showscale": True,
                "colorbar": {"title": {"text": _("units")}}},
    )
    fig = go.Figure([*_floor(layout), marker])
    fig.update_layout(
        title=title or _("Occupancy: floor plan, {n} bins (levels summed)",
                         n=len(layout.locations)),
        # No template: Plotly's default one costs more to apply than the plan costs to draw.
        template="none", xaxis={"title": {"text": _("x (m)")}, "zeroline": False},
        yaxis={"title": {"text": _("y (m)")}, "scaleanchor": "x", "zeroline": False},
        margin={"l": 50, "r": 10, "t": 40, "b": 40}, legend={"orientation": "h"},
    )
    return fig


def plan_route_figure(layout: Layout, occ: Mapping[str, float],
                      answer: dict[str, Any]) -> go.Figure:
    """The plan with the route of ``POST /api/twin/route`` drawn along the aisles."""
    fig = plan_figure(layout, occ, title=_("Route: {m} m, {n} stops",
                                           m=f"{answer['length']:.1f}", n=len(answer["order"])))
    path = answer["path"]
    fig.add_scatter(x=[p[0] for p in path], y=[p[1] for p in path], mode="lines",
                    line={"color": "crimson", "width": 3},
                    name=_("{method} route ({m} m)", method=answer["method"],
                           m=f"{answer['length']:.1f}"))
    points = [layout.pick_point(code) for code in answer["order"]]
    fig.add_scatter(x=[p.x for p in points], y=[p.y for p in points], mode="markers+text",
                    text=[str(n + 1) for n in range(len(points))], textposition="top center",
                    hovertext=answer["order"], marker={"size": 8, "color": "crimson"},
                    name=_("stops"))
    return fig


def live_points(layout: Layout) -> dict[str, list[float]]:
    """Bin code -> ``[x, y]`` where its picker stands (the aisle's centre line) and ``[x, y,
    z]`` of the bin itself, flattened to five numbers: what the browser needs to move markers."""
    points = {}
    for loc in layout.locations:
        stand = layout.pick_point(loc.code)
        points[loc.code] = [round(v, 3) for v in (stand.x, stand.y, loc.x, loc.y, loc.z)]
    return points


def _live_open(layout: Layout, open_picks: Mapping[str, int], three_d: bool) -> Any:
    codes = [c for c in open_picks if c in layout.location_by_code]
    locs = [layout.location(c) for c in codes]
    common: dict[str, Any] = {
        "uid": LIVE_OPEN, "name": _("open picks"), "mode": "markers",
        "customdata": [[c, int(open_picks[c])] for c in codes],
        "hovertemplate": _("%{customdata[0]}: %{customdata[1]} open pick lines")
        + "<extra></extra>",
        "x": [loc.x for loc in locs], "y": [loc.y for loc in locs],
    }
    if three_d:
        return go.Scatter3d(**common, z=[loc.z for loc in locs],
                            marker={"size": 7, "color": "darkorange", "symbol": "diamond"})
    return go.Scatter(**common, marker={"size": 15, "color": "rgba(0,0,0,0)", "symbol": "square",
                                        "line": {"color": "darkorange", "width": 3}})


def _live_pickers(layout: Layout, pickers: list[Mapping[str, Any]], three_d: bool) -> Any:
    known = [p for p in pickers if p["location"] in layout.location_by_code]
    stands = [layout.pick_point(p["location"]) for p in known]
    common: dict[str, Any] = {
        "uid": LIVE_PICKERS, "name": _("pickers"), "mode": "markers+text",
        "text": [p["picker"] for p in known], "customdata": [[p["location"]] for p in known],
        "hovertemplate": "%{text} · %{customdata[0]}<extra></extra>",
        "x": [s.x for s in stands], "y": [s.y for s in stands],
        "textposition": "top center",
    }
    if three_d:
        return go.Scatter3d(**common, z=[_FLOOR_Z] * len(known),
                            marker={"size": 8, "color": "crimson"})
    return go.Scatter(**common, marker={"size": 14, "color": "crimson", "symbol": "circle",
                                        "line": {"color": "white", "width": 2}})


def add_live(fig: go.Figure, layout: Layout, live: Mapping[str, Any], *,
             three_d: bool = False) -> go.Figure:
    """``fig`` with the live layer last: open picks (bins with open pick lines) and pickers at
    their last confirmed pick (``GET /api/twin/live``), both present even when empty."""
    fig.add_trace(_live_open(layout, live.get("open_picks", {}), three_d))
    fig.add_trace(_live_pickers(layout, live.get("pickers", []), three_d))
    fig.update_layout(legend={"orientation": "h"}, uirevision="twin")
    return fig
