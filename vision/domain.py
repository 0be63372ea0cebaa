"""Plain data of the vision pipeline: boxes, detections, tracks, frames and enums."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import numpy as np

__all__ = [
    "Box",
    "Detection",
    "Frame",
    "Severity",
    "ShelfState",
    "TrackedObject",
    "ZoneKind",
]


class Severity(StrEnum):
    """How urgent an alert is, from least to most."""

    INFO = "info"
    WARNING = "warning"
    HIGH = "high"
    CRITICAL = "critical"


class ZoneKind(StrEnum):
    """What a zone of a camera image covers in the warehouse."""

    VAULT = "vault"
    AISLE = "aisle"
    PACKING = "packing"
    DOCK = "dock"
    SHELF = "shelf"


class ShelfState(StrEnum):
    """What a shelf region holds: a tray/pieces (occupied), nothing (empty), or not known."""

    OCCUPIED = "occupied"
    EMPTY = "empty"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box in pixels, corners (x1, y1) top-left and (x2, y2) bottom-right."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        """Width in pixels."""
        return max(0.0, self.x2 - self.x1)

    @property
    def height(self) -> float:
        """Height in pixels."""
        return max(0.0, self.y2 - self.y1)

    @property
    def area(self) -> float:
        """Area in square pixels."""
        return self.width * self.height

    @property
    def center(self) -> tuple[float, float]:
        """Centre point."""
        return ((self.x1 + self.x2) / 2, (self.y1 + self.y2) / 2)

    @property
    def bottom_center(self) -> tuple[float, float]:
        """Bottom-centre point: where a standing person or object meets the floor."""
        return ((self.x1 + self.x2) / 2, self.y2)

    @property
    def diagonal(self) -> float:
        """Length of the diagonal in pixels."""
        return math.hypot(self.width, self.height)

    def iou(self, other: Box) -> float:
        """Intersection over union with another box."""
        ix = max(0.0, min(self.x2, other.x2) - max(self.x1, other.x1))
        iy = max(0.0, min(self.y2, other.y2) - max(self.y1, other.y1))
        inter = ix * iy
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def as_list(self) -> list[float]:
        """The corners as ``[x1, y1, x2, y2]`` rounded to 0.1 px."""
        return [round(v, 1) for v in (self.x1, self.y1, self.x2, self.y2)]


@dataclass(frozen=True, slots=True)
class Detection:
    """One object found by a detector in one frame."""

    label: str
    confidence: float
    box: Box
    class_id: int = 0


@dataclass(frozen=True, slots=True)
class TrackedObject:
    """A detection tied to a track id that persists across frames."""

    track_id: int
    label: str
    confidence: float
    box: Box
    class_id: int = 0


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One decoded BGR image from a camera with the time it was captured."""

    camera: str
    image: np.ndarray
    captured_at: datetime
    seq: int

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels."""
        return int(self.image.shape[1]), int(self.image.shape[0])
