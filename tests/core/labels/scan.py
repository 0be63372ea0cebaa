"""Reading printed labels back: a PDF page rasterised by poppler, then QR (OpenCV) and
Code 128 (decoded here from one row of pixels: OpenCV finds Code 128 but does not read it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from core.labels import Layout

DPI = 300
# Code 128 symbol widths (bar, space, bar, space, bar, space), by value; 106 is STOP
# (with its final 2-module bar). From the ISO/IEC 15417 table.
PATTERNS = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
]
VALUES = {pattern: value for value, pattern in enumerate(PATTERNS)}


def rasterise(pdf: bytes, tmp: Path, page: int = 1) -> Any:
    """Page ``page`` of a PDF as a grayscale image (numpy) at :data:`DPI`."""
    cv2 = pytest.importorskip("cv2")
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed (apt-get install poppler-utils)")
    source = tmp / "labels.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", str(page), "-l",
                    str(page), "-singlefile", str(source), str(tmp / "page")], check=True)
    return cv2.imread(str(tmp / "page.png"), cv2.IMREAD_GRAYSCALE)


def crop(image: Any, layout: Layout, index: int) -> Any:
    """The pixels of the ``index``-th label of a page."""
    scale = DPI / 72
    x, y = layout.origin(index)
    top = round((layout.page_h - y - layout.label_h) * scale)
    left = round(x * scale)
    return image[top:top + round(layout.label_h * scale), left:left + round(layout.label_w * scale)]


def read_qr(image: Any) -> str:
    """The text of the QR in ``image`` ('' when none is read)."""
    cv2 = pytest.importorskip("cv2")
    padded = cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    text: str = cv2.QRCodeDetector().detectAndDecode(padded)[0]
    return text


def _runs(row: Any) -> list[int]:
    dark = [int(v) < 128 for v in row]
    first, last = dark.index(True), len(dark) - dark[::-1].index(True)
    runs, current, length = [], dark[first], 0
    for pixel in dark[first:last]:
        if pixel == current:
            length += 1
        else:
            runs.append(length)
            current, length = pixel, 1
    return [*runs, length]


def _values(runs: list[int]) -> list[int]:
    values = []
    while len(runs) >= 6:
        size = 7 if len(runs) == 7 else 6
        chunk = runs[:size]
        unit = sum(chunk) / (13 if size == 7 else 11)
        values.append(VALUES["".join(str(max(1, round(w / unit))) for w in chunk)])
        runs = runs[size:]
    return values


def read_code128(image: Any) -> str:
    """The Code 128 across the foot of a label (a row at 90 % of its height), checksum checked."""
    values = _values(_runs(image[int(image.shape[0] * 0.9)]))
    assert values[-1] == 106, "no stop pattern"
    data, check = values[1:-2], values[-2]
    assert (values[0] + sum(i * v for i, v in enumerate(data, start=1))) % 103 == check
    text, subset = "", {103: "A", 104: "B", 105: "C"}[values[0]]
    for value in data:
        if subset == "C" and value < 100:
            text += f"{value:02d}"
        elif value == 99 or (value in (100, 101) and subset == "C"):
            subset = {99: "C", 100: "B", 101: "A"}[value]
        elif (subset, value) in (("A", 100), ("B", 101)):
            subset = "B" if value == 100 else "A"
        else:  # subsets A and B agree on what the labels' codes use (digits, capitals, -._)
            text += chr(value + 32) if subset == "B" or value < 64 else chr(value - 64)
    return text
