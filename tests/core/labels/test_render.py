"""Label rendering without a database: PDF pages and what they read back as, and ZPL."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from reportlab.graphics.shapes import String
from reportlab.pdfbase import pdfmetrics

from core.labels import LAYOUTS, Label, LocationLabel, PieceLabel, render_pdf, render_zpl
from core.labels.draw import label_drawing
from core.labels.zpl import escape
from tests.core.labels.scan import crop, rasterise, read_code128, read_qr


def pieces(n: int, name: str = "Heart pendant 心形吊坠") -> list[PieceLabel]:
    """``n`` ring labels with a bilingual style name."""
    return [PieceLabel(f"RING-1-L-1-{i:05d}", "RING-1", "L-1", name, 3.2, "gold", "Au750")
            for i in range(n)]


def bins(n: int) -> list[LocationLabel]:
    """``n`` bin labels in a zone with a Chinese name."""
    return [LocationLabel(f"A01-01-1-{i:02d}", "拣货位", "Z1", f"{10 + i * 7 % 90:02d}")
            for i in range(n)]


def page_boxes(pdf: bytes) -> list[tuple[float, ...]]:
    """The MediaBox of every page of a PDF (reportlab writes page dictionaries uncompressed)."""
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    boxes = re.findall(rb"/MediaBox \[ ?([\d. ]+)\]", pdf)
    pages = len(re.findall(rb"/Type /Page\b(?!s)", pdf))
    assert pages == len(boxes)
    return [tuple(float(v) for v in box.split()) for box in boxes]


def test_sheet_grids_fit_their_paper() -> None:
    for layout in LAYOUTS.values():
        for index in (0, layout.per_page - 1):
            x, y = layout.origin(index)
            assert 0 <= x and x + layout.label_w <= layout.page_w + 0.01
            assert 0 <= y and y + layout.label_h <= layout.page_h + 0.01
    assert LAYOUTS["a4-24"].per_page == 24 and LAYOUTS["letter-30"].per_page == 30
    assert LAYOUTS["roll-60x30"].is_roll and not LAYOUTS["a4-24"].is_roll


def test_pdf_pages_follow_the_layout() -> None:
    assert page_boxes(render_pdf(pieces(25), LAYOUTS["a4-24"])) == [(0, 0, 595.2756, 841.8898)] * 2
    assert page_boxes(render_pdf(pieces(30), LAYOUTS["letter-30"])) == [(0, 0, 612, 792)]
    roll = page_boxes(render_pdf(bins(3), LAYOUTS["roll-60x30"]))
    assert len(roll) == 3 and roll[0][2:] == pytest.approx((60 / 25.4 * 72, 30 / 25.4 * 72))


def test_chinese_text_is_set_in_a_cjk_font() -> None:
    pdf = render_pdf(bins(1), LAYOUTS["roll-60x30"])
    assert b"/STSong-Light" in pdf or b"FacetCJK" in pdf
    # The Latin-only label needs no CJK font at all.
    assert b"STSong" not in render_pdf(pieces(1, name="Heart pendant"), LAYOUTS["roll-60x30"])


def test_long_text_is_fitted_to_the_label() -> None:
    label = PieceLabel("P-1", "SKU-WITH-A-VERY-LONG-CODE-INDEED-0001", "L-1",
                       "An extraordinarily long style name that no label could ever hold")
    layout = LAYOUTS["letter-30"]
    drawing = label_drawing(label, layout)
    texts = [s for s in drawing.contents if isinstance(s, String)]
    assert any(t.text.endswith("…") for t in texts)
    for text in texts:
        width = pdfmetrics.stringWidth(text.text, text.fontName, text.fontSize)
        assert text.x + width <= layout.label_w


@pytest.mark.parametrize("layout, indexes", [("a4-24", (0, 13, 23)), ("letter-30", (0, 29))])
def test_sheet_labels_read_back(tmp_path: Path, layout: str, indexes: tuple[int, ...]) -> None:
    stock = LAYOUTS[layout]
    labels = pieces(stock.per_page)
    image = rasterise(render_pdf(labels, stock), tmp_path)
    for index in indexes:
        label = crop(image, stock, index)
        assert read_qr(label) == f"FACET:S:{labels[index].code}"
        assert read_code128(label) == labels[index].code


def test_roll_location_labels_read_back(tmp_path: Path) -> None:
    stock = LAYOUTS["roll-60x30"]
    labels = bins(2)
    image = rasterise(render_pdf(labels, stock), tmp_path, page=2)
    assert read_qr(image) == "FACET:L:A01-01-1-01"
    assert read_code128(image) == "A01-01-1-01"


def test_zpl_has_qr_code128_and_size_per_dpi() -> None:
    for dpi, width, height in ((203, 480, 240), (300, 709, 354)):
        labels: list[Label] = [*pieces(2), *bins(1)]
        zpl = render_zpl(labels, LAYOUTS["roll-60x30"], dpi)
        formats = re.findall(r"\^XA.*?\^XZ", zpl, flags=re.S)
        assert len(formats) == 3
        first = formats[0]
        assert f"^PW{width}" in first and f"^LL{height}" in first and "^CI28" in first
        assert re.search(r"\^BQN,2,\d+,M\^FH\^FDMA,FACET:S:RING-1-L-1-00000\^FS", first)
        assert re.search(r"\^BY\d,3,\d+\^FO\d+,\d+\^BCN,\d+,N,N,N,A\^FH\^FDRING-1-L-1-00000\^FS",
                         first)
        assert "^FDL-1^FS" in first and "^FD3.20 g gold Au750^FS" in first
        assert "FACET:L:A01-01-1-00" in formats[2] and "^FD10^FS" in formats[2]


def test_zpl_escapes_command_characters_in_data() -> None:
    label = PieceLabel("P_1", "SKU^XZ", "L~JR", "金 ring")
    zpl = render_zpl([label], LAYOUTS["roll-100x50"], 300)
    assert "SKU_5EXZ" in zpl and "L_7EJR" in zpl and "P_5F1" in zpl
    # Outside the command letters no ^ or ~ reaches the printer: one ^XA and one ^XZ.
    assert zpl.count("^XZ") == 1 and "~" not in zpl
    assert "^A@N," in zpl and "E:SIMSUN.TTF^FH^FD金 ring^FS" in zpl
    assert escape("a\x00b\nc") == "abc"


def test_zpl_refuses_an_unknown_dpi() -> None:
    with pytest.raises(ValueError, match="dpi"):
        render_zpl(bins(1), LAYOUTS["roll-60x30"], 600)


def test_pdf_is_reproducible() -> None:
    """Same labels, same bytes (invariant mode): a reprint is byte-for-byte the first print."""
    one = render_pdf(pieces(3), LAYOUTS["a4-24"])
    assert one == render_pdf(pieces(3), LAYOUTS["a4-24"])
    assert zlib.crc32(one) != zlib.crc32(render_pdf(pieces(4), LAYOUTS["a4-24"]))
