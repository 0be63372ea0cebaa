"""Blocks shared by the office's master-data pages (catalogue, locations, suppliers, users):
a dash-ag-grid table that scrolls inside its own box, and reading typed form values."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import dash_ag_grid as dag
from dash import Dash, Input, Output, Patch, dcc

from web.i18n import _
from web.pages.ui import grid_locale

__all__ = ["column", "dropdown", "grid", "number", "path", "quick_filter", "register_quick_filter",
           "text"]


def column(field: str, header: str, **options: Any) -> dict[str, Any]:
    """One grid column: its data field and its (already translated) heading."""
    return {"field": field, "headerName": header, **options}


def grid(grid_id: str, columns: list[dict[str, Any]], *, row_id: str = "code",
         multi: bool = False, height: int = 420) -> dag.AgGrid:
    """A sortable, filterable grid whose rows are picked by a click (``multi``: by checkboxes).

    Rows are keyed by ``row_id`` so a refresh keeps the selection and tests can find a row by
    its ``row-id``; the grid scrolls sideways in its own box, so a phone-wide page never does.
    """
    selection: dict[str, Any] = (
        {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True,
         "enableClickSelection": False}
        if multi else {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True})
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowData=[],
        getRowId=f"params.data.{row_id}",
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
        # Columns sized to their contents once the first rows arrive (the grid starts empty).
        dashGridOptions={"rowSelection": selection, "animateRows": False,
                         "autoSizeStrategy": {"type": "fitCellContents"},
                         "localeText": {"noRowsToShow": _("Nothing to show."),
                                        **(grid_locale() or {})},
                         "pagination": True, "paginationAutoPageSize": True},
        className="md-grid",
        style={"height": f"{height}px", "width": "100%"},
    )


def text(value: Any) -> str | None:
    """A text field's value, stripped; None when blank."""
    if value is None:
        return None
    cleaned = str(value).strip()
    return cleaned or None


def number(value: Any) -> float | None:
    """A number field's value, or None when blank (Dash gives None for an empty input)."""
    if value in (None, ""):
        return None
    return float(value)


def path(code: str) -> str:
    """A code made safe as one segment of an API path."""
    return quote(code, safe="")


def quick_filter(grid_id: str) -> dcc.Input:
    """A search box that narrows ``grid_id``'s rows to those containing what is typed."""
    return dcc.Input(id=f"{grid_id}-q", type="search", debounce=False, className="md-q",
                     placeholder=_("Filter the list…"))


def register_quick_filter(dash_app: Dash, grid_id: str) -> None:
    """Connect :func:`quick_filter`'s box to its grid (AG Grid's quick filter, in the browser)."""

    @dash_app.callback(Output(grid_id, "dashGridOptions", allow_duplicate=True),
                       Input(f"{grid_id}-q", "value"), prevent_initial_call=True)
    def narrow(value: str | None) -> Patch:
        options = Patch()
        options["quickFilterText"] = value or ""
        return options


def dropdown(**options: Any) -> dcc.Dropdown:
    """A Dash dropdown whose own words (search, no match, clear) are in the page's language."""
    labels: Any = {"search": _("Search"), "no_options_found": _("No match"),
                   "clear_search": _("Clear the search"), "clear_selection": _("Clear"),
                   "select_all": _("Select all"), "deselect_all": _("Select none")}
    return dcc.Dropdown(labels=labels, **options)
