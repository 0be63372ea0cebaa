"""Read-only reports over HTTP: the overview in one call, and every analytics report as JSON,
CSV or XLSX."""

from __future__ import annotations

from collections.abc import Callable
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
