"""Import files for the tests: CSV or XLSX bytes from rows of cells."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook


def csv_bytes(rows: Sequence[Sequence[object]], delimiter: str = ",", bom: bool = False) -> bytes:
    """``rows`` as CSV text (UTF-8, optionally with a BOM)."""
    text = "\r\n".join(delimiter.join(str(c) for c in row) for row in rows) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    """``rows`` as an XLSX workbook (numbers stay numbers)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_file(fmt: str, rows: Sequence[Sequence[object]]) -> tuple[str, bytes]:
    """A file name and content of format ``fmt`` (csv or xlsx)."""
    return (f"rows.{fmt}", csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows))


CATALOGUE_HEADER = [
    "style",
    "name",
    "category",
    "sku",
    "metal",
    "purity",
    "size",
    "gross_weight_g",
    "net_weight_g",
    "price",
    "serialised",
]


def catalogue_rows(n: int, prefix: str = "IMP") -> list[list[object]]:
    """``n`` good catalogue rows (ten SKUs per style), header first."""
    rows: list[list[object]] = [list(CATALOGUE_HEADER)]
    for i in range(n):
        style = f"{prefix}-ST{i // 10:05d}"
        rows.append(
            [
                style,
                f"Style {i // 10}",
                "ring",
                f"{prefix}-{i:06d}",
                "gold",
                "Au750",
                str(5 + i % 10),
                3.5,
                3.1,
                "1200.00",
                "yes" if i % 2 else "no",
            ]
        )
    return rows


def spoil(rows: list[list[object]], every: int) -> list[int]:
    """Break every ``every``-th data row in one of five ways; the broken lines (header = 1)."""
    broken = []
    col = {name: i for i, name in enumerate(CATALOGUE_HEADER)}
    for k, index in enumerate(range(every, len(rows), every)):
        row = rows[index]
        way = k % 5
        if way == 0:
            row[col["price"]] = "cheap"
        elif way == 1:
            row[col["net_weight_g"]] = 9.9  # over gross
        elif way == 2:
            row[col["sku"]] = rows[1][col["sku"]]  # duplicate of line 2
        elif way == 3:
            row[col["metal"]] = ""
        else:
            row[col["sku"]] = "bad code!"
        broken.append(index + 1)
    return broken
