"""Report rows as CSV or XLSX: the same columns, in order, as the JSON answer."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

__all__ = ["columns_of", "to_csv", "to_xlsx"]


def columns_of(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Every key of the rows, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return value


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV text with a header line."""
    out = io.StringIO()
    columns = columns_of(rows)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _cell(row.get(c)) for c in columns])
    return out.getvalue()


def to_xlsx(rows: Sequence[dict[str, Any]], *, title: str) -> bytes:
    """The rows as one worksheet named after the report, header bold and frozen."""
    import xlsxwriter  # only exports need it

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True})
    columns = columns_of(rows)
    for c, name in enumerate(columns):
        sheet.write(0, c, name, bold)
        sheet.set_column(c, c, max(10, min(40, len(name) + 2)))
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(columns):
            value = _cell(row.get(name))
            if value is not None:
                sheet.write(r, c, value)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
