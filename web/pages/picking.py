"""Waves and pick lists: make a pick list from chosen orders or a wave of the oldest allocated
ones, give it to a picker or take it back, and follow each list's progress (lines done, short,
skipped, who and since when) with the wrong picks caught on it."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import N_, _
from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.orders import grid, status_label
from web.pages.ui import PageContext, error_box, field, ok_box, when

__all__ = ["layout", "progress_rows", "register"]

LIST_STATUSES = {"open": N_("open"), "done": N_("done"), "cancelled": N_("cancelled")}
_LIST_COLUMNS = (("number", N_("Pick list")), ("status", N_("Status")), ("picker", N_("Picker")),
                 ("orders", N_("Orders")), ("lines", N_("Lines")), ("done", N_("Done")),
                 ("short", N_("Short")), ("skipped", N_("Skipped")), ("open", N_("Open")),
                 ("created", N_("Created")), ("last", N_("Last pick")))
_ORDER_COLUMNS = (("id", N_("No.")), ("external_id", N_("Order")), ("channel", N_("Channel")),
                  ("status", N_("Status")), ("pieces", N_("Pieces")), ("due", N_("Due")))


def layout(auth: Auth | None = None) -> html.Div:
    """The picking page: the new-list form for ``pick:write``, assignment for ``pick:assign``."""
    role = auth.role if auth else ""
    return html.Div([
        html.H2(_("Waves and pick lists")),
        html.Section(_new_list(), className="card", hidden=not can(role, "pick:write"),
                     id="pk-new"),
        html.Section([
            html.H3(_("Pick lists")),
            html.Div([
                field(_("Status"), dcc.Dropdown(
                    id="pk-status", value="open", placeholder=_("any"), className="narrow-dd",
                    options=[{"label": _(v), "value": k} for k, v in LIST_STATUSES.items()])),
                field(_("Picker"), dcc.Input(id="pk-picker-filter", type="text", debounce=True,
                                             placeholder=_("any"))),
                html.Button(_("Refresh"), id="pk-refresh", n_clicks=0),
            ], className="row"),
            grid("pk-grid", _LIST_COLUMNS, [], select="singleRow", height=280),
        ], className="card"),
        dcc.Store(id="pk-selected"), dcc.Store(id="pk-changed"),
        html.Datalist(id="pk-pickers"),
        html.Div(id="pk-msg"),
        html.Div([
            field(_("Picker"), dcc.Input(id="pk-assign-to", type="text", list="pk-pickers",
                                         placeholder=_("user name"))),
            html.Button(_("Assign"), id="pk-assign", n_clicks=0, className="primary"),
            html.Button(_("Unassign"), id="pk-unassign", n_clicks=0),
        ], id="pk-assign-row", className="row", hidden=True),
        html.Div(id="pk-detail"),
    ], id="picking-page")


def _new_list() -> list[Any]:
    return [
        html.H3(_("New pick list")),
        dcc.RadioItems(id="pk-mode", value="wave", inline=True, options=[
            {"label": _("A wave of the oldest allocated orders"), "value": "wave"},
            {"label": _("The orders I choose"), "value": "orders"}]),
        html.Div([
            field(_("How many orders"), dcc.Input(id="pk-wave", type="number", min=1, max=500,
                                                  value=10, className="narrow")),
            field(_("Channel"), dcc.Input(id="pk-channel", type="text", placeholder=_("any"))),
            field(_("Packing bin"), dcc.Dropdown(id="pk-packing", placeholder=_("the first"),
                                                 className="narrow-dd")),
            field(_("Picker"), dcc.Input(id="pk-picker", type="text", list="pk-pickers",
                                         placeholder=_("nobody yet"))),
        ], className="form-grid"),
        html.P(_("Allocated orders, oldest due first: tick the ones to pick together."),
               className="hint"),
        grid("pk-orders", _ORDER_COLUMNS, [], select="multiRow", height=220),
        html.Button(_("Make pick list"), id="pk-create", n_clicks=0, className="primary"),
    ]


def progress_rows(lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One grid row per pick list: how many lines are done, short, skipped and open."""
    rows = []
    for pl in lists:
        lines = pl["lines"]
        times = [ln["done_at"] for ln in lines if ln["done_at"]]
        rows.append({
            "id": pl["number"], "number": pl["number"], "status": status_label(pl["status"]),
            "picker": pl["picker"] or "", "orders": ", ".join(map(str, pl["order_ids"])),
            "lines": len(lines), "done": sum(ln["status"] == "done" for ln in lines),
            "short": sum(ln["status"] == "short" for ln in lines),
            "skipped": sum(ln.get("skipped", 0) > 0 and ln["status"] == "open" for ln in lines),
            "open": sum(ln["status"] == "open" for ln in lines),
            "created": when(pl["created_at"]),
            "last": when(max(times)) if times else "",
        })
    return rows


def _allocated(api: Api, auth: Auth | None) -> list[dict[str, Any]]:
    orders = [o for status in ("allocated", "partially_allocated")
              for o in api.get_all("/api/orders", auth, limit=500, status=status)]
    orders.sort(key=lambda o: (o["due_at"] is None, o["due_at"] or "", o["created_at"]))
    return [{"id": o["id"], "external_id": o["external_id"], "channel": o["channel"],
             "status": status_label(o["status"]),
             "due": when(o["due_at"], day_only=True) if o["due_at"] else "",
             "pieces": sum(ln["quantity"] for ln in o["lines"])} for o in orders]


def _detail(pl: dict[str, Any], exceptions: list[dict[str, Any]] | None) -> html.Div:
    head = [_("Line"), _("Bin"), _("SKU"), _("Lot"), _("Order"), _("Quantity"), _("Done"),
            _("Short"), _("Skipped"), _("Status"), _("Picked by"), _("At")]
    rows = [[ln["line_no"], ln["from_location"], ln["sku"], ln["lot"] or "", ln["order_id"],
             ln["quantity"], ln["done_quantity"], ln["short_quantity"], ln.get("skipped", 0),
             status_label(ln["status"]), ln["done_by"] or "",
             when(ln["done_at"])] for ln in pl["lines"]]
    parts: list[Any] = [
        html.H3(_("Pick list {number}", number=pl["number"])),
        html.P(_("{status} · picker: {picker} · made {at}", status=status_label(pl["status"]),
                 picker=pl["picker"] or _("nobody yet"),
                 at=when(pl["created_at"])), className="meta", id="pk-head"),
        html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])),
                             html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows])]),
                 className="table-box"),
    ]
    if exceptions is not None:
        parts.append(html.H4(_("Wrong picks caught")))
        parts.append(html.Div(html.Table([
            html.Thead(html.Tr([html.Th(h) for h in (_("At"), _("Picker"), _("Bin"), _("SKU"),
                                                     _("What was wrong"), _("Given"))])),
            html.Tbody([html.Tr([html.Td(c) for c in (when(e["at"]), e["user"],
                                                      e["location"], e["sku"], e["kind"],
                                                      e["given"])]) for e in exceptions])]),
            className="table-box") if exceptions else html.P(_("None."), className="hint"))
    return html.Div(parts, className="card", id="pk-view")


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Lists, the new-list form, detail and assignment."""

    @dash_app.callback(
        Output("pk-grid", "rowData"), Output("pk-orders", "rowData"),
        Output("pk-packing", "options"), Output("pk-pickers", "children"),
        Input("pk-refresh", "n_clicks"), Input("pk-status", "value"),
        Input("pk-picker-filter", "value"), Input("pk-changed", "data"), State("auth", "data"))
    def listing(_r: int, status: str | None, picker: str | None, _c: Any,
                auth_data: Any) -> Any:
        auth = auth_from(auth_data)
        try:
            lists = ctx.api.get("/api/picklists", auth, status=status, limit=200,
                                picker=(picker or "").strip())["items"]
        except ApiError:
            lists = []  # an unknown picker in the filter: no lists, not an error
        if not can(auth.role if auth else "", "pick:write"):
            return progress_rows(lists), [], [], []
        try:
            bins = ctx.api.get("/api/locations", auth, kind="packing", tier="bin", limit=100)
            orders = _allocated(ctx.api, auth)
            people = ctx.api.get("/api/pickers", auth)
        except ApiError:
            return progress_rows(lists), [], [], []
        return (progress_rows(lists), orders,
                [{"label": b["code"], "value": b["code"]} for b in bins["items"]],
                [html.Option(p["full_name"], value=p["username"]) for p in people])

    @dash_app.callback(Output("pk-selected", "data", allow_duplicate=True),
                       Input("pk-grid", "selectedRows"), prevent_initial_call=True)
    def pick_row(rows: list[dict[str, Any]] | None) -> Any:
        return rows[0]["number"] if rows else no_update

    @dash_app.callback(
        Output("pk-detail", "children"), Output("pk-assign-row", "hidden"),
        Input("pk-selected", "data"), Input("pk-changed", "data"), Input("pk-refresh", "n_clicks"),
        State("auth", "data"))
    def show(number: str | None, _c: Any, _r: int, auth_data: Any) -> Any:
        if not number:
            return None, True
        auth = auth_from(auth_data)
        role = auth.role if auth else ""
        try:
            pl = ctx.api.get(f"/api/picklists/{number}", auth)
            exceptions = (ctx.api.get("/api/pick-exceptions", auth, pick_list=number,
                                      limit=100)["items"]
                          if can(role, "audit:read") else None)
        except ApiError as exc:
            return error_box(exc), True
        return _detail(pl, exceptions), not (can(role, "pick:assign") and pl["status"] == "open")

    _register_actions(dash_app, ctx)


def _create(api: Api, auth: Auth | None, values: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"packing": values["packing"] or None,
                            "picker": (values["picker"] or "").strip() or None}
    if values["mode"] == "orders":
        ids = [row["id"] for row in values["chosen"] or []]
        if not ids:
            raise ApiError(422, "no-orders", _("Tick at least one order in the list."))
        body["order_ids"] = ids
    else:
        body["wave"] = values["wave"]
        body["channel"] = (values["channel"] or "").strip() or None
    return dict(api.post("/api/picklists", auth, body))


def _register_actions(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("pk-msg", "children"), Output("pk-selected", "data"),
        Output("pk-changed", "data"),
        Input("pk-create", "n_clicks"), Input("pk-assign", "n_clicks"),
        Input("pk-unassign", "n_clicks"),
        State("pk-mode", "value"), State("pk-wave", "value"), State("pk-channel", "value"),
        State("pk-packing", "value"), State("pk-picker", "value"),
        State("pk-orders", "selectedRows"), State("pk-assign-to", "value"),
        State("pk-selected", "data"), State("auth", "data"), prevent_initial_call=True,
        running=[(Output("pk-create", "disabled"), True, False)],
    )
    def act(*args: Any) -> Any:
        mode, wave, channel, packing, picker, chosen, assign_to, number, auth_data = args[3:]
        if not trigger.triggered or not trigger.triggered[0]["value"]:
            return no_update, no_update, no_update
        auth, action = auth_from(auth_data), str(trigger.triggered_id)
        try:
            if action == "pk-create":
                pl = _create(ctx.api, auth, {"mode": mode, "wave": wave, "channel": channel,
                                             "packing": packing, "picker": picker,
                                             "chosen": chosen})
                note = ok_box(_("Pick list {number}: {n} lines for {orders} orders.",
                                number=pl["number"], n=len(pl["lines"]),
                                orders=len(pl["order_ids"])))
            elif not number:
                return error_box(_("Choose a pick list first.")), no_update, no_update
            elif action == "pk-assign":
                who = (assign_to or "").strip()
                if not who:
                    return error_box(_("Type the picker's user name.")), no_update, no_update
                pl = ctx.api.post(f"/api/picklists/{number}/assign", auth, {"picker": who})
                note = ok_box(_("{number} is now {picker}'s.", number=number, picker=who))
            else:
                pl = ctx.api.call("DELETE", f"/api/picklists/{number}/assign", auth)
                note = ok_box(_("{number} is free: the next picker to work it takes it.",
                                number=number))
        except ApiError as exc:
            return error_box(exc), no_update, no_update
        return note, pl["number"], f"{action}:{pl['number']}:{args[:3]}"
