"""Voice picking in the browser, and the supervisor's view of every picker's progress.

The console (``/voice``) is the headset dialogue for a picker without a headset client:
``assets/voice.js`` captures the microphone with Web Audio, resamples it to 16 kHz mono 16-bit
PCM and streams it to ``/ws/voice`` with the signed-in person's token; it shows the prompt, the
partial and final transcripts and the command understood, and plays the spoken prompts. Buttons
(repeat, skip, short, undo, sign off) and a text/scan box stand in when speech will not do.
The page itself (Dash) adds the picker's own open pick list, refreshed as picks are confirmed.
A band choice streams narrowband (8 kHz) instead, as Bluetooth and DECT headsets would; a
badge shows when the dialogue decodes with the picker's voice profile; and "Train my voice"
runs the voice enrolment (``/ws/voice/enrol``) with the same microphone capture.

The supervisor view (``/pickers``) lists open pick lists and, per picker, lines done of total
and the last pick's location and time, from ``/api/picklists`` and ``/api/twin/live``; it
refreshes every few seconds and at once on a ``PickConfirmed`` event from ``/ws/events``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from core.documents import DocStatus, LineStatus
from web.pages.api import ApiError, Auth, auth_from
from web.pages.ui import PageContext, attrs, card, error_box

__all__ = ["BANDS", "console_layout", "picker_progress", "register", "supervisor_layout",
           "training_panel"]

REFRESH_MS = 4000
RECENT_LISTS = 200
#: The headset bands the console can stream (the ``rate`` of /ws/voice and /ws/voice/enrol).
BANDS: list[dict[str, Any]] = [{"label": " wideband 16 kHz", "value": "16000"},
                               {"label": " narrowband 8 kHz", "value": "8000"}]


def _button(label: str, element_id: str, title: str, *, say: str | None = None,
            primary: bool = False) -> html.Button:
    said = {"data-say": say} if say else {}
    return html.Button(label, id=element_id, title=title, disabled=True,
                       className="primary" if primary else "", **attrs(said))


def training_panel() -> html.Section:
    """The "Train my voice" panel: the enrolment over ``/ws/voice/enrol``, run by voice.js."""
    return card(
        "Train my voice",
        html.Div([
            # Filled and switched by voice.js, like the dialogue's controls.
            html.Button(id="vt-start", className="primary",
                        title="Say about forty short phrases after the voice (two minutes); "
                              "the dialogue then knows your voice"),
            html.Button("Skip", id="vt-skip", disabled=True,
                        title="Leave this phrase out (one you cannot say)"),
            html.Span(id="vt-status", className="vc-status"),
        ], className="row"),
        html.Div(id="vt-progress", className="vt-progress"),
        html.Div(id="vt-phrase", className="vt-phrase", **attrs({"aria-live": "assertive"})),
        html.Div(id="vt-heard", className="vt-heard"),
        html.Div(id="vt-result", className="vt-result"),
        html.Small("Uses the microphone and the headset band above; the microphone is muted "
                   "while a phrase is spoken. Cancelling, or leaving the page, stores "
                   "nothing.", className="hint"),
        class_name="vt-card",
    )


def console_layout(auth: Auth) -> html.Div:
    """The dialogue panel (driven by voice.js) and the picker's pick list."""
    controls = html.Div([
        # Labels and states of these are voice.js's: Dash leaves them empty (see its header).
        html.Button(id="vc-start", className="primary",
                    title="Connect to the voice server and hear the first prompt"),
        html.Button(id="vc-mic", disabled=True,
                    title="Stream the microphone (16 kHz PCM) to the dialogue"),
        html.Label([dcc.Checklist(id="vc-speak", options=[{"label": " Speak prompts",
                                                           "value": "on"}],
                                  value=["on"], inline=True)], className="meta"),
        html.Span(id="vc-status", className="vc-status", **attrs({"data-empty": "not connected"})),
        html.Span(id="vc-profile", className="vc-profile",
                  title="The dialogue decodes with the picker's trained voice profile"),
        html.Div(html.Div(id="vc-level-bar"), id="vc-level", className="vc-level",
                 title="microphone level"),
    ], className="row")
    band = html.Div([
        html.Span("Headset band:", className="field-label"),
        dcc.RadioItems(id="vc-band", options=BANDS, value="16000", inline=True,
                       className="vc-band"),
        html.Small("Narrowband is what Bluetooth hands-free and DECT headsets carry; the "
                   "microphone is filtered and decimated to it. Applies when the dialogue or "
                   "the voice training starts.", className="hint"),
    ], className="row")
    prompt = html.Div([
        html.Div("Prompt", className="field-label"),
        html.Div(id="vc-prompt", className="vc-prompt",
                 **attrs({"aria-live": "assertive", "data-empty": "Press “Start dialogue”."})),
        html.Div(id="vc-state", className="meta"),
    ], className="vc-prompt-box")
    heard = html.Div([
        html.Div([html.Div("Hearing", className="field-label"),
                  html.Div(id="vc-partial", className="vc-partial")]),
        html.Div([html.Div("Heard", className="field-label"),
                  html.Div(id="vc-final", className="vc-final")]),
        html.Div([html.Div("Command", className="field-label"),
                  html.Div(id="vc-command", className="vc-command")]),
    ], className="grid3 vc-heard")
    fallback = html.Div([
        _button("Repeat", "vc-repeat", "Hear the prompt again", say="repeat"),
        _button("Skip slot", "vc-skip", "Leave this slot for later", say="skip slot"),
        _button("Short", "vc-short", "Fewer pieces than asked", say="short"),
        _button("Undo", "vc-undo", "Reverse the last pick", say="undo"),
        _button("Ready", "vc-ready", "Say ready", say="ready"),
        _button("Sign off", "vc-signoff", "End the session", say="sign off"),
    ], className="row vc-buttons")
    typed = html.Div([
        dcc.Input(id="vc-text", type="text", placeholder="Type an answer: 1001, ready, 42, 2…",
                  className="grow", autoComplete="off", disabled=True),
        html.Button("Say", id="vc-send", disabled=True),
        dcc.Input(id="vc-scan", type="text", placeholder="Scan a serial", className="grow",
                  autoComplete="off", disabled=True),
        html.Button("Scan", id="vc-scan-go", disabled=True),
    ], className="row")
    return html.Div([
        html.H2("Voice console"),
        card("Dialogue", controls, band, prompt, heard, fallback, typed,
             html.Small("Digits typed as numbers are sent as spoken digits; the microphone "
                        "is muted while a prompt plays (no headset, no echo).", className="hint"),
             class_name="vc-card"),
        training_panel(),
        html.Div([
            card("Said and heard", html.Ul(id="vc-log", className="vc-log")),
            card("My pick list", html.Div(id="vc-mylist"),
                 dcc.Interval(id="vc-tick", interval=REFRESH_MS * 2),
                 dcc.Store(id="vc-refresh")),
        ], className="grid2"),
    ], id="voice-page", **attrs({"data-user": auth.username}))


def supervisor_layout(auth: Auth) -> html.Div:
    """Every picker's progress, refreshed every few seconds and on each confirmed pick."""
    return html.Div([
        html.Div([html.H2("Pickers", className="grow"),
                  html.Span(id="sv-updated", className="meta")], className="row"),
        card("Progress per picker", html.Div(id="sv-pickers")),
        card("Open pick lists", html.Div(id="sv-lists")),
        dcc.Interval(id="sv-tick", interval=REFRESH_MS),
    ], id="pickers-page")


def _when(value: str | None) -> str:
    if not value:
        return "–"
    try:
        return datetime.fromisoformat(value).strftime("%d %b %H:%M:%S")
    except ValueError:
        return value


def picker_progress(lists: list[dict[str, Any]],
                    positions: dict[str, str]) -> list[dict[str, Any]]:
    """Per picker: open lists, lines done/total on them, last pick (location, time)."""
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "open": [], "done": 0, "total": 0, "last_at": None, "last_location": None})
    for pick_list in lists:
        picker = pick_list.get("picker") or "(unassigned)"
        row = rows[picker]
        if pick_list.get("status") == DocStatus.OPEN:
            row["open"].append(pick_list["number"])
            lines = pick_list.get("lines") or []
            row["total"] += len(lines)
            row["done"] += sum(1 for ln in lines if ln.get("status") != LineStatus.OPEN)
        for line in pick_list.get("lines") or []:
            at = line.get("done_at")
            if at:
                target = rows[line.get("done_by") or picker]
                if target["last_at"] is None or at > target["last_at"]:
                    target["last_at"], target["last_location"] = at, line.get("from_location")
    for picker, location in positions.items():
        if location and rows[picker]["last_location"] is None:
            rows[picker]["last_location"] = location
    return [{"picker": name, **row} for name, row in sorted(rows.items())
            if row["open"] or row["last_at"] or row["last_location"]]


def _bar(done: int, total: int) -> html.Div:
    share = 100 * done / total if total else 0
    return html.Div([html.Div(className="vc-bar", style={"width": f"{share:.0f}%"}),
                     html.Span(f"{done}/{total}", className="vc-bar-text")], className="vc-meter")


def _pickers_table(rows: list[dict[str, Any]]) -> Any:
    if not rows:
        return html.Div("No picker has open work or a pick today.", className="msg msg-info")
    head = html.Thead(html.Tr([html.Th(h) for h in ("Picker", "Open lists", "Lines done",
                                                       "Last pick at", "When")]))
    body = html.Tbody([html.Tr([
        html.Td(r["picker"]), html.Td(", ".join(r["open"]) or "–"),
        html.Td(_bar(r["done"], r["total"])), html.Td(r["last_location"] or "–"),
        html.Td(_when(r["last_at"])),
    ], **{"data-picker": r["picker"]}) for r in rows])
    return html.Table([head, body], className="sv-table")


def _lists_table(lists: list[dict[str, Any]]) -> Any:
    open_lists = [p for p in lists if p.get("status") == DocStatus.OPEN]
    if not open_lists:
        return html.Div("No open pick lists.", className="msg msg-info")
    rows = []
    for p in open_lists:
        lines = p.get("lines") or []
        done = sum(1 for ln in lines if ln.get("status") != LineStatus.OPEN)
        next_line = next((ln for ln in lines if ln.get("status") == LineStatus.OPEN), None)
        rows.append(html.Tr([
            html.Td(p["number"]), html.Td(p.get("picker") or "(unassigned)"),
            html.Td(_bar(done, len(lines))),
            html.Td(next_line["from_location"] if next_line else "–"),
            html.Td(_when(p.get("created_at"))),
        ], **{"data-list": p["number"]}))
    head = html.Thead(html.Tr([html.Th(h) for h in ("Pick list", "Picker", "Lines done",
                                                       "Next location", "Created")]))
    return html.Table([head, html.Tbody(rows)], className="sv-table")


def _my_list(lists: list[dict[str, Any]]) -> Any:
    if not lists:
        return html.Div("No open pick list is assigned to you; “ready” claims the next one.",
                        className="msg msg-info")
    parts: list[Any] = []
    for p in lists:
        lines = p.get("lines") or []
        done = sum(1 for ln in lines if ln.get("status") != LineStatus.OPEN)
        parts.append(html.H4([p["number"], " ", _bar(done, len(lines))]))
        parts.append(html.Table([
            html.Thead(html.Tr([html.Th(h) for h in ("#", "Location", "SKU", "Qty", "Status")])),
            html.Tbody([html.Tr([
                html.Td(ln["line_no"]), html.Td(ln["from_location"]), html.Td(ln["sku"]),
                html.Td(f"{ln['done_quantity']}/{ln['quantity']}"),
                html.Td(ln["status"], className=f"st-{ln['status']}"),
            ], **{"data-line": str(ln["id"]), "data-status": ln["status"]}) for ln in lines]),
        ], className="sv-table"))
    return html.Div(parts)


def _is_pick_event(event: Any) -> bool:
    return isinstance(event, dict) and str(event.get("event", "")) in (
        "PickConfirmed", "PickListCreated", "PickUndone")


def register(dash_app: Dash, context: PageContext) -> None:
    """The supervisor's refresh and the picker's own list (the dialogue runs in voice.js)."""

    @dash_app.callback(
        Output("sv-pickers", "children"), Output("sv-lists", "children"),
        Output("sv-updated", "children"),
        Input("sv-tick", "n_intervals"), Input("live-event", "data"), State("auth", "data"),
    )
    def supervise(_tick: int | None, event: Any, auth_data: dict[str, Any] | None) -> Any:
        if ctx.triggered_id == "live-event" and not _is_pick_event(event):
            return no_update, no_update, no_update
        auth = auth_from(auth_data)
        if auth is None:
            return no_update, no_update, no_update
        try:
            lists = context.api.get_all("/api/picklists", auth, limit=RECENT_LISTS)
            live = context.api.get("/api/twin/live", auth)
        except ApiError as exc:
            return error_box(exc), no_update, no_update
        positions = {str(p.get("picker")): str(p.get("location") or "")
                     for p in live.get("pickers", [])}
        stamp = f"updated {datetime.now().strftime('%H:%M:%S')}"
        return _pickers_table(picker_progress(lists, positions)), _lists_table(lists), stamp

    @dash_app.callback(
        Output("vc-mylist", "children"),
        Input("vc-tick", "n_intervals"), Input("live-event", "data"),
        Input("vc-refresh", "data"), State("auth", "data"),
    )
    def my_list(_tick: int | None, event: Any, _refresh: Any,
                auth_data: dict[str, Any] | None) -> Any:
        if ctx.triggered_id == "live-event" and not _is_pick_event(event):
            return no_update
        auth = auth_from(auth_data)
        if auth is None:
            return no_update
        try:
            lists = context.api.get("/api/picklists", auth, status="open",
                                    picker=auth.username, limit=20)["items"]
        except ApiError as exc:
            return error_box(exc)
        return _my_list(lists)
