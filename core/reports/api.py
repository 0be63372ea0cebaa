"""Read-only reports over HTTP: the overview in one call, every analytics report as JSON, CSV
or XLSX, and the finance documents (registers and single documents, with PDF too)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from core.api_deps import allow, bin_distance, read_session
from core.clock import now
from core.fields import Lookup, SaneDate
from core.people.permissions import allowed
from core.people.security import Actor
from core.reports.export import columns_of, finite, to_csv, to_xlsx
from core.reports.filters import ReportFilter
from core.reports.finance import FinanceKind, finance_document, register
from core.reports.finance_files import (
    document_json,
    line_rows,
    register_json,
    rows_csv,
    rows_xlsx,
)
from core.reports.finance_pdf import document_pdf, register_pdf
from core.reports.overview import overview
from core.reports.registry import REPORTS, ReportOptions, run_report

router = APIRouter(tags=["reports"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]


@router.get("/reports/overview")
def overview_report(
    actor: Reader,
    session: DB,
    day: Annotated[SaneDate | None, Query(description="UTC day; today when left out")] = None,
    window_days: Annotated[int, Query(ge=1, le=92)] = 14,
) -> dict[str, Any]:
    """Today's receipts, picks, orders waiting, pick accuracy, open alerts and move series."""
    return overview(session, day=day or now().date(), window_days=window_days,
                    include_alerts=allowed(actor, "alerts:read"))


Analyst = Annotated[Actor, Depends(allow("audit:read"))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/reports")
def list_reports(_: Analyst) -> dict[str, Any]:
    """The analytics reports: name, title, what each shows and how it is charted."""
    return {"items": [{"name": name, "title": spec.title, "description": spec.description,
                       "chart": spec.chart} for name, spec in REPORTS.items()]}


@router.get("/reports/{name}", response_model=None)
def report(
    name: Lookup,
    _: Analyst,
    session: DB,
    filters: Annotated[ReportFilter, Depends()],
    options: Annotated[ReportOptions, Depends()],
    distance: Annotated[Callable[[str, str], float] | None, Depends(bin_distance)],
    format: Annotated[Literal["json", "csv", "xlsx"], Query()] = "json",
) -> dict[str, Any] | Response:
    """One report with the filters (period ``since``/``until``, category, metal, purity,
    supplier, location code or prefix), as JSON, CSV or an XLSX workbook."""
    rows = finite(run_report(session, name, filters, options, distance=distance))
    since, until = filters.period()
    if format == "json":
        spec = REPORTS[name]
        return {"name": name, "title": spec.title, "description": spec.description,
                "chart": spec.chart, "since": since, "until": until,
                "columns": columns_of(rows), "items": rows, "total": len(rows)}
    stem = f"{name}-{since.date().isoformat()}-{until.date().isoformat()}"
    if format == "csv":
        return Response(to_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})
    return Response(to_xlsx(rows, title=REPORTS[name].title), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'})


Finance = Annotated[Actor, Depends(allow("finance:read"))]
FileFormat = Literal["json", "csv", "xlsx", "pdf"]
MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "pdf": "application/pdf"}


def _file(content: str | bytes, stem: str, format: str) -> Response:
    return Response(content, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{format}"'})


@router.get("/finance/documents", response_model=None)
def finance_register(
    _: Finance,
    session: DB,
    kind: Annotated[FinanceKind, Query(description="receipt, issue, transfer or adjustment")],
    since: Annotated[SaneDate | None, Query(alias="from", description="first UTC day; "
                                            "30 days before `to` when left out")] = None,
    until: Annotated[SaneDate | None, Query(alias="to", description="last UTC day, included; "
                                            "today when left out")] = None,
    format: Annotated[FileFormat, Query()] = "json",
) -> dict[str, Any] | Response:
    """Every document of one kind posted in the period, valued at cost (issues with their sale
    value), with totals: JSON, or lines as CSV/XLSX, or the register as an A4 PDF."""
    until = until or now().date()
    since = since or until - timedelta(days=30)
    reg = register(session, kind=kind, since=since, until=until)
    if format == "json":
        return register_json(reg)
    stem = f"{kind}s-{since.isoformat()}-{until.isoformat()}"
    if format == "pdf":
        return _file(register_pdf(reg), stem, format)
    rows = line_rows(reg.kind, reg.documents, reg.totals())
    if format == "csv":
        return _file(rows_csv(rows), stem, format)
    return _file(rows_xlsx(rows, title=f"{kind}s"), stem, format)


@router.get("/finance/documents/{number}", response_model=None)
def finance_one(
    number: Lookup,
    _: Finance,
    session: DB,
    kind: Annotated[
        FinanceKind | None,
        Query(description="the register whose moves to show; by default the document's own"),
    ] = None,
    format: Annotated[FileFormat, Query()] = "json",
) -> dict[str, Any] | Response:
    """One receipt, shipment, transfer, adjustment, count, return or correction as a finance
    document with its lines, values and totals."""
    doc = finance_document(session, number=number, kind=kind)
    if format == "json":
        return document_json(doc)
    if format == "pdf":
        return _file(document_pdf(doc), doc.number, format)
    rows = line_rows(doc.kind, [doc], doc.totals())
    if format == "csv":
        return _file(rows_csv(rows), doc.number, format)
    return _file(rows_xlsx(rows, title=doc.number), doc.number, format)
