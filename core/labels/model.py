"""What a label carries and the label stock it is printed on (sheets and rolls)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm

__all__ = ["LAYOUTS", "MAX_LABELS", "Label", "Layout", "LocationLabel", "PieceLabel"]

#: The most labels one request prints (about 84 A4 sheets); larger runs are split by the caller.
MAX_LABELS = 2000


@dataclass(frozen=True)
class PieceLabel:
    """A serialised piece: QR of ``FACET:S:<code>``, Code 128 of the code, and what it is."""

    code: str
    sku: str
    lot: str
    name: str = ""
    weight_g: float | None = None
    metal: str | None = None
    purity: str | None = None

    @property
    def qr(self) -> str:
        """The QR payload (see core.lots.qr)."""
        return f"FACET:S:{self.code}"


@dataclass(frozen=True)
class LocationLabel:
    """A location: QR of ``FACET:L:<code>``, Code 128 of the code, its zone and check digits."""

    code: str
    name: str = ""
    zone: str = ""
    check_digits: str | None = None

    @property
    def qr(self) -> str:
        """The QR payload (see core.lots.qr)."""
        return f"FACET:L:{self.code}"


Label = PieceLabel | LocationLabel


@dataclass(frozen=True)
class Layout:
    """Label stock: one label per page (a roll) or a grid of labels on a sheet, in points."""

    name: str
    title: str
    label_w: float
    label_h: float
    page_w: float
    page_h: float
    columns: int = 1
    rows: int = 1
    left: float = 0.0
    top: float = 0.0
    pitch_x: float = 0.0
    pitch_y: float = 0.0

    @property
    def per_page(self) -> int:
        """Labels on one page."""
        return self.columns * self.rows

    @property
    def is_roll(self) -> bool:
        """True for thermal-printer rolls (one label per page), the stock ZPL prints on."""
        return self.per_page == 1

    def pages(self, count: int) -> int:
        """Pages (sheets or roll labels) ``count`` labels take."""
        return -(-count // self.per_page)

    def origin(self, index: int) -> tuple[float, float]:
        """Bottom-left corner of the ``index``-th label on its page (row by row from the top)."""
        slot = index % self.per_page
        row, column = divmod(slot, self.columns)
        x = self.left + column * self.pitch_x
        y = self.page_h - self.top - row * self.pitch_y - self.label_h
        return x, y


def _roll(name: str, title: str, width_mm: float, height_mm: float) -> Layout:
    return Layout(name, title, width_mm * mm, height_mm * mm, width_mm * mm, height_mm * mm)


LAYOUTS: dict[str, Layout] = {
    # 3 x 8 on A4, 63.5 x 33.9 mm (the Avery L7159 / 24-up grid sold across Europe and Asia).
    "a4-24": Layout("a4-24", "A4, 24 per sheet (3 x 8, 63.5 x 33.9 mm)", 63.5 * mm, 33.9 * mm,
                    A4[0], A4[1], columns=3, rows=8, left=7.25 * mm, top=12.9 * mm,
                    pitch_x=66.0 * mm, pitch_y=33.9 * mm),
    # 3 x 10 on US Letter, 2 5/8 x 1 in (the Avery 5160 / 30-up grid).
    "letter-30": Layout("letter-30", "US Letter, 30 per sheet (3 x 10, 2 5/8 x 1 in)",
                        2.625 * inch, 1.0 * inch, LETTER[0], LETTER[1], columns=3, rows=10,
                        left=0.1875 * inch, top=0.5 * inch, pitch_x=2.75 * inch,
                        pitch_y=1.0 * inch),
    "roll-60x30": _roll("roll-60x30", "Roll, 60 x 30 mm", 60, 30),
    "roll-100x50": _roll("roll-100x50", "Roll, 100 x 50 mm", 100, 50),
}
