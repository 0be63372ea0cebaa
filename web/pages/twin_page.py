"""Twin: the racks coloured by occupancy (a floor plan first, 3D on request) with the live layer
(open picks and where each picker is, moved in the browser as picks are confirmed), a pick
list's route, and layout what-ifs on the warehouse's own order history."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html, no_update

from twin import Layout, layout_from_dict, layout_to_dict
from twin.sources import layout_from_core
from twin.view import layout_figure, occupancy_figure
from web.i18n import N_, _
from web.pages.api import Api, ApiError, Auth, auth_from
from web.pages.twin_coverage import add_coverage, coverage_answer
from web.pages.twin_edits import WhatIf, apply
from web.pages.twin_plan import add_live, live_points, plan_figure, plan_route_figure
from web.pages.twin_results import comparison_view, workload_text
from web.pages.ui import PageContext, attrs, card, empty_figure, error_box, field, ok_box
from web.services import services_of

__all__ = ["layout", "register", "route_figure", "scenario_request"]

ROUTING = ("optimal", "s-shape", "largest-gap", "midpoint", "return", "combined")
#: The routing methods as a person reads them (the codes are the twin's).
ROUTING_NAMES = {"optimal": N_("optimal"), "s-shape": N_("S-shape"),
                 "largest-gap": N_("largest gap"), "midpoint": N_("midpoint"),
                 "return": N_("return"), "combined": N_("combined")}


def _method(code: str) -> str:
    return _(ROUTING_NAMES[code]) if code in ROUTING_NAMES else code
_FLOOR = 0.05
#: Names the pure twin gives its 3D traces, in the reader's language.
_TRACE_NAMES = {"racks": N_("racks"), "aisles": N_("aisles"), "depot": N_("depot"),
                "vault": N_("vault"), "units": N_("units"), "stops": N_("stops")}
_STATUS = {"open": N_("open"), "done": N_("done"), "cancelled": N_("cancelled")}
#: Seconds between two reads of /api/twin/live (new pick lists; picks arrive as events).
LIVE_REFRESH_MS = 5_000


def _route_card() -> html.Section:
    return card(_("Pick route"), html.Div([
        dcc.Dropdown(id="tw-picklist", placeholder=_("Choose a pick list…"), className="grow"),
        dcc.Dropdown(id="tw-method", value="optimal",
                     options=[{"label": _method(r), "value": r} for r in ROUTING],
                     clearable=False, className="narrow-dd"),
        html.Button(_("Draw route"), id="tw-route", n_clicks=0, className="primary"),
    ], className="row"), html.Div(id="tw-route-msg"))


def _what_if_fields() -> list[Any]:
    return [
        field(_("Orders"), dcc.RadioItems(id="tw-source", value="history", options=[
            {"label": " " + _("our history"), "value": "history"},
            {"label": " " + _("generated"), "value": "generated"}])),
        field(_("History (days)"), dcc.Input(id="tw-days", type="number", min=1, max=366,
                                             value=30)),
        field(_("Cross aisle"), dcc.RadioItems(id="tw-cross", value="add", inline=True, options=[
            {"label": " " + _("keep"), "value": "keep"},
            {"label": " " + _("add one"), "value": "add"},
            {"label": " " + _("remove one"), "value": "remove"}])),
        field(_("Aisle width (m)"), dcc.Input(id="tw-width", type="number", min=0.5, max=6,
                                              step=0.1, placeholder=_("as built"))),
        field(_("Slotting today"), dcc.Dropdown(id="tw-slot", value="today", clearable=False,
                                                options=[
            {"label": _("where SKUs are now"), "value": "today"},
            {"label": _("random"), "value": "random"},
            {"label": _("by popularity"), "value": "popularity"}])),
        dcc.Checklist(id="tw-fast", value=["fast"], options=[
            {"label": " " + _("move fast movers next to the depot"), "value": "fast"}]),
        field(_("Pickers"), dcc.Input(id="tw-pickers", type="number", min=1, max=50, value=3)),
        field(_("Generated orders per shift"), dcc.Input(id="tw-orders", type="number", min=10,
                                                         max=5000, value=200)),
        field(_("Replications"), dcc.Input(id="tw-reps", type="number", min=2, max=30, value=5)),
    ]


def _controls() -> html.Div:
    return html.Div([
        _route_card(),
        card(_("What-if"), html.Div(_what_if_fields(), className="form-grid"),
             html.Button(_("Run what-if"), id="tw-run", n_clicks=0, className="primary"),
             html.Div([html.Div(className="bar")], id="tw-progress", className="progress",
                      hidden=True),
             html.Div(id="tw-msg")),
    ], className="side")


def layout(_auth: Auth | None = None) -> html.Div:
    """The twin page."""
    return html.Div([
        html.H2(_("Digital twin")),
        # The pick lists load a moment after the racks so the two do not compete.
        dcc.Interval(id="tw-init", max_intervals=1, interval=400),
        dcc.Interval(id="tw-live-tick", interval=LIVE_REFRESH_MS),
        dcc.Store(id="tw-points"),
        html.Div(id="tw-live-sink", hidden=True),
        dcc.RadioItems(id="tw-view", value="plan", inline=True, className="row", options=[
            {"label": " " + _("floor plan"), "value": "plan"},
            {"label": " " + _("3D racks"), "value": "3d"}]),
        html.Div([
            html.Div([
                dcc.Loading(dcc.Graph(id="tw-graph", figure=empty_figure(_("Loading the racks…")),
                                      style={"height": "620px"},
                                      config={"displaylogo": False, "responsive": True})),
                html.Div([html.Strong(_("Who is where") + ": "),
                          html.Span(id="tw-who", className="tw-who",
                                    **attrs({"data-empty": _("no pick confirmed yet")}))],
                         className="tw-who-row"),
            ], className="tw-main"),
            _controls(),
        ], className="twin-grid"),
        html.Div(id="tw-results"),
    ], id="twin-page")


def occupancy(api: Api, auth: Auth | None) -> dict[str, float]:
    """Units on hand per location, summed by the database (``/api/stock/occupancy``)."""
    return {row["location"]: float(row["on_hand"])
            for row in api.get("/api/stock/occupancy", auth)["items"]}


def _translated(fig: go.Figure, title: str) -> go.Figure:
    """A figure of ``twin.view`` with its title and trace names in the reader's language."""
    for trace in fig.data:
        name = _TRACE_NAMES.get(str(trace.name))
        if name:
            trace.name = _(name)
    fig.update_layout(title=title, scene={"xaxis_title": _("x (m)"), "yaxis_title": _("y (m)"),
                                          "zaxis_title": _("z (m)")})
    return fig


def occupancy_view(lay: Layout, occ: dict[str, float], view: str | None) -> go.Figure:
    """The floor plan, or the 3D racks when asked for."""
    if view == "3d":
        return _translated(occupancy_figure(lay, occ), _("Occupancy"))
    return plan_figure(lay, occ)


def route_figure(layout: Layout, occ: dict[str, float], answer: dict[str, Any]) -> go.Figure:
    """Occupancy racks with the route of ``POST /api/twin/route`` drawn on the floor."""
    fig = occupancy_figure(layout, occ)
    path = answer["path"]
    fig.add_scatter3d(x=[p[0] for p in path], y=[p[1] for p in path], z=[_FLOOR] * len(path),
                      mode="lines", line={"color": "crimson", "width": 6},
                      name=_("{method} route ({m} m)", method=_method(answer["method"]),
                             m=f"{answer['length']:.1f}"))
    points = [layout.pick_point(code) for code in answer["order"]]
    fig.add_scatter3d(x=[p.x for p in points], y=[p.y for p in points], z=[_FLOOR] * len(points),
                      mode="markers+text", text=[str(n + 1) for n in range(len(points))],
                      hovertext=answer["order"], marker={"size": 5, "color": "crimson"},
                      name=_("stops"))
    return _translated(fig, _("Route: {m} m, {n} stops", m=f"{answer['length']:.1f}",
                              n=len(points)))


def _pick_lists(api: Api, auth: Auth | None) -> list[dict[str, str]]:
    lists = api.get("/api/picklists", auth, limit=40)["items"]
    return [{"label": f"{pl['number']} · {_(_STATUS.get(pl['status'], pl['status']))} · "
                      f"{pl['picker'] or _('unassigned')} · "
                      + _("{n} lines", n=len(pl["lines"])), "value": pl["number"]}
            for pl in lists]


def _who(live: dict[str, Any]) -> str:
    """``name · bin`` for every picker the twin knows (data only: names and codes)."""
    return "   ".join(f"{p['picker']} · {p['location']}"
                      for p in sorted(live["pickers"], key=lambda p: p["picker"]))


def _with_live(ctx: PageContext, auth: Auth | None, lay: Layout, fig: go.Figure,
               view: str | None) -> tuple[go.Figure, str]:
    """``fig`` with the live layer from ``GET /api/twin/live``, and who is where."""
    live = ctx.api.get("/api/twin/live", auth)
    return add_live(fig, lay, live, three_d=view == "3d"), _who(live)


def _route(ctx: PageContext, auth: Auth, number: str, method: str,
           view: str | None = "plan") -> tuple[go.Figure, Any]:
    lay = layout_from_core(services_of(ctx.app).db)
    lines = ctx.api.get(f"/api/picklists/{number}", auth)["lines"]
    known = lay.location_by_code
    picks = sorted({ln["from_location"] for ln in lines if ln["from_location"] in known})
    if not picks:
        return no_update, error_box(_("None of this list's bins are racks of the twin."))
    answer = ctx.api.post("/api/twin/route", auth, {"layout": layout_to_dict(lay),
                                                     "picks": picks, "method": method})
    draw = route_figure if view == "3d" else plan_route_figure
    fig, _who_text = _with_live(ctx, auth, lay, draw(lay, occupancy(ctx.api, auth), answer), view)
    exact = _(", exact") if answer["exact"] else ""
    return fig, ok_box(_("{number}: {n} bins, {m} m walked ({method}{exact}): ",
                         number=number, n=len(picks), m=f"{answer['length']:.1f}",
                         method=_method(answer["method"]), exact=exact)
                       + " → ".join(answer["order"]))


#: Hours a replayed day may run: the demo's orders arrive from 07:00 to 17:00, then are picked.
HISTORY_SHIFT_HOURS = 14.0


def scenario_request(base: dict[str, Any], what_if: WhatIf, *, slotting: str, fast: bool,
                     pickers: int, orders: int, replications: int,
                     history_days: int | None = None) -> dict[str, Any]:
    """The ``POST /api/twin/scenarios`` body: A is today's layout, B the edited one; on the
    warehouse's own history of ``history_days`` when given, else on generated orders."""
    body: dict[str, Any] = {
        "a": {"layout": base, "slotting": slotting},
        "b": {"layout": apply(base, what_if), "slotting": "popularity" if fast else slotting},
        "config": {"pickers": pickers}, "replications": replications, "seed": 7,
    }
    if history_days is not None:
        body["history"] = {"days": history_days}
        body["config"]["shift_hours"] = HISTORY_SHIFT_HOURS
    else:
        body["generate"] = {"n_orders": orders,
                            "n_skus": max(1, min(200, len(base["locations"]) // 2))}
        if slotting == "today":  # generated SKUs are kept nowhere: slot them at random
            body["a"]["slotting"] = "random"
            body["b"]["slotting"] = "popularity" if fast else "random"
    return body


def _run(ctx: PageContext, auth: Auth | None, values: dict[str, Any]) -> tuple[Any, Any]:
    """Run a what-if from the form's values: the result view and its message."""
    base = layout_to_dict(layout_from_core(services_of(ctx.app).db))
    try:
        body = scenario_request(
            base, WhatIf(values["cross"], values["width"]), slotting=values["slot"],
            fast=bool(values["fast"]), pickers=int(values["pickers"] or 3),
            orders=int(values["orders"] or 200), replications=int(values["reps"] or 5),
            history_days=(int(values["days"] or 30) if values["source"] == "history" else None))
        result = ctx.api.post("/api/twin/scenarios", auth, body)
    except ApiError as exc:
        return no_update, error_box(exc)
    except ValueError as exc:
        return no_update, error_box(str(exc))
    what = _translated(layout_figure(layout_from_dict(body["b"]["layout"])),
                       _("What-if layout (B)"))
    return (comparison_view(result, what),
            ok_box(_("Simulation finished."), " ", workload_text(result.get("workload", {}))))


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Occupancy and the live layer on load, routes on request, what-ifs through the API."""

    @dash_app.callback(Output("tw-picklist", "options"), Input("tw-init", "n_intervals"),
                       State("auth", "data"), prevent_initial_call=True)
    def lists(_n: int | None, auth_data: dict[str, Any] | None) -> Any:
        try:
            return _pick_lists(ctx.api, auth_from(auth_data))
        except ApiError:
            return []

    @dash_app.callback(Output("tw-graph", "figure"), Output("tw-points", "data"),
                       Output("tw-who", "children"), Input("tw-view", "value"),
                       State("auth", "data"))
    def initial(view: str | None, auth_data: dict[str, Any] | None) -> Any:
        auth = auth_from(auth_data)
        try:
            lay = layout_from_core(services_of(ctx.app).db)
            fig = occupancy_view(lay, occupancy(ctx.api, auth), view)
            if view != "3d":  # the cameras' views and blind bins on the floor plan
                fig = add_coverage(fig, lay, coverage_answer(ctx.api, auth))
            fig, who = _with_live(ctx, auth, lay, fig, view)
            return fig, live_points(lay), who
        except ApiError as exc:
            return empty_figure(exc.plain()), no_update, ""
        except Exception as exc:  # a warehouse without racks has no twin to draw
            return empty_figure(_("No twin of this warehouse: {why}", why=exc)), no_update, ""

    @dash_app.callback(
        Output("tw-graph", "figure", allow_duplicate=True), Output("tw-route-msg", "children"),
        Input("tw-route", "n_clicks"), State("tw-picklist", "value"), State("tw-method", "value"),
        State("tw-view", "value"), State("auth", "data"), prevent_initial_call=True,
        running=[(Output("tw-route", "disabled"), True, False)],
    )
    def draw(_n: int, number: str | None, method: str, view: str | None,
             auth_data: dict[str, Any] | None) -> Any:
        if not number:
            return no_update, error_box(_("Choose a pick list first."))
        try:
            return _route(ctx, auth_from(auth_data), number, method,  # type: ignore[arg-type]
                          view)
        except ApiError as exc:
            return no_update, error_box(exc)

    @dash_app.callback(
        Output("tw-results", "children"), Output("tw-msg", "children"),
        Input("tw-run", "n_clicks"), State("tw-source", "value"), State("tw-days", "value"),
        State("tw-cross", "value"), State("tw-width", "value"),
        State("tw-slot", "value"), State("tw-fast", "value"), State("tw-pickers", "value"),
        State("tw-orders", "value"), State("tw-reps", "value"), State("auth", "data"),
        prevent_initial_call=True,
        running=[(Output("tw-run", "disabled"), True, False),
                 (Output("tw-progress", "hidden"), False, True)],
    )
    def run(_n: int, source: str, days: int | None, cross: str, width: float | None, slot: str,
            fast: list[str] | None, pickers: int | None, orders: int | None, reps: int | None,
            auth_data: dict[str, Any] | None) -> Any:
        values = {"source": source, "days": days, "cross": cross, "width": width, "slot": slot,
                  "fast": fast, "pickers": pickers, "orders": orders, "reps": reps}
        return _run(ctx, auth_from(auth_data), values)

    # The live layer moves in the browser: a confirmed pick (the live-event store, filled from
    # /ws/events by live.js) restyles two traces; a slow tick re-reads /api/twin/live.
    dash_app.clientside_callback(
        ClientsideFunction(namespace="facet", function_name="twinEvent"),
        Output("tw-who", "children", allow_duplicate=True), Input("live-event", "data"),
        State("tw-points", "data"), prevent_initial_call=True,
    )
    dash_app.clientside_callback(
        ClientsideFunction(namespace="facet", function_name="twinRefresh"),
        Output("tw-live-sink", "children"), Input("tw-live-tick", "n_intervals"),
        State("tw-points", "data"), prevent_initial_call=True,
    )
