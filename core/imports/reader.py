"""Reading an uploaded table: CSV (UTF-8, with or without BOM; comma, semicolon or tab) or XLSX.

The reader only turns a file into rows of text keyed by canonical column names, each with the
line number a person sees in the file (the header is line 1). What the values mean is checked
by each kind's validator.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.errors import ValidationFailed
from core.imports.columns import KindSpec

__all__ = ["MAX_CELL", "MAX_ROWS", "Row", "Sheet", "read_sheet"]

#: The most data rows one file may carry.
MAX_ROWS = 100_000
#: The longest cell kept; a longer one rejects its row (no column of the catalogue is wider).
MAX_CELL = 1024
_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file and its cells by canonical column name ('' = empty)."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The cell of ``column``, '' when empty or absent."""
        return self.values.get(column, "")


@dataclass
class Sheet:
    """The rows of a file and the canonical columns its header names."""

    columns: list[str]
    rows: list[Row] = field(default_factory=list)


def read_sheet(content: bytes, filename: str, spec: KindSpec) -> Sheet:
    """The rows of ``content`` (named ``filename``); `ValidationFailed` for an unusable file."""
    suffix = _suffix(filename)
    if not content.strip():
        raise ValidationFailed("The file is empty.", code="empty-file")
    records = _xlsx_records(content) if suffix == ".xlsx" else _csv_records(content)
    return _sheet(records, spec)


def _suffix(filename: str) -> str:
    name = filename.lower().strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return suffix
    raise ValidationFailed(
        f"'{filename[:80]}' is neither a CSV nor an XLSX file; save it as .csv or .xlsx.",
        code="unsupported-file",
    )


def _csv_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in content[:4096]:
        raise ValidationFailed(
            "The file is not text: save the sheet as CSV (UTF-8) or XLSX.", code="unreadable-file"
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            f"The file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8 or XLSX.",
            code="unreadable-file",
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    csv.field_size_limit(max(csv.field_size_limit(), len(content) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationFailed(
            f"Line {start}: the file is not well-formed CSV ({exc}).", code="unreadable-file"
        ) from exc


def _xlsx_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only where an XLSX file is read

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValidationFailed(
            "The file is not a readable XLSX workbook.", code="unreadable-file"
        ) from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ValidationFailed("The workbook has no sheet.", code="empty-file")
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(c) for c in cells]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _sheet(records: Iterable[tuple[int, list[str]]], spec: KindSpec) -> Sheet:
    iterator = iter(records)
    header: Sequence[str] | None = None
    for _line, cells in iterator:
        if any(c.strip() for c in cells):
            header = cells
            break
    if header is None:
        raise ValidationFailed("The file has no header row.", code="empty-file")
    columns = _columns(header, spec)
    sheet = Sheet([c for c in columns if c])
    for line, cells in iterator:
        if not any(c.strip() for c in cells):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise ValidationFailed(
                f"The file has more than {MAX_ROWS:,} rows; split it.", code="too-many-rows"
            )
        values = {
            name: cell.strip()
            for name, cell in zip(columns, cells, strict=False)
            if name and cell.strip()
        }
        sheet.rows.append(Row(line, values))
    if not sheet.rows:
        raise ValidationFailed("The file has a header but no rows.", code="empty-file")
    return sheet


def _columns(header: Sequence[str], spec: KindSpec) -> list[str]:
    names: list[str] = []
    unknown: list[str] = []
    for cell in header:
        text = cell.strip()
        name = spec.column_for(text) if text else ""
        if text and name is None:
            unknown.append(text[:40])
        if name and name in names:
            raise ValidationFailed(
                f"The column '{name}' is named twice in the header.", code="duplicate-column"
            )
        names.append(name or "")
    if unknown:
        raise ValidationFailed(
            f"Unknown column(s) for a {spec.kind} import: {', '.join(unknown[:5])}. "
            f"The columns are: {', '.join(spec.names)}.",
            code="unknown-column",
        )
    missing = [c.name for c in spec.columns if c.required and c.name not in names]
    if missing:
        raise ValidationFailed(
            f"The header lacks the required column(s): {', '.join(missing)}.",
            code="missing-columns",
        )
    return names
