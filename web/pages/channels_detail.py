"""The chosen channel on the Channels page: its messages (a retry for each dead letter), its
SKU mapping (add, replace, remove a listing), its buffers and the stock it may sell (with a
resync). Forms and buttons only for ``channels:write``; the API refuses them to others too."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from web.i18n import N_, _
from web.pages import channels_edit
from web.pages.api import ApiError, Auth, auth_from
from web.pages.masterdata import column, dropdown, grid, path
from web.pages.masterdata import text as typed
from web.pages.ui import PageContext, card, error_box, field, ok_box, when

__all__ = [
    "MESSAGE_KIND",
    "MESSAGE_STATUS",
    "OUTCOMES",
    "layout",
    "message_rows",
    "register",
    "stock_rows",
]

#: How many of a channel's newest messages the page shows.
MESSAGE_LIMIT = 200

#: A message's state as a person reads it (the codes are the API's).
MESSAGE_STATUS: dict[str, str] = {
    "pending": N_("waiting"),
    "dead": N_("dead letter"),
    "done": N_("done"),
}
#: What a channel said about an order.
MESSAGE_KIND: dict[str, str] = {
    "created": N_("order created"),
    "paid": N_("paid"),
    "cancelled": N_("cancelled"),
    "refunded": N_("refunded"),
}


#: What applying a message did (the inbox's outcome codes), as a person reads it.
OUTCOMES: dict[str, str] = {
    "created": N_("order taken, stock reserved"),
    "oversold": N_("order taken, short of stock"),
    "created-cancelled": N_("order taken, already cancelled"),
    "duplicate": N_("repeat, ignored"),
    "cancelled-before-created": N_("cancel kept for its order"),
    "cancelled": N_("order cancelled"),
    "paid": N_("marked paid"),
    "refunded": N_("refund noted"),
}


def outcome_name(code: str | None) -> str:
    """An outcome in the page's language (a code it does not know, as it is)."""
    return _(OUTCOMES[code]) if code in OUTCOMES else str(code or "")


def message_rows(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages grid's rows; a dead letter's row carries the retry button's label."""
    return [
        {
            "id": m["id"],
            "received": when(m["received_at"]),
            "kind": _(MESSAGE_KIND[m["kind"]]) if m["kind"] in MESSAGE_KIND else m["kind"],
            "order": m["external_order_id"],
            "status_code": m["status"],
            "status": _(MESSAGE_STATUS.get(m["status"], m["status"])),
            "attempts": m["attempts"],
            "outcome": outcome_name(m.get("outcome")),
            "error_code": m.get("error_code") or "",
            "error": m.get("last_error") or "",
            "next_try": when(m["next_attempt_at"]) if m.get("next_attempt_at") else "",
            "retry": _("Retry") if m["status"] == "dead" else "",
        }
        for m in messages
    ]


def stock_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stock grid's rows: what may be sold and what the channel was last told."""
    return [
        {
            **s,
            "pushed_quantity": "–" if s.get("pushed_quantity") is None else s["pushed_quantity"],
            "pushed_at": when(s["pushed_at"]) if s.get("pushed_at") else "–",
            "behind": _("yes") if s.get("pushed_quantity") != s["available"] else "",
        }
        for s in items
    ]


def _message_columns(writer: bool) -> list[dict[str, Any]]:
    retry = (
        [
            column(
                "retry",
                _("Retry"),
                cellRenderer="ChannelRetry",
                sortable=False,
                filter=False,
                minWidth=100,
                pinned="right",
            )
        ]
        if writer
        else []
    )
    return [
        column("id", _("No."), minWidth=80),
        column("received", _("Received"), minWidth=160),
        column("kind", _("Message")),
        column("order", _("Order"), minWidth=120),
        column(
            "status",
            _("Status"),
            cellClassRules={
                "chn-h chn-h-dead": "params.data.status_code == 'dead'",
                "chn-h chn-h-lagging": "params.data.status_code == 'pending'",
            },
        ),
        column("outcome", _("Outcome"), minWidth=120),
        column("error_code", _("Error code"), minWidth=130),
        column("error", _("Error"), minWidth=240, maxWidth=420, tooltipField="error"),
        column("attempts", _("Attempts")),
        column("next_try", _("Next try"), minWidth=150),
        *retry,
    ]


def _stock_columns() -> list[dict[str, Any]]:
    return [
        column("external_sku", _("Channel's SKU"), minWidth=140),
        column("sku", _("Facet SKU"), minWidth=160),
        column("on_hand", _("On hand")),
        column("reserved", _("Reserved")),
        column("free", _("Free")),
        column("available", _("Available")),
        column("pushed_quantity", _("Last pushed")),
        column("pushed_at", _("Pushed"), minWidth=160),
        column("behind", _("Not yet told")),
    ]


def _messages_card(writer: bool) -> html.Section:
    statuses = [{"label": _(label), "value": code} for code, label in MESSAGE_STATUS.items()]
    return card(
        _("Messages"),
        html.Div(
            [
                field(
                    _("Status"),
                    dropdown(
                        id="chn-m-status", options=statuses, placeholder=_("any"), className="md-dd"
                    ),
                ),
                field(
                    _("Search"),
                    dcc.Input(
                        id="chn-m-q", type="search", debounce=True, placeholder=_("order number")
                    ),
                ),
            ],
            className="row md-filters",
        ),
        html.P(
            _(
                "A dead letter is a message Facet gave up on (an unknown SKU, an order "
                "already picked...). Fix the cause (map the SKU below), then retry it."
            ),
            className="hint",
        ),
        channels_edit.every_column(
            grid("chn-m-grid", _message_columns(writer), row_id="id", height=420)
        ),
        html.Div(id="chn-m-msg"),
    )


def _stock_card(writer: bool) -> html.Section:
    return card(
        _("Stock"),
        html.P(
            _(
                "Available to promise per listing and what the channel was last told; "
                "a resync pushes "
                "every listing again."
            ),
            className="hint",
        ),
        channels_edit.every_column(
            grid("chn-stock-grid", _stock_columns(), row_id="external_sku", height=260)
        ),
        html.Div(
            html.Button(_("Resync"), id="chn-resync", n_clicks=0),
            className="row",
            id="chn-stock-actions",
            hidden=not writer,
        ),
        html.Div(id="chn-stock-msg"),
    )


def layout(writer: bool) -> html.Div:
    """The detail's frame, hidden until a channel is chosen (its cards stay put, so a refresh
    never resets what is being typed)."""
    return html.Div(
        [
            html.H3(id="chn-title"),
            _messages_card(writer),
            html.Div(
                [channels_edit.listings_card(writer), channels_edit.buffers_card(writer)],
                className="md-cards",
            ),
            _stock_card(writer),
            dcc.Store(id="chn-buf-saved"),
        ],
        id="chn-detail",
        hidden=True,
    )


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The detail's lists and actions."""
    _register_lists(dash_app, ctx)
    _register_messages(dash_app, ctx)
    channels_edit.register(dash_app, ctx)


def _auth(auth_data: dict[str, Any] | None) -> Auth | None:
    return auth_from(auth_data)


def _register_lists(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("chn-detail", "hidden"),
        Output("chn-title", "children"),
        Input("chn-code", "data"),
        State("chn-grid", "selectedRows"),
    )
    def show(code: str | None, rows: list[dict[str, Any]] | None) -> Any:
        if not code:
            return True, None
        name = rows[0]["name"] if rows else code
        return False, _("Channel {name} ({code})", name=name, code=code)

    @dash_app.callback(
        Output("chn-m-grid", "rowData"),
        Input("chn-code", "data"),
        Input("chn-tick", "n_intervals"),
        Input("chn-changed", "data"),
        Input("chn-m-status", "value"),
        Input("chn-m-q", "value"),
        State("auth", "data"),
    )
    def messages(
        code: str | None,
        _t: Any,
        _c: Any,
        status: str | None,
        q: str | None,
        auth_data: dict[str, Any] | None,
    ) -> Any:
        if not code:
            return []
        try:
            page = ctx.api.get(
                f"/api/channels/{path(code)}/messages",
                _auth(auth_data),
                status=status,
                search=typed(q),
                limit=MESSAGE_LIMIT,
            )
        except ApiError:
            return no_update
        return message_rows(page["items"])

    @dash_app.callback(
        Output("chn-sku-grid", "rowData"),
        Output("chn-stock-grid", "rowData"),
        Input("chn-code", "data"),
        Input("chn-tick", "n_intervals"),
        Input("chn-changed", "data"),
        State("auth", "data"),
    )
    def listings_and_stock(
        code: str | None, _t: Any, _c: Any, auth_data: dict[str, Any] | None
    ) -> Any:
        if not code:
            return [], []
        auth = _auth(auth_data)
        listings: Any = no_update
        stock: Any = no_update
        try:
            listings = ctx.api.get_all(f"/api/channels/{path(code)}/skus", auth)
        except ApiError:  # shown as it was; the overview says what is wrong
            pass
        try:
            stock = stock_rows(ctx.api.get_all(f"/api/channels/{path(code)}/stock", auth))
        except ApiError:
            pass
        return listings, stock


def _register_messages(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("chn-stock-msg", "children"),
        Output("chn-changed", "data", allow_duplicate=True),
        Input("chn-resync", "n_clicks"),
        State("chn-code", "data"),
        State("auth", "data"),
        prevent_initial_call=True,
        running=[(Output("chn-resync", "disabled"), True, False)],
    )
    def resync(clicks: int, code: str | None, auth_data: dict[str, Any] | None) -> Any:
        if not clicks or not code:
            return no_update, no_update
        try:
            done = ctx.api.post(f"/api/channels/{path(code)}/stock/resync", _auth(auth_data))
        except ApiError as exc:
            return error_box(exc), no_update
        return ok_box(
            _(
                "{n} listings of {code} will be pushed again.",
                n=done.get("listings", 0) if isinstance(done, dict) else 0,
                code=code,
            )
        ), f"resync:{clicks}"

    @dash_app.callback(
        Output("chn-m-msg", "children"),
        Output("chn-changed", "data", allow_duplicate=True),
        Input("chn-m-grid", "cellRendererData"),
        State("chn-code", "data"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def retry(
        clicked: dict[str, Any] | None, code: str | None, auth_data: dict[str, Any] | None
    ) -> Any:
        if not clicked or not code or clicked.get("value") in (None, ""):
            return no_update, no_update
        message_id = int(clicked["value"])
        try:
            done = ctx.api.post(
                f"/api/channels/{path(code)}/messages/{message_id}/retry", _auth(auth_data)
            )
        except ApiError as exc:
            return error_box(exc), f"retry:{message_id}:{clicked.get('timestamp')}"
        changed = f"retry:{message_id}:{clicked.get('timestamp')}"
        if done["status"] == "done":
            return ok_box(
                _(
                    "Message no. {id} applied ({outcome}).",
                    id=message_id,
                    outcome=outcome_name(done.get("outcome")),
                )
            ), changed
        return error_box(
            _(
                "Message no. {id} failed again: {error} ({code}).",
                id=message_id,
                error=done.get("last_error") or "",
                code=done.get("error_code") or "",
            )
        ), changed
