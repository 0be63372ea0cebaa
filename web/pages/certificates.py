"""Certificates and hallmarks: look up a lab report, the register, file a certificate, and
preview (then post) a recall by certificate batch, hallmark or lot. A tab of the inventory page.

Customers show only to roles with ``customers:read`` (the API sends null to the others); the
register form only to roles with ``lots:write``, the recall button to ``recall:write``.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html
from dash import ctx as trigger

from core.certificates import LAB_FORMATS
from web.i18n import N_, _
from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.ui import PageContext, error_box, field, grid, ok_box, status_name

__all__ = ["marks_line", "register", "tabs"]

_CERT_COLUMNS = (
    ("lab", N_("Lab")), ("number", N_("Number")), ("serial", N_("Serial")), ("lot", N_("Lot")),
    ("batch", N_("Batch")), ("carat", N_("Carat")), ("colour", N_("Colour")),
    ("clarity", N_("Clarity")), ("cut", N_("Cut")), ("issued_on", N_("Issued")),
)
_MARK_COLUMNS = (("mark", N_("Hallmark")), ("serial", N_("Serial")), ("lot", N_("Lot")),
                 ("fineness", N_("Fineness")), ("office", N_("Assay office")))
_PIECE_COLUMNS = (
    ("serial", N_("Serial")), ("sku", N_("SKU")), ("lot", N_("Lot")),
    ("location", N_("Location")), ("state", N_("State")), ("order", N_("Order")),
    ("customer", N_("Customer")),
)
#: What a recall may name, as people read it (the values are the API's parameters).
SELECTORS = {"certificate_batch": N_("certificate batch"), "hallmark": N_("hallmark"),
             "lot": N_("lot")}
#: Where a selected piece is, as people read it.
STATES = {"in_stock": N_("in stock"), "shipped": N_("shipped"), "quarantine": N_("quarantine")}


def _labs() -> list[dict[str, str]]:
    return [{"label": lab, "value": lab} for lab in LAB_FORMATS]


def _lookup() -> list[Any]:
    return [
        html.Div([
            field(_("Number"), dcc.Input(id="crt-number", type="search", debounce=True,
                                         n_submit=0, placeholder="2141438167")),
            field(_("Lab"), dcc.Dropdown(id="crt-lab", options=_labs(), placeholder=_("any"),
                                         className="narrow-dd")),
            field(_("Batch"), dcc.Input(id="crt-batch", type="search", placeholder="GIA-2611-1")),
            field(_("Hallmark"), dcc.Input(id="crt-mark", type="search",
                                           placeholder="LON-750-VO-b")),
            html.Button(_("Look up"), id="crt-go", n_clicks=0, className="primary"),
        ], className="form-grid"),
        html.P(_("Leave everything empty to see the newest entries of the register."),
               className="hint"),
        html.Div(id="crt-msg"),
        html.Div(id="crt-result"),
    ]


def _register_form() -> list[Any]:
    return [
        html.H4(_("Register a certificate")),
        html.Div([
            field(_("Lab"), dcc.Dropdown(id="crt-new-lab", options=_labs(), value="GIA",
                                         clearable=False, className="narrow-dd")),
            field(_("Number"), dcc.Input(id="crt-new-number", type="text")),
            field(_("Piece serial"), dcc.Input(id="crt-new-serial", type="text")),
            field(_("Or lot"), dcc.Input(id="crt-new-lot", type="text")),
            field(_("Batch"), dcc.Input(id="crt-new-batch", type="text")),
            field(_("Carat"), dcc.Input(id="crt-new-carat", type="number", min=0, step=0.01)),
            field(_("Colour"), dcc.Input(id="crt-new-colour", type="text")),
            field(_("Clarity"), dcc.Input(id="crt-new-clarity", type="text")),
            field(_("Cut"), dcc.Input(id="crt-new-cut", type="text")),
            html.Button(_("Register"), id="crt-new-go", n_clicks=0, className="primary"),
        ], className="form-grid"),
        html.Div(id="crt-new-msg"),
    ]


def _recall(role: str) -> list[Any]:
    # Always drawn (the callback names them), shown only to roles that may recall.
    shown = {} if can(role, "recall:write") else {"display": "none"}
    post = [
        html.Label([html.Span(_("Reason"), className="field-label"),
                    dcc.Input(id="crt-rcl-reason", type="text")], className="field", style=shown),
        html.Button(_("Recall"), id="crt-rcl-go", n_clicks=0, className="danger", style=shown),
    ]
    return [
        html.H4(_("Recall by certificate batch, hallmark or lot")),
        html.Div([
            field(_("Recall by"), dcc.Dropdown(
                id="crt-rcl-kind", value="certificate_batch", clearable=False,
                className="narrow-dd",
                options=[{"label": _(v), "value": k} for k, v in SELECTORS.items()])),
            field(_("Batch, hallmark or lot"), dcc.Input(id="crt-rcl-value", type="text")),
            html.Button(_("Preview"), id="crt-rcl-preview", n_clicks=0),
            *post,
        ], className="form-grid"),
        html.Div(id="crt-rcl-msg"),
        html.Div(id="crt-rcl-result"),
    ]


def tabs(role: str) -> list[dcc.Tab]:
    """The certificates tab: lookup and register for everyone, the form and recall by role."""
    form = _register_form() if can(role, "lots:write") else []
    return [dcc.Tab(label=_("Certificates"), value="certs", children=[
        *_lookup(), *form, *_recall(role)], id="certificates-tab")]


def marks_line(api: Api, auth: Auth | None, serial: str) -> html.P | None:
    """A piece's certificates and hallmark in one line (None when it has neither), for the
    piece's details on the Find tab."""
    try:
        marks = api.get(f"/api/serials/{serial}/marks", auth)
    except ApiError:
        return None
    certs = [" ".join(str(x) for x in (c["lab"], c["number"], c["carat"] and f"{c['carat']} ct",
                                       c["colour"], c["clarity"], c["cut"]) if x)
             for c in marks["certificates"]]
    halls = [h["mark"] for h in marks["hallmarks"]]
    if not certs and not halls:
        return None
    parts: list[Any] = []
    if certs:
        parts += [html.Strong(_("Certificates") + ": "), " · ".join(certs), " "]
    if halls:
        parts += [html.Strong(_("Hallmark") + ": "), " · ".join(halls)]
    return html.P(parts, id="inv-marks")


def _cert_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "issued_on": r.get("issued_on") or ""} for r in rows]


def _pieces(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**p, "state": _(STATES[p["state"]]) if p["state"] in STATES
             else status_name(p["state"])} for p in answer["pieces"]]


def _preview_view(answer: dict[str, Any]) -> Any:
    head = _("{pieces} pieces: {in_stock} in stock, {shipped} shipped; whole lots: {lots}",
             pieces=len(answer["pieces"]), in_stock=answer["in_stock"],
             shipped=answer["shipped"], lots=", ".join(answer["lots"]) or "–")
    customers = answer.get("customers")
    return html.Div([
        html.P(head, id="crt-rcl-summary"),
        html.P(_("Customers: {names}", names=", ".join(customers) or "–"))
        if customers is not None else None,
        grid("crt-rcl-grid", _pieces(answer), [(f, _(h)) for f, h in _PIECE_COLUMNS],
             filters=True),
    ])


def _body(values: dict[str, Any]) -> dict[str, Any]:
    body = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    return {k: v for k, v in body.items() if v not in (None, "")}


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Lookup, register and recall callbacks."""

    @dash_app.callback(
        Output("crt-result", "children"), Output("crt-msg", "children"),
        Input("crt-go", "n_clicks"), Input("crt-number", "n_submit"),
        State("crt-number", "value"), State("crt-lab", "value"), State("crt-batch", "value"),
        State("crt-mark", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def lookup(_c: int, _s: int, number: str | None, lab: str | None, batch: str | None,
               mark: str | None, auth_data: dict[str, Any] | None) -> Any:
        auth = auth_from(auth_data)
        try:
            if (mark or "").strip():
                rows = ctx.api.get("/api/hallmarks", auth, mark=mark.strip() if mark else None)
                return grid("crt-mark-grid", rows, [(f, _(h)) for f, h in _MARK_COLUMNS]), None
            rows = ctx.api.get("/api/certificates", auth, number=(number or "").strip(),
                               lab=lab, batch=(batch or "").strip())
        except ApiError as exc:
            return None, error_box(exc)
        return grid("crt-grid", _cert_rows(rows), [(f, _(h)) for f, h in _CERT_COLUMNS],
                    filters=True), None

    @dash_app.callback(
        Output("crt-new-msg", "children"),
        Input("crt-new-go", "n_clicks"),
        State("crt-new-lab", "value"), State("crt-new-number", "value"),
        State("crt-new-serial", "value"), State("crt-new-lot", "value"),
        State("crt-new-batch", "value"), State("crt-new-carat", "value"),
        State("crt-new-colour", "value"), State("crt-new-clarity", "value"),
        State("crt-new-cut", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def add(_n: int, lab: str, number: str | None, serial: str | None, lot: str | None,
            batch: str | None, carat: float | None, colour: str | None, clarity: str | None,
            cut: str | None, auth_data: dict[str, Any] | None) -> Any:
        body = _body({"lab": lab, "number": number, "serial": serial, "lot": lot,
                      "batch": batch, "carat": carat, "colour": colour, "clarity": clarity,
                      "cut": cut})
        try:
            made = ctx.api.post("/api/certificates", auth_from(auth_data), body)
        except ApiError as exc:
            return error_box(exc)
        return ok_box(_("Registered {lab} {number} for {target}.", lab=made["lab"],
                        number=made["number"], target=made["serial"] or made["lot"]))

    @dash_app.callback(
        Output("crt-rcl-result", "children"), Output("crt-rcl-msg", "children"),
        Input("crt-rcl-preview", "n_clicks"), Input("crt-rcl-go", "n_clicks"),
        State("crt-rcl-kind", "value"), State("crt-rcl-value", "value"),
        State("crt-rcl-reason", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def recall(_p: int, _g: int, kind: str, value: str | None, reason: str | None,
               auth_data: dict[str, Any] | None) -> Any:
        auth = auth_from(auth_data)
        selector = {kind: (value or "").strip()}
        try:
            if trigger.triggered_id == "crt-rcl-go":
                done = ctx.api.post("/api/recalls", auth,
                                    {**selector, "reason": (reason or "").strip()})
                moved = sum(q["quantity"] for q in done["quarantined"])
                return _preview_view({**done, "in_stock": moved, "shipped": sum(
                    p["state"] == "shipped" for p in done["pieces"])}), ok_box(
                    _("Recall {document} posted: {n} pieces moved to {quarantine}.",
                      document=done["document"], n=moved, quarantine=done["quarantine"]))
            answer = ctx.api.get("/api/recalls/preview", auth, **selector)
        except ApiError as exc:
            return None, error_box(exc)
        return _preview_view(answer), None
