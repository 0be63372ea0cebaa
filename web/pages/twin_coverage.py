"""The cameras' layer of the twin's floor plan: each placed camera's view and the blind bins.

Drawn from ``GET /api/twin/coverage`` under the live layer (whose traces the browser finds by
uid, so they may come after these). Without any placed camera nothing is drawn: a plan of a
warehouse whose cameras are not on the floor plan is not covered in red.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from twin import Layout
from web.i18n import _
from web.pages.api import Api, ApiError, Auth

__all__ = ["add_coverage", "coverage_answer"]


def coverage_answer(api: Api, auth: Auth | None) -> dict[str, Any] | None:
    """``GET /api/twin/coverage``, or None when it cannot be had (the plan is drawn without)."""
    try:
        answer: dict[str, Any] = api.get("/api/twin/coverage", auth)
    except ApiError:
        return None
    return answer


def _rings(cameras: list[dict[str, Any]]) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for camera in cameras:
        for ring in camera["view"]:
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
    return xs, ys


def add_coverage(fig: go.Figure, layout: Layout, answer: dict[str, Any] | None) -> go.Figure:
    """``fig`` (the floor plan) with camera views, camera positions and the blind bins."""
    if not answer or not answer.get("cameras"):
        return fig
    cameras = answer["cameras"]
    xs, ys = _rings(cameras)
    fig.add_scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor="rgba(30,144,255,0.10)",
                    line={"color": "rgba(30,144,255,0.5)", "width": 1}, hoverinfo="skip",
                    name=_("camera views"))
    fig.add_scatter(x=[c["x"] for c in cameras], y=[c["y"] for c in cameras],
                    mode="markers", marker={"symbol": "diamond", "size": 9, "color": "dodgerblue"},
                    hovertext=[_("{name}: {n} bins seen", name=c["name"], n=c["bins_seen"])
                               for c in cameras],
                    hoverinfo="text", name=_("cameras"))
    known = layout.location_by_code
    spots = {(known[c].x, known[c].y): c for c in answer["blind"] if c in known}
    fig.add_scatter(x=[p[0] for p in spots], y=[p[1] for p in spots], mode="markers",
                    marker={"symbol": "x", "size": 8, "color": "crimson"},
                    hovertext=list(spots.values()), hoverinfo="text",
                    name=_("blind bins ({n}), coverage {score}", n=len(answer["blind"]),
                           score=f"{answer['score']:.0%}"))
    return fig
