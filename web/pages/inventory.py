"""Inventory: find anything, a serial's history and a lot's trace, labels, and the stock forms."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from web.i18n import N_, _
from web.pages import certificates, counts, forms, imports, purchasing
from web.pages.api import Api, ApiError, Auth, auth_from
from web.pages.labels import data_uri, piece_label_svg
from web.pages.ui import (
    PageContext,
    attrs,
    empty_figure,
    error_box,
    field,
    kind_name,
    status_name,
)

__all__ = ["layout", "register"]

#: What a search found, as a person reads it (the kinds are the locate API's).
FOUND_KINDS = {"serial": N_("serial"), "lot": N_("lot"), "sku": N_("SKU"), "style": N_("style"),
               "location": N_("location"), "epc": N_("EPC")}
#: Kinds of locations, as a person reads them.
LOCATION_KINDS = {"view": N_("view"), "pick_face": N_("pick face"), "reserve": N_("reserve"),
                  "vault": N_("vault"), "packing": N_("packing"), "dock": N_("dock"),
                  "quarantine": N_("quarantine"), "supplier": N_("supplier"),
                  "customer": N_("customer"), "adjustment": N_("adjustment"),
                  "scrap": N_("scrap")}


def _find_tab() -> dcc.Tab:
    return dcc.Tab(label=_("Find"), value="find", children=[
        html.Div([
            dcc.Input(id="inv-q", type="search", debounce=True, n_submit=0, className="grow",
                      placeholder=_("Lot, serial, SKU, style, location, EPC or scanned QR "
                                    "(FACET:…)")),
            html.Button(_("Search"), id="inv-go", n_clicks=0, className="primary"),
        ], className="row"),
        html.Div(id="inv-result"),
        dcc.Loading(dcc.Graph(id="inv-timeline", figure=empty_figure(
            _("Search for a serial or lot to see its history.")),
            config={"displaylogo": False})),
    ])


def _labels_tab() -> dcc.Tab:
    return dcc.Tab(label=_("Labels"), value="labels", children=[
        html.Div([
            field(_("Piece serial"), dcc.Input(id="lbl-serial", type="text",
                                               placeholder="FC0000001")),
            html.Button(_("Piece label"), id="lbl-piece", n_clicks=0),
            field(_("Location"), dcc.Input(id="lbl-loc", type="text", placeholder="A01-01-1L")),
            html.Button(_("Location label"), id="lbl-location", n_clicks=0),
            html.Button(_("Print"), id="lbl-print", n_clicks=0, className="primary"),
        ], className="row"),
        html.P(dcc.Link(_("Label printing"), href="/labels", id="lbl-batch"), className="hint"),
        html.Div(id="lbl-msg"),
        html.Div(id="lbl-sheet", className="print-area"),
    ])


def layout(auth: Auth | None = None) -> html.Div:
    """The inventory page; the role decides which forms appear."""
    role = auth.role if auth else ""
    tabs = [_find_tab(), *forms.tabs(role), *counts.tabs(role), *purchasing.tabs(role),
            _labels_tab(), *imports.tabs(role), *certificates.tabs(role)]
    return html.Div([html.H2(_("Inventory")), dcc.Tabs(tabs, id="inv-tabs", value="find")],
                    id="inventory-page")


def _per_location(rows: list[dict[str, Any]]) -> list[Any]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["location"]].append(row)
    blocks = []
    for code, items in groups.items():
        kind = items[0]["location_kind"]
        head = f"{code} · {_(LOCATION_KINDS[kind]) if kind in LOCATION_KINDS else kind}"
        digits = items[0].get("check_digits")
        body = html.Table([
            html.Thead(html.Tr([html.Th(h) for h in (_("SKU"), _("Lot"), _("Status"), _("Serial"),
                                                     _("On hand"), _("Reserved"))])),
            html.Tbody([html.Tr([html.Td(r["sku"]), html.Td(r["lot"]),
                                 html.Td(status_name(r["lot_status"])),
                                 html.Td(r.get("serial", "")), html.Td(r["on_hand"]),
                                 html.Td(r["reserved"])]) for r in items]),
        ])
        total = sum(r["on_hand"] for r in items)
        blocks.append(html.Div([
            html.H4([head, html.Span(" " + _("check {digits}", digits=digits) if digits else "",
                                     className="digits"),
                     html.Span(" " + _("{n} on hand", n=total), className="total")]), body,
        ], className="loc-block", **attrs({"data-location": code})))
    return blocks


def serial_timeline(history: dict[str, Any]) -> go.Figure:
    """A piece's moves as steps through locations over time."""
    moves = history["moves"]
    if not moves:
        return empty_figure(_("This piece has no moves yet."))
    xs = [m["at"] for m in moves]
    ys = [m["to_location"] for m in moves]
    fig = go.Figure(go.Scatter(
        x=xs, y=ys, mode="lines+markers+text", line={"shape": "hv", "color": "#8a6d3b"},
        text=[kind_name(m["document_kind"]) for m in moves], textposition="top center",
        hovertext=[_("{document} by {actor}: {source} → {target}", document=m["document"],
                     actor=m["actor"], source=m["from_location"], target=m["to_location"])
                   for m in moves], hoverinfo="text", marker={"size": 10},
    ))
    fig.update_layout(title=_("History of {serial}", serial=history["serial"]), height=320,
                      margin={"l": 90, "r": 20, "t": 40, "b": 40}, yaxis={"type": "category"})
    return fig


def lot_timeline(lot: str, moves: list[dict[str, Any]], trace: dict[str, Any]) -> go.Figure:
    """A lot's moves over time (one colour per kind) and its shipments to customers."""
    if not moves:
        return empty_figure(_("No moves of lot {lot}.", lot=lot))
    fig = go.Figure()
    for reason in sorted({m["reason"] for m in moves}):
        ms = [m for m in moves if m["reason"] == reason]
        fig.add_scatter(
            x=[m["at"] for m in ms], y=[m["to_location"] for m in ms], mode="markers",
            name=kind_name(reason),
            marker={"size": [8 + 2 * min(m["quantity"], 10) for m in ms]},
            hovertext=[f"{m['document']}: {m['quantity']} × {m['sku']} {m['from_location']} → "
                       f"{m['to_location']} ({m['actor']})" for m in ms], hoverinfo="text",
        )
    fig.update_layout(
        title=_("Trace of lot {lot}: {status}, supplier {supplier}, QC {qc}, {n} shipments",
                lot=lot, status=status_name(trace.get("status")),
                supplier=(trace.get("supplier") or {}).get("name", "?"),
                qc=status_name(trace.get("qc_result")) or "–", n=len(trace.get("shipped", []))),
        height=380, margin={"l": 90, "r": 20, "t": 50, "b": 40}, yaxis={"type": "category"},
        legend={"orientation": "h"},
    )
    return fig


def _timeline(api: Api, auth: Auth | None, found: dict[str, Any]) -> go.Figure:
    if found["kind"] == "serial":
        return serial_timeline(api.get(f"/api/serials/{found['label']}/history", auth))
    if found["kind"] == "lot":
        lot = found["label"]
        moves = api.get_all("/api/moves", auth, limit=2000, lot=lot)
        return lot_timeline(lot, moves, api.get(f"/api/lots/{lot}/trace", auth))
    return empty_figure(_("{kind} {label}: see the locations above.",
                          kind=_found(found["kind"]), label=found["label"]))


def _found(kind: str) -> str:
    return _(FOUND_KINDS[kind]) if kind in FOUND_KINDS else kind


def _search(api: Api, auth: Auth | None, q: str) -> tuple[Any, go.Figure]:
    found = api.get("/api/locate", auth, q=q)
    rows = found["rows"]
    summary = html.P([html.Strong(f"{_found(found['kind'])} {found['label']}"),
                      _(": {n} on hand in {locations} locations",
                        n=sum(r["on_hand"] for r in rows),
                        locations=len({r["location"] for r in rows}))], id="inv-summary")
    serial = found["kind"] == "serial"
    marks = certificates.marks_line(api, auth, found["label"]) if serial else None
    return [summary, marks, *_per_location(rows)], _timeline(api, auth, found)


def register(dash_app: Dash, ctx: PageContext) -> None:
    """Search, labels and every stock form."""

    @dash_app.callback(
        Output("inv-result", "children"), Output("inv-timeline", "figure"),
        Input("inv-go", "n_clicks"), Input("inv-q", "n_submit"),
        State("inv-q", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def search(_c: int, _s: int, q: str | None, auth_data: dict[str, Any] | None) -> Any:
        auth = auth_from(auth_data)
        text = (q or "").strip()
        if not text:
            return error_box(_("Type something to look for.")), empty_figure("")
        try:
            return _search(ctx.api, auth, text)
        except ApiError as exc:
            return error_box(exc), empty_figure(_("Nothing to show."))

    @dash_app.callback(
        Output("lbl-sheet", "children"), Output("lbl-msg", "children"),
        Input("lbl-piece", "n_clicks"), Input("lbl-location", "n_clicks"),
        State("lbl-serial", "value"), State("lbl-loc", "value"), State("auth", "data"),
        prevent_initial_call=True,
    )
    def label(piece: int, location: int, serial: str | None, loc: str | None,
              auth_data: dict[str, Any] | None) -> Any:
        from dash import ctx as trigger

        auth = auth_from(auth_data)
        try:
            if trigger.triggered_id == "lbl-piece":
                svg = piece_label_svg(ctx.api.get(f"/api/serials/{(serial or '').strip()}", auth))
            else:
                svg = ctx.api.call("GET", f"/api/locations/{(loc or '').strip()}/label.svg", auth)
        except ApiError as exc:
            return None, error_box(exc)
        return html.Img(src=data_uri(svg), className="label", alt=_("label")), None

    dash_app.clientside_callback(
        "function(n) { if (n) { window.print(); } return ''; }",
        Output("lbl-msg", "title"), Input("lbl-print", "n_clicks"), prevent_initial_call=True,
    )
    forms.register(dash_app, ctx)
    counts.register(dash_app, ctx)
    purchasing.register(dash_app, ctx)
    imports.register(dash_app, ctx)
    certificates.register(dash_app, ctx)
