"""Returns: customers' returns (list, detail, open, receive, inspect, refund reference) and
returns to suppliers (list and send a lot's goods back), through the REST API.

Customers show only to roles with ``customers:read`` (the API sends null to the others); the
forms only to roles with ``returns:write``.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import N_, _
from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.orders import grid
from web.pages.ui import PageContext, attrs, card, error_box, field, lines_of, ok_box, when
from web.pages.ui import status_name as status_label

__all__ = ["DISPOSITIONS", "inspect_items", "layout", "register"]

STATUSES = ("open", "received", "done")
#: What an inspection may decide, as people read it (the codes are the API's).
DISPOSITIONS = {
    "stock": N_("back to stock"),
    "quarantine": N_("quarantine"),
    "repair": N_("repair"),
    "scrap": N_("scrap"),
}
#: Decisions typed in Chinese, as their codes.
TYPED = {"库存": "stock", "隔离": "quarantine", "维修": "repair", "报废": "scrap"}
REASONS = {
    "assay-failed": N_("assay failed"),
    "qc-reject": N_("QC reject"),
    "damage": N_("damage"),
    "other": N_("other"),
}
_RET_COLUMNS = (
    ("number", N_("Return")),
    ("order", N_("Order")),
    ("channel", N_("Channel")),
    ("customer", N_("Customer")),
    ("status", N_("Status")),
    ("pieces", N_("Pieces")),
    ("reason", N_("Reason")),
    ("refund", N_("Refund reference")),
    ("created", N_("Created")),
)
_RTS_COLUMNS = (
    ("number", N_("Return")),
    ("lot", N_("Lot")),
    ("supplier", N_("Supplier")),
    ("reason", N_("Reason")),
    ("rma", N_("Supplier RMA")),
    ("pieces", N_("Pieces")),
    ("created", N_("Created")),
)


def layout(auth: Auth | None = None) -> html.Div:
    """The returns page; the forms only for roles with ``returns:write``."""
    writer = can(auth.role if auth else "", "returns:write")
    return html.Div(
        [
            html.H2(_("Returns")),
            html.H3(_("Customer returns")),
            html.Div(
                [
                    field(
                        _("Status"),
                        dcc.Dropdown(
                            id="ret-status",
                            placeholder=_("any"),
                            className="narrow-dd",
                            options=[{"label": status_label(s), "value": s} for s in STATUSES],
                        ),
                    ),
                    field(
                        _("Search"),
                        dcc.Input(
                            id="ret-q",
                            type="search",
                            debounce=True,
                            placeholder=_("return, order or refund reference"),
                        ),
                    ),
                    html.Button(_("Refresh"), id="ret-refresh", n_clicks=0),
                ],
                className="row",
            ),
            grid("ret-grid", _RET_COLUMNS, [], select="singleRow", height=260),
            dcc.Store(id="ret-selected"),
            dcc.Store(id="ret-changed"),
            html.Div(id="ret-msg"),
            html.Div(id="ret-detail"),
            html.Div(_actions(), id="ret-actions", hidden=True),
            html.Section(_open_form(), className="card", hidden=not writer, id="ret-new"),
            html.H3(_("Returns to suppliers")),
            grid("rts-grid", _RTS_COLUMNS, [], height=220),
            html.Div(id="rts-msg"),
            html.Section(_supplier_form(), className="card", hidden=not writer, id="rts-new"),
        ],
        id="returns-page",
    )


def _actions() -> list[Any]:
    return [
        card(
            _("Receive"),
            html.Div(
                [
                    field(
                        _("Into bin"),
                        dcc.Input(
                            id="ret-recv-bin", type="text", placeholder=_("quarantine (default)")
                        ),
                    ),
                    html.Button(_("Receive"), id="ret-receive", n_clicks=0, className="primary"),
                ],
                className="row",
            ),
        ),
        card(
            _("Inspect"),
            field(
                _("Decisions"),
                dcc.Textarea(id="ret-inspect-text", rows=3),
                _(
                    "One per line: a piece's serial (or a line no. and quantity), a decision "
                    "(stock/quarantine/repair/scrap) and, back to stock, the bin."
                ),
            ),
            html.Button(_("Record inspection"), id="ret-inspect", n_clicks=0, className="primary"),
        ),
        card(
            _("Refund reference"),
            html.Div(
                [
                    dcc.Input(id="ret-refund-ref", type="text", maxLength=64),
                    html.Button(_("Save"), id="ret-refund", n_clicks=0),
                ],
                className="row",
            ),
        ),
    ]


def _open_form() -> list[Any]:
    return [
        html.H3(_("Open a return")),
        html.Div(
            [
                field(_("Order no."), dcc.Input(id="ret-new-order", type="number", min=1)),
                field(_("Reason"), dcc.Input(id="ret-new-reason", type="text", maxLength=64)),
                field(
                    _("Refund reference"), dcc.Input(id="ret-new-refund", type="text", maxLength=64)
                ),
            ],
            className="form-grid",
        ),
        field(
            _("Pieces"),
            dcc.Textarea(id="ret-new-pieces", rows=2),
            _("Serials of the pieces coming back (scanned or typed)."),
        ),
        field(
            _("Lines"),
            dcc.Textarea(id="ret-new-lines", rows=2),
            _("For stock without serials, one per line: order line no. and quantity (2 3)."),
        ),
        html.Button(_("Open return"), id="ret-create", n_clicks=0, className="primary"),
    ]


def _supplier_form() -> list[Any]:
    return [
        html.H3(_("Return to supplier")),
        html.Div(
            [
                field(_("Lot"), dcc.Input(id="rts-lot", type="text", maxLength=48)),
                field(
                    _("Supplier"),
                    dcc.Input(
                        id="rts-supplier",
                        type="text",
                        maxLength=32,
                        placeholder=_("checked against the lot"),
                    ),
                ),
                field(
                    _("Reason"),
                    dcc.Dropdown(
                        id="rts-reason",
                        value="qc-reject",
                        clearable=False,
                        className="narrow-dd",
                        options=[{"label": _(v), "value": k} for k, v in REASONS.items()],
                    ),
                ),
                field(_("Supplier RMA"), dcc.Input(id="rts-rma", type="text", maxLength=64)),
            ],
            className="form-grid",
        ),
        dcc.Checklist(
            id="rts-whole",
            options=[{"label": " " + _("everything of the lot in stock"), "value": "1"}],
        ),
        field(_("Pieces"), dcc.Textarea(id="rts-pieces", rows=2)),
        field(
            _("Lines"),
            dcc.Textarea(id="rts-lines", rows=2),
            _("For stock without serials, one per line: SKU, bin and quantity."),
        ),
        html.Button(_("Send back"), id="rts-create", n_clicks=0, className="primary"),
    ]


def inspect_items(text: str | None) -> list[dict[str, Any]]:
    """Typed decisions: ``SERIAL disposition [bin]`` or ``LINE [quantity] disposition [bin]``."""
    items: list[dict[str, Any]] = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        parts = raw.replace(",", " ").split()
        if not parts:
            continue
        item: dict[str, Any] = {}
        if parts[0].isdigit():
            item["line_no"] = int(parts.pop(0))
            if parts and parts[0].isdigit():
                item["quantity"] = int(parts.pop(0))
        else:
            item["serial"] = parts.pop(0)
        if not parts or len(parts) > 2:
            raise ApiError(
                422,
                "bad-line",
                _(
                    "Line {n}: write a serial (or a line no. and quantity), a decision and, for "
                    "stock, the bin (got '{raw}').",
                    n=n,
                    raw=raw.strip(),
                ),
            )
        item["disposition"] = TYPED.get(parts[0], parts[0].lower())
        if len(parts) == 2:
            item["location"] = parts[1]
        items.append(item)
    if not items:
        raise ApiError(422, "bad-line", _("Write at least one decision."))
    return items


def _pairs(text: str | None, width: int) -> list[list[str]]:
    rows = [raw.replace(",", " ").split() for raw in (text or "").splitlines()]
    rows = [r for r in rows if r]
    for r in rows:
        if len(r) != width or not r[-1].isdigit():
            raise ApiError(422, "bad-line", _("Cannot read the line '{raw}'.", raw=" ".join(r)))
    return rows


def _rows(items: list[dict[str, Any]], customers: bool) -> list[dict[str, Any]]:
    hidden = _("hidden for your role")
    return [
        {
            "id": r["number"],
            "number": r["number"],
            "order": r["order"],
            "channel": r["channel"],
            "customer": r["customer"] if customers else hidden,
            "status": status_label(r["status"]),
            "pieces": sum(ln["quantity"] for ln in r["lines"]),
            "reason": r["reason"] or "",
            "refund": r["refund_ref"] or "",
            "created": when(r["created_at"]),
        }
        for r in items
    ]


def _rts_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": r["number"],
            "number": r["number"],
            "lot": r["lot"],
            "supplier": r["supplier"],
            "reason": _(REASONS[r["reason"]]) if r["reason"] in REASONS else r["reason"],
            "rma": r["supplier_rma"] or "",
            "pieces": r["quantity"],
            "created": when(r["created_at"]),
        }
        for r in items
    ]


def detail(ret: dict[str, Any]) -> html.Div:
    """One return: its lines, pieces and what the inspection decided."""
    rows = []
    for ln in ret["lines"]:
        steps = "; ".join(
            f"{s['serial'] or s['quantity']}: {_(DISPOSITIONS.get(s['disposition'], ''))} "
            f"({s['location'] or ''})"
            for s in ln["steps"]
        )
        rows.append(
            html.Tr(
                [
                    html.Td(ln["order_line_no"]),
                    html.Td(ln["sku"]),
                    html.Td(ln["lot"] or ""),
                    html.Td(ln["quantity"]),
                    html.Td(ln["inspected"]),
                    html.Td(" ".join(ln["serials"])),
                    html.Td(steps),
                ]
            )
        )
    head = [
        _("Line"),
        _("SKU"),
        _("Lot"),
        _("Quantity"),
        _("Inspected"),
        _("Pieces"),
        _("Decisions"),
    ]
    return html.Div(
        [
            html.H3(
                _("Return {number} of order {order}", number=ret["number"], order=ret["order"])
            ),
            html.P(
                [
                    html.Strong(status_label(ret["status"])),
                    " · ",
                    _("customer: {name}", name=ret["customer"] or _("hidden for your role")),
                    " · ",
                    _("at {place}", place=ret["location"] or "–"),
                ],
                className="meta",
                id="ret-head",
            ),
            html.Div(
                html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)]),
                className="table-box",
            ),
        ],
        className="card",
        id="ret-view",
        **attrs({"data-status": ret["status"]}),
    )


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The lists, the detail and the forms."""

    @dash_app.callback(
        Output("ret-grid", "rowData"),
        Output("rts-grid", "rowData"),
        Output("ret-msg", "children", allow_duplicate=True),
        Input("ret-refresh", "n_clicks"),
        Input("ret-status", "value"),
        Input("ret-q", "value"),
        Input("ret-changed", "data"),
        State("auth", "data"),
        prevent_initial_call="initial_duplicate",
    )
    def listing(_r: int, status: str | None, q: str | None, _c: Any, auth_data: Any) -> Any:
        auth = auth_from(auth_data)
        try:
            page = ctx.api.get("/api/returns", auth, status=status, q=(q or "").strip(), limit=100)
            rts = ctx.api.get("/api/supplier-returns", auth, limit=100)
        except ApiError as exc:
            return [], [], error_box(exc)
        customers = can(auth.role if auth else "", "customers:read")
        return _rows(page["items"], customers), _rts_rows(rts["items"]), no_update

    @dash_app.callback(
        Output("ret-selected", "data", allow_duplicate=True),
        Input("ret-grid", "selectedRows"),
        prevent_initial_call=True,
    )
    def pick_row(rows: list[dict[str, Any]] | None) -> Any:
        return rows[0]["number"] if rows else no_update

    @dash_app.callback(
        Output("ret-detail", "children"),
        Output("ret-actions", "hidden"),
        Output("ret-refund-ref", "value"),
        Input("ret-selected", "data"),
        Input("ret-changed", "data"),
        State("auth", "data"),
    )
    def show(number: str | None, _c: Any, auth_data: Any) -> Any:
        if not number:
            return None, True, None
        auth = auth_from(auth_data)
        try:
            ret = ctx.api.get(f"/api/returns/{number}", auth)
        except ApiError as exc:
            return error_box(exc), True, None
        writer = can(auth.role if auth else "", "returns:write")
        return detail(ret), not writer, ret["refund_ref"]

    _register_actions(dash_app, ctx)
    _register_supplier(dash_app, ctx)


def _open(api: Api, auth: Auth | None, values: list[Any]) -> str:
    order, reason, refund, pieces, lines = values
    body: dict[str, Any] = {
        "order_id": order,
        "reason": (reason or "").strip(),
        "serials": lines_of(pieces),
        "refund_ref": (refund or "").strip() or None,
        "lines": [{"line_no": int(no), "quantity": int(q)} for no, q in _pairs(lines, 2)],
    }
    return str(api.post("/api/returns", auth, body)["number"])


def _register_actions(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("ret-msg", "children"),
        Output("ret-selected", "data"),
        Output("ret-changed", "data"),
        Input("ret-create", "n_clicks"),
        Input("ret-receive", "n_clicks"),
        Input("ret-inspect", "n_clicks"),
        Input("ret-refund", "n_clicks"),
        State("ret-new-order", "value"),
        State("ret-new-reason", "value"),
        State("ret-new-refund", "value"),
        State("ret-new-pieces", "value"),
        State("ret-new-lines", "value"),
        State("ret-recv-bin", "value"),
        State("ret-inspect-text", "value"),
        State("ret-refund-ref", "value"),
        State("ret-selected", "data"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def act(*args: Any) -> Any:
        new, place, decisions, refund, number, auth_data = (
            args[4:9],
            args[9],
            args[10],
            args[11],
            args[12],
            args[13],
        )
        if not trigger.triggered or not trigger.triggered[0]["value"]:
            return no_update, no_update, no_update
        auth, action = auth_from(auth_data), str(trigger.triggered_id)
        try:
            if action == "ret-create":
                made = _open(ctx.api, auth, list(new))
                return ok_box(_("Return {number} opened.", number=made)), made, f"new:{made}"
            if not number:
                return error_box(_("Choose a return in the list first.")), no_update, no_update
            base = f"/api/returns/{number}"
            if action == "ret-receive":
                ctx.api.post(f"{base}/receive", auth, {"location": (place or "").strip() or None})
                note = ok_box(_("Return {number} received.", number=number))
            elif action == "ret-inspect":
                ctx.api.post(f"{base}/inspect", auth, {"items": inspect_items(decisions)})
                note = ok_box(_("Inspection of {number} recorded.", number=number))
            else:
                ctx.api.post(f"{base}/refund", auth, {"refund_ref": (refund or "").strip()})
                note = ok_box(_("Refund reference saved."))
        except ApiError as exc:
            return error_box(exc), no_update, no_update
        return note, number, f"{action}:{number}:{args[:4]}"


def _register_supplier(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("rts-msg", "children"),
        Output("ret-changed", "data", allow_duplicate=True),
        Input("rts-create", "n_clicks"),
        State("rts-lot", "value"),
        State("rts-supplier", "value"),
        State("rts-reason", "value"),
        State("rts-rma", "value"),
        State("rts-whole", "value"),
        State("rts-pieces", "value"),
        State("rts-lines", "value"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def send(
        clicks: int,
        lot: str | None,
        supplier: str | None,
        reason: str | None,
        rma: str | None,
        whole: list[str] | None,
        pieces: str | None,
        lines: str | None,
        auth_data: Any,
    ) -> Any:
        if not clicks:
            return no_update, no_update
        try:
            body = {
                "lot": (lot or "").strip(),
                "supplier": (supplier or "").strip() or None,
                "reason": reason or "other",
                "supplier_rma": (rma or "").strip() or None,
                "whole_lot": bool(whole),
                "serials": lines_of(pieces),
                "lines": [
                    {"sku": s, "location": b, "quantity": int(q)} for s, b, q in _pairs(lines, 3)
                ],
            }
            made = ctx.api.post("/api/supplier-returns", auth_from(auth_data), body)
        except ApiError as exc:
            return error_box(exc), no_update
        return ok_box(
            _(
                "{number}: {n} pieces of lot {lot} sent back to {supplier}.",
                number=made["number"],
                n=made["quantity"],
                lot=made["lot"],
                supplier=made["supplier"],
            )
        ), f"rts:{made['number']}"
