"""Synthetic camera media for demos, benchmarks and tests: a walking person, shelf trays."""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from vision.errors import ImageDecodeError
from vision.images import read_image

__all__ = [
    "PERSON_BOX_IN_BUS",
    "PIECE_COLOUR",
    "PIECE_RADIUS",
    "draw_shelf",
    "make_shelf_video",
    "make_tray",
    "make_walk_video",
    "person_crop",
    "pieces_fitting",
    "relight",
    "shelf_cells",
    "shelf_piece_centres",
    "ultralytics_asset",
    "warehouse_background",
]

# A person standing at the left of ultralytics' own bus.jpg (x1, y1, x2, y2).
PERSON_BOX_IN_BUS = (48, 396, 242, 904)


def ultralytics_asset(name: str) -> Path:
    """Path of a sample image shipped inside the ultralytics package (without importing it)."""
    spec = importlib.util.find_spec("ultralytics")
    if spec is None or not spec.submodule_search_locations:
        raise ImageDecodeError("ultralytics is not installed", code="image-not-found")
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / name
    if not path.is_file():
        raise ImageDecodeError(f"ultralytics asset not found: {path}", code="image-not-found")
    return path


def person_crop(height: int = 300) -> np.ndarray:
    """The bus.jpg person, scaled to ``height`` pixels."""
    bus = read_image(ultralytics_asset("bus.jpg"))
    x1, y1, x2, y2 = PERSON_BOX_IN_BUS
    crop = bus[y1:y2, x1:x2]
    width = max(1, round(crop.shape[1] * height / crop.shape[0]))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)


def warehouse_background(width: int = 640, height: int = 480, seed: int = 0) -> np.ndarray:
    """A plain floor-and-racks backdrop with a little texture."""
    rng = np.random.default_rng(seed)
    image = np.full((height, width, 3), (150, 155, 160), dtype=np.uint8)
    image[: height // 3] = (120, 110, 100)
    for x in range(0, width, width // 8):
        cv2.rectangle(image, (x + 5, 10), (x + width // 8 - 5, height // 3 - 10), (90, 80, 70), 2)
    noise = rng.normal(0, 2, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def make_walk_video(
    path: str | Path,
    *,
    frames: int = 24,
    fps: float = 8.0,
    size: tuple[int, int] = (640, 480),
    start_x: int = 10,
    end_x: int | None = None,
    person_height: int = 300,
) -> Path:
    """Write a video of the bus.jpg person walking left to right across a backdrop."""
    width, height = size
    person = person_crop(person_height)
    ph, pw = person.shape[:2]
    end = end_x if end_x is not None else width - pw - 10
    out = Path(path)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise ImageDecodeError(f"cannot write video {out}", code="video-unwritable")
    background = warehouse_background(width, height)
    top = height - ph - 10
    for i in range(frames):
        x = round(start_x + (end - start_x) * i / max(1, frames - 1))
        frame = background.copy()
        frame[top : top + ph, x : x + pw] = person
        writer.write(frame)
    writer.release()
    return out


def make_tray(pieces: bool, *, size: tuple[int, int] = (240, 160)) -> np.ndarray:
    """A jewellery tray with compartments, with or without rings in them."""
    width, height = size
    image = np.full((height, width, 3), (120, 130, 140), dtype=np.uint8)
    cv2.rectangle(image, (10, 10), (width - 10, height - 10), (60, 60, 70), 3)
    for x in range(10, width - 9, (width - 20) // 4):
        cv2.line(image, (x, 10), (x, height - 10), (70, 70, 80), 2)
    cv2.line(image, (10, height // 2), (width - 10, height // 2), (70, 70, 80), 2)
    if pieces:
        step = (width - 20) // 4
        for cx in range(10 + step // 2, width - 10, step):
            for cy in (height // 4, 3 * height // 4):
                cv2.circle(image, (cx, cy), 14, (40, 200, 230), 3)
                cv2.circle(image, (cx, cy - 14), 4, (250, 250, 250), -1)
    return image


def relight(
    image: np.ndarray,
    *,
    gain: float = 1.0,
    offset: float = 0.0,
    gradient: float = 0.0,
    noise: float = 3.0,
    seed: int = 0,
) -> np.ndarray:
    """The image under other lighting: gain, offset, a left-right gradient and sensor noise."""
    rng = np.random.default_rng(seed)
    lit = image.astype(np.float32) * gain + offset
    if gradient:
        lit *= np.linspace(1 - gradient, 1 + gradient, image.shape[1])[None, :, None]
    lit += rng.normal(0, noise, image.shape)
    return np.clip(lit, 0, 255).astype(np.uint8)


#: BGR gold of the pieces drawn on a demo shelf: a colour-marker detector (the fake one, with
#: ``fake_color`` this and ``fake_label`` piece) counts them as a trained tray model would.
PIECE_COLOUR = (30, 190, 235)
_PIECE_RADIUS = 6
_PIECE_PITCH = 18
_LABEL_HEIGHT = 20
_MARGIN = 8

Cell = tuple[int, int, int, int]


def shelf_cells(
    names: Sequence[str], *, columns: int = 2, size: tuple[int, int] = (640, 480)
) -> dict[str, Cell]:
    """The box ``(x1, y1, x2, y2)`` of each bin of a shelf front, row by row, in ``size``."""
    if not names or columns < 1:
        raise ValueError("a shelf needs at least one bin and one column")
    width, height = size
    rows = math.ceil(len(names) / columns)
    cell_w = (width - _MARGIN) // columns
    cell_h = (height - _MARGIN) // rows
    cells = {}
    for index, name in enumerate(names):
        row, col = divmod(index, columns)
        x1, y1 = _MARGIN + col * cell_w, _MARGIN + row * cell_h
        cells[name] = (x1, y1, x1 + cell_w - _MARGIN, y1 + cell_h - _MARGIN)
    return cells


def _piece_grid(cell: Cell) -> list[tuple[int, int]]:
    x1, y1, x2, y2 = cell
    top = y1 + _LABEL_HEIGHT + _PIECE_PITCH // 2
    return [
        (x, y)
        for y in range(top, y2 - _PIECE_PITCH // 2 + 1, _PIECE_PITCH)
        for x in range(x1 + _PIECE_PITCH // 2 + 2, x2 - _PIECE_PITCH // 2 + 1, _PIECE_PITCH)
    ]


def shelf_piece_centres(cell: Cell, count: int) -> list[tuple[int, int]]:
    """Where :func:`draw_shelf` puts ``count`` pieces in a bin's box (at most what fits)."""
    spots = _piece_grid(cell)
    return spots[: max(0, min(count, len(spots)))]


#: Radius in pixels of a drawn piece (its label box is this around its centre).
PIECE_RADIUS = _PIECE_RADIUS


def pieces_fitting(cell: Cell) -> int:
    """How many pieces :func:`draw_shelf` can draw in one bin's box."""
    return len(_piece_grid(cell))


def draw_shelf(
    cells: dict[str, Cell],
    counts: dict[str, int],
    *,
    size: tuple[int, int] = (640, 480),
    noise: float = 2.0,
    seed: int = 0,
) -> np.ndarray:
    """A shelf front: a velvet tray per bin, labelled with its code, holding ``counts`` pieces."""
    width, height = size
    image = np.full((height, width, 3), (95, 100, 105), dtype=np.uint8)
    for name, cell in cells.items():
        x1, y1, x2, y2 = cell
        cv2.rectangle(image, (x1, y1), (x2, y2), (70, 45, 50), -1)
        cv2.rectangle(image, (x1, y1), (x2, y2), (40, 40, 40), 2)
        cv2.putText(
            image, name, (x1 + 6, y1 + 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (235, 235, 235), 1
        )
        for x, y in shelf_piece_centres(cell, counts.get(name, 0)):
            cv2.circle(image, (x, y), _PIECE_RADIUS, PIECE_COLOUR, -1)
            cv2.circle(image, (x - 2, y - 2), 1, (250, 250, 250), -1)  # a stone's glint
    if noise:
        grain = np.random.default_rng(seed).normal(0, noise, image.shape)
        image = np.clip(image + grain, 0, 255).astype(np.uint8)
    return image


def make_shelf_video(
    path: str | Path,
    cells: dict[str, Cell],
    counts: dict[str, int],
    *,
    frames: int = 8,
    fps: float = 2.0,
    size: tuple[int, int] = (640, 480),
) -> Path:
    """Write a short (looping) video of a still shelf front with sensor noise per frame."""
    out = Path(path)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
    if not writer.isOpened():
        raise ImageDecodeError(f"cannot write video {out}", code="video-unwritable")
    for i in range(frames):
        writer.write(draw_shelf(cells, counts, size=size, seed=i))
    writer.release()
    return out
