"""Small building blocks shared by the pages: messages, cards, fields and empty figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import dash_ag_grid as dag
import plotly.graph_objects as go
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from dash import dcc, html
from fastapi import FastAPI

from web.i18n import N_, _, language
from web.pages.api import Api, ApiError

__all__ = ["GRID_LOCALE_ZH", "ROLE_NAMES", "PageContext", "TableRow", "attrs", "card",
           "date_input", "denied", "empty_figure", "error_box", "field", "grid", "grid_locale",
           "kpi", "lines_of", "ok_box", "KIND_NAMES", "STATUS_NAMES", "kind_name",
           "number", "status_name", "when"]


@dataclass(frozen=True)
class PageContext:
    """What every page's callbacks need: the API client and the FastAPI app."""

    api: Api
    app: FastAPI


#: Each role's name as a person reads it (the codes are the API's).
ROLE_NAMES: dict[str, str] = {
    "admin": N_("admin"), "manager": N_("manager"), "clerk": N_("clerk"), "picker": N_("picker"),
    "qc_inspector": N_("QC inspector"), "finance_auditor": N_("finance auditor"),
    "security": N_("security"),
}

#: Document, line, order and lot states as a person reads them (the codes are the API's).
STATUS_NAMES: dict[str, str] = {
    "draft": N_("draft"), "open": N_("open"), "done": N_("done"), "received": N_("received"),
    "partly_received": N_("partly received"), "shipped": N_("shipped"),
    "posted": N_("posted"), "counted": N_("counted"), "recount": N_("recount"),
    "approved": N_("approved"), "closed": N_("closed"), "cancelled": N_("cancelled"),
    "short": N_("short"), "variance": N_("variance"), "adjusted": N_("adjusted"),
    "allocated": N_("allocated"), "partially_allocated": N_("partially allocated"),
    "on_hold": N_("on hold"), "picking": N_("picking"), "picked": N_("picked"),
    "packed": N_("packed"), "released": N_("released"), "quarantined": N_("quarantined"),
    "recalled": N_("recalled"), "pass": N_("pass"), "fail": N_("fail"),
}


#: Document kinds (what caused a stock move) as a person reads them.
KIND_NAMES: dict[str, str] = {
    "receipt": N_("receipt"), "qc": N_("QC"), "putaway": N_("putaway"), "pick": N_("pick"),
    "shipment": N_("shipment"), "transfer": N_("transfer"), "adjustment": N_("adjustment"),
    "count": N_("count"), "count variance": N_("count variance"), "recall": N_("recall"),
    "correction": N_("correction"), "customer_return": N_("customer return"),
    "supplier_return": N_("return to supplier"),
}


def kind_name(code: str | None) -> str:
    """A document kind's name in the page's language (a code it does not know, as it is)."""
    return _(KIND_NAMES[code]) if code in KIND_NAMES else str(code or "")


def when(value: str | date | datetime | None, *, day_only: bool = False) -> str:
    """A date or timestamp as people of the page's language write it (an ISO string too;
    anything unreadable as it is, nothing as a dash)."""
    if value is None or value == "":
        return "–"
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    if day_only or not isinstance(moment, datetime):
        return format_date(moment, "medium", locale=language())
    return format_datetime(moment, "medium", locale=language())


def number(value: float | int | None) -> str:
    """A number with the page's language's separators (a dash for none)."""
    return "–" if value is None else format_decimal(value, locale=language())


def status_name(code: str | None) -> str:
    """A state's name in the page's language (a code it does not know, as it is)."""
    return _(STATUS_NAMES[code]) if code in STATUS_NAMES else str(code or "")


TableRow = dict[str | float | int, Any]  # a table row, keyed as Dash types it

#: AG Grid's own words in Chinese (the grid ships its locale text as JavaScript packages the
#: Dash component does not bundle): paging, filtering, sorting, loading and the empty grid.
GRID_LOCALE_ZH: dict[str, str] = {
    "page": "页", "of": "/", "to": "至", "more": "更多", "next": "下一页", "last": "末页",
    "first": "首页", "previous": "上一页", "nextPage": "下一页", "lastPage": "末页",
    "firstPage": "首页", "previousPage": "上一页", "pageLastRowUnknown": "?",
    "pageSizeSelectorLabel": "每页行数：", "ariaPageSizeSelectorLabel": "每页行数",
    "loadingOoo": "加载中……", "loadingError": "加载出错", "noRowsToShow": "没有数据",
    "enabled": "已启用", "filterOoo": "筛选……", "searchOoo": "搜索……", "selectAll": "全选",
    "selectAllSearchResults": "全选搜索结果", "blanks": "（空白）", "noMatches": "无匹配项",
    "equals": "等于", "notEqual": "不等于", "blank": "为空", "notBlank": "不为空",
    "empty": "请选择", "lessThan": "小于", "greaterThan": "大于",
    "lessThanOrEqual": "小于等于", "greaterThanOrEqual": "大于等于", "inRange": "介于",
    "inRangeStart": "从", "inRangeEnd": "到", "contains": "包含", "notContains": "不包含",
    "startsWith": "开头是", "endsWith": "结尾是", "dateFormatOoo": "年-月-日",
    "before": "早于", "after": "晚于", "andCondition": "并且", "orCondition": "或者",
    "applyFilter": "应用", "resetFilter": "重置", "clearFilter": "清除", "cancelFilter": "取消",
    "textFilter": "文本筛选", "numberFilter": "数字筛选", "dateFilter": "日期筛选",
    "setFilter": "集合筛选", "filterConditions": "筛选条件",
    "sortAscending": "升序", "sortDescending": "降序", "sortUnSort": "取消排序",
    "columns": "列", "filters": "筛选", "pinColumn": "固定列", "noPin": "不固定",
    "pinLeft": "固定在左侧", "pinRight": "固定在右侧", "autosizeThisColumn": "自动调整此列宽",
    "autosizeAllColumns": "自动调整所有列宽", "resetColumns": "重置列", "copy": "复制",
    "copyWithHeaders": "连同表头复制", "paste": "粘贴", "export": "导出",
    "csvExport": "导出 CSV", "excelExport": "导出 Excel", "columnFilter": "列筛选",
    "columnChooser": "选择列", "chooseColumns": "选择列", "hideColumn": "隐藏列",
    "ariaFilterInput": "筛选输入", "ariaFilterValue": "筛选值", "ariaFilterFromValue": "起始值",
    "ariaFilterToValue": "结束值", "ariaFilteringOperator": "筛选运算符",
    "ariaColumnFiltering": "列筛选", "ariaSearch": "搜索", "ariaChecked": "已选中",
    "ariaUnchecked": "未选中", "ariaRowSelect": "按空格键选择此行",
    "ariaRowDeselect": "按空格键取消选择此行", "ariaRowToggleSelection": "按空格键切换此行的选择",
    "ariaRowSelectAll": "按空格键切换全部行的选择", "ariaRowSelectionDisabled": "此行不可选择",
    "ariaIndeterminate": "部分选中",
    "ariaSortableColumn": "按回车键排序", "ariaPageSizeSelector": "每页行数",
    "ariaLabelColumnMenu": "列菜单", "ariaLabelColumnFilter": "列筛选",
    "ariaLabelDialog": "对话框", "ariaLabelSelectField": "选择字段",
    "ariaLabelTooltip": "提示", "ariaMenuColumn": "按 Alt+向下键打开列菜单",
    "ariaFilterColumn": "按 Ctrl+回车键打开筛选", "ariaFilterMenuOpen": "打开筛选菜单",
    "ariaFilterList": "筛选列表", "ariaSearchFilterValues": "搜索筛选值",
    "ariaColumnSelectAll": "切换全选", "ariaHeaderSelection": "表头选择列",
    "ariaSelectAllCells": "全选", "ariaSkeletonCellLoading": "加载行数据中",
    "ariaSkeletonCellLoadingFailed": "行加载失败",
}


def grid_locale() -> dict[str, str] | None:
    """AG Grid's locale text for the language being drawn (None: the grid's own English)."""
    return GRID_LOCALE_ZH if language() == "zh" else None


def grid(element_id: str, rows: Sequence[Mapping[str, Any]],
         columns: Sequence[tuple[str, str]], *, page_size: int = 10,
         filters: bool = False, height: int | None = None) -> Any:
    """A sortable, paged AG Grid of ``rows``; ``columns`` are (field, heading) pairs, the
    headings already translated. The grid's own words follow the page's language."""
    defs = [{"field": name, "headerName": heading} for name, heading in columns]
    options: dict[str, Any] = {"pagination": True, "paginationPageSize": page_size,
                               "paginationPageSizeSelector": False, "domLayout": "autoHeight",
                               "suppressCellFocus": True, "enableCellTextSelection": True}
    locale = grid_locale()
    if locale is not None:
        options["localeText"] = locale
    if height is not None:
        options.pop("domLayout")
    return dag.AgGrid(
        id=element_id, rowData=[dict(r) for r in rows], columnDefs=defs,
        # Columns as wide as their contents (codes are never cut); a wide table scrolls inside
        # its grid, never the page.
        defaultColDef={"sortable": True, "filter": filters, "resizable": True, "minWidth": 70},
        dashGridOptions=options, columnSize="autoSize",
        columnSizeOptions={"skipHeader": False},
        style={"height": f"{height}px"} if height is not None else {"height": None},
        className="facet-grid",
    )


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
            [html.Strong(_("Refused: ")), exc.message,
             html.Code(f" {exc.code} · HTTP {exc.status}")],
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
    return html.Div(_("Your role may not use {what}.", what=what), className="msg msg-info")


def lines_of(text: str | None) -> list[str]:
    """Non-empty, stripped entries of a textarea split on lines, commas and spaces."""
    return [part for part in (text or "").replace(",", " ").split() if part]
