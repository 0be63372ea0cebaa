"""Custody: pieces out on memo, at a repairer or assay lab, and in on consignment, through the
REST API: the documents and their pieces, hand out, take back (weighed), sell, buy or send
back, the overdue list and the value out per partner.

The forms show only to roles with ``transfer:write``; the lists to everyone who opens the page.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import N_, _
from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.orders import grid
from web.pages.ui import PageContext, attrs, card, error_box, field, ok_box, when
from web.pages.ui import status_name as status_label

__all__ = ["KINDS", "layout", "readings", "register"]

KINDS = {
    "memo": N_("memo"),
    "consignment": N_("consignment"),
    "repair": N_("repair"),
    "assay": N_("assay"),
}
PARTNER_KINDS = {
    "customer": N_("customer"),
    "shop": N_("shop"),
    "supplier": N_("supplier"),
    "repairer": N_("repairer"),
    "assay_lab": N_("assay lab"),
}
STATES = {
    "out": N_("out"),
    "back": N_("back"),
    "held": N_("held (weight)"),
    "sold": N_("sold"),
    "consigned": N_("consigned"),
    "purchased": N_("bought"),
    "returned": N_("sent back"),
}
_DOC_COLUMNS = (
    ("number", N_("Document")),
    ("kind", N_("Kind")),
    ("partner", N_("Partner")),
    ("due", N_("Due back")),
    ("status", N_("Status")),
    ("out", N_("Out")),
    ("overdue", N_("Overdue")),
)
_OVERDUE_COLUMNS = (
    ("number", N_("Document")),
    ("partner", N_("Partner")),
    ("due", N_("Due back")),
    ("days", N_("Days late")),
    ("pieces", N_("Pieces")),
    ("value", N_("Value")),
)
_VALUE_COLUMNS = (
    ("partner", N_("Partner")),
    ("kind", N_("Kind")),
    ("pieces", N_("Pieces")),
    ("overdue", N_("Overdue")),
    ("value", N_("Value")),
)
_WRITE = "transfer:write"


def _options(names: dict[str, str]) -> list[dict[str, str]]:
    return [{"label": _(label), "value": code} for code, label in names.items()]


def layout(auth: Auth | None = None) -> html.Div:
    """The custody page; the forms only for roles with ``transfer:write``."""
    writer = can(auth.role if auth else "", _WRITE)
    return html.Div(
        [
            html.H2(_("Custody")),
            html.P(_("Pieces out on memo, at a repairer or an assay lab, and pieces in on "
                     "consignment (not ours until bought)."), className="meta"),
            html.Div([
                field(_("Kind"), dcc.Dropdown(id="cus-kind", placeholder=_("any"),
                                              className="narrow-dd", options=_options(KINDS))),
                field(_("Status"), dcc.Dropdown(
                    id="cus-status", placeholder=_("any"), className="narrow-dd",
                    options=[{"label": status_label(s), "value": s} for s in ("open", "closed")])),
                html.Button(_("Refresh"), id="cus-refresh", n_clicks=0),
            ], className="row"),
            grid("cus-grid", _DOC_COLUMNS, [], select="singleRow", height=260),
            dcc.Store(id="cus-selected"),
            dcc.Store(id="cus-changed"),
            html.Div(id="cus-msg"),
            html.Div(id="cus-detail"),
            html.Div(_actions(), id="cus-actions", hidden=True),
            html.Section(_out_form(), className="card", hidden=not writer, id="cus-new"),
            html.H3(_("Overdue")),
            grid("cus-overdue", _OVERDUE_COLUMNS, [], height=200),
            html.H3(_("Value out per partner")),
            grid("cus-value", _VALUE_COLUMNS, [], height=200),
            html.Section(_partner_form(), className="card", hidden=not writer, id="cus-partner"),
        ],
        id="custody-page",
    )


def _area(id_: str, placeholder: str) -> dcc.Textarea:
    return dcc.Textarea(id=id_, placeholder=placeholder, style={"width": "100%", "height": 90})


def _actions() -> list[Any]:
    pieces_hint = _("one piece a line: serial and grams, e.g. P-0001 3.21")
    return [
        card(_("Take back"),
             field(_("Into bin"), dcc.Input(id="cus-back-bin", type="text")),
             field(_("Pieces and weights"), _area("cus-back-pieces", pieces_hint)),
             html.Button(_("Take back"), id="cus-back", n_clicks=0, className="primary")),
        card(_("Sell, buy or send back"),
             field(_("Pieces"), _area("cus-settle-pieces",
                                      _("serials; to buy: serial and cost a line"))),
             html.Div([
                 html.Button(_("Sell (memo)"), id="cus-sell", n_clicks=0),
                 html.Button(_("Buy (consignment)"), id="cus-buy", n_clicks=0),
                 html.Button(_("Send back (consignment)"), id="cus-send", n_clicks=0),
             ], className="row")),
    ]


def _out_form() -> list[Any]:
    return [
        html.H3(_("Hand out or receive on consignment")),
        html.Div([
            field(_("Kind"), dcc.Dropdown(id="cus-new-kind", value="memo", clearable=False,
                                          className="narrow-dd", options=_options(KINDS))),
            field(_("Partner"), dcc.Input(id="cus-new-partner", type="text")),
            field(_("Due back"), dcc.Input(id="cus-new-due", type="date")),  # type: ignore[arg-type]
        ], className="row"),
        field(_("Terms"), dcc.Input(id="cus-new-terms", type="text", style={"width": "100%"})),
        field(_("Bin (consignment)"), dcc.Input(id="cus-new-bin", type="text")),
        field(_("Pieces"), _area(
            "cus-new-pieces",
            _("serial and grams a line; consignment: serial, SKU and grams"))),
        html.Button(_("Create"), id="cus-create", n_clicks=0, className="primary"),
    ]


def _partner_form() -> list[Any]:
    return [
        html.H3(_("New partner")),
        html.Div([
            field(_("Code"), dcc.Input(id="cus-p-code", type="text")),
            field(_("Name"), dcc.Input(id="cus-p-name", type="text")),
            field(_("Kind"), dcc.Dropdown(id="cus-p-kind", value="shop", clearable=False,
                                          className="narrow-dd",
                                          options=_options(PARTNER_KINDS))),
            field(_("Supplier code"), dcc.Input(id="cus-p-supplier", type="text")),
        ], className="row"),
        html.Button(_("Add partner"), id="cus-p-add", n_clicks=0),
        html.Div(id="cus-p-msg"),
    ]


def readings(text: str | None) -> list[list[str]]:
    """The lines of a textarea, each split into its words (empty lines left out)."""
    return [line.replace(",", " ").split() for line in (text or "").splitlines()
            if line.strip()]


def _grams(word: str) -> float:
    try:
        return float(word)
    except ValueError:
        raise ApiError(422, "bad-weight", _("'{word}' is not a weight in grams.",
                                           word=word)) from None


def _out_body(kind: str, values: list[Any]) -> tuple[str, dict[str, Any]]:
    partner, due, terms, place, pieces = values
    base = {"partner": (partner or "").strip(), "due_on": due or None,
            "terms": (terms or "").strip()}
    lines = readings(pieces)
    if kind == "consignment":
        return "/api/custody/consignments", {**base, "bin": (place or "").strip(), "pieces": [
            {"serial": w[0], "sku": w[1] if len(w) > 1 else "",
             "weight_g": _grams(w[2]) if len(w) > 2 else None} for w in lines]}
    return "/api/custody/out", {
        **base, "kind": kind,
        "serials": [w[0] for w in lines if len(w) == 1],
        "pieces": [{"serial": w[0], "weight_g": _grams(w[1])} for w in lines if len(w) > 1],
    }


def _rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"id": d["number"], "number": d["number"], "kind": _(KINDS.get(d["kind"], d["kind"])),
         "partner": f"{d['partner']} · {d['partner_name']}", "due": when(d["due_on"]),
         "status": status_label(d["status"]),
         "out": d["counts"].get("out", 0) + d["counts"].get("consigned", 0),
         "overdue": _("yes") if d["overdue"] else ""}
        for d in items
    ]


def detail(doc: dict[str, Any]) -> html.Div:
    """A custody document with its pieces."""
    head = [_("Piece"), _("SKU"), _("Lot"), _("Bin"), _("State"), _("Settled by")]
    rows = [html.Tr([html.Td(p["serial"]), html.Td(p["sku"]), html.Td(p["lot"]),
                     html.Td(p["bin"]), html.Td(_(STATES.get(p["state"], p["state"]))),
                     html.Td(p["settled_by"] or "")]) for p in doc["pieces"]]
    return html.Div([
        html.H3(_("{kind} {number} with {partner}", kind=_(KINDS.get(doc["kind"], doc["kind"])),
                  number=doc["number"], partner=doc["partner_name"])),
        html.P([html.Strong(status_label(doc["status"])), " · ",
                _("due back {day}", day=when(doc["due_on"])), " · ",
                _("at {place}", place=doc["location"]), " · ", doc["terms"] or ""],
               className="meta", id="cus-head"),
        html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])),
                             html.Tbody(rows)]), className="table-box"),
    ], className="card", id="cus-view", **attrs({"data-status": doc["status"]}))


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The lists, the detail and the forms."""

    @dash_app.callback(
        Output("cus-grid", "rowData"),
        Output("cus-overdue", "rowData"),
        Output("cus-value", "rowData"),
        Output("cus-msg", "children", allow_duplicate=True),
        Input("cus-refresh", "n_clicks"),
        Input("cus-kind", "value"),
        Input("cus-status", "value"),
        Input("cus-changed", "data"),
        State("auth", "data"),
        prevent_initial_call="initial_duplicate",
    )
    def listing(_r: int, kind: str | None, status: str | None, _c: Any, auth_data: Any) -> Any:
        auth = auth_from(auth_data)
        try:
            page = ctx.api.get("/api/custody", auth, kind=kind or "", status=status or "",
                               limit=200)
            late = ctx.api.get("/api/custody/overdue", auth)["items"]
            values = ctx.api.get("/api/custody/value-by-partner", auth)["items"]
        except ApiError as exc:
            return [], [], [], error_box(exc)
        overdue = [{"id": r["number"], "number": r["number"], "partner": r["partner"],
                    "due": when(r["due_on"]), "days": r["days_overdue"],
                    "pieces": r["pieces_out"], "value": f"{r['value']:,.2f}"} for r in late]
        value = [{"id": v["partner"], "partner": f"{v['partner']} · {v['partner_name']}",
                  "kind": _(PARTNER_KINDS.get(v["kind"], v["kind"])), "pieces": v["pieces"],
                  "overdue": v["overdue_pieces"], "value": f"{v['value']:,.2f}"}
                 for v in values]
        return _rows(page["items"]), overdue, value, no_update

    @dash_app.callback(
        Output("cus-selected", "data", allow_duplicate=True),
        Input("cus-grid", "selectedRows"),
        prevent_initial_call=True,
    )
    def pick_row(rows: list[dict[str, Any]] | None) -> Any:
        return rows[0]["number"] if rows else no_update

    @dash_app.callback(
        Output("cus-detail", "children"),
        Output("cus-actions", "hidden"),
        Input("cus-selected", "data"),
        Input("cus-changed", "data"),
        State("auth", "data"),
    )
    def show(number: str | None, _c: Any, auth_data: Any) -> Any:
        if not number:
            return None, True
        auth = auth_from(auth_data)
        try:
            doc = ctx.api.get(f"/api/custody/{number}", auth)
        except ApiError as exc:
            return error_box(exc), True
        return detail(doc), not can(auth.role if auth else "", _WRITE) or doc["status"] != "open"

    _register_actions(dash_app, ctx)
    _register_partner(dash_app, ctx)


def _settle(api: Api, auth: Auth | None, action: str, number: str, text: str | None) -> str:
    lines = readings(text)
    base = f"/api/custody/{number}"
    if action == "cus-sell":
        made = api.post(f"{base}/sell", auth, {"serials": [w[0] for w in lines]})
    elif action == "cus-buy":
        made = api.post(f"{base}/buy", auth, {"pieces": [
            {"serial": w[0], "unit_cost": _grams(w[1]) if len(w) > 1 else 0} for w in lines]})
    else:
        made = api.post(f"{base}/send-back", auth, {"serials": [w[0] for w in lines]})
    return _("{number}: {n} piece(s) settled.", number=made["number"], n=len(lines))


def _register_actions(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("cus-msg", "children"),
        Output("cus-selected", "data"),
        Output("cus-changed", "data"),
        Input("cus-create", "n_clicks"),
        Input("cus-back", "n_clicks"),
        Input("cus-sell", "n_clicks"),
        Input("cus-buy", "n_clicks"),
        Input("cus-send", "n_clicks"),
        State("cus-new-kind", "value"),
        State("cus-new-partner", "value"),
        State("cus-new-due", "value"),
        State("cus-new-terms", "value"),
        State("cus-new-bin", "value"),
        State("cus-new-pieces", "value"),
        State("cus-back-bin", "value"),
        State("cus-back-pieces", "value"),
        State("cus-settle-pieces", "value"),
        State("cus-selected", "data"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def act(*args: Any) -> Any:
        kind, new = args[5], list(args[6:11])
        place, back, settle, number, auth_data = args[11:16]
        if not trigger.triggered or not trigger.triggered[0]["value"]:
            return no_update, no_update, no_update
        auth, action = auth_from(auth_data), str(trigger.triggered_id)
        try:
            if action == "cus-create":
                path, body = _out_body(kind or "memo", new)
                made = ctx.api.post(path, auth, body)["number"]
                return ok_box(_("{number} created.", number=made)), made, f"new:{made}"
            if not number:
                return error_box(_("Choose a document in the list first.")), no_update, no_update
            if action == "cus-back":
                pieces = [{"serial": w[0], "weight_g": _grams(w[1]) if len(w) > 1 else 0}
                          for w in readings(back)]
                doc = ctx.api.post(f"/api/custody/{number}/back", auth,
                                   {"bin": (place or "").strip(), "pieces": pieces})
                held = doc["counts"].get("held", 0)
                note = ok_box(_("{number}: pieces taken back; {held} held for weight.",
                                number=number, held=held))
            else:
                note = ok_box(_settle(ctx.api, auth, action, number, settle))
        except ApiError as exc:
            return error_box(exc), no_update, no_update
        return note, number, f"{action}:{number}:{args[:5]}"


def _register_partner(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("cus-p-msg", "children"),
        Input("cus-p-add", "n_clicks"),
        State("cus-p-code", "value"),
        State("cus-p-name", "value"),
        State("cus-p-kind", "value"),
        State("cus-p-supplier", "value"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def add(clicks: int, code: str | None, name: str | None, kind: str | None,
            supplier: str | None, auth_data: Any) -> Any:
        if not clicks:
            return no_update
        body = {"code": (code or "").strip(), "name": (name or "").strip(),
                "kind": kind or "shop", "supplier": (supplier or "").strip() or None}
        try:
            made = ctx.api.post("/api/custody/partners", auth_from(auth_data), body)
        except ApiError as exc:
            return error_box(exc)
        return ok_box(_("Partner {code} added (custody location {location}).",
                        code=made["code"], location=made["location"]))
