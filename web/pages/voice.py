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

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from core.documents import DocStatus, LineStatus
from web.i18n import N_, _
from web.pages.api import ApiError, Auth, auth_from
from web.pages.ui import PageContext, attrs, card, error_box, status_name, when

__all__ = ["BANDS", "JS_TEXT", "console_layout", "picker_progress", "register",
           "supervisor_layout", "training_panel"]

REFRESH_MS = 4000
#: The picker key of lists nobody has claimed yet (shown as ``_("(unassigned)")``).
UNASSIGNED = "(unassigned)"
RECENT_LISTS = 200
#: The headset bands the console can stream (the ``rate`` of /ws/voice and /ws/voice/enrol).
BANDS: list[dict[str, Any]] = [{"label": N_("wideband 16 kHz"), "value": "16000"},
                               {"label": N_("narrowband 8 kHz"), "value": "8000"}]

#: What voice.js writes on the page, drawn here in the person's language and handed to it as
#: JSON (``#vc-text-catalogue``): the script holds keys and ``{placeholders}``, no words.
JS_TEXT: dict[str, str] = {
    "start": N_("▶ Start dialogue"), "stop": N_("■ Stop dialogue"),
    "train": N_("▶ Train my voice"), "cancelTrain": N_("■ Cancel training"),
    "micOn": N_("🎤 Microphone on"), "micOff": N_("🎤 Microphone off"),
    "noMic": N_("no microphone here (the page needs https or localhost)"),
    "micRefused": N_("microphone refused: {reason}"), "listening": N_("listening"),
    "connected": N_("connected"), "connectedAt": N_("connected ({khz} kHz)"),
    "nothing": N_("(nothing)"), "trainedLog": N_("decoding with your trained voice"),
    "signedOff": N_("signed off"), "trainedVoice": N_("🗣 trained voice"),
    "refused": N_("refused: {reason}"), "signInFirst": N_("sign in first"),
    "connecting": N_("connecting…"), "pickingRole": N_("refused: a picking role is needed"),
    "ended": N_("dialogue ended"), "disconnected": N_("disconnected ({code})"),
    "stopped": N_("stopped"), "startFirst": N_("start the dialogue first"),
    "expects": N_("{state} · expects {expect}"), "takesUsed": N_("Takes used"),
    "takesOf": N_("{n} of {total}"), "understood": N_("Understood before → after"),
    "engine": N_("Engine"), "skipped": N_("skipped “{phrase}”"),
    "heardOk": N_("✓ heard “{text}”"), "heardAgain": N_("✗ again — heard “{text}”"),
    "nothingHeard": N_("nothing"), "learning": N_("learning your voice…"),
    "stored": N_("voice profile stored"), "signInAgain": N_("refused: sign in again"),
    "lostNothingStored": N_("disconnected ({code}); nothing stored"),
    "cancelled": N_("cancelled; nothing stored"),
    "sayEach": N_("say each phrase after the voice ({khz} kHz)"),
    "tag_heard": N_("heard"), "tag_command": N_("command"), "tag_prompt": N_("prompt"),
    "tag_error": N_("error"), "tag_profile": N_("profile"), "tag_end": N_("end"),
    # The dialogue's states and what each expects (assistant.voice.states), as shown.
    "state_sign_on": N_("sign on"), "state_get_work": N_("get work"),
    "state_aisle": N_("aisle"), "state_slot": N_("slot"), "state_quantity": N_("quantity"),
    "state_serial": N_("serial"), "state_short_count": N_("short count"),
    "state_confirm_short": N_("confirm short"), "state_confirm_undo": N_("confirm undo"),
    "state_confirm_sign_off": N_("confirm sign off"), "state_retry": N_("retry"),
    "state_ended": N_("ended"), "expect_digits": N_("digits"), "expect_ready": N_("“ready”"),
    "expect_quantity": N_("a quantity"), "expect_characters": N_("characters"),
    "expect_yes_no": N_("yes or no"), "expect_none": N_("nothing"),
}


def _js_text() -> html.Div:
    """The script's words in the page's language, as JSON voice.js reads once per page."""
    words = {key: _(text) for key, text in JS_TEXT.items()}
    return html.Div(id="vc-text-catalogue", hidden=True,
                    **attrs({"data-text": json.dumps(words, ensure_ascii=False)}))


def _button(label: str, element_id: str, title: str, *, say: str | None = None,
            primary: bool = False) -> html.Button:
    said = {"data-say": say} if say else {}
    return html.Button(label, id=element_id, title=title, disabled=True,
                       className="primary" if primary else "", **attrs(said))


def training_panel() -> html.Section:
    """The "Train my voice" panel: the enrolment over ``/ws/voice/enrol``, run by voice.js."""
    return card(
        _("Train my voice"),
        html.Div([
            # Filled and switched by voice.js, like the dialogue's controls.
            html.Button(id="vt-start", className="primary",
                        title=_("Say about forty short phrases after the voice (two minutes); "
                                "the dialogue then knows your voice")),
            html.Button(_("Skip"), id="vt-skip", disabled=True,
                        title=_("Leave this phrase out (one you cannot say)")),
            html.Span(id="vt-status", className="vc-status"),
        ], className="row"),
        html.Div(id="vt-progress", className="vt-progress"),
        html.Div(id="vt-phrase", className="vt-phrase", **attrs({"aria-live": "assertive"})),
        html.Div(id="vt-heard", className="vt-heard"),
        html.Div(id="vt-result", className="vt-result"),
        html.Small(_("Uses the microphone and the headset band above; the microphone is muted "
                     "while a phrase is spoken. Cancelling, or leaving the page, stores "
                     "nothing."), className="hint"),
        class_name="vt-card",
    )


def console_layout(auth: Auth) -> html.Div:
    """The dialogue panel (driven by voice.js) and the picker's pick list."""
    controls = html.Div([
        # Labels and states of these are voice.js's: Dash leaves them empty (see its header).
        html.Button(id="vc-start", className="primary",
                    title=_("Connect to the voice server and hear the first prompt")),
        html.Button(id="vc-mic", disabled=True,
                    title=_("Stream the microphone (16 kHz PCM) to the dialogue")),
        html.Label([dcc.Checklist(id="vc-speak", options=[{"label": " " + _("Speak prompts"),
                                                           "value": "on"}],
                                  value=["on"], inline=True)], className="meta"),
        html.Span(id="vc-status", className="vc-status",
                  **attrs({"data-empty": _("not connected")})),
        html.Span(id="vc-profile", className="vc-profile",
                  title=_("The dialogue decodes with the picker's trained voice profile")),
        html.Div(html.Div(id="vc-level-bar"), id="vc-level", className="vc-level",
                 title=_("microphone level")),
    ], className="row")
    band = html.Div([
        html.Span(_("Headset band:"), className="field-label"),
        dcc.RadioItems(id="vc-band", value="16000", inline=True, className="vc-band",
                       options=[{"label": " " + _(b["label"]), "value": b["value"]}
                                for b in BANDS]),
        html.Small(_("Narrowband is what Bluetooth hands-free and DECT headsets carry; the "
                     "microphone is filtered and decimated to it. Applies when the dialogue or "
                     "the voice training starts."), className="hint"),
    ], className="row")
    prompt = html.Div([
        html.Div(_("Prompt"), className="field-label"),
        html.Div(id="vc-prompt", className="vc-prompt",
                 **attrs({"aria-live": "assertive",
                          "data-empty": _("Press “Start dialogue”.")})),
        html.Div(id="vc-state", className="meta"),
    ], className="vc-prompt-box")
    heard = html.Div([
        html.Div([html.Div(_("Hearing"), className="field-label"),
                  html.Div(id="vc-partial", className="vc-partial")]),
        html.Div([html.Div(_("Heard"), className="field-label"),
                  html.Div(id="vc-final", className="vc-final")]),
        html.Div([html.Div(_("Command"), className="field-label"),
                  html.Div(id="vc-command", className="vc-command")]),
    ], className="grid3 vc-heard")
    fallback = html.Div([
        _button(_("Repeat"), "vc-repeat", _("Hear the prompt again"), say="repeat"),
        _button(_("Skip slot"), "vc-skip", _("Leave this slot for later"), say="skip slot"),
        _button(_("Short"), "vc-short", _("Fewer pieces than asked"), say="short"),
        _button(_("Undo"), "vc-undo", _("Reverse the last pick"), say="undo"),
        _button(_("Ready"), "vc-ready", _("Say ready"), say="ready"),
        _button(_("Sign off"), "vc-signoff", _("End the session"), say="sign off"),
    ], className="row vc-buttons")
    typed = html.Div([
        dcc.Input(id="vc-text", type="text", className="grow", autoComplete="off", disabled=True,
                  placeholder=_("Type an answer: 1001, ready, 42, 2…")),
        html.Button(_("Say"), id="vc-send", disabled=True),
        dcc.Input(id="vc-scan", type="text", placeholder=_("Scan a serial"), className="grow",
                  autoComplete="off", disabled=True),
        html.Button(_("Scan"), id="vc-scan-go", disabled=True),
    ], className="row")
    return html.Div([
        html.H2(_("Voice console")),
        _js_text(),
        card(_("Dialogue"), controls, band, prompt, heard, fallback, typed,
             html.Small(_("Digits typed as numbers are sent as spoken digits; the microphone "
                          "is muted while a prompt plays (no headset, no echo)."),
                        className="hint"),
             class_name="vc-card"),
        training_panel(),
        html.Div([
            card(_("Said and heard"), html.Ul(id="vc-log", className="vc-log")),
            card(_("My pick list"), html.Div(id="vc-mylist"),
                 dcc.Interval(id="vc-tick", interval=REFRESH_MS * 2),
                 dcc.Store(id="vc-refresh")),
        ], className="grid2"),
    ], id="voice-page", **attrs({"data-user": auth.username}))


def supervisor_layout(auth: Auth) -> html.Div:
    """Every picker's progress, refreshed every few seconds and on each confirmed pick."""
    return html.Div([
        html.Div([html.H2(_("Pickers"), className="grow"),
                  html.Span(id="sv-updated", className="meta")], className="row"),
        card(_("Progress per picker"), html.Div(id="sv-pickers")),
        card(_("Open pick lists"), html.Div(id="sv-lists")),
        dcc.Interval(id="sv-tick", interval=REFRESH_MS),
    ], id="pickers-page")


def picker_progress(lists: list[dict[str, Any]],
                    positions: dict[str, str]) -> list[dict[str, Any]]:
    """Per picker: open lists, lines done/total on them, last pick (location, time)."""
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "open": [], "done": 0, "total": 0, "last_at": None, "last_location": None})
    for pick_list in lists:
        picker = pick_list.get("picker") or UNASSIGNED
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


def _picker(name: str | None) -> str:
    return _("(unassigned)") if name in (None, "", UNASSIGNED) else str(name)


def _bar(done: int, total: int) -> html.Div:
    share = 100 * done / total if total else 0
    return html.Div([html.Div(className="vc-bar", style={"width": f"{share:.0f}%"}),
                     html.Span(f"{done}/{total}", className="vc-bar-text")], className="vc-meter")


def _pickers_table(rows: list[dict[str, Any]]) -> Any:
    if not rows:
        return html.Div(_("No picker has open work or a pick today."), className="msg msg-info")
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Picker"), _("Open lists"),
                                                       _("Lines done"), _("Last pick at"),
                                                       _("When"))]))
    body = html.Tbody([html.Tr([
        html.Td(_picker(r["picker"])), html.Td(", ".join(r["open"]) or "–"),
        html.Td(_bar(r["done"], r["total"])), html.Td(r["last_location"] or "–"),
        html.Td(when(r["last_at"])),
    ], **{"data-picker": r["picker"]}) for r in rows])
    return html.Table([head, body], className="sv-table")


def _lists_table(lists: list[dict[str, Any]]) -> Any:
    open_lists = [p for p in lists if p.get("status") == DocStatus.OPEN]
    if not open_lists:
        return html.Div(_("No open pick lists."), className="msg msg-info")
    rows = []
    for p in open_lists:
        lines = p.get("lines") or []
        done = sum(1 for ln in lines if ln.get("status") != LineStatus.OPEN)
        next_line = next((ln for ln in lines if ln.get("status") == LineStatus.OPEN), None)
        rows.append(html.Tr([
            html.Td(p["number"]), html.Td(_picker(p.get("picker"))),
            html.Td(_bar(done, len(lines))),
            html.Td(next_line["from_location"] if next_line else "–"),
            html.Td(when(p.get("created_at"))),
        ], **{"data-list": p["number"]}))
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Pick list"), _("Picker"),
                                                       _("Lines done"), _("Next location"),
                                                       _("Created"))]))
    return html.Table([head, html.Tbody(rows)], className="sv-table")


def _my_list(lists: list[dict[str, Any]]) -> Any:
    if not lists:
        return html.Div(_("No open pick list is assigned to you; “ready” claims the next one."),
                        className="msg msg-info")
    parts: list[Any] = []
    for p in lists:
        lines = p.get("lines") or []
        done = sum(1 for ln in lines if ln.get("status") != LineStatus.OPEN)
        parts.append(html.H4([p["number"], " ", _bar(done, len(lines))]))
        parts.append(html.Table([
            html.Thead(html.Tr([html.Th(h) for h in ("#", _("Location"), _("SKU"), _("Qty"),
                                                     _("Status"))])),
            html.Tbody([html.Tr([
                html.Td(ln["line_no"]), html.Td(ln["from_location"]), html.Td(ln["sku"]),
                html.Td(f"{ln['done_quantity']}/{ln['quantity']}"),
                html.Td(status_name(ln["status"]), className=f"st-{ln['status']}"),
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
        stamp = _("updated {time}", time=datetime.now().strftime("%H:%M:%S"))
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
