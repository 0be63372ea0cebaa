"""The what-if result: KPIs of A and B side by side with confidence intervals, and B - A."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

from web.i18n import N_, _
from web.pages.ui import attrs, card

__all__ = ["KPIS", "comparison_view", "kpi_figure", "workload_text"]

# KPI name -> (label, unit, True when more is better)
KPIS: dict[str, tuple[str, str, bool]] = {
    "orders_per_hour": (N_("Orders per hour"), "/h", True),
    "distance_per_order": (N_("Walk per order"), "m", False),
    "mean_cycle_time": (N_("Order cycle time"), "s", False),
    "congestion_per_order": (N_("Congestion per order"), "s", False),
    "packing_wait": (N_("Packing wait"), "s", False),
    "utilisation": (N_("Picker utilisation"), "", True),
    "orders_completed": (N_("Orders completed"), "", True),
}


def workload_text(workload: dict[str, Any]) -> str:
    """Which orders a what-if simulated, as the page says it (``workload`` of the answer)."""
    if workload.get("source") == "history":
        text = _("Replayed our own orders: {orders} orders, {lines} lines, {units} units picked "
                 "on {days} days between {since} and {until} (one day per replication).",
                 orders=workload["orders"], lines=workload["lines"], units=workload["units"],
                 days=workload["days"], since=workload["since"][:10],
                 until=workload["until"][:10])
        left = workload.get("lines_left_out", 0)
        return text + (" " + _("{n} lines left out: their SKU has no bin today.", n=left)
                       if left else "")
    if workload.get("source") == "generated":
        return _("Generated orders: {n} per shift.", n=workload.get("orders", 0))
    return _("{n} orders given.", n=workload.get("orders", 0))


def _ci(est: dict[str, Any], unit: str) -> str:
    return f"{est['mean']:.2f} {unit} [{est['low']:.2f}, {est['high']:.2f}]".replace(" ]", "]")


def _verdict(delta: dict[str, Any], better_up: bool) -> tuple[str, str]:
    if delta["low"] <= 0 <= delta["high"]:
        return _("no clear difference"), "same"
    improved = (delta["mean"] > 0) == better_up
    return (_("B better") if improved else _("B worse")), ("better" if improved else "worse")


def _table(result: dict[str, Any]) -> html.Table:
    rows = []
    for name, (label, unit, better_up) in KPIS.items():
        a, b, d = result["a"]["kpis"][name], result["b"]["kpis"][name], result["delta"][name]
        verdict, cls = _verdict(d, better_up)
        rows.append(html.Tr([html.Td(_(label)), html.Td(_ci(a, unit)), html.Td(_ci(b, unit)),
                             html.Td(_ci(d, unit)), html.Td(verdict, className=cls)],
                            **attrs({"data-kpi": name})))
    confidence = result["delta"]["orders_per_hour"].get("confidence", 0.95)
    head = [_("KPI"), _("A: today"), _("B: what-if"), "B − A", _("verdict")]
    return html.Table([
        html.Caption(_("Means with {confidence} confidence intervals over {n} paired "
                       "replications", confidence=f"{confidence:.0%}",
                       n=result["delta"]["orders_per_hour"]["n"])),
        html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows),
    ], className="kpi-table", id="tw-kpi-table")


def kpi_figure(result: dict[str, Any]) -> go.Figure:
    """A and B means with their interval as error bars, one small group per KPI."""
    names = ["orders_per_hour", "distance_per_order", "mean_cycle_time", "congestion_per_order"]
    fig = go.Figure()
    for side, colour in (("a", "#9aa5b1"), ("b", "#8a6d3b")):
        ests = [result[side]["kpis"][n] for n in names]
        fig.add_bar(name=_("A: today") if side == "a" else _("B: what-if"),
                    x=[_(KPIS[n][0]) for n in names], y=[e["mean"] for e in ests],
                    marker_color=colour, error_y={"type": "data", "array":
                                                   [e["high"] - e["mean"] for e in ests],
                                                   "arrayminus": [e["mean"] - e["low"]
                                                                  for e in ests]})
    fig.update_layout(barmode="group", height=340, legend={"orientation": "h"},
                      margin={"l": 40, "r": 10, "t": 20, "b": 40})
    return fig


def comparison_view(result: dict[str, Any], what_if_figure: go.Figure) -> html.Div:
    """Table, chart and the what-if layout."""
    graph: dcc.Graph.Config = {"displaylogo": False, "responsive": True}
    return html.Div([
        card(_("What-if result"), html.P(workload_text(result.get("workload", {})),
                                         className="hint", id="tw-workload"), _table(result)),
        html.Div([
            card(_("KPIs with confidence intervals"), dcc.Graph(figure=kpi_figure(result),
                                                                config=graph,
                                                                style={"height": "340px"})),
            card(_("What-if layout (B)"), dcc.Graph(figure=what_if_figure, config=graph,
                                                    style={"height": "420px"})),
        ], className="grid2"),
    ], id="tw-comparison")
