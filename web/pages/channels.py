"""Channels: every sales channel's state at a glance (health, last message, lag, what waits,
dead letters, stock the channel has not been told, the last push and error), refreshed every
few seconds, and the chosen channel's detail (``web.pages.channels_detail``): its messages with
a retry for each dead letter, its SKU mapping, its buffers and the stock it may sell.

Everything goes through the REST API with the signed-in person's token; ``channels:read`` sees
the page and ``channels:write`` gets the buttons and forms (the API checks again).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from babel.dates import format_timedelta
from dash import Dash, Input, Output, State, dcc, html, no_update

from web.i18n import N_, _, language
from web.pages import channels_detail
from web.pages.api import ApiError, Auth, auth_from, can
from web.pages.masterdata import column, grid, quick_filter, register_quick_filter
from web.pages.ui import PageContext, error_box

__all__ = [
    "HEALTH",
    "REFRESH_MS",
    "ago",
    "channel_rows",
    "duration",
    "health",
    "layout",
    "register",
]

#: How often the page asks again (the channels' state changes as messages come in).
REFRESH_MS = 5_000
#: A message waiting this long makes a channel "lagging".
LAG_WARN_S = 60.0
#: An error recorded this recently makes a channel show "error".
ERROR_RECENT = timedelta(hours=1)

#: A channel's health as a person reads it (the page also colours it; the word says it too).
HEALTH: dict[str, str] = {
    "ok": N_("OK"),
    "lagging": N_("lagging"),
    "error": N_("error"),
    "dead": N_("dead letters"),
    "paused": N_("paused"),
}


def _moment(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ago(value: str | datetime | None, now: datetime | None = None) -> str:
    """How long ago ``value`` was, in the page's language ("3 minutes ago"); a dash for never."""
    moment = _moment(value)
    if moment is None:
        return "–"
    delta = moment - (now or datetime.now(UTC))
    if abs(delta) < timedelta(seconds=1):
        delta = timedelta(seconds=-1)
    return format_timedelta(delta, add_direction=True, locale=language())


def duration(seconds: float | None) -> str:
    """A lag as a short duration ("42 sec"); a dash for none."""
    if not seconds or seconds <= 0:
        return "–"
    return format_timedelta(timedelta(seconds=seconds), format="short", locale=language())


def health(channel: dict[str, Any], now: datetime | None = None) -> str:
    """The health key of a channel: paused, dead (letters wait for a person), error (one
    recorded in the last hour), lagging (a message waits a minute or more) or ok."""
    if not channel.get("active", True):
        return "paused"
    if channel.get("dead"):
        return "dead"
    failed = _moment(channel.get("last_error_at"))
    if channel.get("last_error") and failed and failed > (now or datetime.now(UTC)) - ERROR_RECENT:
        return "error"
    if float(channel.get("lag_s") or 0) >= LAG_WARN_S:
        return "lagging"
    return "ok"


def channel_rows(
    channels: list[dict[str, Any]], now: datetime | None = None
) -> list[dict[str, Any]]:
    """The overview grid's rows: the API's channels with times and health as people read them."""
    now = now or datetime.now(UTC)
    rows = []
    for c in channels:
        key = health(c, now)
        rows.append(
            {
                "code": c["code"],
                "name": c["name"],
                "kind": c["kind"],
                "health_key": key,
                "health": f"● {_(HEALTH[key])}",
                "active": _("yes") if c["active"] else _("no"),
                "last_message": ago(c.get("last_message_at"), now),
                "lag": duration(c.get("lag_s")),
                "pending": c.get("pending", 0),
                "dead": c.get("dead", 0),
                "stock_behind": c.get("stock_behind", 0),
                "last_push": ago(c.get("last_push_at"), now),
                "last_error": c.get("last_error") or "",
                "buffers": _(
                    "−{buffer} · {share}%", buffer=c["safety_buffer"], share=c["share_pct"]
                ),
            }
        )
    return rows


def _columns() -> list[dict[str, Any]]:
    colours = {f"chn-h chn-h-{key}": f"params.data.health_key == '{key}'" for key in HEALTH}
    return [
        column("name", _("Channel"), pinned="left", minWidth=130),
        column("health", _("Health"), cellClassRules=colours, minWidth=110),
        column("last_message", _("Last message"), minWidth=130),
        column("lag", _("Lag")),
        column("pending", _("Pending")),
        column("dead", _("Dead letters")),
        column("stock_behind", _("Stock behind")),
        column("last_push", _("Last push"), minWidth=130),
        # The whole error on hover; the column stays narrow enough to leave the others in view.
        column(
            "last_error", _("Last error"), minWidth=200, maxWidth=380, tooltipField="last_error"
        ),
        column("buffers", _("Buffer · share")),
        column("code", _("Code")),
        column("kind", _("Kind")),
        column("active", _("Active")),
    ]


def layout(auth: Auth | None = None) -> html.Div:
    """The channels page: the overview, then the chosen channel's detail."""
    writer = can(auth.role if auth else "", "channels:write")
    return html.Div(
        [
            html.H2(_("Channels")),
            html.P(
                _(
                    "Each sales channel's state, refreshed every few seconds. Click a channel to "
                    "see its messages, SKU mapping, buffers and stock."
                ),
                className="hint",
            ),
            dcc.Interval(id="chn-tick", interval=REFRESH_MS),
            dcc.Store(id="chn-code"),
            dcc.Store(id="chn-changed"),
            html.Div(id="chn-summary", className="meta"),
            quick_filter("chn-grid"),
            grid("chn-grid", _columns(), height=380),
            html.Div(id="chn-msg"),
            channels_detail.layout(writer),
        ],
        id="channels-page",
        className="md-page",
    )


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The overview, the choice of a channel and the detail's callbacks."""
    register_quick_filter(dash_app, "chn-grid")

    @dash_app.callback(
        Output("chn-grid", "rowData"),
        Output("chn-summary", "children"),
        Output("chn-msg", "children"),
        Input("chn-tick", "n_intervals"),
        Input("chn-changed", "data"),
        State("auth", "data"),
    )
    def overview(_tick: Any, _changed: Any, auth_data: dict[str, Any] | None) -> Any:
        try:
            channels = ctx.api.get_all("/api/channels", auth_from(auth_data))
        except ApiError as exc:
            return no_update, no_update, error_box(exc)
        if not channels:
            return (
                [],
                _(
                    "No channels yet: they come from the channels file (see the README) "
                    "or POST /api/channels."
                ),
                None,
            )
        dead = sum(int(c.get("dead", 0)) for c in channels)
        pending = sum(int(c.get("pending", 0)) for c in channels)
        summary = _(
            "Channels: {n} · messages waiting: {pending} · dead letters: {dead}",
            n=len(channels),
            pending=pending,
            dead=dead,
        )
        return channel_rows(channels), summary, None

    @dash_app.callback(
        Output("chn-code", "data"),
        Input("chn-grid", "selectedRows"),
        State("chn-code", "data"),
        prevent_initial_call=True,
    )
    def choose(rows: list[dict[str, Any]] | None, chosen: str | None) -> Any:
        # A refresh of the list re-sends the selection: the same channel changes nothing (its
        # forms keep what is being typed).
        if not rows or rows[0]["code"] == chosen:
            return no_update
        return rows[0]["code"]

    channels_detail.register(dash_app, ctx)
