"""Packing and shipping: a packer picks a picked order, scans its pieces (piece QR, serial code
or RFID EPC; an unserialised piece by its SKU code), sees what is missing or extra, records the
parcel (how many, weight, carrier, tracking number) and ships it.

The check and the shipment are the API's (``/api/orders/{id}/packing/check`` and ``/ship``):
the shipment carries the scanned pieces, so it is refused unless they match the picks.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import N_, _
from web.pages.api import ApiError, Auth, auth_from
from web.pages.orders import grid
from web.pages.ui import PageContext, attrs, error_box, field, ok_box, when

__all__ = ["check_view", "layout", "parcel_body", "register"]

#: Why a scanned code does not belong in the parcel, as the packer reads it.
REASONS = {"unknown-code": N_("unknown code"), "not-a-piece": N_("not a piece's label"),
           "not-in-order": N_("not for this order"), "duplicate": N_("scanned twice"),
           "too-many": N_("more than was picked")}
_PIECE_COLUMNS = (("line_no", N_("Line")), ("sku", N_("SKU")), ("lot", N_("Lot")),
                  ("serial", N_("Serial")), ("quantity", N_("Quantity")),
                  ("packing", N_("Packing bin")), ("state", N_("Scanned")))


def layout(auth: Auth | None = None) -> html.Div:
    """The packing bench (the navigation shows it to roles with ``ship:write``)."""
    return html.Div([
        html.H2(_("Packing and shipping")),
        html.Div([
            field(_("Order"), dcc.Dropdown(id="pa-order", placeholder=_("a picked order"),
                                           className="wide-dd")),
            html.Button(_("Refresh"), id="pa-refresh", n_clicks=0),
        ], className="row"),
        dcc.Store(id="pa-scans", data=[]),
        html.Div([
            field(_("Scan"), dcc.Input(id="pa-scan", type="text", n_submit=0, autoFocus=True,
                                       autoComplete="off", className="scan",
                                       placeholder=_("piece QR, serial or RFID tag")),
                  _("An unserialised piece: scan its SKU code once per piece.")),
            html.Button(_("Undo last scan"), id="pa-undo", n_clicks=0),
            html.Button(_("Start again"), id="pa-clear", n_clicks=0),
        ], className="row"),
        html.Div(id="pa-check"),
        html.Section([
            html.H3(_("Parcel")),
            html.Div([
                field(_("Parcels"), dcc.Input(id="pa-parcels", type="number", min=1, max=99,
                                              value=1, className="narrow")),
                field(_("Weight (kg)"), dcc.Input(id="pa-weight", type="number", min=0,
                                                  step=0.01, className="narrow")),
                field(_("Carrier"), dcc.Input(id="pa-carrier", type="text")),
                field(_("Tracking number"), dcc.Input(id="pa-tracking", type="text")),
            ], className="form-grid"),
            html.Button(_("Ship"), id="pa-ship", n_clicks=0, className="primary"),
        ], className="card"),
        html.Div(id="pa-msg"),
        html.Div(id="pa-shipped"),
    ], id="packing-page")


def check_view(check: dict[str, Any]) -> html.Div:
    """How the scans compare with the picks: counts, what is missing, what does not belong."""
    matched = {(p["line_no"], p["serial"]) for p in check["matched"] if p["serial"]}
    packed = {p["line_no"]: p["quantity"] for p in check["matched"] if not p["serial"]}
    rows = [{**p, "id": f"{p['line_no']}:{p['serial'] or p['sku']}", "lot": p["lot"] or "",
             "serial": p["serial"] or "",
             "state": (_("yes") if (p["line_no"], p["serial"]) in matched else _("no"))
             if p["serial"] else f"{packed.get(p['line_no'], 0)} / {p['quantity']}"}
            for p in check["expected"]]
    expected = sum(p["quantity"] for p in check["expected"])
    done = sum(p["quantity"] for p in check["matched"])
    missing = [f"{p['serial'] or p['sku']} × {p['quantity']}" if not p["serial"] else p["serial"]
               for p in check["missing"]]
    extra = [f"{e['code']} ({_(REASONS.get(e['reason'], e['reason']))})" for e in check["extra"]]
    state = "complete" if check["complete"] else "incomplete"
    summary = (ok_box(_("All {n} pieces scanned, nothing extra: ready to ship.", n=expected))
               if check["complete"] else
               html.Div(_("{done} of {n} pieces scanned.", done=done, n=expected),
                        className="msg msg-info"))
    return html.Div([
        summary,
        html.P([html.Strong(_("Missing: ")), ", ".join(missing)], className="pa-missing",
               hidden=not missing),
        html.P([html.Strong(_("Does not belong: ")), ", ".join(extra)], className="pa-extra",
               hidden=not extra),
        grid("pa-pieces", _PIECE_COLUMNS, rows, height=None),
    ], id="pa-result", **attrs({"data-state": state, "data-matched": str(done),
                                "data-expected": str(expected)}))


def parcel_body(parcels: Any, weight: Any, carrier: str | None, tracking: str | None
                ) -> dict[str, Any]:
    """The parcel as the API takes it (empty fields left out)."""
    body: dict[str, Any] = {"parcels": int(parcels or 1)}
    if weight not in (None, ""):
        body["weight_kg"] = float(weight)
    for name, value in (("carrier", carrier), ("tracking", tracking)):
        if (value or "").strip():
            body[name] = (value or "").strip()
    return body


def _shipped(ship: dict[str, Any], moves: list[dict[str, Any]]) -> html.Div:
    head = [_("When"), _("SKU"), _("Lot"), _("From"), _("To"), _("Quantity"), _("By")]
    rows = [[when(m["at"]), m["sku"], m["lot"], m["from_location"],
             m["to_location"], m["quantity"], m["actor"]] for m in moves]
    return html.Div([
        html.H3(_("Shipment {number}", number=ship["number"])),
        html.P(_("{n} pieces left packing for the customer.",
                 n=sum(ln["quantity"] for ln in ship["lines"])), className="meta"),
        html.H4(_("Ledger moves")),
        html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])),
                             html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows])]),
                 className="table-box"),
    ], className="card", id="pa-shipment", **attrs({"data-number": ship["number"]}))


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The order chooser, the scans, the check and the shipment."""

    @dash_app.callback(
        Output("pa-order", "options"), Output("pa-order", "value"),
        Input("pa-refresh", "n_clicks"), State("url", "search"), State("pa-order", "value"),
        State("auth", "data"))
    def orders(_r: int, search: str | None, current: int | None, auth_data: Any) -> Any:
        wanted = next(iter(parse_qs((search or "").lstrip("?")).get("order", [])), "")
        try:
            picked = ctx.api.get_all("/api/orders", auth_from(auth_data), limit=500,
                                     status="picked")
        except ApiError:
            picked = []
        options = [{"label": f"{o['external_id']} · {o['channel']} (#{o['id']})",
                    "value": o["id"]} for o in picked]
        chosen = int(wanted) if wanted.isdigit() else current
        if chosen and chosen not in {o["value"] for o in options}:
            options.insert(0, {"label": f"#{chosen}", "value": chosen})
        return options, chosen

    @dash_app.callback(
        Output("pa-scans", "data"), Output("pa-scan", "value"),
        Input("pa-scan", "n_submit"), Input("pa-undo", "n_clicks"),
        Input("pa-clear", "n_clicks"), Input("pa-order", "value"),
        State("pa-scan", "value"), State("pa-scans", "data"), prevent_initial_call=True)
    def scan(_s: int, _u: int, _c: int, _o: Any, code: str | None, scans: list[str] | None
             ) -> Any:
        scans = list(scans or [])
        action = trigger.triggered_id
        if action == "pa-scan":
            if not (code or "").strip():
                return no_update, ""
            return [*scans, code.strip()], ""  # type: ignore[union-attr]
        if action == "pa-undo":
            return scans[:-1], no_update
        return [], ""  # start again, or another order

    @dash_app.callback(
        Output("pa-check", "children"), Input("pa-scans", "data"),
        State("pa-order", "value"), State("auth", "data"))
    def check(scans: list[str] | None, order_id: int | None, auth_data: Any) -> Any:
        if not order_id:
            return html.Div(_("Choose a picked order to pack."), className="msg msg-info")
        try:
            result = ctx.api.post(f"/api/orders/{order_id}/packing/check",
                                  auth_from(auth_data), {"pieces": scans or []})
        except ApiError as exc:
            return error_box(exc)
        return check_view(result)

    @dash_app.callback(
        Output("pa-msg", "children"), Output("pa-shipped", "children"),
        Input("pa-ship", "n_clicks"), State("pa-order", "value"), State("pa-scans", "data"),
        State("pa-parcels", "value"), State("pa-weight", "value"),
        State("pa-carrier", "value"), State("pa-tracking", "value"), State("auth", "data"),
        prevent_initial_call=True, running=[(Output("pa-ship", "disabled"), True, False)])
    def ship(clicks: int, order_id: int | None, scans: list[str] | None, parcels: Any,
             weight: Any, carrier: str | None, tracking: str | None, auth_data: Any) -> Any:
        if not clicks:
            return no_update, no_update
        if not order_id:
            return error_box(_("Choose a picked order first.")), no_update
        auth = auth_from(auth_data)
        body = {"parcel": parcel_body(parcels, weight, carrier, tracking),
                "pieces": scans or []}
        try:
            done = ctx.api.post(f"/api/orders/{order_id}/ship", auth, body)
            moves = ctx.api.get("/api/moves", auth, document=done["number"], limit=200)
        except ApiError as exc:
            return error_box(exc), no_update
        note = ok_box(_("Order no. {id} shipped as {number}.", id=order_id,
                        number=done["number"]))
        return note, _shipped(done, moves["items"])
