"""Plotly 3D views of the twin: racks, occupancy, heat maps, routes and pickers.

Every function returns a new :class:`plotly.graph_objects.Figure`; the web layer serialises
it (``fig.to_json()``) or embeds it in a Dash page.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from twin.graph import rack_boxes
from twin.layout import Layout
from twin.mirror import PickerPosition
from twin.routing.common import Route

__all__ = [
    "floor_lines",
    "layout_figure",
    "occupancy_figure",
    "heatmap_figure",
    "waiting_figure",
    "route_figure",
    "pickers_figure",
]

_FLOOR_Z = 0.05
# Triangles of a box whose 8 corners are ordered (x0|x1) x (y0|y1) x (z0|z1), z fastest.
_BOX_FACES = np.array(
    [
        (0, 2, 6),
        (0, 6, 4),
        (1, 5, 7),
        (1, 7, 3),
        (0, 1, 3),
        (0, 3, 2),
        (4, 6, 7),
        (4, 7, 5),
        (0, 4, 5),
        (0, 5, 1),
        (2, 3, 7),
        (2, 7, 6),
    ]
)


def _racks(layout: Layout) -> go.Mesh3d:
    xs, ys, zs, faces = [], [], [], []
    for n, box in enumerate(rack_boxes(layout)):
        for x in (box.x0, box.x1):
            for y in (box.y0, box.y1):
                for z in (box.z0, box.z1):
                    xs.append(x)
                    ys.append(y)
                    zs.append(z)
        faces.append(_BOX_FACES + 8 * n)
    tri = np.concatenate(faces) if faces else np.zeros((0, 3), dtype=int)
    return go.Mesh3d(
        x=xs,
        y=ys,
        z=zs,
        i=tri[:, 0],
        j=tri[:, 1],
        k=tri[:, 2],
        color="lightsteelblue",
        opacity=0.25,
        name="racks",
        hoverinfo="skip",
        flatshading=True,
    )


def floor_lines(layout: Layout) -> tuple[list[float | None], list[float | None]]:
    """Aisle and cross-aisle centre lines as one polyline (``None`` separates segments).

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> xs, ys = floor_lines(generate_layout(blocks=1, aisles=2, bays=3, levels=1))
    >>> xs.count(None) >= 2
    True
    """
    xs: list[float | None] = []
    ys: list[float | None] = []
    for a in layout.aisles:
        xs += [a.x, a.x, None]
        ys += [a.y_start, a.y_end, None]
    for ca in layout.cross_aisles:
        xs += [ca.x_start, ca.x_end, None]
        ys += [ca.y, ca.y, None]
    return xs, ys


def _floor(layout: Layout) -> list[go.Scatter3d]:
    """Aisle and cross-aisle centre lines, the depot and the vault outline."""
    xs, ys = floor_lines(layout)
    traces = [
        go.Scatter3d(
            x=xs,
            y=ys,
            z=[0.0 if v is not None else None for v in xs],
            mode="lines",
            line={"color": "lightgrey", "width": 2},
            name="aisles",
            hoverinfo="skip",
        ),
        go.Scatter3d(
            x=[layout.depot.x],
            y=[layout.depot.y],
            z=[0.0],
            mode="markers+text",
            marker={"size": 6, "color": "black", "symbol": "square"},
            text=["depot"],
            name="depot",
        ),
    ]
    if layout.vault is not None:
        v = layout.vault
        traces.append(
            go.Scatter3d(
                x=[v.x_min, v.x_max, v.x_max, v.x_min, v.x_min],
                y=[v.y_min, v.y_min, v.y_max, v.y_max, v.y_min],
                z=[0.0] * 5,
                mode="lines",
                line={"color": "goldenrod", "width": 5},
                name="vault",
            )
        )
    return traces


def _figure(layout: Layout, title: str, traces: list[go.BaseTraceType]) -> go.Figure:
    fig = go.Figure([_racks(layout), *_floor(layout), *traces])
    fig.update_layout(
        title=title,
        scene={
            "aspectmode": "data",
            "xaxis_title": "x (m)",
            "yaxis_title": "y (m)",
            "zaxis_title": "z (m)",
        },
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
    )
    return fig


def _location_markers(
    layout: Layout, values: Mapping[str, float] | None, name: str, colorscale: str
) -> go.Scatter3d:
    locs = layout.locations
    colour = None if values is None else [float(values.get(loc.code, 0.0)) for loc in locs]
    marker: dict[str, object] = {"size": 3}
    if colour is None:
        marker["color"] = "steelblue"
    else:
        marker.update(color=colour, colorscale=colorscale, showscale=True, colorbar={"title": name})
    return go.Scatter3d(
        x=[loc.x for loc in locs],
        y=[loc.y for loc in locs],
        z=[loc.z for loc in locs],
        mode="markers",
        marker=marker,
        name=name,
        text=[loc.code for loc in locs],
        hoverinfo="text",
    )


def layout_figure(layout: Layout) -> go.Figure:
    """Racks, levels (one marker per location), aisles, depot and vault.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> fig = layout_figure(generate_layout(aisles=2, bays=2, levels=2))
    >>> [t.name for t in fig.data]
    ['racks', 'aisles', 'depot', 'locations']
    """
    return _figure(
        layout, f"Layout {layout.name}", [_location_markers(layout, None, "locations", "Blues")]
    )


def occupancy_figure(layout: Layout, occupancy: Mapping[str, float]) -> go.Figure:
    """Locations coloured by units held (for example ``LiveMirror.occupancy()``)."""
    return _figure(layout, "Occupancy", [_location_markers(layout, occupancy, "units", "Viridis")])


def heatmap_figure(
    layout: Layout, values: Mapping[str, float], *, title: str = "Picks per location"
) -> go.Figure:
    """Locations coloured by a value per code, such as picks from a simulation."""
    return _figure(layout, title, [_location_markers(layout, values, "value", "Hot_r")])


def waiting_figure(layout: Layout, wait_points: Mapping[tuple[float, float], float]) -> go.Figure:
    """Where pickers waited for a narrow aisle: markers sized and coloured by seconds."""
    points = sorted(wait_points.items())
    seconds = np.array([s for _, s in points], dtype=float)
    size = 6 + 24 * seconds / seconds.max() if len(seconds) and seconds.max() > 0 else 6
    trace = go.Scatter3d(
        x=[p[0] for p, _ in points],
        y=[p[1] for p, _ in points],
        z=[_FLOOR_Z] * len(points),
        mode="markers",
        name="waiting (s)",
        text=[f"{s:.0f} s" for s in seconds],
        marker={
            "size": size,
            "color": seconds,
            "colorscale": "Reds",
            "showscale": True,
            "colorbar": {"title": "waiting (s)"},
        },
    )
    return _figure(layout, "Where pickers wait", [trace])


def route_figure(layout: Layout, route: Route) -> go.Figure:
    """A route drawn along the aisles, with its picks numbered in visiting order."""
    xs = [p[0] for p in route.path]
    ys = [p[1] for p in route.path]
    line = go.Scatter3d(
        x=xs,
        y=ys,
        z=[_FLOOR_Z] * len(xs),
        mode="lines",
        line={"color": "crimson", "width": 6},
        name=f"{route.method} ({route.length:.1f} m)",
    )
    stops = [(route.path[i], codes) for i, codes in route.stops]
    picks = go.Scatter3d(
        x=[p[0] for p, _ in stops],
        y=[p[1] for p, _ in stops],
        z=[_FLOOR_Z] * len(stops),
        mode="markers+text",
        marker={"size": 4, "color": "crimson"},
        text=[str(n + 1) for n in range(len(stops))],
        hovertext=[", ".join(codes) for _, codes in stops],
        name="stops",
    )
    return _figure(layout, f"Route: {route.method}, {route.length:.1f} m", [line, picks])


def pickers_figure(layout: Layout, positions: Mapping[str, PickerPosition]) -> go.Figure:
    """Pickers at their last confirmed pick (for example ``LiveMirror.picker_positions()``)."""
    items = sorted(positions.values(), key=lambda p: p.picker_id)
    trace = go.Scatter3d(
        x=[layout.aisle_by_id[layout.location(p.location).aisle].x for p in items],
        y=[p.y for p in items],
        z=[_FLOOR_Z] * len(items),
        mode="markers+text",
        marker={"size": 7, "color": "darkorange", "symbol": "diamond"},
        text=[p.picker_id for p in items],
        hovertext=[f"{p.picker_id} at {p.location}, {p.timestamp.isoformat()}" for p in items],
        name="pickers",
    )
    return _figure(layout, "Pickers", [trace])
