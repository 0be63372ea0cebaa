"""Suppliers: the list, adding one (lots:write), changing or retiring one (purchase:write), and
what came from the chosen supplier: its purchase orders and its lots with their assay and QC."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import _
from web.pages.api import ApiError, Auth, auth_from, can
from web.pages.masterdata import (
    column,
    grid,
    path,
    quick_filter,
    register_quick_filter,
    text,
)
from web.pages.ui import PageContext, card, error_box, field, ok_box

__all__ = ["layout", "register"]


def _supplier_columns() -> list[dict[str, Any]]:
    return [column("code", _("Code"), pinned="left"), column("name", _("Name"), minWidth=180),
            column("country", _("Country")), column("contact", _("Contact"), minWidth=180),
            column("active_text", _("Active"))]


def _order_columns() -> list[dict[str, Any]]:
    return [column("number", _("Purchase order"), minWidth=120), column("status", _("Status")),
            column("expected_on", _("Expected")), column("total_cost", _("Total cost")),
            column("lines", _("Lines")), column("receipts", _("Receipts"), minWidth=160)]


def _lot_columns() -> list[dict[str, Any]]:
    return [column("code", _("Lot"), minWidth=120), column("purchase_date", _("Purchased")),
            column("declared_purity", _("Declared purity")),
            column("assay_purity", _("Assay ‰")), column("certificate", _("Certificate")),
            column("qc_result", _("QC result")), column("status", _("Status"))]


def _form(prefix: str, supplier: dict[str, Any] | None = None) -> html.Div:
    """The supplier's fields (``supplier``: filled in to change it; else with a code, to add)."""
    s = supplier or {}
    boxes = [] if supplier else [
        field(_("Code"), dcc.Input(id=f"{prefix}-code", type="text", maxLength=32))]
    return html.Div([
        *boxes,
        field(_("Name"), dcc.Input(id=f"{prefix}-name", type="text", maxLength=128,
                                   value=s.get("name"))),
        field(_("Country"), dcc.Input(id=f"{prefix}-country", type="text", maxLength=2,
                                      placeholder="IT", value=s.get("country")),
              _("Two letters (ISO)")),
        field(_("Contact"), dcc.Input(id=f"{prefix}-contact", type="text", maxLength=128,
                                      placeholder=_("person, e-mail or phone"),
                                      value=s.get("contact"))),
    ], className="md-form")


def edit_panel(supplier: dict[str, Any] | None) -> html.Section:
    """A form to change or retire the chosen supplier (purchase:write)."""
    if supplier is None:
        return card(_("Selected supplier"),
                    html.P(_("Click a supplier in the list to change it."), className="hint"))
    toggle = _("Deactivate") if supplier["active"] else _("Activate")
    return card(_("Selected supplier"), html.Strong(supplier["code"], id="sup-ed-code"),
                _form("sup-ed", supplier),
                html.Div([html.Button(_("Save supplier"), id="sup-ed-go", n_clicks=0,
                                      className="primary"),
                          html.Button(toggle, id="sup-ed-toggle", n_clicks=0)],
                         className="row"))


def layout(auth: Auth | None = None) -> html.Div:
    """The suppliers page; the forms by role."""
    role = auth.role if auth else ""
    # The panel is always there (empty for readers): the grid's selection writes to it.
    cards: list[Any] = [html.Div(edit_panel(None) if can(role, "purchase:write") else None,
                                 id="sup-ed-panel")]
    if can(role, "lots:write"):
        cards.append(card(_("Add a supplier"), _form("sup-new"),
                          html.Button(_("Add supplier"), id="sup-new-go", n_clicks=0,
                                      className="primary"),
                          html.Div(id="sup-new-msg")))
    return html.Div([
        html.H2(_("Suppliers")),
        dcc.Store(id="sup-changed"),
        quick_filter("sup-grid"),
        grid("sup-grid", _supplier_columns(), height=300),
        html.Div(id="sup-ed-msg"),
        html.Div(cards, className="md-cards"),
        html.H3(id="sup-trace-title"),
        html.P(_("What came from the supplier chosen in the list: its purchase orders, and its "
                 "lots with the assay and QC result (a lot's pieces: Inventory > Find)."),
               className="hint"),
        html.H4(_("Purchase orders")), grid("sup-orders", _order_columns(), row_id="number",
                                            height=240),
        html.H4(_("Lots")), grid("sup-lots", _lot_columns(), height=240),
    ], id="suppliers-page", className="md-page")


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The list, the trace of the chosen supplier and the forms."""
    register_quick_filter(dash_app, "sup-grid")
    _register_list(dash_app, ctx)
    _register_forms(dash_app, ctx)


def _order_rows(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"number": o["number"], "status": o["status"], "expected_on": o["expected_on"],
             "total_cost": o["total_cost"], "lines": len(o["lines"]),
             "receipts": ", ".join(o["receipts"])} for o in orders]


def _lot_rows(lots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**lot, "certificate": " ".join(p for p in (lot["certificate_lab"],
                                                        lot["certificate_no"]) if p)}
            for lot in lots]


def _register_list(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(Output("sup-grid", "rowData"), Input("sup-changed", "data"),
                       State("auth", "data"))
    def listing(_changed: Any, auth_data: dict[str, Any] | None) -> Any:
        try:
            items = ctx.api.get("/api/suppliers", auth_from(auth_data))
        except ApiError:
            return []
        return [{**s, "active_text": _("yes") if s["active"] else _("no")} for s in items]

    @dash_app.callback(
        Output("sup-orders", "rowData"), Output("sup-lots", "rowData"),
        Output("sup-trace-title", "children"),
        Input("sup-grid", "selectedRows"), State("auth", "data"),
    )
    def trace(rows: list[dict[str, Any]] | None, auth_data: dict[str, Any] | None) -> Any:
        if not rows:
            return [], [], _("Pick a supplier in the list")
        code = rows[0]["code"]
        auth = auth_from(auth_data)
        try:
            orders = ctx.api.get_all("/api/purchase-orders", auth, supplier=code)
        except ApiError:  # a role without purchase:read still sees the lots
            orders = []
        try:
            lots = ctx.api.get_all("/api/lots", auth, supplier=code)
        except ApiError as exc:
            return [], [], error_box(exc)
        return _order_rows(orders), _lot_rows(lots), _("From {code}", code=code)


def _register_forms(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("sup-ed-panel", "children"), Input("sup-grid", "selectedRows"),
        Input("sup-grid", "rowData"), State("auth", "data"),
    )
    def pick(rows: list[dict[str, Any]] | None, data: list[dict[str, Any]] | None,
             auth_data: dict[str, Any] | None) -> Any:
        auth = auth_from(auth_data)
        if not can(auth.role if auth else "", "purchase:write"):
            return None
        if not rows:
            return edit_panel(None)
        # the list's fresh copy of the row: a selection keeps the data it was made with
        return edit_panel(next((r for r in data or [] if r["code"] == rows[0]["code"]),
                               rows[0]))

    @dash_app.callback(
        Output("sup-ed-msg", "children"), Output("sup-changed", "data", allow_duplicate=True),
        Input("sup-ed-go", "n_clicks"), Input("sup-ed-toggle", "n_clicks"),
        State("sup-grid", "selectedRows"), State("sup-ed-name", "value"),
        State("sup-ed-country", "value"), State("sup-ed-contact", "value"),
        State("auth", "data"), prevent_initial_call=True,
    )
    def save(go: int, toggle: int, rows: list[dict[str, Any]] | None, name: str | None,
             country: str | None, contact: str | None,
             auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not go and not toggle:
            return no_update, no_update
        if not rows:
            return error_box(_("Click a supplier in the list first.")), no_update
        code, auth = rows[0]["code"], auth_from(auth_data)
        body: dict[str, Any] = {"name": text(name), "contact": text(contact) or "",
                                "country": (text(country) or "").upper() or None}
        try:
            if trigger.triggered_id == "sup-ed-toggle":  # flip what is stored, not what was shown
                now = ctx.api.get(f"/api/suppliers/{path(code)}", auth)
                body = {"active": not now["active"]}
            made = ctx.api.call("PATCH", f"/api/suppliers/{path(code)}", auth, json=body)
        except ApiError as exc:
            return error_box(exc), no_update
        state = _("active") if made["active"] else _("deactivated")
        return (ok_box(_("Supplier {code} saved ({state}).", code=code, state=state)),
                f"edit:{code}:{go}:{toggle}")

    @dash_app.callback(
        Output("sup-new-msg", "children"), Output("sup-changed", "data", allow_duplicate=True),
        Input("sup-new-go", "n_clicks"), State("sup-new-code", "value"),
        State("sup-new-name", "value"), State("sup-new-country", "value"),
        State("sup-new-contact", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def add(clicks: int, code: str | None, name: str | None, country: str | None,
            contact: str | None, auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not clicks:
            return no_update, no_update
        body = {"code": text(code), "name": text(name),
                "country": (text(country) or "").upper() or None, "contact": text(contact) or ""}
        try:
            made = ctx.api.post("/api/suppliers", auth_from(auth_data), body)
        except ApiError as exc:
            return error_box(exc), no_update
        return ok_box(_("Supplier {code} added.", code=made["code"])), f"new:{made['code']}"
