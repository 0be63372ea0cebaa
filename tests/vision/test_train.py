"""Training a custom model: dataset validation, data.yaml, and a tiny real 1-epoch run."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from vision.errors import TrainingError
from vision.train import prepare_dataset, train_model
from web.cli.vision import app


def make_dataset(root: Path, count: int = 4) -> Path:
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    for i in range(count):
        image = np.full((64, 64, 3), 200, dtype=np.uint8)
        cv2.rectangle(image, (10 + i, 10), (40 + i, 40), (0, 0, 255), -1)
        cv2.imwrite(str(root / "images" / f"{i}.jpg"), image)
        (root / "labels" / f"{i}.txt").write_text(f"0 {(25 + i) / 64:.4f} 0.3906 0.4688 0.4688\n")
    (root / "classes.txt").write_text("tray\n")
    return root


def test_prepare_dataset_writes_yaml(tmp_path: Path) -> None:
    summary = prepare_dataset(make_dataset(tmp_path / "ds"), val_fraction=0.25)
    data = yaml.safe_load(summary.yaml_path.read_text())
    assert data["names"] == {0: "tray"} and data["train"] == "train.txt"
    assert (summary.train_images, summary.val_images, summary.boxes) == (3, 1, 4)
    assert len((tmp_path / "ds" / "train.txt").read_text().splitlines()) == 3


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("0 0.5 0.5 0.2", "dataset-bad-label"),
        ("3 0.5 0.5 0.2 0.2", "dataset-bad-label"),
        ("0 5 0.5 0.2 0.2", "dataset-bad-label"),
        ("a b c d e", "dataset-bad-label"),
    ],
)
def test_bad_labels_are_refused(tmp_path: Path, label: str, code: str) -> None:
    root = make_dataset(tmp_path / "ds")
    (root / "labels" / "0.txt").write_text(label + "\n")
    with pytest.raises(TrainingError) as info:
        prepare_dataset(root)
    assert info.value.code == code and "0.txt:1" in info.value.message


def test_layout_and_argument_errors(tmp_path: Path) -> None:
    with pytest.raises(TrainingError, match="images/ and labels/"):
        prepare_dataset(tmp_path)
    root = make_dataset(tmp_path / "ds")
    (root / "classes.txt").unlink()
    with pytest.raises(TrainingError) as info:
        prepare_dataset(root)
    assert info.value.code == "dataset-no-names"
    assert prepare_dataset(root, names=["tray"]).names == ("tray",)
    with pytest.raises(TrainingError) as info:
        train_model(root / "data.yaml", base="model_openvino_model")
    assert info.value.code == "training-bad-base"
    with pytest.raises(TrainingError):
        train_model(root / "data.yaml", epochs=0)


def test_cli_trains_one_epoch(
    tmp_path: Path, ultralytics_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACET_VISION_ULTRALYTICS_CONFIG_DIR", str(ultralytics_dir))
    root = make_dataset(tmp_path / "ds")
    result = CliRunner().invoke(
        app,
        [
            "train",
            str(root),
            "--epochs",
            "1",
            "--imgsz",
            "64",
            "--batch",
            "4",
            "--val-fraction",
            "0.5",
            "--project",
            str(tmp_path / "runs"),
            "--name",
            "t",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout[result.stdout.index("{") :])
    weights = Path(out["weights"])
    assert weights.is_file() and weights.suffix == ".pt"
    assert out["names"] == ["tray"]
