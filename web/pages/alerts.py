"""Alert wall: camera tiles, a live alert feed, filters, sound and acknowledgement with a note.

The feed refreshes when ``assets/live.js`` receives an alert event on ``/ws/events`` and writes
it into the ``live-event`` store, so a new alert shows within a second without reloading.
"""

from __future__ import annotations

import base64
from typing import Any

from dash import ALL, Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import N_, _
from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.ui import PageContext, attrs, error_box, ok_box, when

__all__ = ["layout", "register", "camera_tiles", "alert_item"]

SEVERITIES = ("critical", "high", "warning", "info")
#: Each severity as a person reads it (the codes stay the API's).
SEVERITY_NAMES = {"critical": N_("critical"), "high": N_("high"), "warning": N_("warning"),
                  "info": N_("info")}
#: A camera's state as a person reads it.
CAMERA_STATES = {"online": N_("online"), "offline": N_("offline"), "starting": N_("starting"),
                 "stopped": N_("stopped"), "error": N_("error"), "stale": N_("stale")}


def layout(auth: Auth | None = None) -> html.Div:
    """The alert wall."""
    return html.Div([
        html.H2(_("Alert wall")),
        dcc.Interval(id="al-tick", interval=5_000),
        dcc.Store(id="al-cam-sig"),
        dcc.Store(id="al-acked"),
        html.Div([
            dcc.Dropdown(id="al-camera", placeholder=_("All cameras"), className="grow"),
            dcc.Dropdown(id="al-zone", placeholder=_("All zones"), className="grow"),
            dcc.Dropdown(id="al-severity", placeholder=_("All severities"), className="grow",
                         options=[{"label": _(SEVERITY_NAMES[s]), "value": s}
                                  for s in SEVERITIES]),
            dcc.Checklist(id="al-open", options=[{"label": " " + _("open only"),
                                                  "value": "open"}], value=[]),
            html.Button("🔔 " + _("Sound on"), id="al-sound", n_clicks=0, className="link",
                        **attrs({"data-on": "🔔 " + _("Sound on"),
                                 "data-off": "🔕 " + _("Sound off")})),
        ], className="row filters"),
        html.Div(id="al-cameras", className="tiles"),
        html.Div(id="al-msg"),
        html.Div(id="al-snapshot"),
        html.Div(id="al-feed", className="feed"),
    ], id="alerts-page", **attrs({"data-can-ack": "1" if auth and can(auth.role, "alerts:write")
                                  else "0"}))


def camera_tiles(answer: dict[str, Any] | None, camera: str | None) -> list[Any]:
    """One tile per camera: a live MJPEG for online cameras, the reason for the others."""
    if answer is None:
        return [html.Div([html.Strong(_("No cameras configured.")),
                          html.P(_("Start the camera pipeline (facet vision run) to see live "
                                   "tiles here; alerts still arrive below."))],
                         className="tile tile-none", id="no-cameras")]
    tiles = []
    for cam in answer["cameras"]:
        if camera and cam["camera"] != camera:
            continue
        online = cam["state"] == "online"
        body = (html.Img(className="mjpeg", alt=cam["camera"], **{"data-camera": cam["camera"]})
                if online else html.Div(cam.get("message") or cam["state"], className="offline"))
        tiles.append(html.Div([
            html.Div([html.Strong(cam["camera"]),
                      html.Span(_(CAMERA_STATES.get(cam["state"], cam["state"])),
                                className=f"state {cam['state']}"),
                      html.Span(f"{cam['fps']:.1f} fps" if online else "")], className="tile-head"),
            body,
        ], className=f"tile {'' if online else 'tile-offline'}"))
    return tiles or [html.Div(_("No camera matches the filter."), className="tile tile-none")]


def alert_item(alert: dict[str, Any], may_ack: bool) -> html.Div:
    """One alert in the feed, with a note and an acknowledge button while it is open."""
    key = alert["id"]
    head = html.Div([
        html.Span(_(SEVERITY_NAMES.get(alert["severity"], alert["severity"])),
                  className=f"sev sev-{alert['severity']}"),
        # The camera service writes its messages in English: marked so (a browser or a
        # screen reader reads them as English; the severity beside it is translated).
        html.Strong(alert["message"], lang="en"),
        html.Span(f"{alert['camera']} · {alert['zone']} · {alert['rule']} · "
                  f"{when(alert['raised_at'])}", className="meta"),
        html.Button(_("snapshot"), id={"type": "al-snap", "id": key}, n_clicks=0, className="link"),
    ], className="alert-head")
    if alert["acknowledged"]:
        tail: Any = html.Div(_("Acknowledged: {note}", note=alert["ack_note"]),
                             className="acked")
    elif may_ack:
        tail = html.Div([
            dcc.Input(id={"type": "al-note", "id": key}, type="text", className="grow",
                      placeholder=_("What did you find?")),
            html.Button(_("Acknowledge"), id={"type": "al-ack", "id": key}, n_clicks=0,
                        className="primary"),
        ], className="row")
    else:
        tail = html.Div(_("Open"), className="meta")
    return html.Div([head, tail], className=f"alert sev-border-{alert['severity']}",
                    id=f"alert-{key}", **attrs({"data-alert": str(key)}))


def _cameras(api: Api, auth: Auth) -> dict[str, Any] | None:
    try:
        return api.get("/api/vision/cameras", auth)
    except ApiError as exc:
        if exc.status == 503:
            return None
        raise


def _options(values: set[str]) -> list[str]:
    return sorted(v for v in values if v)


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Tiles, feed, acknowledgement and snapshots."""

    @dash_app.callback(
        Output("al-cameras", "children"), Output("al-cam-sig", "data"),
        Input("al-tick", "n_intervals"), Input("al-camera", "value"),
        State("al-cam-sig", "data"), State("auth", "data"),
    )
    def tiles(_n: int | None, camera: str | None, sig: str | None,
              auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        try:
            answer = _cameras(ctx.api, auth_from(auth_data))  # type: ignore[arg-type]
        except ApiError as exc:
            return error_box(exc), None
        states = None if answer is None else [(c["camera"], c["state"]) for c in answer["cameras"]]
        new_sig = repr((states, camera))
        if new_sig == sig:  # unchanged: keep the tiles, so their streams keep running
            return no_update, no_update
        return camera_tiles(answer, camera), new_sig

    @dash_app.callback(
        Output("al-feed", "children"), Output("al-camera", "options"),
        Output("al-zone", "options"),
        Input("live-event", "data"), Input("al-acked", "data"), Input("al-tick", "n_intervals"),
        Input("al-camera", "value"), Input("al-zone", "value"), Input("al-severity", "value"),
        Input("al-open", "value"), State("auth", "data"),
    )
    def feed(_e: Any, _a: Any, _n: Any, camera: str | None, zone: str | None,
             severity: str | None, open_only: list[str] | None,
             auth_data: dict[str, Any] | None) -> tuple[Any, Any, Any]:
        if trigger.triggered_id == "live-event" and not str((_e or {}).get("event", "")
                                                            ).startswith("Alert"):
            return no_update, no_update, no_update
        auth = auth_from(auth_data)
        try:
            rows = ctx.api.get("/api/alerts", auth, limit=100, camera=camera, zone=zone,
                               severity=severity, open_only="true" if open_only else None)
            every = ctx.api.get("/api/alerts", auth, limit=500)["items"]
        except ApiError as exc:
            return error_box(exc), [], []
        may_ack = can(auth.role if auth else "", "alerts:write")
        items = [alert_item(a, may_ack) for a in rows["items"]]
        if not items:
            items = [html.Div(_("No alerts match."), className="msg msg-info", id="no-alerts")]
        return (items, _options({a["camera"] for a in every}),
                _options({a["zone"] for a in every}))

    @dash_app.callback(
        Output("al-msg", "children"), Output("al-acked", "data"),
        Input({"type": "al-ack", "id": ALL}, "n_clicks"),
        State({"type": "al-note", "id": ALL}, "value"),
        State({"type": "al-note", "id": ALL}, "id"), State("auth", "data"),
        prevent_initial_call=True,
    )
    def acknowledge(clicks: list[int | None], notes: list[str | None], ids: list[dict[str, int]],
                    auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not trigger.triggered_id or not any(clicks):
            return no_update, no_update
        alert_id = trigger.triggered_id["id"]
        note = dict(zip([i["id"] for i in ids], notes, strict=True)).get(alert_id) or ""
        try:
            ctx.api.post(f"/api/alerts/{alert_id}/ack", auth_from(auth_data), {"note": note})
        except ApiError as exc:
            return error_box(exc), no_update
        return ok_box(_("Alert {id} acknowledged.", id=alert_id)), alert_id

    @dash_app.callback(
        Output("al-snapshot", "children"), Input({"type": "al-snap", "id": ALL}, "n_clicks"),
        State("auth", "data"), prevent_initial_call=True,
    )
    def snapshot(clicks: list[int | None], auth_data: dict[str, Any] | None) -> Any:
        if not trigger.triggered_id or not any(clicks):
            return no_update
        alert_id = trigger.triggered_id["id"]
        try:
            jpeg = ctx.api.get_bytes(f"/api/alerts/{alert_id}/snapshot.jpg", auth_from(auth_data))
        except ApiError as exc:
            return error_box(exc)
        src = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()
        return html.Figure([html.Img(src=src, className="snapshot"),
                            html.Figcaption(_("Alert {id}", id=alert_id))])
