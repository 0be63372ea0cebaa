"""Cycle counts: open one, enter what was found line by line, and approve or reject it.

Pickers and clerks count blind: the API hides expected figures from them, and so does the page.
"""

from __future__ import annotations

import base64
from typing import Any

from dash import ALL, Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from core.documents import LineStatus
from web.i18n import _
from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.ui import (
    PageContext,
    error_box,
    field,
    grid,
    lines_of,
    ok_box,
    status_name,
)

__all__ = ["count_view", "register", "rfid_view", "tabs"]


def tabs(role: str) -> list[dcc.Tab]:
    """The count tab, for roles that count."""
    if not can(role, "count:write"):
        return []
    return [dcc.Tab(label=_("Count"), value="cnt", children=[
        html.Div([
            field(_("Locations"), dcc.Textarea(id="cnt-locations", rows=2),
                  _("Bins, or aisles/zones to count everything under them.")),
            field(_("Zone"), dcc.Input(id="cnt-zone", type="text")),
            field(_("Assignee"), dcc.Input(id="cnt-assignee", type="text")),
            html.Button(_("Open count"), id="cnt-open", n_clicks=0, className="primary"),
            field(_("Or load count"), dcc.Input(id="cnt-number-in", type="text",
                                                placeholder="CNT-000001")),
            html.Button(_("Load"), id="cnt-load", n_clicks=0),
        ], className="form-grid"),
        dcc.Store(id="cnt-number"),
        html.Div(_buttons(role), className="row"),
        html.Div(id="cnt-msg"),
        html.Div(id="cnt-view"),
        *_rfid_section(),
    ])]


def _rfid_section() -> list[Any]:
    """An RFID reader's EPC file for the open count, and the bins due for a count today."""
    return [
        html.H4(_("RFID count")),
        html.P(_("Upload the reader's file (one EPC a line, or CSV epc,location): every "
                 "bin's missing and extra pieces at once, submitted as the count."),
               className="hint"),
        dcc.Upload(html.Div([_("Drop a file here or "), html.A(_("choose the EPC file"))]),
                   id="cnt-rfid-file", className="upload", multiple=False,
                   style={"border": "1px dashed #b9a27a", "borderRadius": "6px",
                          "padding": "14px", "textAlign": "center", "margin": "8px 0"}),
        html.Div(id="cnt-rfid-result"),
        html.Button(_("Due for a count today"), id="cnt-due", n_clicks=0),
        html.Div(id="cnt-due-view"),
    ]


def rfid_view(result: dict[str, Any]) -> html.Div:
    """Each bin's read and variance figures, then every missing or extra piece."""
    bins = [{"location": b["location"], "expected": b["expected"], "read": b["read"],
             "missing": None if b["missing"] is None else len(b["missing"]),
             "extra": len(b["extra"])}
            for b in result["bins"]]
    reasons = {"not-read": _("missing: not read"),
               "recorded-elsewhere": _("extra: booked elsewhere"),
               "written-off": _("extra: written off, found"),
               "unknown-tag": _("extra: unknown tag")}
    found = [v for b in result["bins"] for v in [*(b["missing"] or []), *b["extra"]]]
    pieces = [{"location": v["location"] or "", "kind": reasons.get(v["reason"], v["reason"]),
               "piece": v["serial"] or v["tag"] or "", "booked": v["recorded_at"] or ""}
              for v in [*found, *result["unplaced"]]]
    return html.Div([
        grid("cnt-rfid-bins", bins, [("location", _("Location")), ("expected", _("Expected")),
                                     ("read", _("Read")), ("missing", _("Missing")),
                                     ("extra", _("Extra"))]),
        grid("cnt-rfid-pieces", pieces, [("location", _("Location")), ("kind", _("Variance")),
                                         ("piece", _("Piece or tag")),
                                         ("booked", _("Booked at"))]),
    ])


def _buttons(role: str) -> list[html.Button]:
    approver = can(role, "count:approve")
    return [html.Button(_("Submit counts"), id="cnt-submit", n_clicks=0, className="primary"),
            html.Button(_("Approve variances"), id="cnt-approve", n_clicks=0,
                        hidden=not approver),
            html.Button(_("Send back for recount"), id="cnt-reject", n_clicks=0,
                        hidden=not approver)]


def count_view(count: dict[str, Any]) -> html.Div:
    """A count's lines with an input for what was found on each open line."""
    blind = count["blind"]
    head = [_("Line"), _("Location"), _("SKU"), _("Lot"), _("Status"),
            *([] if blind else [_("Expected")]), _("Counted"),
            *([] if blind else [_("Variance")])]
    rows = []
    for ln in count["lines"]:
        entry = dcc.Input(id={"type": "cnt-line", "line": ln["line_no"]}, type="number", min=0,
                          value=ln["counted"], disabled=ln["status"] != LineStatus.OPEN,
                          className="narrow")
        cells = [ln["line_no"], ln["location"], ln["sku"], ln["lot"] or "",
                 status_name(ln["status"]),
                 *([] if blind else [ln["expected"]]), entry,
                 *([] if blind else [ln["variance"]])]
        rows.append(html.Tr([html.Td(c) for c in cells]))
    return html.Div([
        html.H4(f"{count['number']} · {status_name(count['status'])}"
                + (" · " + _("blind") if blind else "")),
        html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)]),
    ])


def _act(api: Api, auth: Auth | None, action: str, number: str | None, values: dict[str, Any],
         found: dict[int, Any]) -> dict[str, Any]:
    if action == "cnt-open":
        return api.post("/api/counts", auth, {
            "locations": lines_of(values["locations"]), "zone": values["zone"] or None,
            "assignee": values["assignee"] or None})
    if action == "cnt-load":
        return api.get(f"/api/counts/{(values['number_in'] or '').strip() or '-'}", auth)
    if not number:
        raise ApiError(400, "no-count", _("Open or load a count first."))
    if action == "cnt-submit":
        lines = [{"line_no": n, "counted": int(v)} for n, v in found.items() if v is not None]
        return api.post(f"/api/counts/{number}/submit", auth, {"lines": lines})
    verb = "approve" if action == "cnt-approve" else "reject"
    return api.post(f"/api/counts/{number}/{verb}", auth, None)


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Open, load, submit, approve and reject counts."""

    @dash_app.callback(
        Output("cnt-view", "children"), Output("cnt-msg", "children"),
        Output("cnt-number", "data"),
        Input("cnt-open", "n_clicks"), Input("cnt-load", "n_clicks"),
        Input("cnt-submit", "n_clicks"), Input("cnt-approve", "n_clicks"),
        Input("cnt-reject", "n_clicks"),
        State("cnt-locations", "value"), State("cnt-zone", "value"),
        State("cnt-assignee", "value"), State("cnt-number-in", "value"),
        State("cnt-number", "data"), State({"type": "cnt-line", "line": ALL}, "value"),
        State({"type": "cnt-line", "line": ALL}, "id"), State("auth", "data"),
        prevent_initial_call=True,
    )
    def act(*args: Any) -> Any:
        locations, zone, assignee, number_in, number, found, ids, auth_data = args[5:]
        if not trigger.triggered or not trigger.triggered[0]["value"]:
            return dash_no_update()
        auth = auth_from(auth_data)
        values = {"locations": locations, "zone": zone, "assignee": assignee,
                  "number_in": number_in}
        counted = {i["line"]: v for i, v in zip(ids, found, strict=True)}
        try:
            count = _act(ctx.api, auth, str(trigger.triggered_id), number, values, counted)
        except ApiError as exc:
            return dash_no_update()[0], error_box(exc), dash_no_update()[2]
        note = ok_box(_("Count {number} is {status}.", number=count["number"],
                        status=status_name(count["status"])))
        return count_view(count), note, count["number"]

    _register_rfid(dash_app, ctx)


def _register_rfid(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("cnt-rfid-result", "children"),
        Input("cnt-rfid-file", "contents"),
        State("cnt-number", "data"), State("auth", "data"),
        prevent_initial_call=True,
    )
    def upload(contents: str | None, number: str | None, auth_data: Any) -> Any:
        if not contents or "," not in contents:
            return no_update
        try:
            if not number:
                raise ApiError(400, "no-count", _("Open or load a count first."))
            raw = base64.b64decode(contents.split(",", 1)[1], validate=False)
            result = ctx.api.call("POST", f"/api/counts/{number}/epcs", auth_from(auth_data),
                                  content=raw, headers={"Content-Type": "text/csv"})
        except ApiError as exc:
            return error_box(exc)
        note = ok_box(_("{tags} tags read; count {number} is {status}.", tags=result["tags"],
                        number=number, status=status_name(result["status"] or "")))
        return html.Div([note, rfid_view(result)])

    @dash_app.callback(
        Output("cnt-due-view", "children"),
        Input("cnt-due", "n_clicks"), State("auth", "data"),
        prevent_initial_call=True,
    )
    def due(_clicks: int, auth_data: Any) -> Any:
        try:
            rows = ctx.api.get("/api/counts/due", auth_from(auth_data))
        except ApiError as exc:
            return error_box(exc)
        shown = [{"location": r["location"], "abc": r["abc"],
                  "vault": _("yes") if r["vault"] else "", "every": r["every_days"]}
                 for r in rows]
        return grid("cnt-due-grid", shown, [("location", _("Location")), ("abc", _("Class")),
                                            ("vault", _("Vault")),
                                            ("every", _("Every (days)"))])


def dash_no_update() -> tuple[Any, Any, Any]:
    """Leave all three outputs as they are."""
    from dash import no_update

    return no_update, no_update, no_update
