"""Imports on the Inventory page: choose a kind, upload a CSV or XLSX file, check it (a dry run
that writes nothing), read every rejected row, then import it."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger
from dash.dcc.express import send_bytes

from web.i18n import N_, _
from web.pages.api import ApiError, Auth, auth_from, can
from web.pages.ui import PageContext, error_box, field, grid, ok_box

__all__ = ["register", "tabs"]

#: The kinds of import, as a person reads them (the values are the API's).
KINDS = {
    "catalogue": N_("catalogue (styles and SKUs)"),
    "locations": N_("locations"),
    "stock": N_("stock (opening quantities)"),
    "serials": N_("serials (pieces)"),
}
_NO_FILE = {"name": None, "key": None}


def tabs(role: str) -> list[dcc.Tab]:
    """The Import tab, for roles that may import."""
    if not can(role, "imports:write"):
        return []
    return [
        dcc.Tab(
            label=_("Import"),
            value="import",
            children=[
                html.P(
                    _(
                        "Going live: bring in the catalogue, the locations, opening stock and "
                        "serialised pieces from a CSV (UTF-8) or XLSX file. Check the file first: "
                        "every rejected row is listed with its line and reason, and nothing is "
                        "imported while any row is rejected (unless you import the good rows only)."
                    ),
                    className="hint",
                ),
                html.Div(
                    [
                        field(
                            _("Kind"),
                            dcc.Dropdown(
                                id="imp-kind",
                                value="catalogue",
                                clearable=False,
                                options=[
                                    {"label": _(label), "value": kind}
                                    for kind, label in KINDS.items()
                                ],
                            ),
                        ),
                        html.Button(_("Template (CSV)"), id="imp-tpl-csv", n_clicks=0),
                        html.Button(_("Template (XLSX)"), id="imp-tpl-xlsx", n_clicks=0),
                    ],
                    className="row",
                ),
                dcc.Upload(
                    html.Div([_("Drop a file here or "), html.A(_("choose a CSV or XLSX file"))]),
                    id="imp-file",
                    className="upload",
                    multiple=False,
                    style={
                        "border": "1px dashed #b9a27a",
                        "borderRadius": "6px",
                        "padding": "14px",
                        "textAlign": "center",
                        "margin": "8px 0",
                    },
                ),
                html.Div(id="imp-file-name", className="hint"),
                dcc.Checklist(
                    id="imp-partial",
                    value=[],
                    options=[
                        {
                            "label": _("Import the good rows even when others are rejected"),
                            "value": "partial",
                        }
                    ],
                ),
                html.Div(
                    [
                        html.Button(
                            _("Check file"), id="imp-check", n_clicks=0, className="primary"
                        ),
                        html.Button(_("Import"), id="imp-run", n_clicks=0, disabled=True),
                    ],
                    className="row",
                ),
                dcc.Store(id="imp-checked"),
                dcc.Download(id="imp-template"),
                dcc.Loading(html.Div([html.Div(id="imp-msg"), html.Div(id="imp-report")])),
            ],
        )
    ]


def _content(contents: str | None) -> bytes | None:
    """The bytes of an upload's ``data:...;base64,...`` value."""
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=False)
    except (binascii.Error, ValueError):
        return None


def _key(kind: str, name: str, content: bytes, partial: bool) -> str:
    digest = hashlib.sha256(content).hexdigest()[:16]
    return f"{kind}:{name}:{digest}:{int(partial)}"


def _report_view(report: dict[str, Any]) -> Any:
    rejected = report.get("rejected") or []
    if not rejected:
        return None
    rows = [{**r, "column": r.get("column") or "–"} for r in rejected]
    return grid(
        "imp-grid",
        rows,
        [
            ("line", _("Line")),
            ("column", _("Column")),
            ("code", _("Reason code")),
            ("message", _("Message")),
        ],
        page_size=20,
        filters=True,
    )


def _summary(report: dict[str, Any]) -> Any:
    counts = _(
        "{rows} rows: {good} good, {bad} rejected.",
        rows=report["rows"],
        good=report["accepted"],
        bad=report["rejected_rows"],
    )
    if report["dry_run"]:
        if report["rejected_rows"]:
            return error_box(
                counts + " " + _("Correct the rejected rows, or import the good rows only.")
            )
        return ok_box(counts + " " + _("The file is ready: import it."))
    if not report["imported"]:
        return error_box(counts + " " + _("Nothing was imported."))
    document = report.get("document")
    done = _("{n} rows imported.", n=report["imported"])
    return ok_box(
        counts + " " + done + (" " + _("Document {number}.", number=document) if document else "")
    )


def _send(
    ctx: PageContext,
    auth: Auth | None,
    kind: str,
    name: str,
    content: bytes,
    *,
    dry_run: bool,
    partial: bool,
) -> tuple[Any, Any, bool]:
    """Upload; the summary, the rejected rows' grid and whether the file may now be imported."""
    params = {"dry_run": str(dry_run).lower(), "partial": str(partial).lower()}
    status, body = ctx.api.answer(
        "POST", f"/api/imports/{kind}", auth, params=params, files={"file": (name, content)}
    )
    report = body.get("report", body) if isinstance(body, dict) else None
    if status >= 400 and not (isinstance(report, dict) and "rows" in report):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        return (
            error_box(
                ApiError(
                    status, str(error.get("code", "http-error")), str(error.get("message", body))
                )
            ),
            None,
            False,
        )
    assert isinstance(report, dict)
    ready = dry_run and (partial or not report["rejected_rows"]) and report["accepted"] > 0
    return _summary(report), _report_view(report), ready


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Check and import an uploaded file; templates."""

    @dash_app.callback(
        Output("imp-msg", "children"),
        Output("imp-report", "children"),
        Output("imp-checked", "data"),
        Output("imp-run", "disabled"),
        Output("imp-file-name", "children"),
        Input("imp-check", "n_clicks"),
        Input("imp-run", "n_clicks"),
        Input("imp-file", "contents"),
        Input("imp-kind", "value"),
        Input("imp-partial", "value"),
        State("imp-file", "filename"),
        State("imp-checked", "data"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def upload(
        _check: int,
        _run: int,
        contents: str | None,
        kind: str,
        partial_value: list[str] | None,
        filename: str | None,
        checked: str | None,
        auth_data: dict[str, Any] | None,
    ) -> Any:
        content = _content(contents)
        name = filename or ""
        shown = _("File: {name}", name=name) if content is not None and name else None
        if trigger.triggered_id not in ("imp-check", "imp-run"):
            return None, None, None, True, shown
        if content is None:
            return error_box(_("Choose a file first.")), None, None, True, shown
        partial = "partial" in (partial_value or [])
        key = _key(kind, name, content, partial)
        dry_run = trigger.triggered_id == "imp-check"
        if not dry_run and checked != key:
            return error_box(_("Check the file first.")), None, None, True, shown
        msg, report, ready = _send(
            ctx, auth_from(auth_data), kind, name, content, dry_run=dry_run, partial=partial
        )
        return msg, report, key if ready else None, not ready, shown

    @dash_app.callback(
        Output("imp-template", "data"),
        Output("imp-msg", "children", allow_duplicate=True),
        Input("imp-tpl-csv", "n_clicks"),
        Input("imp-tpl-xlsx", "n_clicks"),
        State("imp-kind", "value"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def template(_csv: int, _xlsx: int, kind: str, auth_data: dict[str, Any] | None) -> Any:
        fmt = "xlsx" if trigger.triggered_id == "imp-tpl-xlsx" else "csv"
        try:
            content = ctx.api.get_bytes(
                f"/api/imports/{kind}/template?format={fmt}", auth_from(auth_data)
            )
        except ApiError as exc:
            return no_update, error_box(exc)
        return send_bytes(content, f"{kind}.{fmt}"), no_update
