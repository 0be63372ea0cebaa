"""Cycle counts: open one, enter what was found line by line, and approve or reject it.

Pickers and clerks count blind: the API hides expected figures from them, and so does the page.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, dcc, html
from dash import ctx as trigger

from core.documents import LineStatus
from web.i18n import _
from web.pages.api import Api, ApiError, Auth, auth_from, can
from web.pages.ui import PageContext, error_box, field, lines_of, ok_box, status_name

__all__ = ["tabs", "register", "count_view"]


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
    ])]


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


def dash_no_update() -> tuple[Any, Any, Any]:
    """Leave all three outputs as they are."""
    from dash import no_update

    return no_update, no_update, no_update
