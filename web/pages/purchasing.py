"""Purchase orders: what is on order from whom, when it is due, and what has arrived.

Managers and admins place orders (open at once, or as drafts to open later), open drafts and
cancel what will not come; clerks and auditors read them (clerks receive against them on the
Receipt form).
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import _
from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.ui import (
    PageContext,
    date_input,
    error_box,
    field,
    grid,
    ok_box,
    status_name,
    when,
)

__all__ = ["order_lines", "order_view", "register", "tabs"]

STATUSES = ("open", "partly_received", "draft", "received", "cancelled")


def tabs(role: str) -> list[dcc.Tab]:
    """The purchase-orders tab, for roles that may read them; the form for those that buy."""
    if not can(role, "purchase:read"):
        return []
    buyer = can(role, "purchase:write")
    return [dcc.Tab(label=_("Purchase orders"), value="po", children=[
        html.Div([
            field(_("Status"), dcc.Dropdown(id="po-status", placeholder=_("any"), options=[
                {"label": status_name(s), "value": s} for s in STATUSES])),
            field(_("Supplier"), dcc.Input(id="po-supplier", type="text", placeholder=_("any"))),
            html.Button(_("Refresh"), id="po-refresh", n_clicks=0),
        ], className="row"),
        html.Div(id="po-list"),
        # Always in the page (a callback reads it), shown only to those who may buy.
        html.Div(_form(), className="form-grid", style=None if buyer else {"display": "none"}),
        html.Div([
            field(_("Order"), dcc.Input(id="po-number-in", type="text",
                                        placeholder="PO-000001")),
            html.Button(_("Load"), id="po-load", n_clicks=0),
            html.Button(_("Open draft"), id="po-open", n_clicks=0, hidden=not buyer),
            html.Button(_("Cancel order"), id="po-cancel", n_clicks=0, hidden=not buyer),
        ], className="row"),
        dcc.Store(id="po-number"),
        html.Div(id="po-msg"),
        html.Div(id="po-view"),
    ])]


def _form() -> list[Any]:
    return [
        field(_("Supplier code"), dcc.Input(id="po-new-supplier", type="text")),
        field(_("Expected on"), date_input("po-new-expected")),
        field(_("Supplier's reference"), dcc.Input(id="po-new-reference", type="text")),
        field(_("Lines"), dcc.Textarea(id="po-new-lines", rows=3),
              _("One per line: SKU, quantity, unit cost (ST0003-Au750Y-7 5 120).")),
        field(_("As"), dcc.RadioItems(id="po-new-status", value="open", inline=True,
                                      options=[{"label": _("open order"), "value": "open"},
                                               {"label": _("draft"), "value": "draft"}])),
        html.Button(_("Place order"), id="po-create", n_clicks=0, className="primary"),
    ]


def order_lines(text: str | None) -> list[dict[str, Any]]:
    """The lines typed in the form: 'SKU quantity unit-cost' per line (commas also split)."""
    lines = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        parts = raw.replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 3:
            raise ApiError(422, "bad-line", _(
                "Line {n}: write SKU, quantity and unit cost, e.g. 'ST0003-Au750Y-7 5 120' "
                "(got {line}).", n=n, line=repr(raw.strip())))
        sku, quantity, cost = parts
        if not quantity.isdigit():
            raise ApiError(422, "bad-line", _("Line {n}: the quantity {quantity} is not a "
                                              "whole number.", n=n, quantity=repr(quantity)))
        lines.append({"sku": sku, "quantity": int(quantity), "unit_cost": cost})
    if not lines:
        raise ApiError(422, "bad-line", _("Add at least one line: SKU, quantity and unit cost."))
    return lines


def _summary(orders: list[dict[str, Any]]) -> Any:
    if not orders:
        return html.Div(_("No purchase orders for this selection."), className="msg msg-info")
    rows = [{"number": o["number"], "supplier": o["supplier"], "status": status_name(o["status"]),
             "expected_on": o["expected_on"], "ordered": sum(ln["quantity"] for ln in o["lines"]),
             "received": sum(ln["received_quantity"] for ln in o["lines"]),
             "on_order": sum(ln["on_order"] for ln in o["lines"]),
             "total_cost": o["total_cost"]} for o in orders]
    columns = [("number", _("Order")), ("supplier", _("Supplier")), ("status", _("Status")),
               ("expected_on", _("Expected on")), ("ordered", _("Ordered")),
               ("received", _("Received")), ("on_order", _("On order")),
               ("total_cost", _("Total cost"))]
    return grid("po-table", rows, columns, page_size=10)


def order_view(order: dict[str, Any]) -> html.Div:
    """One order: its lines (ordered, received, still on order) and the receipts against it."""
    head = [_("Line"), _("SKU"), _("Ordered"), _("Received"), _("On order"), _("Unit cost")]
    rows = [html.Tr([html.Td(c) for c in (ln["line_no"], ln["sku"], ln["quantity"],
                                          ln["received_quantity"], ln["on_order"],
                                          ln["unit_cost"])]) for ln in order["lines"]]
    receipts = ", ".join(order["receipts"]) or _("none yet")
    return html.Div([
        html.H4(f"{order['number']} · {order['supplier']} · {status_name(order['status'])} · "
                + _("expected {date}", date=when(order["expected_on"], day_only=True))),
        html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)]),
        html.P(_("Total {total}; receipts: {receipts}.", total=order["total_cost"],
                 receipts=receipts), className="hint"),
    ], id="po-order")


def _act(api: Api, auth: Auth | None, action: str, number: str | None,
         values: dict[str, Any]) -> dict[str, Any]:
    if action == "po-create":
        return api.post("/api/purchase-orders", auth, {
            "supplier": (values["supplier"] or "").strip(), "expected_on": values["expected"],
            "reference": (values["reference"] or "").strip() or None,
            "status": values["status"] or "open", "lines": order_lines(values["lines"])})
    if action == "po-load":
        return api.get(f"/api/purchase-orders/{(values['number_in'] or '').strip() or '-'}",
                       auth)
    if not number:
        raise ApiError(400, "no-order", _("Place or load a purchase order first."))
    verb = "open" if action == "po-open" else "cancel"
    return api.post(f"/api/purchase-orders/{number}/{verb}", auth, None)


def register(dash_app: Dash, ctx: PageContext) -> None:
    """List, place, load, open and cancel purchase orders."""

    @dash_app.callback(
        Output("po-list", "children"),
        Input("po-refresh", "n_clicks"), Input("inv-tabs", "value"),
        Input("po-msg", "children"), State("po-status", "value"),
        State("po-supplier", "value"), State("auth", "data"),
    )
    def listing(_n: int, tab: str | None, _msg: Any, status: str | None,
                supplier: str | None, auth_data: Any) -> Any:
        if tab != "po":
            return no_update
        params = {k: v.strip() for k, v in (("status", status), ("supplier", supplier)) if v}
        try:
            page = ctx.api.get("/api/purchase-orders", auth_from(auth_data), limit=200, **params)
        except ApiError as exc:
            return error_box(exc)
        return _summary(page["items"])

    @dash_app.callback(
        Output("po-view", "children"), Output("po-msg", "children"), Output("po-number", "data"),
        Input("po-create", "n_clicks"), Input("po-load", "n_clicks"),
        Input("po-open", "n_clicks"), Input("po-cancel", "n_clicks"),
        State("po-new-supplier", "value"), State("po-new-expected", "value"),
        State("po-new-reference", "value"), State("po-new-lines", "value"),
        State("po-new-status", "value"), State("po-number-in", "value"),
        State("po-number", "data"), State("auth", "data"),
        prevent_initial_call=True,
    )
    def act(*args: Any) -> Any:
        supplier, expected, reference, lines, status, number_in, number, auth_data = args[4:]
        if not trigger.triggered or not trigger.triggered[0]["value"]:
            return no_update, no_update, no_update
        values = {"supplier": supplier, "expected": expected, "reference": reference,
                  "lines": lines, "status": status, "number_in": number_in}
        try:
            order = _act(ctx.api, auth_from(auth_data), str(trigger.triggered_id), number, values)
        except ApiError as exc:
            return no_update, error_box(exc), no_update
        note = ok_box(_("Purchase order {number} is {status}.", number=order["number"],
                        status=status_name(order["status"])))
        return order_view(order), note, order["number"]
