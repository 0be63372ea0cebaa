"""Detector weights lookup: the named path, then the models folder, then a checked download."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import BinaryIO

import pytest

from tests.vision.conftest import needs_weights, weights_path
from vision.errors import WeightsNotFoundError
from vision.settings import VisionSettings
from vision.weights import (
    LOCAL_NAMES,
    PINNED_DOWNLOAD,
    PinnedWeights,
    download_weights,
    find_weights,
)

PAYLOAD = b"weights bytes standing in for yolo11n.pt"
PINNED = PinnedWeights(
    name="yolo11n.pt",
    url="https://example.invalid/yolo11n.pt",
    sha256=hashlib.sha256(PAYLOAD).hexdigest(),
)


class Fetcher:
    """A fetch function that serves fixed bytes and counts its calls."""

    def __init__(self, payload: bytes = PAYLOAD) -> None:
        self.payload = payload
        self.urls: list[str] = []

    def __call__(self, url: str) -> BinaryIO:
        self.urls.append(url)
        return io.BytesIO(self.payload)


def never_fetch(url: str) -> BinaryIO:
    """Fails the test: the lookup must not reach the network."""
    raise AssertionError(f"unexpected download of {url}")


def test_a_named_path_wins_over_the_models_folder(tmp_path: Path) -> None:
    named = tmp_path / "mine.onnx"
    named.write_bytes(b"x")
    models = tmp_path / "models"
    models.mkdir()
    (models / "yolo11n.pt").write_bytes(b"y")
    found = find_weights(named, models_dir=models, download=True, fetch=never_fetch)
    assert found == named


def test_a_named_path_that_is_missing_is_reported_not_replaced(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "yolo11n.pt").write_bytes(b"y")
    with pytest.raises(WeightsNotFoundError) as info:
        find_weights(tmp_path / "typo.pt", models_dir=models, download=True, fetch=never_fetch)
    assert info.value.code == "weights-not-found" and "typo.pt" in info.value.message


def test_the_models_folder_is_searched_best_name_first(tmp_path: Path) -> None:
    (tmp_path / "yolo11n.pt").write_bytes(b"y")
    openvino = tmp_path / LOCAL_NAMES[0]
    openvino.mkdir()
    (openvino / "yolo11n.xml").write_text("<net/>")
    found = find_weights(None, models_dir=tmp_path, download=True, fetch=never_fetch)
    assert found == openvino


def test_download_keeps_the_file_when_its_checksum_matches(tmp_path: Path) -> None:
    fetch = Fetcher()
    found = find_weights(None, models_dir=tmp_path / "models", download=True,
                         pinned=PINNED, fetch=fetch)
    assert found == tmp_path / "models" / "yolo11n.pt" and found.read_bytes() == PAYLOAD
    assert fetch.urls == [PINNED.url]
    assert [p.name for p in found.parent.iterdir()] == ["yolo11n.pt"]  # no partial file left
    # The next lookup finds it in the models folder and downloads nothing.
    again = find_weights(None, models_dir=tmp_path / "models", download=True, fetch=never_fetch)
    assert again == found


def test_download_with_a_wrong_checksum_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(WeightsNotFoundError) as info:
        download_weights(PINNED, tmp_path, fetch=Fetcher(b"tampered"))
    assert info.value.code == "weights-checksum-mismatch"
    assert PINNED.sha256 in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_failed_download_names_every_place_looked(tmp_path: Path) -> None:
    def offline(url: str) -> BinaryIO:
        raise OSError("network is unreachable")

    with pytest.raises(WeightsNotFoundError) as info:
        download_weights(PINNED, tmp_path, fetch=offline)
    assert info.value.code == "weights-download-failed"
    assert "unreachable" in info.value.message and "FACET_YOLO_WEIGHTS" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_nothing_found_offline_is_one_message_naming_all_three(tmp_path: Path) -> None:
    with pytest.raises(WeightsNotFoundError) as info:
        find_weights(None, models_dir=tmp_path, download=False, fetch=never_fetch)
    message = info.value.message
    assert info.value.code == "weights-not-found"
    assert "FACET_YOLO_WEIGHTS" in message
    assert str(tmp_path) in message and "yolo11n_int8_openvino_model" in message
    assert "FACET_VISION_DOWNLOAD_WEIGHTS=true" in message


def test_only_https_is_downloaded(tmp_path: Path) -> None:
    plain = PinnedWeights(name="w.pt", url="http://example.invalid/w.pt", sha256=PINNED.sha256)
    with pytest.raises(WeightsNotFoundError) as info:
        download_weights(plain, tmp_path)
    assert info.value.code == "weights-download-failed" and "non-https" in info.value.message


def test_the_pinned_download_is_yolo11n_from_the_release_assets() -> None:
    assert PINNED_DOWNLOAD.url.startswith("https://github.com/ultralytics/assets/releases/")
    assert PINNED_DOWNLOAD.url.endswith("/" + PINNED_DOWNLOAD.name)
    assert len(PINNED_DOWNLOAD.sha256) == 64 and PINNED_DOWNLOAD.name in LOCAL_NAMES


def test_settings_carry_the_lookup_to_the_detector(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    for named in ("FACET_YOLO_WEIGHTS", "FACET_VISION_WEIGHTS"):  # make exports the first
        monkeypatch.delenv(named, raising=False)
    monkeypatch.setenv("FACET_VISION_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("FACET_VISION_DOWNLOAD_WEIGHTS", "true")
    config = VisionSettings().detector_config()
    assert config.models_dir == tmp_path and config.download_weights and config.weights is None


@needs_weights
def test_the_offline_weights_are_found_in_a_models_folder(tmp_path: Path) -> None:
    """The real OpenVINO export, laid in a models folder under its known name, is found."""
    source = weights_path()
    if source.name not in LOCAL_NAMES:
        pytest.skip(f"{source.name} is not one of the known names")
    (tmp_path / source.name).symlink_to(source, target_is_directory=source.is_dir())
    assert find_weights(None, models_dir=tmp_path, fetch=never_fetch) == tmp_path / source.name
