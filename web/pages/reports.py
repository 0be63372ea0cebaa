"""Reports: pick an analytics report, filter it, read it as a table and a chart, export it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as callback_ctx
from dash.dash_table.DataTable import DataTable
from dash.dcc.express import send_bytes

from core.reports import REPORTS
from core.reports.traced import TRACE_DAYS
from web.pages.api import ApiError, Auth, auth_from
from web.pages.ui import PageContext, TableRow, card, date_input, empty_figure, error_box, field

__all__ = ["layout", "register", "report_params"]

FILTERS = ("category", "metal", "purity", "supplier", "location")
GROUPS = ("move", "reason", "location", "person", "sku")
MAX_BARS = 40


def _text(name: str, placeholder: str = "") -> dcc.Input:
    return dcc.Input(id=f"rp-{name}", type="text", placeholder=placeholder, debounce=True)


def layout(_auth: Auth | None = None) -> html.Div:
    """The reports page."""
    return html.Div([
        html.H2("Reports"),
        dcc.Download(id="rp-download"),
        card("Report", html.Div([
            field("Report", dcc.Dropdown(id="rp-name", value="best-sellers", clearable=False,
                                         options=[{"label": spec.title, "value": name}
                                                  for name, spec in REPORTS.items()])),
            field("From", date_input("rp-since")),
            field("Until", date_input("rp-until")),
            *(field(name.capitalize(), _text(name, "any")) for name in FILTERS),
            field("Idle days", dcc.Input(id="rp-days", type="number", min=1, value=180),
                  "dead stock"),
            field("Group by", dcc.Dropdown(id="rp-by", value="move", clearable=False,
                                           options=list(GROUPS)), "shrinkage"),
            field("Trace days", dcc.Input(id="rp-trace", type="number", min=1, max=365,
                                          value=TRACE_DAYS),
                  "staff performance, variances traced to picks"),
        ], className="form-grid"), html.Div([
            html.Button("Run", id="rp-run", n_clicks=0, className="primary"),
            html.Button("CSV", id="rp-csv", n_clicks=0),
            html.Button("XLSX", id="rp-xlsx", n_clicks=0),
        ], className="row"), html.P(id="rp-about", className="hint")),
        html.Div(id="rp-msg"),
        card("Chart", dcc.Graph(id="rp-chart", figure=empty_figure("Run a report."),
                                config={"displaylogo": False, "responsive": True})),
        card("Rows", html.Div(id="rp-table")),
    ], id="reports-page")


def report_params(since: str | None, until: str | None, filters: dict[str, str | None],
                  days: int | None, by: str | None,
                  trace_days: int | None = None) -> dict[str, Any]:
    """The query parameters of ``GET /api/reports/{name}`` for the page's controls."""
    params: dict[str, Any] = {k: v.strip() for k, v in filters.items() if v and v.strip()}
    if since:
        params["since"] = f"{since}T00:00:00Z"
    if until:
        params["until"] = f"{until}T00:00:00Z"
    if days:
        params["days"] = int(days)
    if by:
        params["by"] = by
    if trace_days:
        params["trace_days"] = int(trace_days)
    return params


def _figure(rows: list[dict[str, Any]], chart: dict[str, str]) -> go.Figure:
    x, y = chart.get("x"), chart.get("y")
    if x is None or y is None:  # (no row has a None key: the same answer as below)
        return empty_figure("Nothing to chart for this selection.")
    shown = [r for r in rows if x in r and isinstance(r.get(y), int | float)][:MAX_BARS]
    if not shown:
        return empty_figure("Nothing to chart for this selection.")
    colour = chart.get("colour") or ""
    groups = sorted({str(r[colour]) for r in shown}) if colour else [None]
    fig = go.Figure()
    for g in groups:
        mine = [r for r in shown if g is None or str(r[colour]) == g]
        fig.add_bar(name=g or y, x=[str(r[x]) for r in mine], y=[r[y] for r in mine],
                    marker_color=None if colour else "#8a6d3b")
    fig.update_layout(height=340, barmode="group", yaxis_title=y, legend={"orientation": "h"},
                      margin={"l": 50, "r": 10, "t": 10, "b": 90})
    return fig


def _table(columns: list[str], rows: list[dict[str, Any]]) -> Any:
    if not rows:
        return html.Div("No rows for this selection.", className="msg msg-info")
    data: list[TableRow] = [
        {c: ", ".join(map(str, v)) if isinstance(v, list) else v for c, v in r.items()}
        for r in rows]
    return DataTable(
        id="rp-rows", columns=[{"name": c, "id": c} for c in columns], data=data, page_size=25,
        sort_action="native", filter_action="native", style_table={"overflowX": "auto"},
        style_cell={"fontFamily": "inherit", "fontSize": 13, "maxWidth": 420,
                    "whiteSpace": "normal", "textAlign": "left"})


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Run a report when chosen or asked, and export it as CSV or XLSX."""

    inputs = [State("rp-since", "value"), State("rp-until", "value"),
              *(State(f"rp-{n}", "value") for n in FILTERS), State("rp-days", "value"),
              State("rp-by", "value"), State("rp-trace", "value")]

    @dash_app.callback(Output("rp-chart", "figure"), Output("rp-table", "children"),
                       Output("rp-msg", "children"), Output("rp-about", "children"),
                       Input("rp-run", "n_clicks"), Input("rp-name", "value"), *inputs,
                       State("auth", "data"),
                       running=[(Output("rp-run", "disabled"), True, False)])
    def run(_n: int, name: str | None, since: str | None, until: str | None,
            *rest: Any) -> Any:
        *values, days, by, trace_days, auth_data = rest
        if not name:
            return no_update, no_update, None, ""
        params = report_params(since, until, dict(zip(FILTERS, values, strict=True)), days, by,
                               trace_days)
        try:
            body = ctx.api.get(f"/api/reports/{name}", auth_from(auth_data), **params)
        except ApiError as exc:
            return empty_figure(exc.plain()), None, error_box(exc), ""
        chart = dict(body["chart"]) | ({"x": by} if name == "shrinkage" and by != "move" else {})
        about = f"{body['description']} {body['total']} rows, {body['since'][:10]} to " \
                f"{body['until'][:10]}."
        return _figure(body["items"], chart), _table(body["columns"], body["items"]), None, about

    @dash_app.callback(Output("rp-download", "data"), Output("rp-msg", "children",
                                                               allow_duplicate=True),
                       Input("rp-csv", "n_clicks"), Input("rp-xlsx", "n_clicks"),
                       State("rp-name", "value"), *inputs, State("auth", "data"),
                       prevent_initial_call=True)
    def export(_c: int, _x: int, name: str, since: str | None, until: str | None,
               *rest: Any) -> Any:
        *values, days, by, trace_days, auth_data = rest
        fmt = "xlsx" if callback_ctx.triggered_id == "rp-xlsx" else "csv"
        params = report_params(since, until, dict(zip(FILTERS, values, strict=True)), days, by,
                               trace_days)
        query = urlencode({**params, "format": fmt})
        try:
            content = ctx.api.get_bytes(f"/api/reports/{name}?{query}", auth_from(auth_data))
        except ApiError as exc:
            return no_update, error_box(exc)
        return send_bytes(content, f"{name}.{fmt}"), None
