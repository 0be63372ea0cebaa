"""Small building blocks shared by the pages: messages, cards, fields and empty figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html
from fastapi import FastAPI

from web.pages.api import Api, ApiError

__all__ = ["PageContext", "TableRow", "attrs", "card", "date_input", "denied", "empty_figure",
           "error_box", "field", "kpi", "lines_of", "ok_box"]


@dataclass(frozen=True)
class PageContext:
    """What every page's callbacks need: the API client and the FastAPI app."""

    api: Api
    app: FastAPI


TableRow = dict[str | float | int, Any]  # a DataTable row, keyed as Dash types it


def date_input(element_id: str) -> dcc.Input:
    """A browser date picker (YYYY-MM-DD)."""
    # Dash's hint for `type` leaves out "date", which the browser's input element supports.
    return dcc.Input(id=element_id, type="date")  # type: ignore[arg-type]


def attrs(values: Mapping[str, str]) -> dict[str, Any]:
    """HTML attributes a keyword cannot spell (``data-*``, ``aria-*``), to pass with ``**``.

    Typed as ``Any`` values: Dash's typed signatures would check the keys against its own props.
    """
    return dict(values)


def error_box(exc: ApiError | str) -> html.Div:
    """An API refusal shown plainly: its message, then its stable code."""
    if isinstance(exc, ApiError):
        return html.Div(
            [html.Strong("Refused: "), exc.message, html.Code(f" {exc.code} · HTTP {exc.status}")],
            className="msg msg-error", role="alert",
        )
    return html.Div(exc, className="msg msg-error", role="alert")


def ok_box(*children: Any) -> html.Div:
    """A success message."""
    return html.Div(list(children), className="msg msg-ok", role="status")


def card(title: str, *children: Any, class_name: str = "") -> html.Section:
    """A titled panel."""
    return html.Section([html.H3(title), *children], className=f"card {class_name}".strip())


def field(label: str, component: Any, hint: str = "") -> html.Label:
    """A labelled form control."""
    parts = [html.Span(label, className="field-label"), component]
    if hint:
        parts.append(html.Small(hint, className="hint"))
    return html.Label(parts, className="field")


def kpi(label: str, value: Any, element_id: str, sub: str = "") -> html.Div:
    """A big number with a label, for the overview."""
    return html.Div(
        [html.Div(label, className="kpi-label"), html.Div(str(value), className="kpi-value"),
         html.Div(sub, className="kpi-sub")],
        className="kpi", id=element_id,
    )


def empty_figure(message: str) -> go.Figure:
    """A blank chart that says why it is blank."""
    fig = go.Figure()
    fig.update_layout(
        xaxis={"visible": False}, yaxis={"visible": False}, height=260,
        annotations=[{"text": message, "showarrow": False, "font": {"size": 14}}],
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def denied(what: str) -> html.Div:
    """The message for a page or form the role may not use."""
    return html.Div(f"Your role may not use {what}.", className="msg msg-info")


def lines_of(text: str | None) -> list[str]:
    """Non-empty, stripped entries of a textarea split on lines, commas and spaces."""
    return [part for part in (text or "").replace(",", " ").split() if part]
