"""Finance documents as A4 PDFs: a header on every page, the lines (or a register's documents),
totals, and "page n of m" at the foot. Text outside Latin-1 (a customer's Chinese name) is set
in the STSong-Light CID font, which PDF readers supply, so nothing is embedded."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.reports.finance import CURRENCY, FinanceDocument, FinanceKind, Register

__all__ = ["document_pdf", "register_pdf"]

CJK = "STSong-Light"
TITLES = {
    FinanceKind.RECEIPT: "Goods receipt",
    FinanceKind.ISSUE: "Goods issue",
    FinanceKind.TRANSFER: "Stock transfer",
    FinanceKind.ADJUSTMENT: "Stock adjustment",
}
MARGIN = 15 * mm
CHUNK = 300
_fonts_ready = False


def _font_for(text: str) -> str:
    global _fonts_ready
    if all(ord(ch) < 256 for ch in text):
        return "Helvetica"
    if not _fonts_ready:  # registered once, on the first text that needs it
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
        _fonts_ready = True
    return CJK


def _p(text: Any, size: float = 7.5, bold: bool = False) -> Paragraph:
    value = "" if text is None else str(text)
    font = _font_for(value)
    if bold and font == "Helvetica":
        font = "Helvetica-Bold"
    style = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size * 1.25)
    return Paragraph(escape(value), style)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """A canvas that holds its pages back to write "page n of m" once m is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Stamp every page with its number and the count, then write the file."""
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 8)
            self.drawRightString(
                A4[0] - MARGIN, 8 * mm, f"Page {self._pageNumber} of {len(self._pages)}"
            )
            super().showPage()
        super().save()


def _build(title: str, heading: list[tuple[str, str]], body: list[Any]) -> bytes:
    buffer = io.BytesIO()

    def header(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(MARGIN, A4[1] - 12 * mm, title)
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - MARGIN, A4[1] - 12 * mm, f"Facet / {CURRENCY}")
        canvas.line(MARGIN, A4[1] - 14 * mm, A4[0] - MARGIN, A4[1] - 14 * mm)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=15 * mm,
        title=title,
        author="Facet",
        creator="Facet finance documents",
    )
    facts = Table(
        [[_p(k, 8, bold=True), _p(v, 8)] for k, v in heading],
        colWidths=[35 * mm, A4[0] - 2 * MARGIN - 35 * mm],
    )
    facts.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    )
    doc.build(
        [facts, Spacer(1, 4 * mm), *body],
        onFirstPage=header,
        onLaterPages=header,
        canvasmaker=_NumberedCanvas,
    )
    return buffer.getvalue()


def _short(text: str, limit: int) -> Any:
    """Plain text when it is Latin-1 and fits on one line (fast); else a wrapping paragraph."""
    return text if len(text) <= limit and _font_for(text) == "Helvetica" else _p(text)


def _table(
    head: Sequence[str], rows: list[list[Any]], widths: Sequence[float], numeric_from: int
) -> list[Table]:
    """Grids of at most :data:`CHUNK` rows with a repeated bold header, numbers right-aligned
    and the last row (the totals) bold; a table is split into several because reportlab lays
    a long one out in time that grows faster than its rows."""
    header = [_p(h, 7.5, bold=True) for h in head]
    tables = []
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        last = start + CHUNK >= len(rows)
        table = Table([header, *part], colWidths=[w * mm for w in widths], repeatRows=1)
        style = [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
            ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f0ea")]),
        ]
        if last:
            style += [
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 7.5),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, -1), (-1, -1), colors.white),
            ]
        table.setStyle(TableStyle(style))
        tables.append(table)
    return tables


def document_pdf(doc: FinanceDocument) -> bytes:
    """One finance document: number, date, counterparty, its lines with values, totals."""
    issue = doc.kind == FinanceKind.ISSUE
    head = ["#", "SKU / lot", "Serials", "From", "To", "Qty", "Unit value", "Value"]
    widths = (
        [7, 32, 37, 22, 22, 11, 20, 20] if not issue else [7, 28, 27, 18, 18, 10, 18, 18, 18, 18]
    )
    if issue:
        head += ["Unit price", "Sale value"]
    rows: list[list[Any]] = []
    for ln in doc.lines:
        row = [
            ln.line_no,
            _p(f"{ln.sku} / {ln.lot}"),
            _p(" ".join(ln.serials), 6.5),
            _p(ln.from_location),
            _p(ln.to_location),
            ln.quantity,
            _amount(ln.unit_value),
            _amount(ln.value),
        ]
        rows.append(row + ([_amount(ln.unit_price), _amount(ln.sale_value)] if issue else []))
    totals = doc.totals()
    rows.append(
        ["", "Total", "", "", "", totals["quantity"], "", _amount(totals["value"])]
        + (["", _amount(totals["sale_value"])] if issue else [])
    )
    heading = [
        ("Number", doc.number),
        ("Date", doc.date.strftime("%Y-%m-%d %H:%M UTC")),
        ("Kind", f"{doc.kind} ({doc.source})"),
        ("Counterparty", doc.counterparty),
        ("Reference", doc.reference or ""),
        ("Reason", doc.reason or ""),
        ("Currency", CURRENCY),
    ]
    heading += _gains(totals)
    return _build(
        f"{TITLES[doc.kind]} {doc.number}", heading, _table(head, rows, widths, numeric_from=5)
    )


def _gains(totals: dict[str, Any]) -> list[tuple[str, str]]:
    if "gains" not in totals:
        return []
    return [("Gains", _amount(totals["gains"])), ("Losses", _amount(totals["losses"]))]


def register_pdf(reg: Register) -> bytes:
    """A period's register: each document's number, date, counterparty, lines, quantity and
    value (sale value for issues), and the period's totals."""
    issue = reg.kind == FinanceKind.ISSUE
    head = ["Number", "Date", "Counterparty", "Lines", "Qty", "Value"]
    widths = [24, 32, 68, 14, 16, 26] if not issue else [22, 28, 56, 12, 14, 24, 24]
    if issue:
        head.append("Sale value")
    rows: list[list[Any]] = []
    for doc in reg.documents:
        t = doc.totals()
        rows.append(
            [
                doc.number,
                doc.date.strftime("%Y-%m-%d %H:%M"),
                _short(doc.counterparty, 40 if issue else 48),
                t["lines"],
                t["quantity"],
                _amount(t["value"]),
            ]
            + ([_amount(t["sale_value"])] if issue else [])
        )
    totals = reg.totals()
    rows.append(
        [
            "Total",
            "",
            f"{totals['documents']} documents",
            totals["lines"],
            totals["quantity"],
            _amount(totals["value"]),
        ]
        + ([_amount(totals["sale_value"])] if issue else [])
    )
    heading = [
        ("Register", f"{reg.kind}s"),
        ("Period", f"{reg.since} to {reg.until}"),
        ("Currency", reg.currency),
        ("Times", "UTC"),
        *_gains(totals),
    ]
    title = f"{TITLES[reg.kind]} register {reg.since} to {reg.until}"
    return _build(title, heading, _table(head, rows, widths, numeric_from=3))
