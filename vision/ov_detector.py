"""YOLO on OpenVINO directly, in throughput mode: several frames in flight at once.

Ultralytics compiles OpenVINO models for latency and runs one synchronous request per frame.
With several cameras there are several frames to detect at once, and OpenVINO's throughput
mode (one stream per group of cores, asynchronous requests) gets more frames through per second.
Pre- and post-processing follow ultralytics' own: a centred letterbox padded with grey 114, and
per-class non-maximum suppression on (cx, cy, w, h, class scores...) rows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import yaml

from vision.domain import Box, Detection
from vision.errors import DetectorError, WeightsNotFoundError
from vision.settings import DetectorConfig

__all__ = ["OpenVinoDetector", "is_openvino_model", "letterbox"]

_MAX_DETECTIONS = 300
_PAD = 114


def is_openvino_model(path: Path) -> bool:
    """Whether ``path`` is an OpenVINO IR: a folder holding an .xml, or the .xml itself."""
    if path.is_dir():
        return any(path.glob("*.xml"))
    return path.suffix.lower() == ".xml" and path.is_file()


def letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float, tuple[int, int]]:
    """The image scaled into a ``size`` square, centred on grey; with its ratio and padding."""
    height, width = image.shape[:2]
    ratio = min(size / height, size / width)
    new_w, new_h = int(round(width * ratio)), int(round(height * ratio))
    if (new_w, new_h) != (width, height):
        image = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    dw, dh = (size - new_w) / 2, (size - new_h) / 2
    top, left = int(round(dh - 0.1)), int(round(dw - 0.1))
    bottom, right = size - new_h - top, size - new_w - left
    padded = cv2.copyMakeBorder(
        image, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(_PAD, _PAD, _PAD)
    )
    return padded, ratio, (left, top)


@dataclass(frozen=True)
class _InFlight:
    """A frame whose inference request has been started."""

    index: int
    request: Any
    ratio: float
    pad: tuple[int, int]
    shape: tuple[int, ...]


class OpenVinoDetector:
    """An ultralytics YOLO detection export for OpenVINO, run with asynchronous requests."""

    def __init__(self, config: DetectorConfig, path: Path) -> None:
        """Compile the model at ``path`` (an OpenVINO model folder or .xml) for throughput."""
        import openvino as ov  # type: ignore[import-untyped]  # only for OpenVINO models

        xml = path if path.suffix.lower() == ".xml" else next(path.glob("*.xml"))
        self.config = config
        self._keep = set(config.keep_labels)
        try:
            core = ov.Core()
            model = core.read_model(str(xml))
            self._compiled: Any = core.compile_model(
                model, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"}
            )
        except Exception as exc:  # OpenVINO raises RuntimeError for most unreadable models
            raise WeightsNotFoundError(
                f"cannot load OpenVINO model {xml}: {exc}", code="weights-unloadable"
            ) from exc
        count = int(self._compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
        self._requests = [self._compiled.create_infer_request() for _ in range(max(1, count))]
        self.size = int(model.input().get_partial_shape()[2].get_length())
        self.names = self._names(xml.parent / "metadata.yaml")

    @staticmethod
    def _names(metadata: Path) -> dict[int, str]:
        if not metadata.is_file():
            return {}
        data = yaml.safe_load(metadata.read_text(encoding="utf-8")) or {}
        return {int(k): str(v) for k, v in (data.get("names") or {}).items()}

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Detections of one BGR image."""
        return self.detect_batch([image])[0]

    def detect_batch(self, images: Sequence[np.ndarray]) -> list[list[Detection]]:
        """Detections of each image; as many in flight at once as OpenVINO asks for."""
        try:
            return self._run(images)
        except DetectorError:
            raise
        except Exception as exc:
            raise DetectorError(f"detector failed on a frame: {exc}") from exc

    def _run(self, images: Sequence[np.ndarray]) -> list[list[Detection]]:
        # Each image is prepared while the ones before it run, and a finished one is decoded
        # while the others still run: the inference streams are kept busy.
        found: list[list[Detection]] = [[] for _ in images]
        free, pending = list(self._requests), deque[_InFlight]()
        for index, image in enumerate(images):
            tensor, ratio, pad = self._prepare(image)
            if not free:
                free.append(self._finish(pending.popleft(), found))
            request = free.pop()
            request.start_async({0: tensor})
            pending.append(_InFlight(index, request, ratio, pad, image.shape[:2]))
        while pending:
            self._finish(pending.popleft(), found)
        return found

    def _finish(self, job: _InFlight, found: list[list[Detection]]) -> Any:
        job.request.wait()
        rows = np.asarray(job.request.get_output_tensor(0).data)[0]
        found[job.index] = self._detections(rows, job.ratio, job.pad, job.shape)
        return job.request

    def _prepare(self, image: np.ndarray) -> tuple[np.ndarray, float, tuple[int, int]]:
        if image is None or image.ndim != 3:
            raise DetectorError("the detector needs a BGR image")
        padded, ratio, pad = letterbox(image, self.size)
        tensor = cv2.dnn.blobFromImage(padded, 1 / 255.0, swapRB=True)  # NCHW float32 RGB
        return tensor, ratio, pad

    def _detections(
        self, rows: np.ndarray, ratio: float, pad: tuple[int, int], shape: tuple[int, ...]
    ) -> list[Detection]:
        candidates = rows.T  # (anchors, 4 + classes)
        scores = candidates[:, 4:]
        classes = scores.argmax(axis=1)
        best = scores[np.arange(len(classes)), classes]
        keep = best > self.config.confidence
        boxes, best, classes = candidates[keep, :4], best[keep], classes[keep]
        if not len(best):
            return []
        xywh = np.column_stack(
            (boxes[:, 0] - boxes[:, 2] / 2, boxes[:, 1] - boxes[:, 3] / 2, boxes[:, 2], boxes[:, 3])
        )
        chosen = cv2.dnn.NMSBoxesBatched(
            xywh.tolist(),
            best.tolist(),
            classes.tolist(),
            self.config.confidence,
            self.config.iou,
        )
        order = sorted(np.asarray(chosen).reshape(-1).tolist(), key=lambda i: -best[i])
        return self._to_detections(xywh, best, classes, order[:_MAX_DETECTIONS], ratio, pad, shape)

    def _to_detections(
        self,
        xywh: np.ndarray,
        best: np.ndarray,
        classes: np.ndarray,
        order: list[int],
        ratio: float,
        pad: tuple[int, int],
        shape: tuple[int, ...],
    ) -> list[Detection]:
        height, width = shape[0], shape[1]
        found = []
        for i in order:
            x, y, w, h = xywh[i].tolist()
            x1 = min(max((x - pad[0]) / ratio, 0.0), width)
            y1 = min(max((y - pad[1]) / ratio, 0.0), height)
            x2 = min(max((x + w - pad[0]) / ratio, 0.0), width)
            y2 = min(max((y + h - pad[1]) / ratio, 0.0), height)
            class_id = int(classes[i])
            label = self.names.get(class_id, str(class_id))
            if self._keep and label not in self._keep:
                continue
            found.append(Detection(label, float(best[i]), Box(x1, y1, x2, y2), class_id))
        return found
