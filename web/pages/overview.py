"""Overview: today's receipts and picks, orders waiting, pick accuracy and open alerts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.ui import PageContext, card, empty_figure, error_box, kpi

__all__ = ["layout", "register", "WAITING"]

WINDOW_DAYS = 14
WAITING = ("open", "partially_allocated", "allocated", "picking", "picked")
KINDS = ("receipt", "putaway", "pick", "shipment", "transfer", "adjustment", "count", "recall")


def layout(_auth: Auth | None = None) -> html.Div:
    """The overview page."""
    graph = {"displaylogo": False, "responsive": True}
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


def _day(value: Any) -> date:
    return datetime.fromisoformat(str(value)).date()


def recent_moves(api: Api, auth: Auth, since: date) -> list[dict[str, Any]]:
    """Moves from ``since`` on (the ledger is newest first, so stop at the first older page)."""
    moves: list[dict[str, Any]] = []
    while True:
        page = api.get("/api/moves", auth, limit=500, offset=len(moves))
        moves.extend(page["items"])
        if not page["items"] or len(moves) >= page["total"] or _day(moves[-1]["at"]) < since:
            return [m for m in moves if _day(m["at"]) >= since]


def _orders_by_status(api: Api, auth: Auth) -> dict[str, int]:
    return {s: int(api.get("/api/orders", auth, status=s, limit=1)["total"]) for s in WAITING}


def pick_accuracy(api: Api, auth: Auth) -> tuple[float | None, int]:
    """Share of closed pick lines (recent lists) taken in full, and how many lines were seen."""
    lists = api.get("/api/picklists", auth, limit=200)["items"]
    lines = [ln for pl in lists for ln in pl["lines"] if ln["status"] != "open"]
    if not lines:
        return None, 0
    good = sum(1 for ln in lines if not ln["short_quantity"])
    return good / len(lines), len(lines)


def _moves_figure(moves: list[dict[str, Any]], since: date) -> go.Figure:
    days = [since + timedelta(days=n) for n in range(WINDOW_DAYS + 1)]
    counts = Counter((_day(m["at"]), m["reason"]) for m in moves)
    fig = go.Figure([go.Bar(name=kind, x=days, y=[counts[(d, kind)] for d in days])
                     for kind in KINDS if any(counts[(d, kind)] for d in days)])
    fig.update_layout(barmode="stack", height=300, margin={"l": 40, "r": 10, "t": 10, "b": 40},
                      legend={"orientation": "h"})
    return fig if fig.data else empty_figure("No moves in the last two weeks.")


def _bar(values: dict[str, int], empty: str) -> go.Figure:
    if not any(values.values()):
        return empty_figure(empty)
    fig = go.Figure(go.Bar(x=list(values), y=list(values.values()), marker_color="#8a6d3b"))
    fig.update_layout(height=300, margin={"l": 40, "r": 10, "t": 10, "b": 60})
    return fig


def _alerts(api: Api, auth: Auth) -> tuple[int | None, dict[str, int]]:
    if not can(auth.role, "alerts:read"):
        return None, {}
    rows = api.get_all("/api/alerts", auth, limit=2000, open_only="true")
    by_severity = Counter(a["severity"] for a in rows)
    return len(rows), {s: by_severity[s] for s in ("info", "warning", "high", "critical")}


def _kpis(moves: list[dict[str, Any]], today: date, waiting: int,
          accuracy: tuple[float | None, int], open_alerts: int | None) -> list[Any]:
    todays = [m for m in moves if _day(m["at"]) == today]
    received = sum(m["quantity"] for m in todays if m["reason"] == "receipt")
    picks = [m for m in todays if m["reason"] == "pick"]
    share, seen = accuracy
    return [
        kpi("Received today", received, "kpi-received", "pieces"),
        kpi("Picked today", sum(m["quantity"] for m in picks), "kpi-picked", f"{len(picks)} lines"),
        kpi("Orders waiting", waiting, "kpi-waiting", "open to picked"),
        kpi("Pick accuracy", "—" if share is None else f"{share:.1%}", "kpi-accuracy",
            f"{seen} recent lines"),
        kpi("Open alerts", "—" if open_alerts is None else open_alerts, "kpi-alerts",
            "" if open_alerts is not None else "not for your role"),
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
        today = datetime.now(UTC).date()
        since = today - timedelta(days=WINDOW_DAYS)
        try:
            moves = recent_moves(ctx.api, auth, since)
            orders = _orders_by_status(ctx.api, auth)
            accuracy = pick_accuracy(ctx.api, auth)
            open_alerts, severities = _alerts(ctx.api, auth)
        except ApiError as exc:
            return [], blank, blank, blank, error_box(exc)
        alert_fig = (_bar(severities, "No open alerts.") if open_alerts is not None
                     else empty_figure("Alerts are not shown to your role."))
        return (_kpis(moves, today, sum(orders.values()), accuracy, open_alerts),
                _moves_figure(moves, since), _bar(orders, "No orders waiting."), alert_fig, None)
