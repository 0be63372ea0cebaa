"""Reports: pick an analytics report, filter it, read it as a table and a chart, export it.

The page's address may name the report and its filters (``/reports?report=dead-stock&category=ring
&since=2026-09-01``, what :func:`report_link` writes for the chat's "Open in Reports"): they fill
the controls when the page opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as callback_ctx
from dash.dcc.express import send_bytes

from core.clock import now
from core.reports import REPORTS
from core.reports.traced import TRACE_DAYS
from web.i18n import N_, _
from web.pages.api import ApiError, Auth, auth_from
from web.pages.ui import (
    PageContext,
    card,
    date_input,
    empty_figure,
    error_box,
    field,
    grid,
    when,
)

__all__ = ["COLUMN_NAMES", "REPORT_TEXT", "column_name", "layout", "register", "report_figure",
           "report_link", "report_params", "report_title", "url_controls"]

#: The report API's goods, supplier and place filters the page has a text box for (all of them:
#: the chat's "Open in Reports" links carry any of these, and the page must show what it showed).
FILTERS = ("category", "metal", "colour", "purity", "size", "sku", "lot", "supplier", "location")
GROUPS = ("move", "reason", "location", "person", "sku")
MAX_BARS = 40
#: The controls an address can fill, in the order of the callback's outputs.
URL_CONTROLS = ("report", "since", "until", *FILTERS, "days", "by", "trace_days")
#: Whole-number options an address may give: (lowest, highest), as the report API takes them.
URL_NUMBERS = {"days": (1, 36_500), "trace_days": (1, 365)}
URL_IDS = {"report": "rp-name", "trace_days": "rp-trace"}  # the others are rp-<name>
MAX_FILTER = 100  # characters of a filter value read from an address

#: Each report's title and description for translation; the same English as core.reports'
#: (a test holds them equal), which stays the API's own text.
REPORT_TEXT: dict[str, tuple[str, str]] = {
    "best-sellers": (N_("Best sellers"),
                     N_("SKUs that sold the most units in the period, with revenue.")),
    "slow-movers": (N_("Slow movers"),
                    N_("SKUs in stock that sold least in the period, most stock first.")),
    "dead-stock": (N_("Dead stock"),
                   N_("Stock with no move for `days` days before the period's end, by value.")),
    "ageing": (N_("Stock ageing"), N_("Stock on hand by age of its lot since receipt.")),
    "turnover": (N_("Stock turnover"),
                 N_("Days of stock per category: average on hand over daily sales.")),
    "shrinkage": (N_("Shrinkage"), N_("Adjustments and count variances by move, reason, "
                                      "location, person or SKU.")),
    "staff-performance": (N_("Staff performance"), N_(
        "Pick lines, pieces, picks per hour and accuracy (short lines, wrong picks caught, "
        "variances traced to picks within `trace_days`) by person and shift.")),
    "traced-variances": (N_("Variances traced to picks"), N_(
        "Count and adjustment variances (found, lost, data error) with the last pick of that "
        "SKU and lot from that bin within `trace_days` before.")),
    "supplier-quality": (N_("Supplier quality"), N_(
        "QC pass rate and purity and weight deviations per supplier (impossible stored "
        "weights left out and counted in weights_skipped).")),
    "order-flow": (N_("Order flow"), N_("Lead time from order to shipment, fill rate and late "
                                        "orders per channel.")),
    "reorder": (N_("Reorder advice"), N_(
        "Weekly demand forecast (Croston/SBA) with its backtest error, stock on hand and on "
        "order, reorder point and quantity to buy, explained.")),
    "anomalies": (N_("Anomalies"), N_(
        "Unusual adjustments, people adjusting far more than their peers, and pieces idle for "
        "`idle_days` days while their style sells; each says why.")),
    "slotting-advice": (N_("Slotting advice"), N_(
        "Fast movers to move into free bins nearer the packing desk, with the metres of "
        "walking saved in the period.")),
}

#: Report (and chat answer) columns as a person reads them; others show their key.
COLUMN_NAMES: dict[str, str] = {
    "accuracy": N_("accuracy"), "age": N_("age"), "at": N_("at"), "available": N_("available"),
    "average_age_days": N_("average age (days)"), "average_on_hand": N_("average on hand"),
    "backtest_bias": N_("backtest bias"), "backtest_mae": N_("backtest MAE"),
    "cancelled": N_("cancelled"), "category": N_("category"), "channel": N_("channel"),
    "days": N_("days"), "days_before": N_("days before"), "document": N_("document"),
    "document_kind": N_("document kind"), "explanation": N_("explanation"),
    "failed": N_("failed"), "forecast_per_week": N_("forecast per week"),
    "found_at": N_("found at"), "from_distance_m": N_("from distance (m)"),
    "from_location": N_("from location"), "hours": N_("hours"), "idle_days": N_("idle days"),
    "in_quarantine": N_("in quarantine"), "inspections": N_("inspections"), "kind": N_("kind"),
    "last_move_at": N_("last move"), "late": N_("late"), "late_rate": N_("late rate"),
    "lead_time_mean_h": N_("mean lead time (h)"),
    "lead_time_median_h": N_("median lead time (h)"),
    "lead_time_p90_h": N_("lead time P90 (h)"), "line_fill_rate": N_("line fill rate"),
    "lines": N_("lines"), "location": N_("location"), "lot": N_("lot"), "lots": N_("lots"),
    "max_abs_weight_deviation_pct": N_("largest weight deviation (%)"),
    "mean_purity_deviation": N_("mean purity deviation"),
    "mean_weight_deviation_pct": N_("mean weight deviation (%)"), "measure": N_("measure"),
    "metal": N_("metal"), "move_id": N_("move"), "move_ids": N_("moves"), "moves": N_("moves"),
    "naive_mae": N_("naive MAE"), "name": N_("name"), "net_units": N_("net units"),
    "net_value": N_("net value"), "next_due": N_("next due"), "on_hand": N_("on hand"),
    "on_hand_end": N_("on hand at end"), "on_hand_start": N_("on hand at start"),
    "on_order": N_("on order"), "open": N_("open"), "order_up_to": N_("order up to"),
    "orders": N_("orders"), "pass_rate": N_("pass rate"), "passed": N_("passed"),
    "person": N_("person"), "pick_accuracy": N_("pick accuracy"),
    "pick_line_id": N_("pick line"), "pick_list": N_("pick list"), "picked_at": N_("picked at"),
    "picked_quantity": N_("picked quantity"), "picker": N_("picker"), "picks": N_("picks"),
    "picks_per_hour": N_("picks per hour"), "pieces": N_("pieces"),
    "pieces_per_hour": N_("pieces per hour"), "pieces_weighed": N_("pieces weighed"),
    "position": N_("stock position"), "purity": N_("purity"), "purity_lots": N_("lots assayed"),
    "quantity": N_("quantity"), "rank": N_("rank"), "reason": N_("reason"),
    "reorder_point": N_("reorder point"), "revenue": N_("revenue"),
    "saving_m": N_("saving (m)"), "shift": N_("shift"), "shipped": N_("shipped"),
    "short_lines": N_("short lines"), "sku": N_("SKU"), "sold": N_("sold"),
    "sold_per_day": N_("sold per day"), "stock_value": N_("stock value"), "style": N_("style"),
    "subject": N_("subject"), "suggested_quantity": N_("quantity to buy"),
    "suggests": N_("suggests"), "supplier": N_("supplier"), "threshold": N_("threshold"),
    "to_distance_m": N_("to distance (m)"), "to_location": N_("to location"),
    "turnover_days": N_("turnover (days)"), "unit_fill_rate": N_("unit fill rate"),
    "units": N_("units"), "units_found": N_("units found"), "units_lost": N_("units lost"),
    "usual": N_("usual"), "value": N_("value"), "value_lost": N_("value lost"),
    "value_share": N_("value share"), "variance": N_("variance"),
    "variances_traced": N_("variances traced"), "weeks": N_("weeks"),
    "weeks_with_sales": N_("weeks with sales"), "weights_skipped": N_("weights skipped"),
    "why": N_("why"), "with_due_date": N_("with due date"),
    "worst_purity_deviation": N_("worst purity deviation"),
    "wrong_picks_caught": N_("wrong picks caught"), "quantity_done": N_("quantity done"),
    "done_quantity": N_("done"), "status": N_("status"), "order": N_("order"),
    "customer": N_("customer"), "serial": N_("serial"), "date": N_("date"), "day": N_("day"),
    "total": N_("total"), "count": N_("count"), "price": N_("price"),
    "weight_g": N_("weight (g)"), "size": N_("size"), "colour": N_("colour"),
}
FILTER_LABELS = {"category": N_("Category"), "metal": N_("Metal"), "colour": N_("Colour"),
                 "purity": N_("Purity"), "size": N_("Size"), "sku": N_("SKU"), "lot": N_("Lot"),
                 "supplier": N_("Supplier"), "location": N_("Location")}
GROUP_LABELS = {"move": N_("move"), "reason": N_("reason"), "location": N_("location"),
                "person": N_("person"), "sku": N_("SKU")}


def column_name(key: str) -> str:
    """A column's heading in the page's language (an unknown key made readable)."""
    return _(COLUMN_NAMES[key]) if key in COLUMN_NAMES else key.replace("_", " ")


def report_title(name: str) -> str:
    """A report's title in the page's language."""
    return _(REPORT_TEXT[name][0]) if name in REPORT_TEXT else REPORTS[name].title


def _text(name: str, placeholder: str = "") -> dcc.Input:
    return dcc.Input(id=f"rp-{name}", type="text", placeholder=placeholder, debounce=True)


def layout(_auth: Auth | None = None) -> html.Div:
    """The reports page."""
    return html.Div([
        html.H2(_("Reports")),
        dcc.Download(id="rp-download"),
        card(_("Report"), html.Div([
            field(_("Report"), dcc.Dropdown(id="rp-name", value="best-sellers", clearable=False,
                                            options=[{"label": report_title(name), "value": name}
                                                     for name in REPORTS])),
            field(_("From"), date_input("rp-since")),
            field(_("Until"), date_input("rp-until")),
            *(field(_(FILTER_LABELS[name]), _text(name, _("any"))) for name in FILTERS),
            field(_("Idle days"), dcc.Input(id="rp-days", type="number", min=1, value=180),
                  _("dead stock")),
            field(_("Group by"), dcc.Dropdown(id="rp-by", value="move", clearable=False,
                                              options=[{"label": _(GROUP_LABELS[g]), "value": g}
                                                       for g in GROUPS]), _("shrinkage")),
            field(_("Trace days"), dcc.Input(id="rp-trace", type="number", min=1, max=365,
                                             value=TRACE_DAYS),
                  _("staff performance, variances traced to picks")),
        ], className="form-grid"), html.Div([
            html.Button(_("Run"), id="rp-run", n_clicks=0, className="primary"),
            html.Button("CSV", id="rp-csv", n_clicks=0),
            html.Button("XLSX", id="rp-xlsx", n_clicks=0),
        ], className="row"), html.P(id="rp-about", className="hint")),
        html.Div(id="rp-msg"),
        card(_("Chart"), dcc.Graph(id="rp-chart", figure=empty_figure(_("Run a report.")),
                                   config={"displaylogo": False, "responsive": True})),
        card(_("Rows"), html.Div(id="rp-table")),
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


def _day(value: Any, *, end: bool = False) -> str | None:
    """An ISO date or timestamp as the page's day (UTC). ``end``: a period's end inside a day
    becomes the next day, so that day stays in; one from today on is left out (the page's
    period then ends now, as the chat's did)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    day = moment.date()
    if end and day >= now().date():
        return None
    if end and moment.time() != datetime.min.time():
        day += timedelta(days=1)
    return day.isoformat()


def report_link(report: Mapping[str, Any]) -> str:
    """The address of this page showing ``report`` (``{"name", "filters", "options"}``, as a
    chat answer carries it): the period as days, the filters, and the options the page has
    controls for (``days``, ``by``, ``trace_days``)."""
    filters: Mapping[str, Any] = report.get("filters") or {}
    options: Mapping[str, Any] = report.get("options") or {}
    query: dict[str, str] = {"report": str(report["name"])}
    for key in ("since", "until"):
        day = _day(filters[key], end=key == "until") if filters.get(key) else None
        if day:
            query[key] = day
    query |= {k: str(filters[k]) for k in FILTERS if filters.get(k)}
    query |= {k: str(options[k]) for k in ("days", "by", "trace_days")
              if options.get(k) not in (None, "")}
    return "/reports?" + urlencode(query)


def _number(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def url_controls(search: str | None) -> dict[str, Any]:
    """The controls' values an address's query gives (what :func:`report_link` writes); a
    value the page cannot take (an unknown report, a bad date or number) is left out."""
    given = {k: v[0].strip() for k, v in parse_qs((search or "").lstrip("?")).items() if v}
    wanted: dict[str, Any] = {}
    if given.get("report") in REPORTS:
        wanted["report"] = given["report"]
    for key in ("since", "until"):
        try:
            wanted[key] = date.fromisoformat(given[key]).isoformat()
        except (KeyError, ValueError):
            pass
    wanted |= {k: given[k] for k in FILTERS if given.get(k) and len(given[k]) <= MAX_FILTER}
    for key, (low, high) in URL_NUMBERS.items():
        if (number := _number(given.get(key, ""), low, high)) is not None:
            wanted[key] = number
    if given.get("by") in GROUPS:
        wanted["by"] = given["by"]
    return wanted


def report_figure(rows: list[dict[str, Any]], chart: Mapping[str, str]) -> go.Figure:
    """A report's bar chart: ``chart``'s ``x`` against ``y``, one series per ``colour``."""
    x, y = chart.get("x"), chart.get("y")
    if x is None or y is None:  # (no row has a None key: the same answer as below)
        return empty_figure(_("Nothing to chart for this selection."))
    shown = [r for r in rows if x in r and isinstance(r.get(y), int | float)][:MAX_BARS]
    if not shown:
        return empty_figure(_("Nothing to chart for this selection."))
    colour = chart.get("colour") or ""
    groups = sorted({str(r[colour]) for r in shown}) if colour else [None]
    fig = go.Figure()
    for g in groups:
        mine = [r for r in shown if g is None or str(r[colour]) == g]
        fig.add_bar(name=g or column_name(y), x=[str(r[x]) for r in mine],
                    y=[r[y] for r in mine], marker_color=None if colour else "#8a6d3b")
    fig.update_layout(height=340, barmode="group", yaxis_title=column_name(y),
                      xaxis_title=column_name(x), legend={"orientation": "h"},
                      margin={"l": 50, "r": 10, "t": 10, "b": 90})
    return fig


def _table(columns: list[str], rows: list[dict[str, Any]]) -> Any:
    if not rows:
        return html.Div(_("No rows for this selection."), className="msg msg-info")
    data = [{c: ", ".join(map(str, v)) if isinstance(v, list) else v for c, v in r.items()}
            for r in rows]
    return grid("rp-rows", data, [(c, column_name(c)) for c in columns], page_size=25,
                filters=True)


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Run a report when chosen or asked, and export it as CSV or XLSX."""

    @dash_app.callback(*(Output(URL_IDS.get(c, f"rp-{c}"), "value") for c in URL_CONTROLS),
                       Input("reports-page", "id"), State("url", "search"))
    def from_address(_page: str, search: str | None) -> tuple[Any, ...]:
        # Opened from a link (the chat's "Open in Reports"): its report and filters. The run
        # below waits for these values, as it takes the report name as an input.
        wanted = url_controls(search)
        return tuple(wanted.get(c, no_update) for c in URL_CONTROLS)

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
        description = _(REPORT_TEXT[name][1]) if name in REPORT_TEXT else body["description"]
        about = _("{description} {n} rows, {since} to {until}.", description=description,
                  n=body["total"], since=when(body["since"], day_only=True),
                  until=when(body["until"], day_only=True))
        figure = report_figure(body["items"], chart)
        return figure, _table(body["columns"], body["items"]), None, about

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
