"""Twin: the racks coloured by occupancy (a floor plan first, 3D on request), a pick list's
route, and layout what-ifs."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update

from twin import Layout, layout_to_dict
from twin.sources import layout_from_core
from twin.view import layout_figure, occupancy_figure
from web.pages.api import Api, ApiError, Auth, auth_from
from web.pages.twin_edits import WhatIf, apply
from web.pages.twin_plan import plan_figure, plan_route_figure
from web.pages.twin_results import comparison_view
from web.pages.ui import PageContext, card, empty_figure, error_box, field, ok_box
from web.services import services_of

__all__ = ["layout", "register", "route_figure"]

ROUTING = ("optimal", "s-shape", "largest-gap", "midpoint", "return", "combined")
_FLOOR = 0.05


def _controls() -> html.Div:
    return html.Div([
        card("Pick route", html.Div([
            dcc.Dropdown(id="tw-picklist", placeholder="Choose a pick list…", className="grow"),
            dcc.Dropdown(id="tw-method", options=list(ROUTING), value="optimal",
                         clearable=False, className="narrow-dd"),
            html.Button("Draw route", id="tw-route", n_clicks=0, className="primary"),
        ], className="row"), html.Div(id="tw-route-msg")),
        card("What-if", html.Div([
            field("Cross aisle", dcc.RadioItems(
                id="tw-cross", value="add", inline=True,
                options=[{"label": " keep", "value": "keep"}, {"label": " add one", "value": "add"},
                         {"label": " remove one", "value": "remove"}])),
            field("Aisle width (m)", dcc.Input(id="tw-width", type="number", min=0.5, max=6,
                                               step=0.1, placeholder="as built")),
            field("Slotting today", dcc.Dropdown(id="tw-slot", value="random", clearable=False,
                                                 options=["random", "popularity"])),
            dcc.Checklist(id="tw-fast", value=["fast"], options=[
                {"label": " move fast movers next to the depot", "value": "fast"}]),
            field("Pickers", dcc.Input(id="tw-pickers", type="number", min=1, max=50, value=3)),
            field("Orders per shift", dcc.Input(id="tw-orders", type="number", min=10,
                                                max=5000, value=200)),
            field("Replications", dcc.Input(id="tw-reps", type="number", min=2, max=30,
                                            value=5)),
        ], className="form-grid"),
            html.Button("Run what-if", id="tw-run", n_clicks=0, className="primary"),
            html.Div([html.Div(className="bar")], id="tw-progress", className="progress",
                     hidden=True),
            html.Div(id="tw-msg")),
    ], className="side")


def layout(_auth: Auth | None = None) -> html.Div:
    """The twin page."""
    return html.Div([
        html.H2("Digital twin"),
        # The pick lists load a moment after the racks so the two do not compete.
        dcc.Interval(id="tw-init", max_intervals=1, interval=400),
        dcc.RadioItems(id="tw-view", value="plan", inline=True, className="row",
                       options=[{"label": " floor plan", "value": "plan"},
                                {"label": " 3D racks", "value": "3d"}]),
        html.Div([
            dcc.Loading(dcc.Graph(id="tw-graph", figure=empty_figure("Loading the racks…"),
                                  style={"height": "620px"},
                                  config={"displaylogo": False, "responsive": True})),
            _controls(),
        ], className="twin-grid"),
        html.Div(id="tw-results"),
    ], id="twin-page")


def occupancy(api: Api, auth: Auth | None) -> dict[str, float]:
    """Units on hand per location, summed by the database (``/api/stock/occupancy``)."""
    return {row["location"]: float(row["on_hand"])
            for row in api.get("/api/stock/occupancy", auth)["items"]}


def occupancy_view(lay: Layout, occ: dict[str, float], view: str | None) -> go.Figure:
    """The floor plan, or the 3D racks when asked for."""
    return occupancy_figure(lay, occ) if view == "3d" else plan_figure(lay, occ)


def route_figure(layout: Layout, occ: dict[str, float], answer: dict[str, Any]) -> go.Figure:
    """Occupancy racks with the route of ``POST /api/twin/route`` drawn on the floor."""
    fig = occupancy_figure(layout, occ)
    path = answer["path"]
    fig.add_scatter3d(x=[p[0] for p in path], y=[p[1] for p in path], z=[_FLOOR] * len(path),
                      mode="lines", line={"color": "crimson", "width": 6},
                      name=f"{answer['method']} route ({answer['length']:.1f} m)")
    points = [layout.pick_point(code) for code in answer["order"]]
    fig.add_scatter3d(x=[p.x for p in points], y=[p.y for p in points], z=[_FLOOR] * len(points),
                      mode="markers+text", text=[str(n + 1) for n in range(len(points))],
                      hovertext=answer["order"], marker={"size": 5, "color": "crimson"},
                      name="stops")
    fig.update_layout(title=f"Route: {answer['length']:.1f} m, {len(points)} stops")
    return fig


def _pick_lists(api: Api, auth: Auth | None) -> list[dict[str, str]]:
    lists = api.get("/api/picklists", auth, limit=40)["items"]
    return [{"label": f"{pl['number']} · {pl['status']} · {pl['picker'] or 'unassigned'} · "
                      f"{len(pl['lines'])} lines", "value": pl["number"]} for pl in lists]


def _route(ctx: PageContext, auth: Auth, number: str, method: str,
           view: str | None = "plan") -> tuple[go.Figure, Any]:
    lay = layout_from_core(services_of(ctx.app).db)
    lines = ctx.api.get(f"/api/picklists/{number}", auth)["lines"]
    known = lay.location_by_code
    picks = sorted({ln["from_location"] for ln in lines if ln["from_location"] in known})
    if not picks:
        return no_update, error_box("None of this list's bins are racks of the twin.")
    answer = ctx.api.post("/api/twin/route", auth, {"layout": layout_to_dict(lay),
                                                     "picks": picks, "method": method})
    draw = route_figure if view == "3d" else plan_route_figure
    fig = draw(lay, occupancy(ctx.api, auth), answer)
    return fig, ok_box(f"{number}: {len(picks)} bins, {answer['length']:.1f} m walked "
                       f"({answer['method']}{', exact' if answer['exact'] else ''}): "
                       + " → ".join(answer["order"]))


def scenario_request(base: dict[str, Any], what_if: WhatIf, *, slotting: str, fast: bool,
                     pickers: int, orders: int, replications: int) -> dict[str, Any]:
    """The ``POST /api/twin/scenarios`` body: A is today's layout, B the edited one."""
    n_skus = max(1, min(200, len(base["locations"]) // 2))
    return {
        "a": {"layout": base, "slotting": slotting},
        "b": {"layout": apply(base, what_if), "slotting": "popularity" if fast else slotting},
        "generate": {"n_orders": orders, "n_skus": n_skus},
        "config": {"pickers": pickers}, "replications": replications, "seed": 7,
    }


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Occupancy on load, routes on request, what-ifs through the simulation API."""

    @dash_app.callback(Output("tw-picklist", "options"), Input("tw-init", "n_intervals"),
                       State("auth", "data"), prevent_initial_call=True)
    def lists(_n: int | None, auth_data: dict[str, Any] | None) -> Any:
        try:
            return _pick_lists(ctx.api, auth_from(auth_data))
        except ApiError:
            return []

    @dash_app.callback(Output("tw-graph", "figure"), Input("tw-view", "value"),
                       State("auth", "data"))
    def initial(view: str | None, auth_data: dict[str, Any] | None) -> Any:
        auth = auth_from(auth_data)
        try:
            lay = layout_from_core(services_of(ctx.app).db)
            return occupancy_view(lay, occupancy(ctx.api, auth), view)
        except ApiError as exc:
            return empty_figure(exc.plain())
        except Exception as exc:  # a warehouse without racks has no twin to draw
            return empty_figure(f"No twin of this warehouse: {exc}")

    @dash_app.callback(
        Output("tw-graph", "figure", allow_duplicate=True), Output("tw-route-msg", "children"),
        Input("tw-route", "n_clicks"), State("tw-picklist", "value"), State("tw-method", "value"),
        State("tw-view", "value"), State("auth", "data"), prevent_initial_call=True,
        running=[(Output("tw-route", "disabled"), True, False)],
    )
    def draw(_n: int, number: str | None, method: str, view: str | None,
             auth_data: dict[str, Any] | None) -> Any:
        if not number:
            return no_update, error_box("Choose a pick list first.")
        try:
            return _route(ctx, auth_from(auth_data), number, method,  # type: ignore[arg-type]
                          view)
        except ApiError as exc:
            return no_update, error_box(exc)

    @dash_app.callback(
        Output("tw-results", "children"), Output("tw-msg", "children"),
        Input("tw-run", "n_clicks"), State("tw-cross", "value"), State("tw-width", "value"),
        State("tw-slot", "value"), State("tw-fast", "value"), State("tw-pickers", "value"),
        State("tw-orders", "value"), State("tw-reps", "value"), State("auth", "data"),
        prevent_initial_call=True,
        running=[(Output("tw-run", "disabled"), True, False),
                 (Output("tw-progress", "hidden"), False, True)],
    )
    def run(_n: int, cross: str, width: float | None, slot: str, fast: list[str] | None,
            pickers: int | None, orders: int | None, reps: int | None,
            auth_data: dict[str, Any] | None) -> Any:
        base = layout_to_dict(layout_from_core(services_of(ctx.app).db))
        try:
            body = scenario_request(base, WhatIf(cross, width), slotting=slot, fast=bool(fast),
                                    pickers=int(pickers or 3), orders=int(orders or 200),
                                    replications=int(reps or 5))
            result = ctx.api.post("/api/twin/scenarios", auth_from(auth_data), body)
        except ApiError as exc:
            return no_update, error_box(exc)
        except ValueError as exc:
            return no_update, error_box(str(exc))
        what = layout_figure(_layout_of(body["b"]["layout"]))
        return comparison_view(result, what), ok_box("Simulation finished.")


def _layout_of(data: dict[str, Any]) -> Layout:
    from twin import layout_from_dict

    return layout_from_dict(data)
