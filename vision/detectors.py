"""Detectors behind one protocol: ultralytics YOLO (any export format) and a fake for tests."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import cv2
import numpy as np

from vision.domain import Box, Detection
from vision.errors import DetectorError, WeightsNotFoundError
from vision.ov_detector import OpenVinoDetector, is_openvino_model
from vision.settings import DetectorConfig
from vision.weights import find_weights

__all__ = [
    "Detector",
    "detect_all",
    "FakeDetector",
    "YoloDetector",
    "make_detector",
    "prepare_ultralytics",
    "require_ultralytics",
]


@runtime_checkable
class Detector(Protocol):
    """Finds labelled boxes in a BGR image; ``detect_batch`` does several at once."""

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Detections of one BGR image, boxes in that image's pixels."""
        ...

    def detect_batch(self, images: Sequence[np.ndarray]) -> list[list[Detection]]:
        """Detections of each image, in order; by default one :meth:`detect` call each."""
        return [self.detect(image) for image in images]


def detect_all(detector: Detector, images: Sequence[np.ndarray]) -> list[list[Detection]]:
    """``detector.detect_batch(images)``, or a loop for detectors written before batching."""
    batch = getattr(detector, "detect_batch", None)
    if batch is None:
        return [detector.detect(image) for image in images]
    found: list[list[Detection]] = batch(images)
    return found


def prepare_ultralytics(config_dir: Path) -> None:
    """Keep ultralytics offline, quiet and inside the project before it is first imported."""
    config_dir.mkdir(parents=True, exist_ok=True)
    os.environ["YOLO_OFFLINE"] = "1"
    os.environ["YOLO_AUTOINSTALL"] = "false"
    os.environ.setdefault("YOLO_VERBOSE", "false")
    os.environ["YOLO_CONFIG_DIR"] = str(config_dir.resolve())


def require_ultralytics() -> None:
    """Raise a clear error, not an ImportError, when the facet[vision] extra is missing."""
    if importlib.util.find_spec("ultralytics") is None:
        raise DetectorError(
            "the camera detector and tracker need ultralytics, which is not installed: "
            "pip install 'facet[vision]'",
            code="vision-extra-missing",
        )


class YoloDetector(Detector):
    """Ultralytics YOLO detector; loads .pt, ONNX, OpenVINO and other export formats."""

    def __init__(self, config: DetectorConfig, *, config_dir: Path) -> None:
        """Load the weights ``config`` names or finds (raises :class:`WeightsNotFoundError`)."""
        path = find_weights(
            config.weights, models_dir=config.models_dir, download=config.download_weights
        )
        require_ultralytics()
        prepare_ultralytics(config_dir)
        from ultralytics.models import YOLO  # heavy import, only when a model is really wanted

        self.config = config
        self.names: dict[int, str] = {}
        self._keep = set(config.keep_labels)
        try:
            self._model: Any = YOLO(str(path), task="detect")
            self.warmup()  # ultralytics loads lazily: fail here, not on the first camera frame
        except Exception as exc:  # ultralytics raises many types for unreadable weights
            raise WeightsNotFoundError(
                f"cannot load detector weights {path}: {exc}", code="weights-unloadable"
            ) from exc

    def warmup(self) -> None:
        """Run one blank frame so the first real frame is not slowed by lazy set-up."""
        blank = np.zeros((self.config.imgsz, self.config.imgsz, 3), dtype=np.uint8)
        self._model.predict(
            blank, imgsz=self.config.imgsz, device=self.config.device, verbose=False
        )

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Detections of one BGR image."""
        return self.detect_batch([image])[0]

    def detect_batch(self, images: Sequence[np.ndarray]) -> list[list[Detection]]:
        """Detections of several BGR images in one predict call (ultralytics takes a list)."""
        if not images:
            return []
        try:
            results = self._model.predict(
                list(images),
                imgsz=self.config.imgsz,
                conf=self.config.confidence,
                iou=self.config.iou,
                device=self.config.device,
                verbose=False,
            )
        except Exception as exc:
            raise DetectorError(f"detector failed on a frame: {exc}") from exc
        found = []
        for result in results:
            self.names = dict(result.names)
            data = result.boxes.data.cpu().numpy() if len(result.boxes) else np.zeros((0, 6))
            found.append(self._to_detections(data))
        return found

    def _to_detections(self, data: np.ndarray) -> list[Detection]:
        found = []
        for x1, y1, x2, y2, conf, cls in data[:, :6].tolist():
            label = self.names.get(int(cls), str(int(cls)))
            if self._keep and label not in self._keep:
                continue
            found.append(Detection(label, float(conf), Box(x1, y1, x2, y2), int(cls)))
        return found


class FakeDetector(Detector):
    """Finds blobs of one marker colour and calls them persons; or replays a script."""

    def __init__(
        self,
        config: DetectorConfig | None = None,
        *,
        script: Sequence[Sequence[Detection]] | None = None,
        tolerance: int = 40,
        min_area: int = 50,
    ) -> None:
        """A fake from a config's marker colour, or one that replays ``script`` in order."""
        self.config = config or DetectorConfig(type="fake")
        self._script = [list(s) for s in script] if script is not None else None
        self._calls = 0
        self._tolerance = tolerance
        self._min_area = min_area

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Scripted detections, or one detection per marker-coloured blob."""
        if image is None or image.ndim != 3:
            raise DetectorError("fake detector needs a BGR image")
        if self._script is not None:
            found = self._script[self._calls % len(self._script)] if self._script else []
            self._calls += 1
            return list(found)
        colour = np.array(self.config.fake_color, dtype=np.int16)
        low = np.clip(colour - self._tolerance, 0, 255).astype(np.uint8)
        high = np.clip(colour + self._tolerance, 0, 255).astype(np.uint8)
        mask = cv2.inRange(image, low, high)
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        found = []
        for x, y, w, h, area in stats[1:count].tolist():
            if area >= self._min_area:
                box = Box(float(x), float(y), float(x + w), float(y + h))
                found.append(Detection(self.config.fake_label, 0.9, box, 0))
        return found


def make_detector(config: DetectorConfig, *, config_dir: Path) -> Detector:
    """The detector named by ``config.type``."""
    if config.type == "fake":
        return FakeDetector(config)
    if config.type == "yolo":
        if config.openvino_throughput and config.device == "cpu":
            path = find_weights(
                config.weights, models_dir=config.models_dir, download=config.download_weights
            )
            if is_openvino_model(path) and importlib.util.find_spec("openvino") is not None:
                return OpenVinoDetector(config, path)
        return YoloDetector(config, config_dir=config_dir)
    raise DetectorError(f"unknown detector type {config.type!r}", code="unknown-detector")
