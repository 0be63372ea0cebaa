"""Overview: today's receipts and picks, orders waiting, pick accuracy and open alerts.

Each chart's height is the height of its box (``.ov-chart`` in assets/overview.css), never
the figure's: Dash's Graph in its ``responsive`` mode drops ``layout.height`` and takes 100 %
of its container's height, so in a card of no height of its own every chart collapsed to a
sliver (27 px, a 7 px plot area).
"""

from __future__ import annotations

import importlib
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from web.i18n import N_, _
from web.pages.api import ApiError, Auth, auth_from
from web.pages.ui import PageContext, card, empty_figure, error_box, kpi

__all__ = ["layout", "register", "WAITING"]

# Imported before the server starts its threads: Plotly asks sys.modules for pandas while
# building a figure, and a callback that met it half-imported by another thread (the first
# requests of a process) failed with "partially initialized module 'pandas'".
importlib.import_module("pandas")

WINDOW_DAYS = 14
WAITING = ("open", "partially_allocated", "allocated", "picking", "picked")
#: Move reasons in stacking order, with the words the legend shows (others follow as named).
KINDS = {
    "receipt": N_("receipt"), "putaway": N_("putaway"), "pick": N_("pick"),
    "shipment": N_("shipment"), "transfer": N_("transfer"), "adjustment": N_("adjustment"),
    "count": N_("count"), "count variance": N_("count variance"), "recall": N_("recall"),
    "correction": N_("correction"), "return": N_("returns"),
    "return to supplier": N_("return to supplier"),
}
#: Adjustments posted with a reason of their own (core.documents.AdjustmentReason) as legends.
ADJUSTMENT_REASONS = {
    "damaged": N_("damaged"), "found": N_("found"), "lost": N_("lost"), "theft": N_("theft"),
    "data_error": N_("data error"), "sample": N_("sample"), "scrap": N_("scrap"),
}
#: Order statuses and alert severities as the axes show them.
LABELS = {
    "open": N_("open"), "partially_allocated": N_("partly allocated"),
    "allocated": N_("allocated"), "picking": N_("picking"), "picked": N_("picked"),
    "info": N_("info"), "warning": N_("warning"), "high": N_("high"), "critical": N_("critical"),
}
_MARGIN = {"l": 48, "r": 10, "t": 10, "b": 10}


def layout(_auth: Auth | None = None) -> html.Div:
    """The overview page."""
    graph: dcc.Graph.Config = {"displaylogo": False}

    def chart(element_id: str) -> html.Div:
        # The box has the height; the responsive Graph fills it (its style is height: 100%).
        return html.Div(dcc.Graph(id=element_id, config=graph, responsive=True,
                                  style={"height": "100%"}), className="ov-chart")

    return html.Div([
        html.H2(_("Overview")),
        dcc.Interval(id="ov-tick", interval=30_000),
        html.Div(id="ov-msg"),
        html.Div(id="ov-kpis", className="kpis"),
        html.Div([
            card(_("Stock moves per day"), chart("ov-moves")),
            card(_("Orders by status"), chart("ov-orders")),
            card(_("Open alerts by severity"), chart("ov-alerts")),
        ], className="grid3 ov-charts"),
    ], id="overview-page")


def _label(code: str) -> str:
    """A status, severity or move kind in the reader's language (unknown codes as they are)."""
    known = LABELS.get(code) or KINDS.get(code) or ADJUSTMENT_REASONS.get(code)
    return _(known) if known else code.replace("_", " ")


def _by_kind(moves: dict[str, list[int]]) -> dict[str, list[int]]:
    """Moves per reason: corrections (``correction: <why>``, free text) as one kind,
    adjustments by their reason (``adjustment: found``) when it is one of ours."""
    kinds: dict[str, list[int]] = {}
    for reason, counts in moves.items():
        kind = "correction" if reason.startswith("correction:") else reason
        if reason.startswith("adjustment:"):  # "adjustment: found": the reason, if it is known
            why = reason.split(":", 1)[1].strip()
            kind = why if why in ADJUSTMENT_REASONS else "adjustment"
        kind = "return" if reason.startswith("return") else kind  # core.returns' reasons
        kinds[kind] = [a + b for a, b in zip(kinds.get(kind, [0] * len(counts)), counts,
                                             strict=True)]
    return kinds


def _moves_figure(daily: dict[str, Any]) -> go.Figure:
    days, moves = daily["days"], _by_kind(daily["moves"])
    fig = go.Figure([go.Bar(name=_label(kind), x=days, y=moves[kind])
                     for kind in (*KINDS, *sorted(set(moves) - set(KINDS)))
                     if kind in moves and any(moves[kind])])
    if not fig.data:
        return empty_figure(_("No moves in the last two weeks."))
    fig.update_layout(barmode="stack", autosize=True, margin=_MARGIN,
                      legend={"orientation": "h", "title": {"text": _("Reason")},
                              "yanchor": "bottom", "y": 1.02, "x": 0},
                      xaxis={"title": {"text": _("Day")}, "automargin": True},
                      yaxis={"title": {"text": _("Stock moves")}, "automargin": True})
    return fig


def _bar(values: dict[str, int], empty: str, x_title: str, y_title: str) -> go.Figure:
    if not any(values.values()):
        return empty_figure(empty)
    fig = go.Figure(go.Bar(x=[_label(k) for k in values], y=list(values.values()),
                           marker_color="#8a6d3b", name=y_title))
    fig.update_layout(autosize=True, margin=_MARGIN,
                      xaxis={"title": {"text": x_title}, "automargin": True},
                      yaxis={"title": {"text": y_title}, "automargin": True})
    return fig


def _kpis(data: dict[str, Any]) -> list[Any]:
    share, seen, alerts = data["pick_accuracy"], data["pick_lines_seen"], data["open_alerts"]
    return [
        kpi(_("Received today"), data["received_today"], "kpi-received", _("pieces")),
        kpi(_("Picked today"), data["picked_today"], "kpi-picked",
            _("{n} lines", n=data["pick_lines_today"])),
        kpi(_("Orders waiting"), data["orders_waiting"], "kpi-waiting", _("open to picked")),
        kpi(_("Pick accuracy"), "—" if share is None else f"{share:.1%}", "kpi-accuracy",
            _("{n} recent lines", n=seen)),
        kpi(_("Open alerts"), "—" if alerts is None else alerts, "kpi-alerts",
            "" if alerts is not None else _("not for your role")),
    ]


def _figures(data: dict[str, Any]) -> tuple[go.Figure, go.Figure, go.Figure]:
    """The three charts of an overview answer."""
    severities = data["alerts_by_severity"]
    alerts = (_bar(severities, _("No open alerts."), _("Severity"), _("Open alerts"))
              if severities is not None else empty_figure(_("Alerts are not shown to your role.")))
    orders = _bar(data["orders_by_status"], _("No orders waiting."), _("Status"), _("Orders"))
    return _moves_figure(data["daily"]), orders, alerts


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
            return [], blank, blank, blank, error_box(_("Sign in first."))
        try:
            data = ctx.api.get("/api/reports/overview", auth, window_days=WINDOW_DAYS)
        except ApiError as exc:
            return [], blank, blank, blank, error_box(exc)
        return (_kpis(data), *_figures(data), None)
