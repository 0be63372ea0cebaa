"""Labels as ZPL II for Zebra-compatible thermal printers (203 or 300 dpi).

One ``^XA ... ^XZ`` format per label: QR (``^BQ``, model 2, error level M) top left, text
beside it and Code 128 (``^BC``, automatic subset switching) across the foot, the same
arrangement as the PDF. Every field goes through ``^FH`` so a ``^``, ``~`` or ``_`` in data
prints as itself instead of starting a command. ``^CI28`` makes field data UTF-8; Chinese
text is printed with a TrueType font the printer holds (``cjk_font``, by default
``E:SIMSUN.TTF``: download it once with Zebra's font tools), since the built-in fonts have no
Chinese glyphs.
"""

from __future__ import annotations

from collections.abc import Sequence

import segno
from reportlab.lib.units import mm

from core.labels.model import Label, Layout, LocationLabel, PieceLabel

__all__ = ["DEFAULT_CJK_FONT", "DPIS", "escape", "render_zpl"]

DPIS = (203, 300)
DEFAULT_CJK_FONT = "E:SIMSUN.TTF"
_MARGIN_MM = 1.5
_GAP_MM = 1.2


def escape(text: str) -> str:
    """Field data safe after ``^FH`` (hex indicator ``_``): ``^``, ``~`` and ``_`` as hex;
    control characters, which no label needs, are dropped."""
    clean = "".join(ch for ch in text if ch.isprintable())
    return clean.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


class _Format:
    """One label's ZPL, in printer dots."""

    def __init__(self, layout: Layout, dpi: int, cjk_font: str) -> None:
        self.dpi = dpi
        self.cjk_font = cjk_font
        self.width = self.dots(layout.label_w / mm)
        self.height = self.dots(layout.label_h / mm)
        self.margin = self.dots(_MARGIN_MM)
        self.parts = ["^XA", "^CI28", f"^PW{self.width}", f"^LL{self.height}", "^LH0,0"]

    def dots(self, millimetres: float) -> int:
        """Millimetres as printer dots."""
        return round(millimetres * self.dpi / 25.4)

    def text(self, x: int, y: int, value: str, height: int, width: int) -> None:
        """One line of text, cut to about ``width`` dots (the printer does not measure)."""
        height = max(height, 12)
        fits = max(1, int(width / (0.58 * height)))
        value = value if len(value) <= fits else value[: max(1, fits - 1)] + "."
        font = f"^A0N,{height},0" if value.isascii() else f"^A@N,{height},{height},{self.cjk_font}"
        self.parts.append(f"^FO{x},{y}{font}^FH^FD{escape(value)}^FS")

    def qr(self, payload: str, size: int) -> int:
        """The QR at the top left, magnified to fit ``size`` dots; returns its side in dots."""
        # Only the size is wanted (the printer encodes the QR), so any fixed mask will do.
        modules = segno.make(payload, error="m", micro=False, mask=0).symbol_size(border=0)[0]
        magnify = max(1, min(10, size // modules))
        self.parts.append(
            f"^FO{self.margin},{self.margin}^BQN,2,{magnify},M^FH^FDMA,{escape(payload)}^FS")
        return int(modules * magnify)

    def code128(self, value: str, height: int) -> None:
        """Code 128 across the foot, its module as wide as the label allows (1 dot at least)."""
        room = self.width - 2 * self.margin
        modules = 11 * (len(value) + 3) + 2 + 20  # subset B worst case, quiet zones included
        module = max(1, room // modules)
        x = self.margin + max(0, (room - module * (modules - 20)) // 2)
        y = self.height - self.margin - height
        self.parts.append(
            f"^BY{module},3,{height}^FO{x},{y}^BCN,{height},N,N,N,A^FH^FD{escape(value)}^FS")

    def finish(self) -> str:
        """The label's ZPL."""
        return "\n".join([*self.parts, "^PQ1", "^XZ"])


def _label(label: Label, layout: Layout, dpi: int, cjk_font: str) -> str:
    zpl = _Format(layout, dpi, cjk_font)
    bar_h = max(zpl.dots(4.5), round(zpl.height * 0.2))
    zpl.code128(label.code, bar_h)
    room = zpl.height - 2 * zpl.margin - bar_h - zpl.dots(_GAP_MM)
    side = zpl.qr(label.qr, min(room, int(zpl.width * 0.45)))
    left = zpl.margin + side + zpl.dots(_GAP_MM)
    width = zpl.width - left - zpl.margin
    if isinstance(label, PieceLabel):
        _piece_text(zpl, label, left, width, side)
    else:
        _location_text(zpl, label, left, width, side)
    return zpl.finish()


def _piece_text(zpl: _Format, label: PieceLabel, left: int, width: int, side: int) -> None:
    weight = f"{label.weight_g:.2f} g" if label.weight_g else ""
    lines = [label.sku, label.name, label.lot,
             " ".join(p for p in (weight, label.metal, label.purity) if p)]
    lines = [line for line in lines if line]
    step = side // (len(lines) + 1)
    zpl.text(left, zpl.margin, label.code, int(step * 0.95), width)
    for n, line in enumerate(lines, start=1):
        zpl.text(left, zpl.margin + step * n + step // 8, line, int(step * 0.75), width)


def _location_text(zpl: _Format, label: LocationLabel, left: int, width: int, side: int) -> None:
    zpl.text(left, zpl.margin, label.code, int(side * 0.2), width)
    where = " / ".join(p for p in (label.zone, label.name) if p and p != label.code)
    if where:
        zpl.text(left, zpl.margin + int(side * 0.24), where, int(side * 0.14), width)
    if label.check_digits:  # large: a picker reads them aloud from arm's length
        zpl.text(left, zpl.margin + int(side * 0.42), label.check_digits, int(side * 0.56), width)


def render_zpl(labels: Sequence[Label], layout: Layout, dpi: int, *,
               cjk_font: str = DEFAULT_CJK_FONT) -> str:
    """Every label as its own ZPL format, for a printer of ``dpi`` (203 or 300)."""
    if dpi not in DPIS:
        raise ValueError(f"dpi must be one of {DPIS}, not {dpi}")
    return "\n".join(_label(label, layout, dpi, cjk_font) for label in labels) + "\n"
