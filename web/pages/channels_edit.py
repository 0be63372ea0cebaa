"""The Channels page's forms for the chosen channel: its SKU mapping (add or replace a listing,
with an optional buffer of its own; remove one) and its buffers (safety buffer, share, pause
and resume). Shown to ``channels:write`` only; the API refuses the changes to others too."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import _
from web.pages.api import ApiError, auth_from
from web.pages.masterdata import column, grid, path, quick_filter, register_quick_filter
from web.pages.masterdata import text as typed
from web.pages.ui import PageContext, card, error_box, field, ok_box

__all__ = ["buffers_card", "every_column", "listing_body", "listings_card", "register"]


def every_column(table: Any) -> Any:
    """``table`` with every column in the page, not only those scrolled into view (a dead
    letter's error code and message are found by the browser's find-in-page, and by tests)."""
    table.dashGridOptions = {**table.dashGridOptions, "suppressColumnVirtualisation": True}
    return table


def listing_body(external: Any, sku: Any, buffer: Any) -> dict[str, Any]:
    """The PUT body of a listing from the form's values (a blank buffer: the channel's)."""
    body: dict[str, Any] = {"external_sku": typed(external) or "", "sku": typed(sku) or ""}
    if buffer not in (None, ""):
        body["buffer"] = buffer
    return body


def _listing_columns() -> list[dict[str, Any]]:
    return [
        column("external_sku", _("Channel's SKU"), minWidth=140),
        column("sku", _("Facet SKU"), minWidth=160),
        column("buffer", _("Buffer (this SKU)"), minWidth=120),
    ]


def listings_card(writer: bool) -> html.Section:
    """The chosen channel's listings (filterable) and, for writers, the form to change them."""
    form = html.Div(
        [
            html.Div(
                [
                    field(
                        _("Channel's SKU"), dcc.Input(id="chn-sku-ext", type="text", maxLength=64)
                    ),
                    field(_("Facet SKU"), dcc.Input(id="chn-sku-sku", type="text", maxLength=48)),
                    field(
                        _("Buffer (this SKU)"),
                        dcc.Input(id="chn-sku-buffer", type="number", step=1),
                        _("blank: the channel's"),
                    ),
                ],
                className="md-form",
            ),
            html.Div(
                [
                    html.Button(
                        _("Save listing"), id="chn-sku-save", n_clicks=0, className="primary"
                    ),
                    html.Button(_("Remove selected listing"), id="chn-sku-remove", n_clicks=0),
                ],
                className="row",
            ),
        ],
        id="chn-sku-form",
        hidden=not writer,
    )
    return card(
        _("SKU mapping"),
        quick_filter("chn-sku-grid"),
        every_column(grid("chn-sku-grid", _listing_columns(), row_id="external_sku", height=260)),
        form,
        html.Div(id="chn-sku-msg"),
    )


def buffers_card(writer: bool) -> html.Section:
    """The chosen channel's safety buffer and share (editable by writers), pause and resume."""
    return card(
        _("Buffers"),
        html.P(
            _(
                "What a channel may sell of a SKU: the free stock times its share, less its safety "
                "buffer (a listing's own buffer replaces the channel's), never below 0."
            ),
            className="hint",
        ),
        html.Div(
            [
                field(
                    _("Safety buffer"),
                    dcc.Input(id="chn-buf-safety", type="number", step=1, disabled=not writer),
                    _("pieces held back"),
                ),
                field(
                    _("Share %"),
                    dcc.Input(id="chn-buf-share", type="number", step=1, disabled=not writer),
                    _("0 to 100"),
                ),
            ],
            className="md-form",
        ),
        html.Div(
            [
                html.Button(_("Save buffers"), id="chn-buf-save", n_clicks=0, className="primary"),
                html.Button(id="chn-active", n_clicks=0),
            ],
            className="row",
            id="chn-buf-actions",
            hidden=not writer,
        ),
        html.Div(id="chn-buf-msg"),
    )


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The mapping's and the buffers' forms."""
    register_quick_filter(dash_app, "chn-sku-grid")
    _register_listings(dash_app, ctx)
    _register_buffers(dash_app, ctx)


def _register_listings(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("chn-sku-ext", "value"),
        Output("chn-sku-sku", "value"),
        Output("chn-sku-buffer", "value"),
        Input("chn-sku-grid", "selectedRows"),
        prevent_initial_call=True,
    )
    def fill(rows: list[dict[str, Any]] | None) -> Any:
        if not rows:
            return no_update, no_update, no_update
        return rows[0]["external_sku"], rows[0]["sku"], rows[0].get("buffer")

    @dash_app.callback(
        Output("chn-sku-msg", "children"),
        Output("chn-changed", "data", allow_duplicate=True),
        Input("chn-sku-save", "n_clicks"),
        Input("chn-sku-remove", "n_clicks"),
        State("chn-sku-ext", "value"),
        State("chn-sku-sku", "value"),
        State("chn-sku-buffer", "value"),
        State("chn-sku-grid", "selectedRows"),
        State("chn-code", "data"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def change(
        save: int,
        remove: int,
        external: Any,
        sku: Any,
        buffer: Any,
        rows: list[dict[str, Any]] | None,
        code: str | None,
        auth_data: dict[str, Any] | None,
    ) -> Any:
        if not (save or remove) or not code:
            return no_update, no_update
        auth, base = auth_from(auth_data), f"/api/channels/{path(code)}/skus"
        try:
            if trigger.triggered_id == "chn-sku-remove":
                if not rows:
                    return error_box(_("Click a listing in the list first.")), no_update
                gone = rows[0]["external_sku"]
                ctx.api.call("DELETE", f"{base}/{path(gone)}", auth)
                note = ok_box(_("Listing {ext} removed.", ext=gone))
            else:
                made = ctx.api.call("PUT", base, auth, json=listing_body(external, sku, buffer))
                note = ok_box(
                    _("Listing {ext} → {sku} saved.", ext=made["external_sku"], sku=made["sku"])
                )
        except ApiError as exc:
            return error_box(exc), no_update
        return note, f"sku:{save}:{remove}"


def _register_buffers(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("chn-buf-safety", "value"),
        Output("chn-buf-share", "value"),
        Output("chn-active", "children"),
        Input("chn-code", "data"),
        Input("chn-buf-saved", "data"),
        State("auth", "data"),
    )
    def fill(code: str | None, _msg: Any, auth_data: dict[str, Any] | None) -> Any:
        if not code:
            return None, None, _("Pause channel")
        try:
            channel = ctx.api.get(f"/api/channels/{path(code)}", auth_from(auth_data))
        except ApiError:
            return no_update, no_update, no_update
        label = _("Pause channel") if channel["active"] else _("Resume channel")
        return channel["safety_buffer"], channel["share_pct"], label

    @dash_app.callback(
        Output("chn-buf-msg", "children"),
        Output("chn-changed", "data", allow_duplicate=True),
        Output("chn-buf-saved", "data"),
        Input("chn-buf-save", "n_clicks"),
        Input("chn-active", "n_clicks"),
        State("chn-buf-safety", "value"),
        State("chn-buf-share", "value"),
        State("chn-code", "data"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def save(
        go: int,
        toggle: int,
        safety: Any,
        share: Any,
        code: str | None,
        auth_data: dict[str, Any] | None,
    ) -> Any:
        if not (go or toggle) or not code:
            return no_update, no_update, no_update
        auth, where = auth_from(auth_data), f"/api/channels/{path(code)}"
        try:
            if trigger.triggered_id == "chn-active":  # flip what is stored, not what was shown
                body: dict[str, Any] = {"active": not ctx.api.get(where, auth)["active"]}
            else:
                body = {
                    k: v
                    for k, v in (("safety_buffer", safety), ("share_pct", share))
                    if v not in (None, "")
                }
            made = ctx.api.call("PATCH", where, auth, json=body)
        except ApiError as exc:
            return error_box(exc), no_update, no_update
        state = _("active") if made["active"] else _("paused")
        return (
            ok_box(
                _(
                    "Channel {code} saved: buffer {buffer}, share {share}% ({state}).",
                    code=code,
                    buffer=made["safety_buffer"],
                    share=made["share_pct"],
                    state=state,
                )
            ),
            f"buf:{go}:{toggle}",
            f"{go}:{toggle}",
        )
