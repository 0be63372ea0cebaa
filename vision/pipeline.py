"""One camera's per-frame analysis: detect -> track -> shelf readings."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from vision.detectors import Detector
from vision.domain import Detection, Frame, TrackedObject, ZoneKind
from vision.errors import ZoneConfigError
from vision.shelf import DetectionShelfClassifier, ReferenceShelfClassifier, ShelfReading
from vision.tracking import ObjectTracker
from vision.zones import Zone

__all__ = ["CameraPipeline", "FrameAnalysis", "build_shelf_classifiers"]

_OCCLUSION_OVERLAP = 0.02  # share of a shelf region a person's box must cover to hide it

ShelfClassifier = ReferenceShelfClassifier | DetectionShelfClassifier


@dataclass(frozen=True)
class FrameAnalysis:
    """What one frame of a camera contained."""

    camera: str
    seq: int
    captured_at: datetime
    size: tuple[int, int]
    detections: tuple[Detection, ...]
    tracks: tuple[TrackedObject, ...]
    shelves: tuple[ShelfReading, ...]
    detect_ms: float


def build_shelf_classifiers(zones: Sequence[Zone], *, threshold: float) -> list[ShelfClassifier]:
    """A classifier per shelf zone, by each zone's ``shelf_classifier`` choice."""
    built: list[ShelfClassifier] = []
    for zone in zones:
        if zone.kind is not ZoneKind.SHELF:
            continue
        if zone.shelf_classifier == "detector":
            built.append(DetectionShelfClassifier(zone))
        elif zone.reference is not None:
            built.append(ReferenceShelfClassifier.from_zone(zone, threshold=threshold))
        else:
            raise ZoneConfigError(
                f"shelf zone {zone.name!r} needs a reference image or shelf_classifier: detector"
            )
    return built


class CameraPipeline:
    """Detects, tracks and reads shelves in one camera's frames."""

    def __init__(
        self,
        camera: str,
        zones: Sequence[Zone],
        detector: Detector,
        *,
        tracker: ObjectTracker | None = None,
        config_dir: Path = Path("var") / "ultralytics",
        shelf_classifiers: Sequence[ShelfClassifier] = (),
        shelf_detector: Detector | None = None,
        person_label: str = "person",
    ) -> None:
        """A pipeline; without a tracker, a ByteTrack one is made."""
        self.camera = camera
        self.zones = list(zones)
        self.detector = detector
        self.tracker = tracker or ObjectTracker(config_dir=config_dir)
        self.shelf_classifiers = list(shelf_classifiers)
        self.shelf_detector = shelf_detector
        self.person_label = person_label

    def analyse(self, frame: Frame) -> FrameAnalysis:
        """Run detection, tracking and shelf reading on one frame."""
        started = time.perf_counter()
        detections = self.detector.detect(frame.image)
        detect_ms = (time.perf_counter() - started) * 1000
        return self.finish(frame, detections, detect_ms)

    def finish(
        self,
        frame: Frame,
        detections: Sequence[Detection],
        detect_ms: float = 0.0,
        *,
        size: tuple[int, int] | None = None,
    ) -> FrameAnalysis:
        """Track and read shelves from detections made elsewhere (a batch over cameras).

        ``size`` is the camera's own pixel size, in which the detections' boxes are given,
        when ``frame`` holds a smaller image (the detect image of a camera nobody watches).
        """
        size = size or frame.size
        tracks = self.tracker.update(detections, size)
        shelves = self._read_shelves(frame, detections, tracks)
        return FrameAnalysis(
            frame.camera,
            frame.seq,
            frame.captured_at,
            size,
            tuple(detections),
            tuple(tracks),
            tuple(shelves),
            detect_ms,
        )

    def _read_shelves(
        self, frame: Frame, detections: Sequence[Detection], tracks: Sequence[TrackedObject]
    ) -> list[ShelfReading]:
        if not self.shelf_classifiers:
            return []
        people = [t.box for t in tracks if t.label == self.person_label]
        people += [d.box for d in detections if d.label == self.person_label]
        model_found: list[Detection] | None = None
        readings = []
        for classifier in self.shelf_classifiers:
            occluded = any(classifier.zone.overlap(b) > _OCCLUSION_OVERLAP for b in people)
            if isinstance(classifier, ReferenceShelfClassifier):
                readings.append(classifier.classify(frame.image, occluded=occluded))
                continue
            if model_found is None:
                model_found = self._shelf_detections(frame, detections)
            readings.append(classifier.classify(model_found, occluded=occluded))
        return readings

    def _shelf_detections(self, frame: Frame, detections: Sequence[Detection]) -> list[Detection]:
        if self.shelf_detector is None:
            return list(detections)  # the main model may itself be a custom tray model
        return self.shelf_detector.detect(frame.image)

    def reset(self) -> None:
        """Restart tracking (after a reconnect)."""
        self.tracker.reset()
