"""Report rows as CSV or XLSX: the same columns, in order, as the JSON answer."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = ["columns_of", "finite", "safe_text", "to_csv", "to_xlsx"]

# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP CSV
# injection): ``=HYPERLINK(...)`` in a supplier's name would become a live link or command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def columns_of(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Every key of the rows, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def finite(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with every non-finite float (NaN, infinity) as None: JSON has no such numbers
    and a stored absurd value must not make a report fail."""
    return [{k: None if isinstance(v, float) and not math.isfinite(v) else v
             for k, v in row.items()} for row in rows]


def safe_text(text: str) -> str:
    """``text`` with a ``'`` in front when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> Any:
    """A value as a cell: numbers stay numbers, everything else becomes text."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return str(value)


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV text with a header line."""
    out = io.StringIO()
    columns = columns_of(rows)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_text(c) for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(_cell(row.get(c))) for c in columns])
    return out.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return safe_text(value) if isinstance(value, str) else value


def to_xlsx(rows: Sequence[dict[str, Any]], *, title: str) -> bytes:
    """The rows as one worksheet named after the report, header bold and frozen."""
    import xlsxwriter  # only exports need it

    out = io.BytesIO()
    # Text is always a string cell: never a formula, a link or a number guessed from it.
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True})
    columns = columns_of(rows)
    for c, name in enumerate(columns):
        sheet.write_string(0, c, name, bold)
        sheet.set_column(c, c, max(10, min(40, len(name) + 2)))
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(columns):
            _xlsx_cell(sheet, r, c, _cell(row.get(name)))
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def _xlsx_cell(sheet: Any, r: int, c: int, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float | Decimal):
        if math.isfinite(value):
            sheet.write_number(r, c, float(value))
    else:
        sheet.write_string(r, c, value)
