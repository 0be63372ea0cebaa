"""Check one image against a zones file: what is detected and which alerts it would raise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from vision.alerts import AlertPipeline
from vision.detectors import Detector, make_detector
from vision.domain import Detection, TrackedObject
from vision.images import read_image
from vision.pipeline import build_shelf_classifiers
from vision.protocols import MemoryAlertSink, Providers, SignedOn, StaticAuthorisation
from vision.rules import Finding
from vision.settings import VisionSettings
from vision.shelf import ReferenceShelfClassifier, ShelfReading
from vision.zones import Zone, load_zones

__all__ = ["check_image"]

_CAMERA = "check"


def _as_tracks(detections: Sequence[Detection]) -> list[TrackedObject]:
    return [
        TrackedObject(i + 1, d.label, d.confidence, d.box, d.class_id)
        for i, d in enumerate(detections)
    ]


def check_image(
    image_path: str | Path,
    zones_path: str | Path,
    *,
    settings: VisionSettings,
    weights: str | Path | None = None,
    detector: Detector | None = None,
    signed_on: Mapping[str, Sequence[SignedOn]] | None = None,
    providers: Providers | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Detections and would-be alerts of one image, as a JSON-ready mapping.

    One frame has no history, so persistence is one frame and dwell-time rules stay quiet.
    """
    overrides: dict[str, Any] = {"persistence_frames": 1, "shelf_stable_frames": 1}
    if weights is not None:
        overrides["weights"] = Path(weights)
    settings = settings.model_copy(update=overrides)
    zones = load_zones(zones_path)
    image = read_image(image_path)
    if detector is None:
        detector = make_detector(
            settings.detector_config(), config_dir=settings.ultralytics_config_dir
        )
    detections = detector.detect(image)
    tracks = _as_tracks(detections)
    readings = _read_shelves(image, zones, detections, settings)
    if providers is None:
        providers = Providers(authorisation=StaticAuthorisation(dict(signed_on or {})))
    pipeline = AlertPipeline(
        settings, {_CAMERA: zones}, sink=MemoryAlertSink(), providers=providers
    )
    _, findings = pipeline.evaluate(_CAMERA, at or datetime.now(UTC), tracks, readings)
    return _as_json(image_path, image, detections, findings, readings)


def _read_shelves(
    image: np.ndarray, zones: list[Zone], detections: list[Detection], settings: VisionSettings
) -> list[ShelfReading]:
    people = [d.box for d in detections if d.label == settings.person_label]
    readings = []
    for classifier in build_shelf_classifiers(zones, threshold=settings.shelf_threshold):
        hidden = any(classifier.zone.overlap(b) > 0.02 for b in people)
        if isinstance(classifier, ReferenceShelfClassifier):
            readings.append(classifier.classify(image, occluded=hidden))
        else:
            readings.append(classifier.classify(detections, occluded=hidden))
    return readings


def _as_json(
    image_path: str | Path,
    image: np.ndarray,
    detections: list[Detection],
    findings: list[Finding],
    readings: list[ShelfReading],
) -> dict[str, Any]:
    return {
        "image": str(image_path),
        "size": [int(image.shape[1]), int(image.shape[0])],
        "detections": [
            {"label": d.label, "confidence": round(d.confidence, 4), "box": d.box.as_list()}
            for d in detections
        ],
        "alerts": [
            {
                "rule": f.rule,
                "zone": f.zone,
                "severity": str(f.severity),
                "message": f.message,
                "track_id": f.track_id,
            }
            for f in findings
        ],
        "shelves": [
            {"zone": r.zone, "state": str(r.state), "score": r.score, "count": r.count}
            for r in readings
        ],
    }
