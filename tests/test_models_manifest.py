"""The model manifest's checksums match the model files present on this machine."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import pytest

from vision.weights import LOCAL_NAMES, PINNED_DOWNLOAD

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "models"
MANIFEST = json.loads((ROOT / "models" / "manifest.json").read_text())
FOLDERS = {
    "yolo11n-int8-openvino": SHARED / "yolo11n_int8_openvino_model",
    "yolov8n-int8-onnx": SHARED,
    "speech-embedding": Path(str(metadata.distribution("openwakeword").locate_file(
        "openwakeword/resources/models"))),
    "facet-words-en": ROOT / "assistant" / "data" / "voice",
}


@pytest.mark.parametrize("model", [m for m in MANIFEST["models"] if m["name"] in FOLDERS],
                         ids=lambda m: m["name"])
def test_checksums_match_the_files(model: dict[str, object]) -> None:
    folder = FOLDERS[str(model["name"])]
    if not folder.exists():
        pytest.skip(f"{folder} is not on this machine")
    for name, digest in dict(model["files"]).items():  # type: ignore[call-overload]
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_every_model_names_source_and_licence() -> None:
    for model in MANIFEST["models"]:
        assert model["source"] and model["licence"] and model["used_by"], model["name"]


def test_the_pinned_download_is_the_manifests_yolo11n() -> None:
    """vision.weights and the manifest pin the same URL and SHA-256."""
    (entry,) = [m for m in MANIFEST["models"] if m["name"] == PINNED_DOWNLOAD.name]
    assert entry["url"] == PINNED_DOWNLOAD.url
    assert entry["files"] == {PINNED_DOWNLOAD.name: PINNED_DOWNLOAD.sha256}


def test_weights_in_the_models_folder_match_the_manifest() -> None:
    """Any known weights file laid in models/ (by hand or the download) is the pinned one."""
    digests = {name: d for m in MANIFEST["models"] for name, d in m["files"].items()}
    present = [ROOT / "models" / n for n in LOCAL_NAMES
               if n in digests and (ROOT / "models" / n).is_file()]
    if not present:
        pytest.skip("no weights file in models/")
    for path in present:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digests[path.name], path.name
