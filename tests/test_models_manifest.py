"""The model manifest's checksums match the model files present on this machine."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import pytest

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
