"""Image input and output: reading files, drawing boxes and zones, encoding JPEG."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np

from vision.domain import Detection, TrackedObject, ZoneKind
from vision.errors import ImageDecodeError
from vision.zones import Zone

__all__ = [
    "decode_jpeg",
    "draw_overlay",
    "encode_jpeg",
    "placeholder_jpeg",
    "read_image",
    "render_jpeg",
    "scale_to_width",
]

_ZONE_COLOURS: dict[ZoneKind, tuple[int, int, int]] = {
    ZoneKind.VAULT: (0, 0, 220),
    ZoneKind.AISLE: (0, 200, 200),
    ZoneKind.PACKING: (200, 120, 0),
    ZoneKind.DOCK: (200, 0, 200),
    ZoneKind.SHELF: (0, 180, 0),
}
_ALERT_COLOUR = (0, 0, 255)
_BOX_COLOUR = (255, 200, 0)


def read_image(path: str | Path) -> np.ndarray:
    """Decode an image file to BGR, raising :class:`ImageDecodeError` with the reason."""
    file = Path(path)
    if not file.is_file():
        raise ImageDecodeError(f"image not found: {file}", code="image-not-found")
    data = np.fromfile(str(file), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise ImageDecodeError(f"cannot decode image (corrupt or not an image): {file}")
    return image


def encode_jpeg(image: np.ndarray, quality: int = 75) -> bytes:
    """Encode a BGR image as JPEG bytes."""
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ImageDecodeError("cannot encode frame as JPEG", code="jpeg-encode-failed")
    return buffer.tobytes()


def decode_jpeg(data: bytes) -> np.ndarray:
    """Decode JPEG (or PNG) bytes to BGR."""
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR) if data else None
    if image is None:
        raise ImageDecodeError("cannot decode frame bytes")
    return image


def render_jpeg(
    jpeg: bytes,
    original_width: int,
    objects: Sequence[TrackedObject | Detection],
    zones: Iterable[Zone] = (),
    *,
    alert_zones: Iterable[str] = (),
    alert_tracks: Iterable[int] = (),
    quality: int = 75,
) -> bytes:
    """A preview JPEG redrawn with boxes and zones given in original-frame pixels."""
    image = decode_jpeg(jpeg)
    scale = image.shape[1] / original_width if original_width else 1.0
    canvas = draw_overlay(
        image, objects, zones, alert_zones=alert_zones, alert_tracks=alert_tracks, scale=scale
    )
    return encode_jpeg(canvas, quality)


def scale_to_width(image: np.ndarray, max_width: int) -> np.ndarray:
    """The image scaled down (never up) so it is at most ``max_width`` wide."""
    height, width = image.shape[:2]
    if width <= max_width:
        return image
    scale = max_width / width
    return cv2.resize(image, (max_width, int(round(height * scale))), interpolation=cv2.INTER_AREA)


def draw_overlay(
    image: np.ndarray,
    objects: Sequence[TrackedObject | Detection],
    zones: Iterable[Zone] = (),
    *,
    alert_zones: Iterable[str] = (),
    alert_tracks: Iterable[int] = (),
    scale: float = 1.0,
) -> np.ndarray:
    """A copy of the frame with zone outlines and labelled boxes; alerting ones in red.

    ``scale`` maps original-frame pixel coordinates onto a scaled-down image.
    """
    canvas = image.copy()
    hot_zones, hot_tracks = set(alert_zones), set(alert_tracks)
    thickness = max(1, int(round(max(canvas.shape[:2]) / 400)))
    for zone in zones:
        colour = _ALERT_COLOUR if zone.name in hot_zones else _ZONE_COLOURS[zone.kind]
        points = (np.asarray(zone.polygon) * scale).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(canvas, [points], True, colour, thickness)
        x, y = points[0, 0]
        _label(canvas, f"{zone.name} ({zone.kind})", int(x), int(y), colour)
    for obj in objects:
        track_id = getattr(obj, "track_id", None)
        colour = _ALERT_COLOUR if track_id in hot_tracks else _BOX_COLOUR
        x1, y1, x2, y2 = (int(v * scale) for v in (obj.box.x1, obj.box.y1, obj.box.x2, obj.box.y2))
        cv2.rectangle(canvas, (x1, y1), (x2, y2), colour, thickness)
        name = f"#{track_id} {obj.label}" if track_id is not None else obj.label
        _label(canvas, f"{name} {obj.confidence:.2f}", x1, y1, colour)
    return canvas


def _label(canvas: np.ndarray, text: str, x: int, y: int, colour: tuple[int, int, int]) -> None:
    scale = max(0.4, canvas.shape[1] / 1600)
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    top = max(0, y - h - base - 2)
    cv2.rectangle(canvas, (x, top), (x + w + 4, top + h + base + 2), colour, -1)
    cv2.putText(
        canvas, text, (x + 2, top + h + 1), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1
    )


def placeholder_jpeg(lines: Sequence[str], *, width: int = 640, height: int = 360) -> bytes:
    """A dark tile with some lines of text, shown for offline or failed cameras."""
    canvas = np.full((height, width, 3), 32, dtype=np.uint8)
    for i, text in enumerate(lines):
        cv2.putText(
            canvas,
            text[:60],
            (20, 60 + 40 * i),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.8 if i == 0 else 0.6,
            (230, 230, 230) if i == 0 else (0, 140, 255),
            2,
        )
    return encode_jpeg(canvas, 70)
