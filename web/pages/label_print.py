"""Label printing (/labels): choose pieces or bins, the label stock and format, preview, download.

Pieces come from a pasted or scanned list (codes, QR payloads or EPCs), a lot, a SKU or a
receipt; bins from a pasted list or a code prefix. The page asks the API for a preview (how
many labels and sheets, the first labels drawn exactly as they print) and downloads the PDF or
ZPL the API renders; location labels carry check digits, so only the roles that see them may
choose bins (the API checks again).
"""

from __future__ import annotations

import base64
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import N_, _
from web.pages.api import ApiError, Auth, auth_from, can
from web.pages.labels import data_uri
from web.pages.ui import PageContext, card, error_box, field, lines_of, ok_box

__all__ = ["layout", "register", "request_body"]

#: How a batch is named, by kind: (value, label).
SELECTIONS = {
    "piece": [("codes", N_("Pasted or scanned list")), ("lot", N_("Every piece of a lot")),
              ("sku", N_("Every piece of a SKU")), ("receipt", N_("Every piece of a receipt"))],
    "location": [("codes", N_("Pasted or scanned list")),
                 ("prefix", N_("Every bin under a code prefix"))],
}
HINTS = {"lot": N_("Lot code, e.g. L-2026-014"), "sku": N_("SKU code"),
         "receipt": N_("Receipt number, e.g. RCV-000012"), "prefix": N_("Code prefix, e.g. A01-")}
LAYOUTS = {
    "a4-24": N_("A4 sheet, 24 labels (3 × 8, 63.5 × 33.9 mm)"),
    "letter-30": N_("US Letter sheet, 30 labels (3 × 10, 2⅝ × 1 in)"),
    "roll-60x30": N_("Roll, 60 × 30 mm"),
    "roll-100x50": N_("Roll, 100 × 50 mm"),
}
ROLLS = ("roll-60x30", "roll-100x50")


def _kinds(role: str) -> list[dict[str, str]]:
    kinds = [{"label": _("Pieces"), "value": "piece"}]
    if can(role, "locations:check-digits"):
        kinds.append({"label": _("Bins (locations)"), "value": "location"})
    return kinds


def _what_card(role: str) -> html.Section:
    return card(
        _("What to print"),
        field(_("Labels for"), dcc.RadioItems(id="lp-kind", options=_kinds(role), value="piece",
                                              className="lp-radio", inline=True)),
        field(_("Choose by"), dcc.RadioItems(id="lp-by", value="codes", className="lp-radio")),
        html.Div(field(_("Codes"), dcc.Textarea(
            id="lp-codes", rows=5, className="lp-codes",
            placeholder=_("One per line: codes, label QR text (FACET:…) or RFID EPCs")),
            _("Scan straight into the box: the scanner types each code and a new line.")),
            id="lp-codes-box"),
        html.Div(field(_("Which"), dcc.Input(id="lp-value", type="text", debounce=False),
                       ), id="lp-value-box", hidden=True),
    )


def _stocks(fmt: str | None) -> list[dict[str, str]]:
    """The label stocks a format prints on: ZPL on a roll only, PDF on any."""
    names = ROLLS if fmt == "zpl" else tuple(LAYOUTS)
    return [{"label": _(LAYOUTS[n]), "value": n} for n in names]


def _stock_card() -> html.Section:
    return card(
        _("Print on"),
        field(_("Format"), dcc.RadioItems(id="lp-format", value="pdf", inline=True,
                                          className="lp-radio", options=[
            {"label": _("PDF (any printer)"), "value": "pdf"},
            {"label": _("ZPL (thermal printer)"), "value": "zpl"}])),
        # Options from the start: a dropdown clears a value outside its options, and a click
        # on Preview before the format's callback answered sent no label stock.
        field(_("Label stock"), dcc.Dropdown(id="lp-layout", value="a4-24",
                                             options=_stocks("pdf"), clearable=False,
                                             searchable=False, className="lp-dd")),
        html.Div(field(_("Printer resolution"), dcc.Dropdown(
            id="lp-dpi", value=203, clearable=False, searchable=False, className="lp-dd",
            options=[{"label": "203 dpi", "value": 203}, {"label": "300 dpi", "value": 300}])),
            id="lp-dpi-box", hidden=True),
    )


def layout(auth: Auth | None = None) -> html.Div:
    """The label printing page."""
    role = auth.role if auth else ""
    return html.Div([
        html.H2(_("Label printing")),
        html.P(_("Each label has the QR the scanners read, a Code 128 of the same code, and "
                 "what the piece is or where the bin is (with its check digits, large). At most "
                 "2,000 labels at a time."), className="hint"),
        html.Div([_what_card(role), _stock_card()], className="lp-cards"),
        html.Div([html.Button(_("Preview"), id="lp-preview", n_clicks=0),
                  html.Button(_("Download"), id="lp-go", n_clicks=0, className="primary")],
                 className="row lp-actions"),
        dcc.Download(id="lp-file"),
        html.Div(id="lp-msg"),
        html.Div(id="lp-summary", className="lp-summary"),
        html.Div(id="lp-sheet", className="lp-sheet"),
    ], id="labels-page", className="lp-page")


def request_body(kind: str, by: str, value: str | None, codes: str | None, fmt: str,
                 stock: str, dpi: int | None) -> dict[str, Any]:
    """The body of POST /api/labels for the page's choices."""
    body: dict[str, Any] = {"kind": kind, "format": fmt, "layout": stock, "dpi": dpi or 203}
    if by == "codes":
        body["codes"] = lines_of(codes)
    else:
        body[by] = (value or "").strip()
    return body


def _summary(shown: dict[str, Any]) -> html.P:
    stock = _(LAYOUTS[shown["layout"]]) if shown["layout"] in LAYOUTS else shown["layout"]
    if shown["count"] == 1:
        text = _("One label: {stock}.", stock=stock)
    elif shown["layout"] in ROLLS:
        text = _("{n} labels on the roll: {stock}.", n=shown["count"], stock=stock)
    elif shown["pages"] == 1:
        text = _("{n} labels on one sheet: {stock}.", n=shown["count"], stock=stock)
    else:
        text = _("{n} labels on {pages} sheets: {stock}.", n=shown["count"],
                 pages=shown["pages"], stock=stock)
    more = shown["count"] - len(shown["svgs"])
    extra = " " + _("The first {k} are shown.", k=len(shown["svgs"])) if more > 0 else ""
    return html.P(text + extra, id="lp-count")


def _sheet(shown: dict[str, Any]) -> list[html.Figure]:
    return [html.Figure([html.Img(src=data_uri(svg), alt=code, className="lp-label"),
                         html.Figcaption(code)])
            for code, svg in zip(shown["codes"], shown["svgs"], strict=True)]


def _register_form(dash_app: Dash) -> None:
    @dash_app.callback(Output("lp-by", "options"), Output("lp-by", "value"),
                       Input("lp-kind", "value"))
    def selections(kind: str | None) -> tuple[list[dict[str, str]], str]:
        return ([{"label": _(text), "value": value}
                 for value, text in SELECTIONS.get(kind or "piece", SELECTIONS["piece"])],
                "codes")

    @dash_app.callback(Output("lp-codes-box", "hidden"), Output("lp-value-box", "hidden"),
                       Output("lp-value", "placeholder"), Input("lp-by", "value"))
    def fields(by: str | None) -> tuple[bool, bool, str]:
        listed = by in (None, "codes")
        return not listed, listed, _(HINTS[by]) if by in HINTS else ""

    @dash_app.callback(Output("lp-layout", "options"), Output("lp-layout", "value"),
                       Output("lp-dpi-box", "hidden"), Input("lp-format", "value"),
                       State("lp-layout", "value"))
    def stocks(fmt: str | None, current: str | None) -> tuple[list[dict[str, str]], str, bool]:
        options = _stocks(fmt)
        names = [option["value"] for option in options]
        return options, current if current in names else names[0], fmt != "zpl"


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The form's choices, the preview and the download."""
    _register_form(dash_app)

    @dash_app.callback(
        Output("lp-summary", "children"), Output("lp-sheet", "children"),
        Output("lp-file", "data"), Output("lp-msg", "children"),
        Input("lp-preview", "n_clicks"), Input("lp-go", "n_clicks"),
        State("lp-kind", "value"), State("lp-by", "value"), State("lp-value", "value"),
        State("lp-codes", "value"), State("lp-format", "value"), State("lp-layout", "value"),
        State("lp-dpi", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def act(_preview: int, _go: int, kind: str, by: str, value: str | None,
            codes: str | None, fmt: str, stock: str, dpi: int | None,
            auth_data: dict[str, Any] | None) -> tuple[Any, Any, Any, Any]:
        if not trigger.triggered or not trigger.triggered[0]["value"]:
            return no_update, no_update, no_update, no_update
        auth = auth_from(auth_data)
        body = request_body(kind, by, value, codes, fmt, stock, dpi)
        try:
            shown = ctx.api.post("/api/labels/preview", auth, body)
            if trigger.triggered_id == "lp-preview":
                return _summary(shown), _sheet(shown), no_update, None
            content, _media = ctx.api.post_bytes("/api/labels", auth, body)
        except ApiError as exc:
            return None, None, no_update, error_box(exc)
        name = f"facet-{kind}-labels-{stock}" + (f"-{dpi}dpi.zpl" if fmt == "zpl" else ".pdf")
        data = {"content": base64.b64encode(content).decode(), "filename": name, "base64": True}
        done = ok_box(_("{n} labels ready: {file}", n=shown["count"], file=name))
        return _summary(shown), _sheet(shown), data, done
