"""Stock forms: receive, QC, putaway, transfer, adjust and recall, each posting to the API.

A form is data (its fields and how its values become a request), so each one is a tab with one
callback, and the API's refusals are shown as they come: message, code and status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, State, dcc, html

from web.i18n import N_, _
from web.pages.api import ApiError, auth_from, can
from web.pages.ui import (
    PageContext,
    date_input,
    error_box,
    field,
    kind_name,
    lines_of,
    ok_box,
    status_name,
)

__all__ = ["FORMS", "Form", "Field", "tabs", "register"]

REASONS = ("damaged", "found", "lost", "theft", "data_error", "sample", "scrap")
#: What a select's option codes read as (the codes are the API's).
OPTION_NAMES = {"damaged": N_("damaged"), "found": N_("found"), "lost": N_("lost"),
                "theft": N_("theft"), "data_error": N_("data error"), "sample": N_("sample"),
                "scrap": N_("scrap"), "pass": N_("pass"), "fail": N_("fail")}


@dataclass(frozen=True)
class Field:
    """One control of a form (label and hint marked with ``N_``, shown with ``_``)."""

    name: str
    label: str
    kind: str = "text"  # text, number, textarea, date or select
    options: tuple[str, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class Form:
    """A form: its fields, the permission it needs and how values become ``(path, body)``."""

    key: str
    label: str
    permission: str
    fields: tuple[Field, ...]
    build: Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]


def _int(values: dict[str, Any], name: str) -> int:
    try:
        return int(values.get(name) or 0)
    except (TypeError, ValueError):
        return 0


def _move_line(v: dict[str, Any]) -> dict[str, Any]:
    line = {"sku": v.get("sku") or "", "lot": v.get("lot") or "", "quantity": _int(v, "quantity"),
            "serials": lines_of(v.get("serials"))}
    for end in ("from_location", "to_location"):
        if v.get(end):
            line[end] = v[end]
    return line


def _receipt(v: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    serials = [{"code": code} for code in lines_of(v.get("serials"))]
    body: dict[str, Any] = {
        "supplier": v.get("supplier") or "", "reference": v.get("reference") or None,
        "lines": [{"sku": v.get("sku") or "", "lot": v.get("lot") or "",
                   "quantity": _int(v, "quantity") or len(serials), "serials": serials}],
    }
    if v.get("purchase_date"):
        body["lots"] = [{"code": v.get("lot") or "", "purchase_date": v["purchase_date"]}]
    return "/api/receipts", body


def _qc(v: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    body = {"lot": v.get("lot") or "", "result": v.get("result") or "",
            "notes": v.get("notes") or ""}
    for name in ("measured_purity", "measured_weight_g"):
        if v.get(name) not in (None, ""):
            body[name] = float(v[name])
    return "/api/qc", body


def _adjust(v: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    line = {"sku": v.get("sku") or "", "lot": v.get("lot") or "",
            "location": v.get("location") or "", "quantity": _int(v, "quantity"),
            "serials": lines_of(v.get("serials"))}
    return "/api/adjustments", {"reason": v.get("reason") or None, "note": v.get("note") or "",
                                "lines": [line]}


_SKU, _LOT = Field("sku", N_("SKU")), Field("lot", N_("Lot"))
_QTY = Field("quantity", N_("Quantity"), "number")
_SERIALS = Field("serials", N_("Serials"), "textarea",
                 hint=N_("One per line, or scanned piece QR codes."))
_FROM, _TO = Field("from_location", N_("From location")), Field("to_location", N_("To location"))

FORMS: tuple[Form, ...] = (
    Form("rcv", N_("Receive"), "receipt:write", (
        Field("supplier", N_("Supplier code")), Field("reference", N_("Supplier reference")),
        _LOT, Field("purchase_date", N_("Purchase date"), "date",
                    hint=N_("Give it for a new lot.")), _SKU, _QTY, _SERIALS), _receipt),
    Form("qc", N_("QC"), "qc:write", (
        _LOT, Field("result", N_("Result"), "select", ("pass", "fail")),
        Field("measured_purity", N_("Measured purity (‰)"), "number"),
        Field("measured_weight_g", N_("Measured weight (g)"), "number"),
        Field("notes", N_("Notes"), "textarea")), _qc),
    Form("put", N_("Putaway"), "putaway:write", (_SKU, _LOT, _QTY, _FROM, _TO, _SERIALS),
         lambda v: ("/api/putaways", {"lines": [_move_line(v)]})),
    Form("trf", N_("Transfer"), "transfer:write",
         (_SKU, _LOT, _QTY, _FROM, _TO, _SERIALS, Field("reference", N_("Reference"))),
         lambda v: ("/api/transfers", {"reference": v.get("reference") or None,
                                       "lines": [_move_line(v)]})),
    Form("adj", N_("Adjust"), "adjust:write", (
        Field("reason", N_("Reason"), "select", REASONS), _SKU, _LOT,
        Field("location", N_("Location")),
        Field("quantity", N_("Change (signed)"), "number", hint=N_("Negative takes stock out.")),
        _SERIALS, Field("note", N_("Note"), "textarea")), _adjust),
    Form("rcl", N_("Recall"), "recall:write", (_LOT, Field("reason", N_("Reason"))),
         lambda v: (f"/api/lots/{v.get('lot') or '-'}/recall", {"reason": v.get("reason") or ""})),
)


def _control(form: Form, f: Field) -> Any:
    cid = f"{form.key}-{f.name}"
    if f.kind == "select":
        return dcc.Dropdown(id=cid, clearable=False, options=[
            {"label": _(OPTION_NAMES.get(o, o)), "value": o} for o in f.options])
    if f.kind == "textarea":
        return dcc.Textarea(id=cid, rows=3)
    if f.kind == "date":
        return date_input(cid)
    return dcc.Input(id=cid, type="number" if f.kind == "number" else "text")


def tabs(role: str) -> list[dcc.Tab]:
    """A tab for every form the role may use."""
    return [
        dcc.Tab(label=_(form.label), value=form.key, children=[
            html.Div([field(_(f.label), _control(form, f), _(f.hint) if f.hint else "")
                      for f in form.fields], className="form-grid"),
            html.Button(_(form.label), id=f"{form.key}-go", n_clicks=0, className="primary"),
            html.Div(id=f"{form.key}-msg"),
        ])
        for form in FORMS if can(role, form.permission)
    ]


def describe(result: dict[str, Any]) -> Any:
    """What a posted document or recall did, in a line or two."""
    if "number" in result:
        lines = ", ".join(f"{ln['quantity']} × {ln['sku']} {ln.get('from_location') or ''}→"
                          f"{ln.get('to_location') or ''}" for ln in result.get("lines", []))
        return ok_box(html.Strong(f"{kind_name(result['kind'])} {result['number']}"),
                      f" {status_name(result['status'])}. {lines}")
    moved = sum(q["quantity"] for q in result.get("quarantined", []))
    return ok_box(html.Strong(_("Recall {document}", document=result["document"])),
                  _(": lot {lot} blocked, {moved} pieces to quarantine, {cancelled} pick lines "
                    "cancelled; customers: {customers}.", lot=result["lot"], moved=moved,
                    cancelled=result["pick_lines_cancelled"],
                    customers=_customers(result["customers"])))


def _customers(names: list[str] | None) -> str:
    """Who received the lot, as the API lets this role see it."""
    if names is None:
        return _("not shown to your role")
    return ", ".join(names) or _("none")


def _register_form(dash_app: Dash, ctx: PageContext, form: Form) -> None:
    names = [f.name for f in form.fields]

    @dash_app.callback(
        Output(f"{form.key}-msg", "children"), Input(f"{form.key}-go", "n_clicks"),
        *[State(f"{form.key}-{n}", "value") for n in names], State("auth", "data"),
        prevent_initial_call=True,
        running=[(Output(f"{form.key}-go", "disabled"), True, False)],
    )
    def submit(clicks: int, *args: Any) -> Any:
        if not clicks:
            return None
        values = dict(zip(names, args[:-1], strict=True))
        try:
            path, body = form.build(values)
            return describe(ctx.api.post(path, auth_from(args[-1]), body))
        except ApiError as exc:
            return error_box(exc)
        except ValueError as exc:
            return error_box(_("Check the numbers: {error}", error=exc))


def register(dash_app: Dash, ctx: PageContext) -> None:
    """One submit callback per form."""
    for form in FORMS:
        _register_form(dash_app, ctx, form)
