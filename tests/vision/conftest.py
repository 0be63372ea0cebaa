"""Shared fixtures of the vision tests: settings in tmp folders, offline weights, media."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from vision.settings import DetectorConfig, VisionSettings
from vision.synthetic import make_walk_video

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_WEIGHTS = PROJECT_ROOT.parent / "shared" / "models" / "yolo11n_int8_openvino_model"


def weights_path() -> Path:
    """The offline YOLO weights: FACET_YOLO_WEIGHTS, else ../shared/models/ beside the project."""
    return Path(os.environ.get("FACET_YOLO_WEIGHTS", str(DEFAULT_WEIGHTS)))


needs_weights = pytest.mark.skipif(
    not weights_path().exists(),
    reason=f"offline YOLO weights not found at {weights_path()} (set FACET_YOLO_WEIGHTS)",
)


@pytest.fixture(scope="session")
def ultralytics_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One YOLO_CONFIG_DIR for the whole session."""
    return tmp_path_factory.mktemp("ultralytics")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No FACET_VISION_* from the caller's shell leaks into settings made by tests."""
    for key in list(os.environ):
        if key.startswith("FACET_VISION_"):
            monkeypatch.delenv(key)
    yield


@pytest.fixture
def settings(tmp_path: Path, ultralytics_dir: Path) -> VisionSettings:
    """Settings writing under tmp_path, fake detector, short persistence."""
    return VisionSettings(
        detector_type="fake",
        var_dir=tmp_path / "var",
        ultralytics_config_dir=ultralytics_dir,
        persistence_frames=3,
        cooldown_seconds=60,
    )


@pytest.fixture
def yolo_settings(settings: VisionSettings) -> VisionSettings:
    """Settings using the offline YOLO weights."""
    return settings.model_copy(update={"detector_type": "yolo", "weights": weights_path()})


@pytest.fixture(scope="session")
def yolo_detector(ultralytics_dir: Path):  # type: ignore[no-untyped-def]
    """The real int8 OpenVINO detector, loaded once."""
    if not weights_path().exists():
        pytest.skip(f"offline YOLO weights not found at {weights_path()}")
    from vision.detectors import YoloDetector

    return YoloDetector(DetectorConfig(weights=weights_path()), config_dir=ultralytics_dir)


@pytest.fixture(scope="session")
def walk_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 640x480 video of the bus.jpg person walking from the left into the right third."""
    return make_walk_video(tmp_path_factory.mktemp("media") / "walk.mp4", frames=24)


# The restricted zone the walking person enters (bottom-centre x crosses 400 at frame ~14).
VAULT_ZONE = {
    "name": "vault",
    "kind": "vault",
    "polygon": [[400, 300], [640, 300], [640, 480], [400, 480]],
    "restricted": True,
}
