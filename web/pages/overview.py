"""Overview: today's receipts and picks, orders waiting, pick accuracy and open alerts."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from web.pages.api import ApiError, Auth, auth_from
from web.pages.ui import PageContext, card, empty_figure, error_box, kpi

__all__ = ["layout", "register", "WAITING"]

WINDOW_DAYS = 14
WAITING = ("open", "partially_allocated", "allocated", "picking", "picked")
KINDS = ("receipt", "putaway", "pick", "shipment", "transfer", "adjustment", "count", "recall")


def layout(_auth: Auth | None = None) -> html.Div:
    """The overview page."""
    graph: dcc.Graph.Config = {"displaylogo": False, "responsive": True}
    return html.Div([
        html.H2("Overview"),
        dcc.Interval(id="ov-tick", interval=30_000),
        html.Div(id="ov-msg"),
        html.Div(id="ov-kpis", className="kpis"),
        html.Div([
            card("Stock moves per day", dcc.Graph(id="ov-moves", config=graph)),
            card("Orders by status", dcc.Graph(id="ov-orders", config=graph)),
            card("Open alerts by severity", dcc.Graph(id="ov-alerts", config=graph)),
        ], className="grid3"),
    ], id="overview-page")


def _moves_figure(daily: dict[str, Any]) -> go.Figure:
    days, moves = daily["days"], daily["moves"]
    fig = go.Figure([go.Bar(name=kind, x=days, y=moves[kind])
                     for kind in (*KINDS, *sorted(set(moves) - set(KINDS)))
                     if kind in moves and any(moves[kind])])
    fig.update_layout(barmode="stack", height=300, margin={"l": 40, "r": 10, "t": 10, "b": 40},
                      legend={"orientation": "h"})
    return fig if fig.data else empty_figure("No moves in the last two weeks.")


def _bar(values: dict[str, int], empty: str) -> go.Figure:
    if not any(values.values()):
        return empty_figure(empty)
    fig = go.Figure(go.Bar(x=list(values), y=list(values.values()), marker_color="#8a6d3b"))
    fig.update_layout(height=300, margin={"l": 40, "r": 10, "t": 10, "b": 60})
    return fig


def _kpis(data: dict[str, Any]) -> list[Any]:
    share, seen, alerts = data["pick_accuracy"], data["pick_lines_seen"], data["open_alerts"]
    return [
        kpi("Received today", data["received_today"], "kpi-received", "pieces"),
        kpi("Picked today", data["picked_today"], "kpi-picked",
            f"{data['pick_lines_today']} lines"),
        kpi("Orders waiting", data["orders_waiting"], "kpi-waiting", "open to picked"),
        kpi("Pick accuracy", "—" if share is None else f"{share:.1%}", "kpi-accuracy",
            f"{seen} recent lines"),
        kpi("Open alerts", "—" if alerts is None else alerts, "kpi-alerts",
            "" if alerts is not None else "not for your role"),
    ]


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Fill the overview from the API, now and every 30 seconds."""

    @dash_app.callback(
        Output("ov-kpis", "children"), Output("ov-moves", "figure"),
        Output("ov-orders", "figure"), Output("ov-alerts", "figure"), Output("ov-msg", "children"),
        Input("ov-tick", "n_intervals"), State("auth", "data"),
    )
    def refresh(_n: int | None, auth_data: dict[str, Any] | None) -> tuple[Any, ...]:
        auth = auth_from(auth_data)
        blank = empty_figure("")
        if auth is None:
            return [], blank, blank, blank, error_box("Sign in first.")
        try:
            data = ctx.api.get("/api/reports/overview", auth, window_days=WINDOW_DAYS)
        except ApiError as exc:
            return [], blank, blank, blank, error_box(exc)
        severities = data["alerts_by_severity"]
        alert_fig = (_bar(severities, "No open alerts.") if severities is not None
                     else empty_figure("Alerts are not shown to your role."))
        return (_kpis(data), _moves_figure(data["daily"]),
                _bar(data["orders_by_status"], "No orders waiting."), alert_fig, None)
