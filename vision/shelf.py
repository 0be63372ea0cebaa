"""Shelf-region state without a custom model: structural difference against reference images.

Raw intensity differences follow the lights; local contrast normalisation (each pixel minus its
neighbourhood mean, over its neighbourhood spread) keeps only structure - edges of trays and
pieces - and is unchanged by gain, offset and slow gradients of illumination.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from vision.domain import Detection, ShelfState
from vision.errors import ImageDecodeError, ZoneConfigError
from vision.images import read_image
from vision.zones import Zone

__all__ = [
    "DetectionShelfClassifier",
    "ReferenceShelfClassifier",
    "ShelfReading",
    "change_score",
    "structure_map",
]

_NOISE_FLOOR = 4.0  # grey levels: below this local spread counts as flat, not as structure
_CHANGE_LEVEL = 0.35  # normalised-structure difference that counts as a changed pixel


@dataclass(frozen=True, slots=True)
class ShelfReading:
    """One frame's reading of a shelf region; ``count``: trays/pieces seen, when counted."""

    zone: str
    state: ShelfState
    score: float
    occluded: bool = False
    count: int | None = None


def structure_map(image: np.ndarray) -> np.ndarray:
    """Local-contrast-normalised grey image: structure with illumination divided out."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    g = cv2.GaussianBlur(grey.astype(np.float32), (0, 0), 1.0)
    detail = g - cv2.GaussianBlur(g, (0, 0), 6.0)
    spread = np.sqrt(cv2.GaussianBlur(detail * detail, (0, 0), 6.0))
    result: np.ndarray = detail / (spread + _NOISE_FLOOR)
    return result


def change_score(
    reference: np.ndarray, current: np.ndarray, mask: np.ndarray | None = None
) -> float:
    """Fraction of the region (0-1) whose structure differs from the reference."""
    if reference.shape[:2] != current.shape[:2]:
        raise ValueError("reference and current region differ in size")
    diff = np.abs(structure_map(reference) - structure_map(current))
    changed = cv2.GaussianBlur(diff, (0, 0), 2.0) > _CHANGE_LEVEL
    if mask is not None:
        inside = mask > 0
        total = int(inside.sum())
        return float(changed[inside].sum()) / total if total else 0.0
    return float(changed.mean())


def _polygon_mask(zone: Zone) -> np.ndarray:
    x1, y1, x2, y2 = zone.bounds
    mask = np.zeros((max(1, y2 - y1), max(1, x2 - x1)), dtype=np.uint8)
    points = np.asarray(zone.polygon, dtype=np.float64) - (x1, y1)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 255)
    return mask


def _crop(image: np.ndarray, zone: Zone) -> np.ndarray:
    x1, y1, x2, y2 = zone.bounds
    h, w = image.shape[:2]
    if x1 < 0 or y1 < 0 or x2 > w or y2 > h:
        raise ZoneConfigError(f"shelf zone {zone.name!r} lies outside the {w}x{h} image")
    return image[y1:y2, x1:x2]


class ReferenceShelfClassifier:
    """Says occupied when a region's structure differs from its empty reference."""

    def __init__(
        self,
        zone: Zone,
        empty_reference: np.ndarray,
        *,
        occupied_reference: np.ndarray | None = None,
        threshold: float = 0.02,
    ) -> None:
        """A classifier of ``zone`` from reference images (full frames or region crops)."""
        self.zone = zone
        self.threshold = threshold
        self._mask = _polygon_mask(zone)
        self._empty = self._fit(empty_reference)
        self._occupied = self._fit(occupied_reference) if occupied_reference is not None else None

    @classmethod
    def from_zone(cls, zone: Zone, *, threshold: float = 0.02) -> ReferenceShelfClassifier:
        """Load the zone's reference images from disk."""
        if zone.reference is None:
            raise ZoneConfigError(f"shelf zone {zone.name!r} has no reference image")
        try:
            empty = read_image(zone.reference)
            occupied = read_image(zone.occupied_reference) if zone.occupied_reference else None
        except ImageDecodeError as exc:
            raise ZoneConfigError(f"shelf zone {zone.name!r}: {exc.message}") from exc
        return cls(zone, empty, occupied_reference=occupied, threshold=threshold)

    def _fit(self, reference: np.ndarray) -> np.ndarray:
        height, width = self._mask.shape
        x1, y1, x2, y2 = self.zone.bounds
        if reference.shape[0] >= y2 and reference.shape[1] >= x2:
            return _crop(reference, self.zone).copy()
        # A crop of the region itself, possibly at another resolution.
        return cv2.resize(reference, (width, height), interpolation=cv2.INTER_AREA)

    def classify(self, image: np.ndarray, *, occluded: bool = False) -> ShelfReading:
        """Read the region in a full camera frame."""
        if occluded:
            return ShelfReading(self.zone.name, ShelfState.UNKNOWN, 0.0, occluded=True)
        region = _crop(image, self.zone)
        score = change_score(self._empty, region, self._mask)
        state = ShelfState.OCCUPIED if score > self.threshold else ShelfState.EMPTY
        if self._occupied is not None and state is ShelfState.OCCUPIED:
            occupied_score = change_score(self._occupied, region, self._mask)
            state = ShelfState.OCCUPIED if occupied_score <= score else ShelfState.EMPTY
        return ShelfReading(self.zone.name, state, round(score, 4))


class DetectionShelfClassifier:
    """Says occupied when a custom model finds one of the occupied labels in the region, and
    counts the region's trays/pieces (detections of the counted labels whose centre is in it)."""

    def __init__(self, zone: Zone) -> None:
        """A classifier of ``zone`` using its ``occupied_labels`` (and ``count_labels``)."""
        if not zone.occupied_labels and not zone.count_labels:
            raise ZoneConfigError(
                f"shelf zone {zone.name!r} uses a model but names no labels",
                code="shelf-model-no-labels",
            )
        self.zone = zone

    def classify(self, detections: Iterable[Detection], *, occluded: bool = False) -> ShelfReading:
        """Read the region from one frame's detections of the shelf model."""
        if occluded:
            return ShelfReading(self.zone.name, ShelfState.UNKNOWN, 0.0, occluded=True)
        best, count = 0.0, 0
        occupied, counted = self.zone.occupied_labels, self.zone.counted_labels
        for det in detections:
            if det.label not in occupied and det.label not in counted:
                continue
            if not self.zone.contains_point(*det.box.center):
                continue
            if det.label in occupied:
                best = max(best, det.confidence)
            if det.label in counted:
                count += 1
        if not occupied:
            best = 1.0 if count else 0.0
        state = ShelfState.OCCUPIED if best > 0 else ShelfState.EMPTY
        return ShelfReading(
            self.zone.name, state, round(best, 4), count=count if self.zone.count else None
        )
