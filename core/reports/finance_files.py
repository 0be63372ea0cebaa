"""Finance documents as JSON, CSV and XLSX: one row per line with its document's number, date
and counterparty, then a totals row; numbers stay numbers and text never becomes a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from core.reports.export import safe_text
from core.reports.finance import CURRENCY, FinanceDocument, FinanceKind, FinanceLine, Register

__all__ = ["TOTAL", "document_json", "line_rows", "register_json", "rows_csv", "rows_xlsx"]

#: The first cell of the totals row.
TOTAL = "TOTAL"
MONEY_COLUMNS = frozenset({"unit_value", "value", "unit_price", "sale_value"})


def _line_json(line: FinanceLine, kind: FinanceKind) -> dict[str, Any]:
    out: dict[str, Any] = {
        "line": line.line_no,
        "sku": line.sku,
        "lot": line.lot,
        "serials": list(line.serials),
        "from_location": line.from_location,
        "to_location": line.to_location,
        "quantity": line.quantity,
        "unit_value": line.unit_value,
        "value": line.value,
        "basis": line.basis,
    }
    if kind == FinanceKind.ISSUE:
        out |= {"unit_price": line.unit_price, "sale_value": line.sale_value}
    return out


def _head(doc: FinanceDocument) -> dict[str, Any]:
    return {
        "number": doc.number,
        "date": doc.date,
        "kind": str(doc.kind),
        "source": doc.source,
        "counterparty": doc.counterparty,
        "reference": doc.reference,
        "reason": doc.reason,
    }


def document_json(doc: FinanceDocument) -> dict[str, Any]:
    """One document: its head, lines and totals, and the currency."""
    return _head(doc) | {
        "currency": CURRENCY,
        "totals": doc.totals(),
        "lines": [_line_json(ln, doc.kind) for ln in doc.lines],
    }


def register_json(reg: Register) -> dict[str, Any]:
    """The register: each document's head and totals (lines are in the document's own answer
    and in the CSV/XLSX/PDF files), and the period's totals."""
    return {
        "kind": str(reg.kind),
        "from": reg.since,
        "to": reg.until,
        "currency": reg.currency,
        "totals": reg.totals(),
        "documents": [_head(d) | {"totals": d.totals()} for d in reg.documents],
    }


def line_rows(
    kind: FinanceKind, docs: Sequence[FinanceDocument], totals: dict[str, Any]
) -> list[dict[str, Any]]:
    """A row per line (its document's head repeated) and a last row with the totals."""
    rows: list[dict[str, Any]] = []
    for doc in docs:
        head = {
            "document": doc.number,
            "date": doc.date.isoformat(timespec="seconds"),
            "kind": str(doc.kind),
            "counterparty": doc.counterparty,
            "reference": doc.reference or "",
            "reason": doc.reason or "",
        }
        for ln in doc.lines:
            line = _line_json(ln, kind)
            line["serials"] = " ".join(ln.serials)
            rows.append(head | line | {"currency": CURRENCY})
    blank = dict.fromkeys(rows[0] if rows else _columns(kind), "")
    rows.append(
        blank
        | {
            "document": TOTAL,
            "quantity": totals["quantity"],
            "value": totals["value"],
            "currency": CURRENCY,
        }
        | ({"sale_value": totals["sale_value"]} if "sale_value" in totals else {})
    )
    return rows


def _columns(kind: FinanceKind) -> list[str]:
    money = ["unit_price", "sale_value"] if kind == FinanceKind.ISSUE else []
    return [
        "document",
        "date",
        "kind",
        "counterparty",
        "reference",
        "reason",
        "line",
        "sku",
        "lot",
        "serials",
        "from_location",
        "to_location",
        "quantity",
        "unit_value",
        "value",
        "basis",
        *money,
        "currency",
    ]


def rows_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV with a header; text cells a spreadsheet would run are quoted with '."""
    out = io.StringIO()
    columns = list(rows[0])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal | int):
        return value
    return safe_text(str(value))


def rows_xlsx(rows: Sequence[dict[str, Any]], *, title: str) -> bytes:
    """The rows as one sheet: header bold and frozen, money as numbers with two decimals."""
    import xlsxwriter  # only exports need it

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True})
    cents = book.add_format({"num_format": "#,##0.00"})
    bold_cents = book.add_format({"num_format": "#,##0.00", "bold": True})
    columns = list(rows[0])
    for c, name in enumerate(columns):
        sheet.write_string(0, c, name, bold)
        sheet.set_column(c, c, 14 if name in MONEY_COLUMNS else max(8, min(30, len(name) + 4)))
    for r, row in enumerate(rows, start=1):
        last = row.get("document") == TOTAL and r == len(rows)
        for c, name in enumerate(columns):
            value = row.get(name)
            if isinstance(value, Decimal):
                sheet.write_number(r, c, float(value), bold_cents if last else cents)
            elif isinstance(value, int):
                sheet.write_number(r, c, value, bold if last else None)
            elif value not in (None, ""):
                sheet.write_string(r, c, str(value), bold if last else None)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
