"""Finance documents: a kind and a period give the register (documents with their values and
the totals), downloaded as CSV, XLSX or PDF; a click (or a number) opens one document."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger
from dash.dcc.express import send_bytes

from web.i18n import N_, _, language
from web.pages.api import ApiError, Auth, auth_from
from web.pages.masterdata import column, grid, path, text
from web.pages.ui import PageContext, card, error_box, field, kind_name, number, when

__all__ = ["KINDS", "layout", "register"]

KINDS: dict[str, str] = {
    "receipt": N_("Receipts"),
    "issue": N_("Issues (shipments)"),
    "transfer": N_("Transfers"),
    "adjustment": N_("Adjustments and counts"),
}
FORMATS = ("csv", "xlsx", "pdf")
FACTS_STYLE = {
    "display": "grid",
    "gridTemplateColumns": "auto 1fr",
    "gap": "2px 12px",
    "margin": "8px 0",
}
TOTAL_NAMES = {
    "documents": N_("documents"),
    "lines": N_("lines"),
    "quantity": N_("pieces"),
    "value": N_("value at cost"),
    "sale_value": N_("sale value"),
    "gains": N_("gains"),
    "losses": N_("losses"),
}
#: An adjustment's counterparty (its reason code, or a count's difference) as people read it.
REASON_NAMES = {
    "count difference": N_("count variance"),
    "lost": N_("lost"),
    "found": N_("found"),
    "damaged": N_("damaged"),
    "theft": N_("theft"),
    "data_error": N_("data error"),
    "sample": N_("sample"),
    "scrap": N_("scrap"),
}
BASIS_NAMES = {
    "po-cost": N_("purchase order cost"),
    "lot-cost": N_("lot cost"),
    "catalogue-price": N_("catalogue price"),
    "purchase-cost": N_("purchase cost"),
    "consigned": N_("consigned, memo value"),
}


def _money(value: Any) -> str:
    """An amount with two decimals and the page's language's separators."""
    if value is None:
        return "–"
    return format_decimal(Decimal(str(value)), format="#,##0.00", locale=language())


def _register_columns(kind: str | None) -> list[dict[str, Any]]:
    sale = [column("sale_value", _("Sale value"), type="rightAligned")] if kind == "issue" else []
    return [
        column("number", _("Document"), pinned="left", minWidth=110),
        column("date", _("Date"), minWidth=150),
        column("counterparty", _("Counterparty"), minWidth=180),
        column("source", _("document kind"), minWidth=120),
        column("lines", _("Lines"), type="rightAligned"),
        column("quantity", _("Pieces"), type="rightAligned"),
        column("value", _("Value"), type="rightAligned"),
        *sale,
    ]


def _line_columns(kind: str) -> list[dict[str, Any]]:
    sale = (
        [
            column("unit_price", _("Unit price"), type="rightAligned"),
            column("sale_value", _("Sale value"), type="rightAligned"),
        ]
        if kind == "issue"
        else []
    )
    return [
        column("line", "#", maxWidth=70),
        column("sku", _("SKU"), minWidth=110),
        column("lot", _("Lot")),
        column("serials", _("Serials"), minWidth=140),
        column("from_location", _("From")),
        column("to_location", _("To")),
        column("quantity", _("Pieces"), type="rightAligned"),
        column("unit_value", _("Unit value"), type="rightAligned"),
        column("value", _("Value"), type="rightAligned"),
        *sale,
        column("basis", _("Valued at"), minWidth=140),
    ]


def _buttons(prefix: str) -> list[html.Button]:
    return [html.Button(fmt.upper(), id=f"{prefix}-{fmt}", n_clicks=0) for fmt in FORMATS]


def _day(element_id: str, value: date) -> dcc.Input:
    """A date picker showing ``value`` (Dash's hint for ``type`` leaves out "date")."""
    return dcc.Input(id=element_id, type="date", value=value.isoformat())  # type: ignore[arg-type]


def layout(_auth: Auth | None = None) -> html.Div:
    """The finance documents page."""
    today = date.today()
    return html.Div(
        [
            html.H2(_("Finance documents")),
            dcc.Download(id="fin-download"),
            card(
                _("Register"),
                html.Div(
                    [
                        field(
                            _("Kind"),
                            dcc.Dropdown(
                                id="fin-kind",
                                value="receipt",
                                clearable=False,
                                searchable=False,
                                options=[
                                    {"label": _(label), "value": k} for k, label in KINDS.items()
                                ],
                            ),
                        ),
                        field(_("From"), _day("fin-from", today - timedelta(days=30))),
                        field(_("To"), _day("fin-to", today)),
                    ],
                    className="form-grid",
                ),
                html.Div(
                    [
                        html.Button(_("Show"), id="fin-show", n_clicks=0, className="primary"),
                        *_buttons("fin"),
                    ],
                    className="row",
                ),
                html.P(id="fin-totals", className="hint"),
                html.P(
                    _(
                        "Values at cost in {currency}: purchase order cost, else the lot's cost, "
                        "else the catalogue price.",
                        currency="CNY",
                    ),
                    className="hint",
                ),
            ),
            html.Div(id="fin-msg"),
            card(
                _("Documents"),
                grid("fin-grid", _register_columns("receipt"), row_id="number", height=360),
            ),
            card(
                _("Document"),
                html.Div(
                    [
                        field(
                            _("Number"),
                            dcc.Input(
                                id="fin-number",
                                type="text",
                                maxLength=24,
                                placeholder="RCV-000001",
                                debounce=True,
                            ),
                        ),
                    ],
                    className="form-grid",
                ),
                html.Div(
                    [
                        html.Button(_("Open"), id="fin-open", n_clicks=0, className="primary"),
                        *_buttons("fin-doc"),
                    ],
                    className="row",
                ),
                html.Div(id="fin-doc"),
            ),
        ],
        id="finance-page",
    )


def _params(kind: str, since: str | None, until: str | None) -> dict[str, str]:
    params = {"kind": kind}
    if since:
        params["from"] = since
    if until:
        params["to"] = until
    return params


def _totals_text(totals: dict[str, Any]) -> str:
    parts = []
    for key, name in TOTAL_NAMES.items():
        if key in totals:
            value = totals[key]
            shown = number(value) if key in ("documents", "lines", "quantity") else _money(value)
            parts.append(f"{_(name)}: {shown}")
    return " · ".join(parts)


def _register_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "number": d["number"],
            "date": when(d["date"]),
            "counterparty": _counterparty(d["counterparty"]),
            "source": kind_name(d["source"]),
            "lines": d["totals"]["lines"],
            "quantity": d["totals"]["quantity"],
            "value": _money(d["totals"]["value"]),
            "sale_value": _money(d["totals"].get("sale_value")),
        }
        for d in body["documents"]
    ]


def _counterparty(text: str) -> str:
    return _(REASON_NAMES[text]) if text in REASON_NAMES else text


def _document(body: dict[str, Any]) -> html.Div:
    kind = body["kind"]
    rows = [
        ln
        | {
            "serials": " ".join(ln["serials"]),
            "unit_value": _money(ln["unit_value"]),
            "value": _money(ln["value"]),
            "unit_price": _money(ln.get("unit_price")),
            "sale_value": _money(ln.get("sale_value")),
            "basis": _(BASIS_NAMES.get(ln["basis"], ln["basis"])),
        }
        for ln in body["lines"]
    ]
    facts = [
        (_("Document"), body["number"]),
        (_("Date"), when(body["date"])),
        (_("Kind"), _(KINDS[kind])),
        (_("Counterparty"), _counterparty(body["counterparty"])),
        (_("document kind"), kind_name(body["source"])),
        (_("Reference"), body.get("reference") or "–"),
        (_("Totals"), _totals_text(body["totals"])),
    ]
    lines = grid("fin-lines", _line_columns(kind), row_id="line", height=300)
    lines.rowData = rows
    return html.Div(
        [
            html.Dl(
                [item for k, v in facts for item in (html.Dt(k), html.Dd(v))], style=FACTS_STYLE
            ),
            lines,
        ],
        id="fin-doc-body",
    )


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Show the register, open a document, and download either."""

    @dash_app.callback(
        Output("fin-grid", "rowData"),
        Output("fin-grid", "columnDefs"),
        Output("fin-totals", "children"),
        Output("fin-msg", "children"),
        Input("fin-show", "n_clicks"),
        Input("fin-kind", "value"),
        State("fin-from", "value"),
        State("fin-to", "value"),
        State("auth", "data"),
        running=[(Output("fin-show", "disabled"), True, False)],
    )
    def show(
        _n: int, kind: str, since: str | None, until: str | None, auth_data: dict[str, Any] | None
    ) -> Any:
        try:
            body = ctx.api.get(
                "/api/finance/documents", auth_from(auth_data), **_params(kind, since, until)
            )
        except ApiError as exc:
            return [], no_update, "", error_box(exc)
        return (_register_rows(body), _register_columns(kind), _totals_text(body["totals"]), None)

    @dash_app.callback(
        Output("fin-number", "value"), Input("fin-grid", "selectedRows"), prevent_initial_call=True
    )
    def pick(rows: list[dict[str, Any]] | None) -> Any:
        return rows[0]["number"] if rows else no_update

    @dash_app.callback(
        Output("fin-doc", "children"),
        Input("fin-open", "n_clicks"),
        Input("fin-number", "value"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def open_document(_n: int, number_: str | None, auth_data: dict[str, Any] | None) -> Any:
        code = text(number_)
        if not code:
            return None
        try:
            body = ctx.api.get(f"/api/finance/documents/{path(code)}", auth_from(auth_data))
        except ApiError as exc:
            return error_box(exc)
        return _document(body)

    @dash_app.callback(
        Output("fin-download", "data"),
        Output("fin-msg", "children", allow_duplicate=True),
        *(Input(f"fin-{f}", "n_clicks") for f in FORMATS),
        *(Input(f"fin-doc-{f}", "n_clicks") for f in FORMATS),
        State("fin-kind", "value"),
        State("fin-from", "value"),
        State("fin-to", "value"),
        State("fin-number", "value"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def download(*args: Any) -> Any:
        kind, since, until, number_, auth_data = args[-5:]
        pressed = str(trigger.triggered_id or "")
        if not pressed or not any(args[:-5]):
            return no_update, no_update
        fmt = pressed.rsplit("-", 1)[1]
        if pressed.startswith("fin-doc-"):
            code = text(number_)
            if not code:
                return no_update, error_box(_("Choose a document first."))
            url, name = f"/api/finance/documents/{path(code)}?format={fmt}", code
        else:
            query = urlencode(_params(kind, since, until) | {"format": fmt})
            url, name = f"/api/finance/documents?{query}", f"{kind}s"
        try:
            content = ctx.api.get_bytes(url, auth_from(auth_data))
        except ApiError as exc:
            return no_update, error_box(exc)
        return send_bytes(content, f"{name}.{fmt}"), None
