"""OpenVINO in throughput mode: the same detections as ultralytics, several frames in flight."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.vision.conftest import needs_weights, weights_path
from vision.detectors import YoloDetector, make_detector
from vision.images import read_image
from vision.ov_detector import OpenVinoDetector, letterbox
from vision.settings import DetectorConfig
from vision.synthetic import ultralytics_asset


def test_letterbox_centres_the_image_on_grey() -> None:
    padded, ratio, (left, top) = letterbox(np.zeros((1080, 1920, 3), dtype=np.uint8), 640)
    assert padded.shape == (640, 640, 3) and ratio == 640 / 1920
    assert (left, top) == (0, 140)
    assert padded[0, 0].tolist() == [114, 114, 114] and padded[320, 320].tolist() == [0, 0, 0]


@needs_weights
def test_make_detector_runs_openvino_models_in_throughput_mode(ultralytics_dir: Path) -> None:
    config = DetectorConfig(weights=weights_path())
    assert isinstance(make_detector(config, config_dir=ultralytics_dir), OpenVinoDetector)
    plain = config.model_copy(update={"openvino_throughput": False})
    assert isinstance(make_detector(plain, config_dir=ultralytics_dir), YoloDetector)


@needs_weights
def test_openvino_detections_equal_ultralytics_on_real_images(
    yolo_detector: YoloDetector,
) -> None:
    detector = OpenVinoDetector(DetectorConfig(weights=weights_path()), weights_path())
    images = [read_image(ultralytics_asset(n)) for n in ("bus.jpg", "zidane.jpg")]
    batched = detector.detect_batch(images * 2)  # more frames than requests in flight
    assert batched[:2] == batched[2:]
    for got, image in zip(batched, images, strict=False):
        want = yolo_detector.detect(image)
        assert [d.label for d in got] == [d.label for d in want] and len(got) >= 3
        for a, b in zip(got, want, strict=True):
            assert abs(a.confidence - b.confidence) < 0.01 and a.box.iou(b.box) > 0.98
