"""The twin's first view: a 2D floor plan, one marker per rack position with its levels summed.

A plan draws as SVG in a few milliseconds where the 3D scene (one WebGL marker per bin) takes
seconds in a browser without a GPU, so the page opens on the plan and offers the 3D racks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from twin import Layout
from twin.view import floor_lines

__all__ = ["plan_figure", "plan_route_figure"]


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
                   name="aisles", hoverinfo="skip"),
        go.Scatter(x=[layout.depot.x], y=[layout.depot.y], mode="markers+text", text=["depot"],
                   textposition="bottom center", name="depot",
                   marker={"size": 10, "color": "black", "symbol": "square"}),
    ]
    if layout.vault is not None:
        v = layout.vault
        traces.append(go.Scatter(x=[v.x_min, v.x_max, v.x_max, v.x_min, v.x_min],
                                 y=[v.y_min, v.y_min, v.y_max, v.y_max, v.y_min], mode="lines",
                                 line={"color": "goldenrod", "width": 3}, name="vault"))
    return traces


def plan_figure(layout: Layout, occ: Mapping[str, float], *, title: str | None = None) -> go.Figure:
    """Rack positions seen from above, coloured by the units held over all their levels."""
    cells = sorted(_positions(layout, occ).items())
    text = [f"{codes[0]}…{codes[-1]}<br>{units:.0f} units in {n} bins" if n > 1
            else f"{codes[0]}<br>{units:.0f} units" for _, (units, n, codes) in cells]
    marker = go.Scatter(
        x=[p[0] for p, _ in cells], y=[p[1] for p, _ in cells], mode="markers", name="units",
        text=text, hoverinfo="text",
        marker={"symbol": "square", "size": 9, "color": [c[0] for _, c in cells],
                "colorscale": "Viridis", "showscale": True, "colorbar": {"title": "units"}},
    )
    fig = go.Figure([*_floor(layout), marker])
    fig.update_layout(
        title=title or f"Occupancy: floor plan, {len(layout.locations)} bins (levels summed)",
        # No template: Plotly's default one costs more to apply than the plan costs to draw.
        template="none", xaxis={"title": "x (m)", "zeroline": False},
        yaxis={"title": "y (m)", "scaleanchor": "x", "zeroline": False},
        margin={"l": 50, "r": 10, "t": 40, "b": 40}, legend={"orientation": "h"},
    )
    return fig


def plan_route_figure(layout: Layout, occ: Mapping[str, float],
                      answer: dict[str, Any]) -> go.Figure:
    """The plan with the route of ``POST /api/twin/route`` drawn along the aisles."""
    fig = plan_figure(layout, occ, title=f"Route: {answer['length']:.1f} m, "
                                         f"{len(answer['order'])} stops")
    path = answer["path"]
    fig.add_scatter(x=[p[0] for p in path], y=[p[1] for p in path], mode="lines",
                    line={"color": "crimson", "width": 3},
                    name=f"{answer['method']} route ({answer['length']:.1f} m)")
    points = [layout.pick_point(code) for code in answer["order"]]
    fig.add_scatter(x=[p.x for p in points], y=[p.y for p in points], mode="markers+text",
                    text=[str(n + 1) for n in range(len(points))], textposition="top center",
                    hovertext=answer["order"], marker={"size": 8, "color": "crimson"},
                    name="stops")
    return fig
