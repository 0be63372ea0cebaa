"""The catalogue: search SKUs by their jewellery attributes, add a style and a size run of SKUs
in one go, change a style, and change or retire a SKU (catalogue:write)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import N_, _
from web.pages.api import MAX_PAGE, ApiError, Auth, auth_from, can
from web.pages.masterdata import column, dropdown, grid, number, path, text
from web.pages.ui import PageContext, card, error_box, field, lines_of, ok_box

__all__ = ["layout", "register", "sku_columns"]

#: The attribute filters of the search: query parameter and its label.
FILTERS = (("category", N_("Category")), ("metal", N_("Metal")), ("colour", N_("Colour")),
           ("purity", N_("Purity")), ("stone", N_("Stone")), ("size", N_("Size")))
SIZE_CLASSES = (("small", N_("small")), ("medium", N_("medium")), ("large", N_("large")))


def sku_columns() -> list[dict[str, Any]]:
    """The SKU grid's columns, headed in the reader's language."""
    return [
        column("code", _("SKU"), pinned="left", minWidth=150),
        column("style", _("Style"), minWidth=120),
        column("style_name", _("Style name"), minWidth=160),
        column("metal", _("Metal")), column("metal_colour", _("Colour")),
        column("purity", _("Purity")), column("size", _("Size")),
        column("stone_type", _("Stone"), minWidth=120), column("carat", _("Carat")),
        column("clarity", _("Clarity")), column("colour_grade", _("Colour grade")),
        column("gross_weight_g", _("Gross g")), column("net_weight_g", _("Net g")),
        column("price", _("Price")), column("size_class", _("Size class")),
        column("active_text", _("Active")),
    ]


def _search_row() -> html.Div:
    pickers = [field(_(label), dropdown(id=f"cat-f-{name}", placeholder=_("any"),
                                             className="md-dd"))
               for name, label in FILTERS]
    return html.Div([
        field(_("Search"), dcc.Input(id="cat-q", type="search", debounce=True, n_submit=0,
                                     placeholder=_("SKU code or style name"))),
        *pickers,
        dcc.Checklist(id="cat-active", options=[{"label": _("Active only"), "value": "1"}],
                      value=["1"], className="md-check"),
        html.Button(_("Search"), id="cat-go", n_clicks=0, className="primary"),
    ], className="row md-filters")


def _style_card() -> html.Section:
    return card(
        _("Style"),
        html.P(_("Pick a style to change it, or type a new code to add one."), className="hint"),
        html.Div([
            field(_("Edit style"), dropdown(id="cat-style-pick", placeholder=_("new style"),
                                                className="md-dd")),
            field(_("Code"), dcc.Input(id="cat-st-code", type="text", maxLength=32)),
            field(_("Name"), dcc.Input(id="cat-st-name", type="text", maxLength=128)),
            field(_("Category"), dcc.Input(id="cat-st-category", type="text", maxLength=32,
                                           placeholder=_("ring, pendant, chain…"))),
            field(_("Collection"), dcc.Input(id="cat-st-collection", type="text", maxLength=64)),
            field(_("Description"), dcc.Input(id="cat-st-description", type="text",
                                              maxLength=512)),
        ], className="md-form"),
        html.Div([html.Button(_("Add style"), id="cat-st-add", n_clicks=0, className="primary"),
                  html.Button(_("Save style"), id="cat-st-save", n_clicks=0)], className="row"),
        html.Div(id="cat-st-msg"),
    )


def _run_card() -> html.Section:
    def box(key: str, label: str, kind: str = "text", hint: str = "") -> html.Label:
        return field(label, dcc.Input(id=f"cat-run-{key}", type=kind), hint)  # type: ignore[arg-type]

    return card(
        _("Size run"),
        html.P(_("One SKU per size, all alike but for the size; each code is the prefix, a "
                 "hyphen and the size (AUR-RG-7.5)."), className="hint"),
        html.Div([
            field(_("Style"), dropdown(id="cat-run-style", className="md-dd")),
            box("prefix", _("Code prefix")),
            box("sizes", _("Sizes"), hint=_("Separated by spaces: 5 6 7 7.5")),
            box("metal", _("Metal")), box("colour", _("Colour")), box("purity", _("Purity")),
            box("stone", _("Stone")), box("carat", _("Carat"), "number"),
            box("clarity", _("Clarity")), box("grade", _("Colour grade")),
            box("gross", _("Gross g"), "number"), box("net", _("Net g"), "number"),
            box("price", _("Price"), "number"),
            field(_("Size class"), dropdown(id="cat-run-class", value="small",
                                                clearable=False, className="md-dd", options=[
                                                    {"label": _(lbl), "value": v}
                                                    for v, lbl in SIZE_CLASSES])),
            dcc.Checklist(id="cat-run-serialised", value=["1"], className="md-check",
                          options=[{"label": _("Serialised (one code per piece)"),
                                    "value": "1"}]),
        ], className="md-form"),
        html.Button(_("Add the size run"), id="cat-run-go", n_clicks=0, className="primary"),
        html.Div(id="cat-run-msg"),
    )


def sku_panel(sku: dict[str, Any] | None, writer: bool) -> Any:
    """The chosen SKU: a form to change it for catalogue writers, its description otherwise."""
    if sku is None:
        return card(_("Selected SKU"), html.P(_("Click a SKU in the list."), className="hint"))
    head = html.Div([html.Strong(sku["code"]), f" · {sku['description']}"], id="cat-sku-code",
                    className="hint")
    if not writer:
        return card(_("Selected SKU"), head)
    return card(
        _("Selected SKU"), head,
        html.Div([
            field(_("Price"), dcc.Input(id="cat-sku-price", type="number", min=0,
                                        value=float(sku["price"]))),
            field(_("Gross g"), dcc.Input(id="cat-sku-gross", type="number", min=0,
                                          value=sku["gross_weight_g"])),
            field(_("Net g"), dcc.Input(id="cat-sku-net", type="number", min=0,
                                        value=sku["net_weight_g"])),
            field(_("Size class"), dropdown(
                id="cat-sku-class", clearable=False, className="md-dd", value=sku["size_class"],
                options=[{"label": _(lbl), "value": v} for v, lbl in SIZE_CLASSES])),
            dcc.Checklist(id="cat-sku-active", className="md-check",
                          value=["1"] if sku["active"] else [],
                          options=[{"label": _("Active (can be ordered and received)"),
                                    "value": "1"}]),
        ], className="md-form"),
        html.Button(_("Save SKU"), id="cat-sku-save", n_clicks=0, className="primary"),
    )


def layout(auth: Auth | None = None) -> html.Div:
    """The catalogue page; the forms only for roles with catalogue:write."""
    writer = can(auth.role if auth else "", "catalogue:write")
    forms = [_style_card(), _run_card()] if writer else []
    return html.Div([
        html.H2(_("Catalogue")),
        dcc.Store(id="cat-changed"),
        _search_row(),
        html.Div(id="cat-count", className="hint"),
        grid("cat-grid", sku_columns()),
        html.Div(id="cat-sku-msg"),
        html.Div([html.Div(sku_panel(None, writer), id="cat-sku-panel"), *forms],
                 className="md-cards"),
    ], id="catalogue-page", className="md-page")


def _sku_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**s, "active_text": _("yes") if s["active"] else _("no")} for s in items]


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The search, the pick lists and the forms."""
    _register_search(dash_app, ctx)
    _register_style(dash_app, ctx)
    _register_run(dash_app, ctx)
    _register_sku(dash_app, ctx)


def _register_search(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        [Output(f"cat-f-{name}", "options") for name, _label in FILTERS],
        Input("cat-changed", "data"), State("auth", "data"),
    )
    def pick_lists(_changed: Any, auth_data: dict[str, Any] | None) -> list[Any]:
        try:
            values = ctx.api.get("/api/catalogue/attributes", auth_from(auth_data))
        except ApiError:
            return [[] for _f in FILTERS]
        return [values.get(name, []) for name, _label in FILTERS]

    @dash_app.callback(
        Output("cat-grid", "rowData"), Output("cat-count", "children"),
        Input("cat-go", "n_clicks"), Input("cat-q", "n_submit"), Input("cat-changed", "data"),
        *[Input(f"cat-f-{name}", "value") for name, _label in FILTERS],
        Input("cat-active", "value"), State("cat-q", "value"), State("auth", "data"),
    )
    def search(_go: int, _submit: int, _changed: Any, *rest: Any) -> tuple[Any, Any]:
        *picked, active, q, auth_data = rest
        params = dict(zip([name for name, _label in FILTERS], picked, strict=True))
        query = {"q": text(q), "active": "true" if active else None, **params}
        auth = auth_from(auth_data)
        try:
            first = ctx.api.get("/api/skus", auth, limit=MAX_PAGE, **query)
            items, total = list(first["items"]), int(first["total"])
            if total > len(items):  # a second page, up to the grid's limit
                items += ctx.api.get("/api/skus", auth, limit=MAX_PAGE, offset=MAX_PAGE,
                                     **query)["items"]
        except ApiError as exc:
            return [], error_box(exc)
        found = _("SKUs found: {n}", n=total)
        if total > len(items):
            found += " · " + _("the first {shown} shown: narrow the search", shown=len(items))
        return _sku_rows(items), found


def _register_style(dash_app: Dash, ctx: PageContext) -> None:
    # Triggered only by the forms' own parts: the forms are there for catalogue writers only.
    @dash_app.callback(
        Output("cat-style-pick", "options"), Output("cat-run-style", "options"),
        Input("cat-st-msg", "children"), Input("cat-run-msg", "children"), State("auth", "data"),
    )
    def styles(_saved: Any, _run: Any, auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        try:
            items = ctx.api.get_all("/api/styles", auth_from(auth_data))
        except ApiError:
            return [], []
        options = [{"label": f"{s['code']} · {s['name']}", "value": s["code"]} for s in items]
        return options, options

    @dash_app.callback(
        Output("cat-st-code", "value"), Output("cat-st-name", "value"),
        Output("cat-st-category", "value"), Output("cat-st-collection", "value"),
        Output("cat-st-description", "value"),
        Input("cat-style-pick", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def load(code: str | None, auth_data: dict[str, Any] | None) -> tuple[Any, ...]:
        if not code:
            return "", "", "", "", ""
        try:
            s = ctx.api.get(f"/api/styles/{path(code)}", auth_from(auth_data))
        except ApiError:
            return (no_update,) * 5
        return s["code"], s["name"], s["category"], s["collection"] or "", s["description"]

    @dash_app.callback(
        Output("cat-st-msg", "children"), Output("cat-changed", "data", allow_duplicate=True),
        Input("cat-st-add", "n_clicks"), Input("cat-st-save", "n_clicks"),
        State("cat-st-code", "value"), State("cat-st-name", "value"),
        State("cat-st-category", "value"), State("cat-st-collection", "value"),
        State("cat-st-description", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def save(add: int, change: int, code: str | None, name: str | None, category: str | None,
             collection: str | None, description: str | None,
             auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not add and not change:
            return no_update, no_update
        body = {"name": text(name), "category": text(category),
                "collection": text(collection), "description": text(description) or ""}
        auth = auth_from(auth_data)
        try:
            if trigger.triggered_id == "cat-st-add":
                made = ctx.api.post("/api/styles", auth, {"code": text(code), **body})
                done = _("Style {code} added.", code=made["code"])
            else:
                target = path(text(code) or "-")
                made = ctx.api.call("PATCH", f"/api/styles/{target}", auth, json=body)
                done = _("Style {code} saved.", code=made["code"])
        except ApiError as exc:
            return error_box(exc), no_update
        return ok_box(done), f"style:{made['code']}:{add}:{change}"


def _run_body(values: dict[str, Any]) -> dict[str, Any]:
    """The size-run request from the form's values (blank optional fields left out)."""
    body: dict[str, Any] = {
        "code_prefix": text(values["prefix"]), "sizes": lines_of(values["sizes"]),
        "metal": text(values["metal"]), "metal_colour": text(values["colour"]),
        "purity": text(values["purity"]), "stone_type": text(values["stone"]),
        "carat": number(values["carat"]), "clarity": text(values["clarity"]),
        "colour_grade": text(values["grade"]), "gross_weight_g": number(values["gross"]),
        "net_weight_g": number(values["net"]), "price": values["price"],
        "size_class": values["class"], "serialised": bool(values["serialised"]),
    }
    return {k: v for k, v in body.items() if v is not None}


RUN_FIELDS = ("prefix", "sizes", "metal", "colour", "purity", "stone", "carat", "clarity",
              "grade", "gross", "net", "price", "class", "serialised")


def _register_run(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("cat-run-msg", "children"), Output("cat-changed", "data", allow_duplicate=True),
        Input("cat-run-go", "n_clicks"), State("cat-run-style", "value"),
        *[State(f"cat-run-{key}", "value") for key in RUN_FIELDS],
        State("auth", "data"), prevent_initial_call=True,
    )
    def add_run(clicks: int, style: str | None, *rest: Any) -> tuple[Any, Any]:
        *values, auth_data = rest
        if not clicks:
            return no_update, no_update
        if not style:
            return error_box(_("Pick the style the sizes belong to.")), no_update
        body = _run_body(dict(zip(RUN_FIELDS, values, strict=True)))
        try:
            made = ctx.api.post(f"/api/styles/{path(style)}/size-run", auth_from(auth_data), body)
        except ApiError as exc:
            return error_box(exc), no_update
        codes = ", ".join(s["code"] for s in made["items"])
        return (ok_box(_("SKUs added ({n}): {codes}", n=made["total"], codes=codes)),
                f"run:{style}:{clicks}")


def _register_sku(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("cat-sku-panel", "children"),
        Input("cat-grid", "selectedRows"), Input("cat-grid", "rowData"), State("auth", "data"),
    )
    def pick(rows: list[dict[str, Any]] | None, data: list[dict[str, Any]] | None,
             auth_data: dict[str, Any] | None) -> Any:
        auth = auth_from(auth_data)
        writer = can(auth.role if auth else "", "catalogue:write")
        if not rows:
            return sku_panel(None, writer)
        # the list's fresh copy of the row: a selection keeps the data it was made with
        fresh = next((r for r in data or [] if r["code"] == rows[0]["code"]), rows[0])
        return sku_panel(fresh, writer)

    @dash_app.callback(
        Output("cat-sku-msg", "children"), Output("cat-changed", "data", allow_duplicate=True),
        Input("cat-sku-save", "n_clicks"), State("cat-grid", "selectedRows"),
        State("cat-sku-price", "value"), State("cat-sku-gross", "value"),
        State("cat-sku-net", "value"), State("cat-sku-class", "value"),
        State("cat-sku-active", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def save(clicks: int, rows: list[dict[str, Any]] | None, price: Any, gross: Any, net: Any,
             size_class: str | None, active: list[str] | None,
             auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not clicks:
            return no_update, no_update
        if not rows:
            return error_box(_("Click a SKU in the list first.")), no_update
        code = rows[0]["code"]
        body = {"price": price, "gross_weight_g": number(gross), "net_weight_g": number(net),
                "size_class": size_class, "active": bool(active)}
        try:
            ctx.api.call("PATCH", f"/api/skus/{path(code)}", auth_from(auth_data),
                         json={k: v for k, v in body.items() if v is not None})
        except ApiError as exc:
            return error_box(exc), no_update
        return ok_box(_("SKU {code} saved.", code=code)), f"sku:{code}:{clicks}"
