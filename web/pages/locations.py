"""Locations: the tree (warehouse > zone > aisle > bay > level), the bins under a node with their
capacity and what they hold, adding and changing locations (locations:write), and label sheets
for the chosen bins (the roles that may see check digits)."""

from __future__ import annotations

import base64
from typing import Any

from dash import ALL, Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import N_, _
from web.pages.api import ApiError, Auth, auth_from, can
from web.pages.masterdata import column, dropdown, grid, number, path, text
from web.pages.ui import PageContext, card, error_box, field, ok_box

__all__ = ["layout", "register", "tree_view"]

TIERS = {"warehouse": N_("warehouse"), "zone": N_("zone"), "aisle": N_("aisle"),
         "bay": N_("bay"), "level": N_("level"), "bin": N_("bin")}
KINDS = {"view": N_("view"), "pick_face": N_("pick face"), "reserve": N_("reserve"),
         "vault": N_("vault"), "packing": N_("packing"), "dock": N_("dock"),
         "quarantine": N_("quarantine")}
#: Label sheets: (format, layout, dpi) by choice.
LABEL_FORMATS = {
    "pdf-a4-24": (N_("PDF, A4 sheet, 24 labels"), "pdf", "a4-24", 203),
    "pdf-letter-30": (N_("PDF, US Letter sheet, 30 labels"), "pdf", "letter-30", 203),
    "pdf-roll-60x30": (N_("PDF, roll labels 60 × 30 mm"), "pdf", "roll-60x30", 203),
    "zpl-203": (N_("ZPL for a 203 dpi thermal printer"), "zpl", "roll-60x30", 203),
    "zpl-300": (N_("ZPL for a 300 dpi thermal printer"), "zpl", "roll-60x30", 300),
}


def _name(table: dict[str, str], value: str | None) -> str:
    return _(table[value]) if value in table else str(value or "")


def tree_view(nodes: list[dict[str, Any]]) -> html.Div:
    """The tree as nested, foldable branches; warehouses and zones start unfolded."""
    children: dict[str | None, list[dict[str, Any]]] = {}
    for node in nodes:
        children.setdefault(node["parent"], []).append(node)

    def branch(node: dict[str, Any]) -> Any:
        # A span, not a button: a click on it also folds or unfolds its branch (a button
        # inside <summary> would swallow the click).
        label = html.Span(
            [html.Strong(node["code"]), f" · {_name(TIERS, node['tier'])} · ",
             _("bins: {n}", n=node["bins"])],
            id={"type": "loc-node", "code": node["code"]}, n_clicks=0, className="md-node",
            role="button", tabIndex="0")
        below = [branch(child) for child in children.get(node["code"], [])]
        if not below:
            return html.Div(label, className="md-leaf")
        return html.Details([html.Summary(label), html.Div(below, className="md-branch")],
                            open=node["tier"] in ("warehouse", "zone"))

    roots = children.get(None, [])
    if not roots:
        return html.Div(_("No locations yet: add a warehouse below."), className="hint")
    return html.Div([branch(root) for root in roots], className="md-tree")


def _bin_columns(digits: bool) -> list[dict[str, Any]]:
    columns = [
        column("code", _("Bin"), minWidth=120),
        column("name", _("Name")), column("kind_text", _("Kind")),
        column("capacity", _("Capacity")), column("on_hand", _("On hand")),
        column("reserved", _("Reserved")), column("fill", _("Fill %")),
        column("skus", _("SKUs")), column("security_level", _("Security level")),
        column("active_text", _("Active")),
    ]
    if digits:
        columns.insert(8, column("check_digits", _("Check digits")))
    return columns


def _create_card() -> html.Section:
    def box(key: str, label: str, kind: str = "text") -> html.Label:
        return field(label, dcc.Input(id=f"loc-new-{key}", type=kind))  # type: ignore[arg-type]

    return card(_("Add a location"), html.Div([
        box("code", _("Code")), box("name", _("Name")),
        field(_("Parent"), dropdown(id="loc-new-parent", className="md-dd")),
        field(_("Tier"), dropdown(id="loc-new-tier", value="bin", clearable=False,
                                      className="md-dd", options=[
                                          {"label": _(v), "value": k} for k, v in TIERS.items()])),
        field(_("Kind"), dropdown(id="loc-new-kind", value="pick_face", clearable=False,
                                      className="md-dd", options=[
                                          {"label": _(v), "value": k} for k, v in KINDS.items()])),
        box("aisle", _("Aisle")), box("bay", _("Bay")), box("level", _("Level")),
        box("x", _("x (m)"), "number"), box("y", _("y (m)"), "number"),
        box("z", _("z (m)"), "number"), box("capacity", _("Capacity"), "number"),
        box("digits", _("Check digits")), box("security", _("Security level"), "number"),
    ], className="md-form"),
        html.P(_("Bins need check digits (2 or 3 digits, printed on the label for voice "
                 "picking); a bin sits under a level or a zone."), className="hint"),
        html.Button(_("Add location"), id="loc-new-go", n_clicks=0, className="primary"),
        html.Div(id="loc-new-msg"))


def edit_panel(location: dict[str, Any] | None) -> html.Section:
    """A form to change one location: the ticked bin, else the node chosen in the tree."""
    if location is None:
        return card(_("Selected location"), html.P(
            _("Tick one bin in the list, or choose a node in the tree, to change it."),
            className="hint"))
    b = location
    bin_only = {} if b["tier"] == "bin" else {"display": "none"}  # capacity, digits: bins'
    return card(_("Selected location"), dcc.Store(id="loc-ed-target", data=b["code"]),
                html.Strong(b["code"], id="loc-ed-code"), f" · {_name(TIERS, b['tier'])}",
                html.Div([
        field(_("Name"), dcc.Input(id="loc-ed-name", type="text", value=b["name"])),
        html.Div(field(_("Capacity"), dcc.Input(id="loc-ed-capacity", type="number", min=1,
                                                value=b["capacity"])), style=bin_only),
        html.Div(field(_("Check digits"), dcc.Input(id="loc-ed-digits", type="text",
                                                    value=b.get("check_digits"))),
                 style=bin_only),
        field(_("Security level"), dcc.Input(id="loc-ed-security", type="number", min=0, max=3,
                                             value=b["security_level"])),
        dcc.Checklist(id="loc-ed-active", className="md-check",
                      value=["1"] if b["active"] else [],
                      options=[{"label": _("Active (stock may be put here)"), "value": "1"}]),
    ], className="md-form"),
        html.Button(_("Save location"), id="loc-ed-go", n_clicks=0, className="primary"))


def _labels_card() -> html.Section:
    return card(_("Labels"), html.P(_("Tick bins in the list, choose a format and print: each "
                                      "label has the QR, a Code 128 and the check digits."),
                                    className="hint"),
                html.Div([
                    dropdown(id="loc-lbl-format", value="pdf-a4-24", clearable=False,
                                 className="md-dd md-wide", options=[
                                     {"label": _(v[0]), "value": k}
                                     for k, v in LABEL_FORMATS.items()]),
                    html.Button(_("Print labels"), id="loc-lbl-go", n_clicks=0,
                                className="primary"),
                ], className="row"),
                dcc.Download(id="loc-lbl-file"), html.Div(id="loc-lbl-msg"))


def layout(auth: Auth | None = None) -> html.Div:
    """The locations page; forms by role."""
    role = auth.role if auth else ""
    digits = can(role, "locations:check-digits")
    writer = can(role, "locations:write")
    # The panel is always there (empty for readers): the grid's selection writes to it.
    side = [html.Div(edit_panel(None) if writer else None, id="loc-ed-panel"),
            *([_create_card()] if writer else [])]
    return html.Div([
        html.H2(_("Locations")),
        # loc-changed: the tree changed (drawn again); loc-edited: a bin did (its row only).
        dcc.Store(id="loc-changed"), dcc.Store(id="loc-edited"), dcc.Store(id="loc-node"),
        html.Div([
            html.Div([html.H3(_("Tree")), html.Div(id="loc-tree")], className="md-tree-box card"),
            html.Div([
                html.H3(id="loc-title"), html.Div(id="loc-msg"),
                grid("loc-grid", _bin_columns(digits), multi=True),
                *([_labels_card()] if digits else []),
            ], className="md-main"),
        ], className="md-split"),
        html.Div(id="loc-ed-msg"),
        html.Div(side, className="md-cards"),
    ], id="locations-page", className="md-page")


def _bin_rows(bins: list[dict[str, Any]], stock: dict[str, dict[str, Any]]) -> list[dict]:
    rows = []
    for b in bins:
        held = stock.get(b["code"], {})
        on_hand = int(held.get("on_hand", 0))
        fill = round(100 * on_hand / b["capacity"]) if b["capacity"] else None
        rows.append({**b, "on_hand": on_hand, "reserved": int(held.get("reserved", 0)),
                     "skus": int(held.get("skus", 0)), "fill": fill,
                     "kind_text": _name(KINDS, b["kind"]),
                     "active_text": _("yes") if b["active"] else _("no")})
    return rows


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The tree, the bins of the chosen node, the forms and the labels."""
    _register_tree(dash_app, ctx)
    _register_forms(dash_app, ctx)
    _register_labels(dash_app, ctx)


def _register_tree(dash_app: Dash, ctx: PageContext) -> None:
    # Drawn again only when locations change: choosing a node must not fold the branches.
    @dash_app.callback(Output("loc-tree", "children"), Input("loc-changed", "data"),
                       State("auth", "data"))
    def draw(_changed: Any, auth_data: dict[str, Any] | None) -> Any:
        try:
            return tree_view(ctx.api.get("/api/locations/tree", auth_from(auth_data)))
        except ApiError as exc:
            return error_box(exc)

    # The chosen node is marked in the browser: drawing the tree again would fold it.
    dash_app.clientside_callback(
        """(code) => {
            document.querySelectorAll('#loc-tree .md-node').forEach(
                e => e.classList.toggle('selected', JSON.parse(e.id).code === code));
            return window.dash_clientside.no_update;
        }""",
        Output("loc-tree", "className"), Input("loc-node", "data"),
    )

    @dash_app.callback(
        Output("loc-node", "data"), Input({"type": "loc-node", "code": ALL}, "n_clicks"),
        State("loc-node", "data"), prevent_initial_call=True,
    )
    def choose(clicks: list[int | None], current: str | None) -> Any:
        # A click on the node already chosen only folds or unfolds it: its bins and a form
        # being filled in for it are left as they are.
        if not trigger.triggered_id or not any(clicks) or trigger.triggered_id["code"] == current:
            return no_update
        return trigger.triggered_id["code"]

    @dash_app.callback(
        Output("loc-grid", "rowData"), Output("loc-title", "children"),
        Output("loc-msg", "children"),
        Input("loc-node", "data"), Input("loc-changed", "data"), Input("loc-edited", "data"),
        State("auth", "data"),
    )
    def bins(node: str | None, _changed: Any, _edited: Any,
             auth_data: dict[str, Any] | None) -> Any:
        auth = auth_from(auth_data)
        try:
            if not node:
                tree = ctx.api.get("/api/locations/tree", auth)
                if not tree:
                    return [], _("Bins"), None
                node = str(tree[0]["code"])
            found = ctx.api.get_all(f"/api/locations/{path(node)}/bins", auth)
            stock = {r["location"]: r for r in ctx.api.get("/api/stock/occupancy", auth)["items"]}
        except ApiError as exc:
            return [], _("Bins"), error_box(exc)
        title = _("Bins under {code} ({n})", code=node, n=len(found))
        return _bin_rows(found, stock), html.Span(title, id="loc-title-text"), None


def _new_body(values: dict[str, Any]) -> dict[str, Any]:
    """The create request from the form (blank optional fields left out)."""
    body: dict[str, Any] = {
        "code": text(values["code"]), "name": text(values["name"]) or "",
        "parent": text(values["parent"]), "tier": values["tier"], "kind": values["kind"],
        "aisle": text(values["aisle"]), "bay": text(values["bay"]),
        "level": text(values["level"]), "x": number(values["x"]), "y": number(values["y"]),
        "z": number(values["z"]), "capacity": number(values["capacity"]),
        "check_digits": text(values["digits"]), "security_level": number(values["security"]),
    }
    for key in ("capacity", "security_level"):
        if body[key] is not None:
            body[key] = int(body[key])
    return {k: v for k, v in body.items() if v is not None}


NEW_FIELDS = ("code", "name", "parent", "tier", "kind", "aisle", "bay", "level", "x", "y", "z",
              "capacity", "digits", "security")


def _register_forms(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("loc-new-msg", "children"), Output("loc-changed", "data", allow_duplicate=True),
        Input("loc-new-go", "n_clicks"), *[State(f"loc-new-{k}", "value") for k in NEW_FIELDS],
        State("auth", "data"), prevent_initial_call=True,
    )
    def add(clicks: int, *rest: Any) -> tuple[Any, Any]:
        *values, auth_data = rest
        if not clicks:
            return no_update, no_update
        try:
            made = ctx.api.post("/api/locations", auth_from(auth_data),
                                _new_body(dict(zip(NEW_FIELDS, values, strict=True))))
        except ApiError as exc:
            return error_box(exc), no_update
        return ok_box(_("Location {code} added.", code=made["code"])), f"new:{made['code']}"

    # Triggered only by the create form's own message: the form is for locations writers only.
    @dash_app.callback(Output("loc-new-parent", "options"), Input("loc-new-msg", "children"),
                       State("auth", "data"))
    def parents(_added: Any, auth_data: dict[str, Any] | None) -> Any:
        try:
            nodes = ctx.api.get("/api/locations/tree", auth_from(auth_data))
        except ApiError:
            return []
        return [{"label": f"{n['code']} · {_name(TIERS, n['tier'])}", "value": n["code"]}
                for n in nodes]

    @dash_app.callback(Output("loc-ed-panel", "children"), Input("loc-grid", "selectedRows"),
                       Input("loc-grid", "rowData"), Input("loc-node", "data"),
                       State("auth", "data"))
    def pick(rows: list[dict[str, Any]] | None, data: list[dict[str, Any]] | None,
             node: str | None, auth_data: dict[str, Any] | None) -> Any:
        auth = auth_from(auth_data)
        if not can(auth.role if auth else "", "locations:write"):
            return None
        if rows and len(rows) == 1 and trigger.triggered_id != "loc-node":
            fresh = {r["code"]: r for r in data or []}  # a selection keeps its first data
            return edit_panel(fresh.get(rows[0]["code"], rows[0]))
        if set(trigger.triggered_prop_ids) == {"loc-grid.rowData"}:
            return no_update  # the node's bins were re-read: the node's form is still right
        if not node:
            return edit_panel(None)
        try:
            return edit_panel(ctx.api.get(f"/api/locations/{path(node)}", auth))
        except ApiError as exc:
            return error_box(exc)

    @dash_app.callback(
        Output("loc-ed-msg", "children"), Output("loc-edited", "data"),
        Input("loc-ed-go", "n_clicks"), State("loc-ed-target", "data"),
        State("loc-ed-name", "value"), State("loc-ed-capacity", "value"),
        State("loc-ed-digits", "value"), State("loc-ed-security", "value"),
        State("loc-ed-active", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def save(clicks: int, code: str | None, name: str | None, capacity: Any,
             digits: str | None, security: Any, active: list[str] | None,
             auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not clicks or not code:
            return no_update, no_update
        body: dict[str, Any] = {"name": text(name) or "", "active": bool(active)}
        if capacity not in (None, ""):
            body["capacity"] = int(capacity)
        if text(digits):
            body["check_digits"] = text(digits)
        if security not in (None, ""):
            body["security_level"] = int(security)
        try:
            ctx.api.call("PATCH", f"/api/locations/{path(code)}", auth_from(auth_data), json=body)
        except ApiError as exc:
            return error_box(exc), no_update
        return ok_box(_("Location {code} saved.", code=code)), f"edit:{code}:{clicks}"


def _register_labels(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("loc-lbl-file", "data"), Output("loc-lbl-msg", "children"),
        Input("loc-lbl-go", "n_clicks"), State("loc-grid", "selectedRows"),
        State("loc-lbl-format", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def print_labels(clicks: int, rows: list[dict[str, Any]] | None, choice: str,
                     auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not clicks:
            return no_update, no_update
        if not rows:
            return no_update, error_box(_("Tick the bins to label in the list first."))
        _label, fmt, sheet, dpi = LABEL_FORMATS[choice]
        codes = [r["code"] for r in rows]
        body = {"kind": "location", "codes": codes, "format": fmt, "layout": sheet, "dpi": dpi}
        try:
            content, _media = ctx.api.post_bytes("/api/labels", auth_from(auth_data), body)
        except ApiError as exc:
            return no_update, error_box(exc)
        name = f"location-labels-{len(codes)}.{'pdf' if fmt == 'pdf' else 'zpl'}"
        data = {"content": base64.b64encode(content).decode(), "filename": name,
                "base64": True}
        return data, ok_box(_("Labels ready ({n}): {file}", n=len(codes), file=name))
