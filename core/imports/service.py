"""Import a file of one kind: read it, check every row, and write all of it, the good rows
(``partial``) or nothing (``dry_run``, or any row refused)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from core.audit import service as audit
from core.events import LocationsChanged, record
from core.imports.catalogue import check_catalogue, write_catalogue
from core.imports.columns import ImportKind, spec_for
from core.imports.common import Rejects
from core.imports.locations import check_locations, write_locations
from core.imports.reader import read_sheet
from core.imports.schemas import ImportReport
from core.imports.serials import check_serials, write_serials
from core.imports.stock import check_stock, write_stock
from core.people.security import Actor

__all__ = ["import_file", "template"]


def _write(
    kind: ImportKind, session: Session, plan: Any, bad: set[int], actor: Actor, reference: str
) -> tuple[int, str | None]:
    if kind == ImportKind.CATALOGUE:
        return write_catalogue(session, plan, bad), None
    if kind == ImportKind.LOCATIONS:
        written = write_locations(session, plan, bad)
        if written:
            record(session, LocationsChanged(actor=actor.username))
        return written, None
    if kind == ImportKind.STOCK:
        return write_stock(session, plan, bad, actor=actor, reference=reference)
    return write_serials(session, plan, bad, actor=actor, reference=reference)


_CHECKS: dict[ImportKind, Callable[..., Any]] = {
    ImportKind.CATALOGUE: check_catalogue,
    ImportKind.LOCATIONS: check_locations,
    ImportKind.STOCK: check_stock,
    ImportKind.SERIALS: check_serials,
}


def import_file(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    filename: str,
    content: bytes,
    dry_run: bool = False,
    partial: bool = False,
) -> ImportReport:
    """Check every row of ``content``; write in the caller's transaction all rows when every
    one passed, only the good ones with ``partial``, none in a dry run. A file that cannot be
    read at all (empty, not CSV/XLSX, unknown or missing columns) is `ValidationFailed`."""
    which = ImportKind(kind)
    sheet = read_sheet(content, filename, spec_for(which))
    rejects = Rejects()
    rejects.long_cells(sheet.rows)
    rows = [r for r in sheet.rows if r.line not in rejects.lines]
    plan = _CHECKS[which](session, rows, rejects)
    bad = rejects.lines
    written, document = 0, None
    if not dry_run and (partial or not bad):
        written, document = _write(which, session, plan, bad, actor, f"import:{filename}")
        if written:
            audit.record(
                session,
                actor=actor.username,
                action=f"import.{which}",
                entity=filename[:64],
                detail={
                    "rows": len(sheet.rows),
                    "imported": written,
                    "rejected": len(bad),
                    "document": document,
                },
            )
    return ImportReport(
        kind=which,
        file=filename,
        dry_run=dry_run,
        partial=partial,
        rows=len(sheet.rows),
        accepted=len(sheet.rows) - len(bad),
        rejected_rows=len(bad),
        imported=written,
        document=document,
        rejected=rejects.sorted(),
    )


def template(kind: str, fmt: str) -> bytes:
    """An empty file of ``kind`` to fill in: the header and one example row (CSV or XLSX)."""
    spec = spec_for(kind)
    header = spec.names
    example = [c.example for c in spec.columns]
    if fmt == "csv":
        import csv

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([header, example])
        return out.getvalue().encode("utf-8-sig")
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(str(kind))
    bold = book.add_format({"bold": True})
    for col, column in enumerate(spec.columns):
        sheet.write_string(0, col, column.name, bold)
        sheet.write_string(1, col, column.example)
        sheet.write_comment(0, col, column.help)
        sheet.set_column(col, col, max(12, len(column.name) + 2))
    book.close()
    return buffer.getvalue()
