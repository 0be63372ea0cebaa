"""One label as a reportlab Drawing: QR top left, text beside it, Code 128 across the foot.

The same drawing goes onto PDF pages (pdf.py) and into the SVG previews, so what the page
previews is what prints. Sizes are fractions of the label, so every layout gets a readable
label: the Code 128 takes the full width (its bars as wide as the label allows, quiet zones
included) and the QR the height above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path as FilePath

import segno
from reportlab.graphics import renderSVG
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.shapes import FILL_NON_ZERO, Drawing, Path, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from core.labels.model import Label, Layout, LocationLabel, PieceLabel

__all__ = ["cjk_font", "label_drawing", "label_svg", "text_font"]

MARGIN = 1.5 * mm
GAP = 1.2 * mm
QUIET = 10  # Code 128's quiet zone, in modules, each side
QR_BORDER = 2  # modules of white around the QR, inside its square
# TrueType CJK fonts embedded when installed (every viewer and printer then draws the same
# glyphs); else the PDF's standard STSong-Light, which viewers supply themselves.
CJK_TTF = (
    FilePath("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    FilePath("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    FilePath("/usr/share/fonts/truetype/arphic/uming.ttc"),
    FilePath("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)


@cache
def cjk_font() -> str:
    """The registered font for Chinese text: an installed TrueType font, else STSong-Light."""
    for path in CJK_TTF:
        if path.is_file():
            try:
                pdfmetrics.registerFont(TTFont("FacetCJK", str(path)))
            except (TTFError, OSError):  # a CFF-outline or damaged file: try the next
                continue
            return "FacetCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def text_font(text: str, *, bold: bool = False) -> str:
    """Helvetica for Latin-1 text; the CJK font for anything else."""
    if all(ord(ch) < 256 for ch in text):
        return "Helvetica-Bold" if bold else "Helvetica"
    return cjk_font()


def _fitted(text: str, x: float, y: float, width: float, size: float, *,
            bold: bool = False, anchor: str = "start") -> String:
    """``text`` at the largest size up to ``size`` that fits ``width``, else cut with '...'."""
    font = text_font(text, bold=bold)
    floor = max(4.5, size * 0.6)
    while size > floor and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.25
    while len(text) > 1 and pdfmetrics.stringWidth(text, font, size) > width:
        text = text[:-2] + "…" if len(text) > 2 else text[:1]
    return String(x, y, text, fontName=font, fontSize=size, textAnchor=anchor)


def _box(path: Path, left: float, bottom: float, right: float, top: float) -> None:
    path.moveTo(left, bottom)
    path.lineTo(right, bottom)
    path.lineTo(right, top)
    path.lineTo(left, top)
    path.closePath()


def _code128(value: str, x: float, y: float, width: float, height: float) -> Path:
    """Code 128 of ``value`` filling ``width`` (quiet zones of 10 modules included),
    ``height`` tall, as one path (a shape per bar makes a sheet of 2,000 labels crawl)."""
    path = Path(fillColor=colors.black, strokeColor=None, fillMode=FILL_NON_ZERO)
    if not value.isascii():
        return path  # Code 128 carries ASCII only; the QR still carries the code
    symbol = Code128(value)
    symbol.validate()
    symbol.encode()
    symbol.decompose()  # bars as capitals, spaces as small letters: A/a is one module wide
    widths = [(ord(ch.upper()) - ord("A") + 1, ch.isupper()) for ch in symbol.decomposed]
    module = width / (sum(w for w, _ in widths) + 2 * QUIET)
    left = x + QUIET * module
    for modules, bar in widths:
        if bar:
            _box(path, left, y, left + modules * module, y + height)
        left += modules * module
    return path


def _runs(row: bytearray) -> set[tuple[int, int]]:
    """The dark runs of a QR row as (first, past-last) columns."""
    runs, c, count = set(), 0, len(row)
    while c < count:
        if row[c]:
            start = c
            while c < count and row[c]:
                c += 1
            runs.add((start, c))
        c += 1
    return runs


def _qr(payload: str, x: float, y: float, size: float) -> Path:
    """The QR of ``payload`` (error level M, 2-module border) ``size`` wide, as one path of
    rectangles: a run of dark modules and the same run in the rows below it make one (fewer
    points to write: a 2,000-label sheet is mostly QR)."""
    matrix = segno.make(payload, error="m", micro=False).matrix
    module = size / (len(matrix) + 2 * QR_BORDER)
    path = Path(fillColor=colors.black, strokeColor=None, fillMode=FILL_NON_ZERO)

    def box(run: tuple[int, int], first: int, past: int) -> None:
        _box(path, x + (QR_BORDER + run[0]) * module, y + size - (QR_BORDER + past) * module,
             x + (QR_BORDER + run[1]) * module, y + size - (QR_BORDER + first) * module)

    open_runs: dict[tuple[int, int], int] = {}  # run -> the row it started on
    for r, row in enumerate(matrix):
        runs = _runs(row)
        for run in [run for run in open_runs if run not in runs]:
            box(run, open_runs.pop(run), r)
        for run in runs - open_runs.keys():
            open_runs[run] = r
    for run, first in open_runs.items():
        box(run, first, len(matrix))
    return path


@dataclass(frozen=True)
class _TextBox:
    """Where a label's text goes: right of the QR, from its top down to its bottom."""

    left: float
    top: float
    bottom: float
    width: float

    @property
    def height(self) -> float:
        """From the QR's top to its bottom."""
        return self.top - self.bottom


def _frame(label: Label, w: float, h: float) -> tuple[Drawing, _TextBox]:
    """The drawing with its QR and Code 128 placed, and the box left for the text."""
    drawing = Drawing(w, h)
    drawing.add(Rect(0, 0, w, h, fillColor=colors.white, strokeColor=None))
    bar_h = max(4.5 * mm, 0.2 * h)
    drawing.add(_code128(label.code, MARGIN, MARGIN, w - 2 * MARGIN, bar_h))
    qr_size = min(h - 2 * MARGIN - bar_h - GAP, 0.45 * w)
    top = h - MARGIN
    drawing.add(_qr(label.qr, MARGIN, top - qr_size, qr_size))
    left = MARGIN + qr_size + GAP
    return drawing, _TextBox(left, top, top - qr_size, w - left - MARGIN)


def _piece(label: PieceLabel, w: float, h: float) -> Drawing:
    drawing, box = _frame(label, w, h)
    lines = [label.sku, label.name, label.lot,
             " ".join(p for p in (_grams(label.weight_g), label.metal, label.purity) if p)]
    lines = [line for line in lines if line]
    step = box.height / (len(lines) + 1.3)
    drawing.add(_fitted(label.code, box.left, box.top - step * 1.1, box.width, step * 1.15,
                        bold=True))
    for n, line in enumerate(lines, start=2):
        drawing.add(_fitted(line, box.left, box.top - step * (n + 0.1), box.width, step * 0.85))
    return drawing


def _location(label: LocationLabel, w: float, h: float) -> Drawing:
    drawing, box = _frame(label, w, h)
    size = box.height
    drawing.add(_fitted(label.code, box.left, box.top - size * 0.2, box.width, size * 0.2,
                        bold=True))
    where = " / ".join(p for p in (label.zone, label.name) if p and p != label.code)
    if where:
        drawing.add(_fitted(where, box.left, box.top - size * 0.37, box.width, size * 0.14))
    if label.check_digits:  # large: a picker reads them aloud from arm's length
        drawing.add(_fitted(label.check_digits, box.left + box.width / 2, box.bottom + size * 0.04,
                            box.width, size * 0.58, bold=True, anchor="middle"))
    return drawing


def _grams(weight: float | None) -> str:
    return f"{weight:.2f} g" if weight else ""


def label_drawing(label: Label, layout: Layout) -> Drawing:
    """The label drawn at the layout's label size."""
    if isinstance(label, PieceLabel):
        return _piece(label, layout.label_w, layout.label_h)
    return _location(label, layout.label_w, layout.label_h)


#: The PDF's font names as CSS font stacks: a browser knows no "Helvetica-Bold" and would
#: fall back to a serif face, and no bold.
_CSS_FONTS = {
    "font-family: Helvetica-Bold;": "font-family: 'Liberation Sans', Arial, Helvetica, "
                                    "sans-serif; font-weight: bold;",
    "font-family: Helvetica;": "font-family: 'Liberation Sans', Arial, Helvetica, sans-serif;",
    "font-family: STSong-Light;": "font-family: 'Noto Sans CJK SC', 'Noto Serif CJK SC', "
                                  "'Source Han Sans SC', sans-serif;",
    "font-family: FacetCJK;": "font-family: 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', "
                              "sans-serif;",
}


def label_svg(label: Label, layout: Layout) -> str:
    """The label as SVG, for a preview on screen."""
    svg: str = renderSVG.drawToString(label_drawing(label, layout))
    for pdf_font, css in _CSS_FONTS.items():
        svg = svg.replace(pdf_font, css)
    return svg
