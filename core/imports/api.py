"""Imports over HTTP (thin routes): upload a file of one kind, get the report; templates."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from core.api_deps import allow, database
from core.db import Database
from core.imports.columns import ImportKind
from core.imports.service import import_file, template
from core.people.security import Actor

router = APIRouter(tags=["imports"])
# Not `writer`: that reads the body for its idempotency fingerprint, which the file form has
# already consumed; an import is all-or-nothing on its own and can be sent again as it is.
Importer = Annotated[Actor, Depends(allow("imports:write"))]
DB = Annotated[Database, Depends(database)]
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.post("/imports/{kind}")
def upload(
    kind: ImportKind,
    actor: Importer,
    db: DB,
    file: Annotated[UploadFile, File(description="A CSV (UTF-8) or XLSX file.")],
    dry_run: bool = False,
    partial: bool = False,
) -> JSONResponse:
    """Check every row and import the file: 200 with the report, or 422 ``import-rejected``
    with every rejected row (nothing imported, unless ``partial`` imported the good rows)."""
    content = file.file.read()
    name = file.filename or "upload"
    with db.read() if dry_run else db.write() as session:
        report = import_file(
            session,
            actor=actor,
            kind=kind,
            filename=name,
            content=content,
            dry_run=dry_run,
            partial=partial,
        )
    body = report.model_dump(mode="json")
    if report.rejected and not report.imported:
        message = (
            f"{report.rejected_rows} of {report.rows} rows were rejected; nothing was imported."
        )
        return JSONResponse(
            {"error": {"code": "import-rejected", "message": message}, "report": body}, 422
        )
    return JSONResponse(body)


@router.get("/imports/{kind}/template")
def get_template(
    kind: ImportKind,
    _: Importer,
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
) -> Response:
    """An empty file of ``kind`` to fill in: the documented columns and one example row."""
    return Response(
        template(kind, format),
        media_type=_MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{kind.value}.{format}"'},
    )
