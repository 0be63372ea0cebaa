"""Real detection with the offline weights on ultralytics' own sample images."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.vision.conftest import PROJECT_ROOT, needs_weights
from vision.check import check_image
from vision.detectors import FakeDetector, YoloDetector, make_detector
from vision.errors import ImageDecodeError, WeightsNotFoundError
from vision.images import read_image
from vision.settings import DetectorConfig, VisionSettings
from vision.synthetic import ultralytics_asset
from vision.weights import check_weights

ONNX = PROJECT_ROOT.parent / "shared" / "models" / "yolov8n_int8_dynamic.onnx"


@needs_weights
def test_people_found_on_bus_jpg(yolo_detector: YoloDetector) -> None:
    detections = yolo_detector.detect(read_image(ultralytics_asset("bus.jpg")))
    people = [d for d in detections if d.label == "person" and d.confidence > 0.5]
    assert len(people) >= 3
    assert any(d.label == "bus" for d in detections)
    assert all(
        0 <= d.box.x1 < d.box.x2 <= 810 and 0 <= d.box.y1 < d.box.y2 <= 1080 for d in detections
    )


@pytest.mark.skipif(not ONNX.exists(), reason=f"ONNX weights not found at {ONNX}")
def test_onnx_weights_load_too(ultralytics_dir: Path) -> None:
    detector = YoloDetector(
        DetectorConfig(weights=ONNX, keep_labels=["person"]), config_dir=ultralytics_dir
    )
    detections = detector.detect(read_image(ultralytics_asset("zidane.jpg")))
    assert detections and {d.label for d in detections} == {"person"}


@pytest.mark.parametrize(
    ("weights", "code"),
    [
        (None, "weights-not-found"),
        (Path("/nowhere/yolo.pt"), "weights-not-found"),
        (Path(__file__), "weights-not-found"),  # a .py file is no model
    ],
)
def test_wrong_weights_path_is_a_clear_error(
    weights: Path | None, code: str, ultralytics_dir: Path
) -> None:
    empty_models = ultralytics_dir / "no-models"  # nothing to fall back on
    config = DetectorConfig(weights=weights, models_dir=empty_models)
    with pytest.raises(WeightsNotFoundError) as info:
        make_detector(config, config_dir=ultralytics_dir)
    assert info.value.code == code
    if weights is None:
        assert "FACET_YOLO_WEIGHTS" in info.value.message


def test_unloadable_weights_file(tmp_path: Path, ultralytics_dir: Path) -> None:
    bogus = tmp_path / "model.onnx"
    bogus.write_bytes(b"not a model")
    assert check_weights(bogus) == bogus
    with pytest.raises(WeightsNotFoundError) as info:
        YoloDetector(DetectorConfig(weights=bogus), config_dir=ultralytics_dir)
    assert info.value.code == "weights-unloadable"


def test_fake_detector_finds_marker_blobs() -> None:
    import numpy as np

    image = np.zeros((100, 100, 3), dtype=np.uint8)
    image[10:50, 20:40] = (255, 0, 255)
    (found,) = FakeDetector().detect(image)
    assert found.label == "person" and found.box.as_list() == [20.0, 10.0, 40.0, 50.0]


@needs_weights
def test_check_image_on_bus(tmp_path: Path, yolo_settings: VisionSettings) -> None:
    zones = tmp_path / "zones.yaml"
    zones.write_text(
        "- name: vault\n  kind: vault\n  restricted: true\n"
        "  polygon: [[0, 500], [810, 500], [810, 1080], [0, 1080]]\n"
        "- name: sky\n  kind: aisle\n  restricted: true\n"
        "  polygon: [[0, 0], [810, 0], [810, 200], [0, 200]]\n"
    )
    result = check_image(ultralytics_asset("bus.jpg"), zones, settings=yolo_settings)
    assert sum(d["label"] == "person" for d in result["detections"]) >= 3
    assert {(a["rule"], a["zone"], a["severity"]) for a in result["alerts"]} == {
        ("unauthorised-presence", "vault", "critical")
    }
    corrupt = tmp_path / "broken.jpg"
    corrupt.write_bytes(b"\xff\xd8\xff garbage")
    with pytest.raises(ImageDecodeError) as info:
        check_image(corrupt, zones, settings=yolo_settings)
    assert info.value.code == "image-unreadable"
