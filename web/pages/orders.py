"""Sales orders: the list (status, search, paging), one order's detail with its reservations,
picks and shipments, allocate and cancel, and a form that takes a new order.

Everything goes through the REST API with the signed-in person's token; what a role may not
do is hidden here and refused there. Customers show only to roles with ``customers:read``
(the API sends null to the others).
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import N_, _
from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.ui import (
    PageContext,
    attrs,
    date_input,
    error_box,
    field,
    grid_locale,
    ok_box,
    status_name,
    when,
)

__all__ = ["PAGE_SIZE", "STATUSES", "grid", "layout", "order_lines", "register"]

PAGE_SIZE = 25
STATUSES = ("open", "partially_allocated", "allocated", "picking", "picked", "shipped",
            "cancelled")
_ORDER_COLUMNS = (("id", N_("No.")), ("external_id", N_("Order")), ("channel", N_("Channel")),
                  ("customer", N_("Customer")), ("status", N_("Status")),
                  ("pieces", N_("Pieces")), ("created", N_("Created")), ("due", N_("Due")))


def status_label(status: str | None) -> str:
    """A status code in the reader's language (the codes stay the API's)."""
    return status_name(status)


def grid(grid_id: str, columns: tuple[tuple[str, str], ...], rows: list[dict[str, Any]],
         *, select: str | None = None, height: int | None = 320) -> dag.AgGrid:
    """An AG Grid of ``rows`` (headers translated now, the grid's own words in the page's
    language) that scrolls in its own box; ``select``: 'singleRow' or 'multiRow'; ``height``
    None: as tall as its rows."""
    locale = {**(grid_locale() or {}), "noRowsToShow": _("Nothing to show.")}
    options: dict[str, Any] = {"domLayout": "normal" if height else "autoHeight",
                               "suppressCellFocus": True, "localeText": locale}
    if select:
        options["rowSelection"] = {"mode": select, "enableClickSelection": True,
                                   "checkboxes": select == "multiRow",
                                   "headerCheckbox": select == "multiRow"}
    return dag.AgGrid(
        id=grid_id, rowData=rows, dashGridOptions=options,
        columnDefs=[{"field": f, "headerName": _(h), "minWidth": 90} for f, h in columns],
        defaultColDef={"sortable": True, "resizable": True, "filter": True, "flex": 1},
        getRowId="params.data.id",
        style={"height": f"{height}px" if height else None, "width": "100%"},
        className="ag-theme-alpine grid-box",
    )


def layout(auth: Auth | None = None) -> html.Div:
    """The orders page; the create form and the actions only for roles with ``order:write``."""
    writer = can(auth.role if auth else "", "order:write")
    return html.Div([
        html.H2(_("Orders")),
        html.Div([
            field(_("Status"), dcc.Dropdown(
                id="ord-status", placeholder=_("any"), className="narrow-dd",
                options=[{"label": status_label(s), "value": s} for s in STATUSES])),
            field(_("Search"), dcc.Input(id="ord-q", type="search", n_submit=0, debounce=True,
                                         placeholder=_("order number or channel"))),
            html.Button(_("Refresh"), id="ord-refresh", n_clicks=0),
        ], className="row"),
        grid("ord-grid", tuple((f, h) for f, h in _ORDER_COLUMNS), [], select="singleRow"),
        html.Div([html.Button(_("Previous"), id="ord-prev", n_clicks=0),
                  html.Span(id="ord-pager", className="hint"),
                  html.Button(_("Next"), id="ord-next", n_clicks=0)], className="row"),
        dcc.Store(id="ord-offset", data=0), dcc.Store(id="ord-selected"),
        dcc.Store(id="ord-changed"),
        html.Div(id="ord-msg"),
        html.Div([
            html.Button(_("Allocate"), id="ord-allocate", n_clicks=0, className="primary"),
            html.Button(_("Cancel order"), id="ord-cancel", n_clicks=0),
            dcc.Link(_("Pack and ship"), id="ord-pack", href="/packing"),
        ], id="ord-actions", className="row", hidden=True),
        dcc.ConfirmDialog(id="ord-confirm"),
        html.Div(id="ord-detail"),
        html.Section(_create_form(), className="card", hidden=not writer, id="ord-new"),
    ], id="orders-page")


def _create_form() -> list[Any]:
    return [
        html.H3(_("Take an order")),
        html.Div([
            field(_("Channel"), dcc.Input(id="ord-new-channel", type="text", value="phone")),
            field(_("Order number"), dcc.Input(id="ord-new-ext", type="text")),
            field(_("Customer"), dcc.Input(id="ord-new-customer", type="text")),
            field(_("Customer reference"), dcc.Input(id="ord-new-ref", type="text")),
            field(_("Due on"), date_input("ord-new-due")),
        ], className="form-grid"),
        field(_("Lines"), dcc.Textarea(id="ord-new-lines", rows=3),
              _("One per line: SKU, quantity and optionally a lot (ST0003-Au750Y-7 2).")),
        html.Button(_("Take order"), id="ord-create", n_clicks=0, className="primary"),
    ]


def order_lines(text: str | None) -> tuple[list[dict[str, Any]], bool]:
    """The typed lines ('SKU quantity [lot]') and whether every line names a lot."""
    lines: list[dict[str, Any]] = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        parts = raw.replace(",", " ").split()
        if not parts:
            continue
        if len(parts) not in (2, 3) or not parts[1].isdigit():
            raise ApiError(422, "bad-line", _(
                "Line {n}: write SKU, quantity and optionally a lot, e.g. "
                "'ST0003-Au750Y-7 2' (got '{raw}').", n=n, raw=raw.strip()))
        line: dict[str, Any] = {"sku": parts[0], "quantity": int(parts[1])}
        if len(parts) == 3:
            line["lot"] = parts[2]
        lines.append(line)
    if not lines:
        raise ApiError(422, "bad-line", _("Add at least one line: SKU and quantity."))
    return lines, all("lot" in ln for ln in lines)


def _rows(orders: list[dict[str, Any]], customers: bool) -> list[dict[str, Any]]:
    hidden = _("hidden for your role")
    return [{"id": o["id"], "external_id": o["external_id"], "channel": o["channel"],
             "customer": o["customer_name"] if customers else hidden,
             "status": status_label(o["status"]),
             "pieces": sum(ln["quantity"] for ln in o["lines"]),
             "created": when(o["created_at"]),
             "due": when(o["due_at"], day_only=True) if o["due_at"] else ""} for o in orders]


def _mini_table(head: list[str], rows: list[list[Any]], empty: str) -> Any:
    if not rows:
        return html.P(empty, className="hint")
    return html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])),
                                html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows])]),
                    className="table-box")


def detail(order: dict[str, Any], trail: dict[str, Any]) -> html.Div:
    """One order: its lines, what is reserved where, its picks and its shipments."""
    customer = order["customer_name"] or _("hidden for your role")
    lines = [[ln["line_no"], ln["sku"], ln["lot"] or "", ln["quantity"], ln["reserved_quantity"],
              ln["picked_quantity"], ln["shipped_quantity"]] for ln in order["lines"]]
    reserved = [[r["line_no"], r["sku"], r["location"], r["lot"], r["quantity"],
                 r["open_quantity"], status_label(r["status"])] for r in trail["reservations"]]
    picks = [[p["pick_list"], p["picker"] or "", p["line"]["from_location"], p["line"]["sku"],
              p["line"]["quantity"], p["line"]["done_quantity"], p["line"]["short_quantity"],
              p["line"]["status"], p["line"]["done_by"] or ""] for p in trail["picks"]]
    ships = [[s["number"], when(s["created_at"]),
              sum(ln["quantity"] for ln in s["lines"]), (s["parcel"] or {}).get("carrier") or "",
              (s["parcel"] or {}).get("tracking") or "",
              _("yes") if s["verified"] else _("no")] for s in trail["shipments"]]
    return html.Div([
        html.H3(_("Order {ext} from {channel}", ext=order["external_id"],
                  channel=order["channel"])),
        html.P([html.Strong(status_label(order["status"])), " · ",
                _("customer: {name}", name=customer), " · ",
                _("created {at}", at=when(order["created_at"]))],
               id="ord-head", className="meta"),
        html.H4(_("Lines")),
        _mini_table([_("Line"), _("SKU"), _("Lot"), _("Ordered"), _("Reserved"), _("Picked"),
                     _("Shipped")], lines, ""),
        html.H4(_("Reservations")),
        _mini_table([_("Line"), _("SKU"), _("Bin"), _("Lot"), _("Reserved"), _("Still held"),
                     _("Status")], reserved, _("Nothing reserved yet.")),
        html.H4(_("Picks")),
        _mini_table([_("Pick list"), _("Picker"), _("Bin"), _("SKU"), _("Quantity"), _("Done"),
                     _("Short"), _("Status"), _("Picked by")], picks, _("Not on a pick list.")),
        html.H4(_("Shipments")),
        _mini_table([_("Shipment"), _("Shipped"), _("Pieces"), _("Carrier"), _("Tracking"),
                     _("Scanned")], ships, _("Not shipped yet.")),
    ], className="card", id="ord-view", **attrs({"data-status": order["status"]}))


def _create(api: Api, auth: Auth | None, values: dict[str, Any]) -> dict[str, Any]:
    lines, named = order_lines(values["lines"])
    body = {"channel": (values["channel"] or "").strip(), "lines": lines,
            "external_id": (values["ext"] or "").strip(),
            "customer_name": (values["customer"] or "").strip(),
            "customer_ref": (values["ref"] or "").strip() or None,
            "removal_strategy": "named_lot" if named else "fifo"}
    if values["due"]:
        body["due_at"] = f"{values['due']}T17:00:00Z"
    return dict(api.post("/api/orders", auth, body))


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The list, the detail and the actions."""

    @dash_app.callback(
        Output("ord-grid", "rowData"), Output("ord-pager", "children"),
        Output("ord-offset", "data"), Output("ord-msg", "children", allow_duplicate=True),
        Input("ord-refresh", "n_clicks"), Input("ord-status", "value"), Input("ord-q", "value"),
        Input("ord-prev", "n_clicks"), Input("ord-next", "n_clicks"),
        Input("ord-changed", "data"), State("ord-offset", "data"), State("auth", "data"),
        prevent_initial_call="initial_duplicate",
    )
    def listing(_r: int, status: str | None, q: str | None, _p: int, _n: int, _c: Any,
                offset: int | None, auth_data: Any) -> Any:
        auth = auth_from(auth_data)
        step = {"ord-prev": -PAGE_SIZE, "ord-next": PAGE_SIZE}.get(str(trigger.triggered_id), 0)
        offset = max(0, (offset or 0) + step) if step else 0
        try:
            page = ctx.api.get("/api/orders", auth, status=status, q=(q or "").strip(),
                               limit=PAGE_SIZE, offset=offset)
            if offset and not page["items"] and page["total"]:
                offset = max(0, page["total"] - PAGE_SIZE)
                page = ctx.api.get("/api/orders", auth, status=status, q=(q or "").strip(),
                                   limit=PAGE_SIZE, offset=offset)
        except ApiError as exc:
            return [], "", offset, error_box(exc)
        rows = _rows(page["items"], can(auth.role if auth else "", "customers:read"))
        end = offset + len(rows)
        pager = _("{start}–{end} of {total}", start=offset + 1 if rows else 0, end=end,
                  total=page["total"])
        return rows, pager, offset, no_update

    @dash_app.callback(
        Output("ord-selected", "data", allow_duplicate=True),
        Input("ord-grid", "selectedRows"), prevent_initial_call=True)
    def pick_row(rows: list[dict[str, Any]] | None) -> Any:
        return rows[0]["id"] if rows else no_update

    @dash_app.callback(
        Output("ord-detail", "children"), Output("ord-actions", "hidden"),
        Output("ord-allocate", "hidden"), Output("ord-cancel", "hidden"),
        Output("ord-pack", "href"), Output("ord-pack", "style"),
        Input("ord-selected", "data"), Input("ord-changed", "data"), State("auth", "data"))
    def show(order_id: int | None, _c: Any, auth_data: Any) -> Any:
        if not order_id:
            return None, True, True, True, "/packing", {"display": "none"}
        auth = auth_from(auth_data)
        try:
            order = ctx.api.get(f"/api/orders/{order_id}", auth)
            trail = ctx.api.get(f"/api/orders/{order_id}/trail", auth)
        except ApiError as exc:
            return error_box(exc), True, True, True, "/packing", {"display": "none"}
        role, status = auth.role if auth else "", order["status"]
        writer = can(role, "order:write")
        packable = can(role, "ship:write") and status in ("picked", "picking")
        return (detail(order, trail), not (writer or packable),
                not (writer and status in ("open", "partially_allocated")),
                not (writer and status not in ("shipped", "cancelled")),
                f"/packing?order={order_id}", None if packable else {"display": "none"})

    @dash_app.callback(
        Output("ord-confirm", "displayed"), Output("ord-confirm", "message"),
        Input("ord-cancel", "n_clicks"), State("ord-selected", "data"),
        prevent_initial_call=True)
    def ask(clicks: int, order_id: int | None) -> Any:
        if not clicks or not order_id:
            return no_update, no_update
        return True, _("Cancel order no. {id}? What it holds is released; this cannot be "
                       "undone.", id=order_id)

    _register_actions(dash_app, ctx)


def _register_actions(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("ord-msg", "children"), Output("ord-selected", "data"),
        Output("ord-changed", "data"),
        Input("ord-create", "n_clicks"), Input("ord-allocate", "n_clicks"),
        Input("ord-confirm", "submit_n_clicks"),
        State("ord-new-channel", "value"), State("ord-new-ext", "value"),
        State("ord-new-customer", "value"), State("ord-new-ref", "value"),
        State("ord-new-due", "value"), State("ord-new-lines", "value"),
        State("ord-selected", "data"), State("auth", "data"), prevent_initial_call=True,
        running=[(Output("ord-allocate", "disabled"), True, False),
                 (Output("ord-create", "disabled"), True, False)],
    )
    def act(*args: Any) -> Any:
        channel, ext, customer, ref, due, lines, order_id, auth_data = args[3:]
        if not trigger.triggered or not trigger.triggered[0]["value"]:
            return no_update, no_update, no_update
        auth, action = auth_from(auth_data), str(trigger.triggered_id)
        try:
            if action == "ord-create":
                made = _create(ctx.api, auth, {"channel": channel, "ext": ext, "due": due,
                                               "customer": customer, "ref": ref, "lines": lines})
                note = ok_box(_("Order {ext} taken (no. {id}).", ext=made["external_id"],
                                id=made["id"]))
                return note, made["id"], f"create:{made['id']}"
            if not order_id:
                return error_box(_("Choose an order in the list first.")), no_update, no_update
            if action == "ord-allocate":
                done = ctx.api.post(f"/api/orders/{order_id}/allocate", auth)
                missing = sum(ln["missing"] for ln in done["lines"])
                note = ok_box(_("Allocated in full.") if done["complete"] else _(
                    "Partly allocated: {n} pieces are not in stock.", n=missing))
            else:
                ctx.api.post(f"/api/orders/{order_id}/cancel", auth)
                note = ok_box(_("Order no. {id} cancelled; its stock is released.", id=order_id))
        except ApiError as exc:
            return error_box(exc), no_update, no_update
        return note, order_id, f"{action}:{order_id}:{args[:3]}"
