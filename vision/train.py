"""Training a custom YOLO model (e.g. trays, empty slots) from labelled images with ultralytics.

A dataset is a folder in YOLO layout: ``images/`` and ``labels/`` side by side, each label a
``.txt`` with one ``class cx cy w h`` line per box (normalised 0-1), and the class names in
``classes.txt`` (one per line) or given explicitly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vision.detectors import prepare_ultralytics
from vision.errors import TrainingError
from vision.sources import IMAGE_SUFFIXES

__all__ = ["DatasetSummary", "TrainResult", "prepare_dataset", "train_model", "validate_labels"]

_EXPORT_SUFFIXES = (".onnx", ".xml", ".engine", ".tflite")
# No dataloader processes, plots (they want a downloaded font) or AMP check (it downloads).
_QUIET_OPTIONS = {"exist_ok": True, "workers": 0, "plots": False, "amp": False, "verbose": False}


@dataclass(frozen=True)
class DatasetSummary:
    """A prepared dataset: its YAML and how many images went to each split."""

    yaml_path: Path
    names: tuple[str, ...]
    train_images: int
    val_images: int
    boxes: int


@dataclass(frozen=True)
class TrainResult:
    """Where the trained weights are and the final validation metrics."""

    best_weights: Path
    run_dir: Path
    metrics: dict[str, float]


def _read_names(root: Path, names: Sequence[str] | None) -> tuple[str, ...]:
    if names:
        return tuple(names)
    listing = root / "classes.txt"
    if not listing.is_file():
        raise TrainingError(
            f"no class names: give names or write {listing} (one per line)", code="dataset-no-names"
        )
    found = tuple(line.strip() for line in listing.read_text().splitlines() if line.strip())
    if not found:
        raise TrainingError(f"{listing} is empty", code="dataset-no-names")
    return found


def validate_labels(label_file: Path, class_count: int) -> int:
    """Check one YOLO label file; returns its number of boxes."""
    boxes = 0
    for number, line in enumerate(label_file.read_text().splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        where = f"{label_file}:{number}"
        if len(parts) != 5:
            raise TrainingError(
                f"{where}: expected 'class cx cy w h', got {line!r}", code="dataset-bad-label"
            )
        try:
            cls, values = int(parts[0]), [float(p) for p in parts[1:]]
        except ValueError as exc:
            raise TrainingError(
                f"{where}: not numbers: {line!r}", code="dataset-bad-label"
            ) from exc
        if not 0 <= cls < class_count:
            raise TrainingError(
                f"{where}: class {cls} outside 0..{class_count - 1}", code="dataset-bad-label"
            )
        if not all(0.0 <= v <= 1.0 for v in values):
            raise TrainingError(
                f"{where}: coordinates must be normalised to 0-1", code="dataset-bad-label"
            )
        boxes += 1
    return boxes


def prepare_dataset(
    root: str | Path,
    *,
    names: Sequence[str] | None = None,
    val_fraction: float = 0.2,
    seed: int = 0,
) -> DatasetSummary:
    """Validate a YOLO-layout folder, split it into train/val lists and write ``data.yaml``."""
    root = Path(root).resolve()
    images_dir, labels_dir = root / "images", root / "labels"
    if not images_dir.is_dir() or not labels_dir.is_dir():
        raise TrainingError(f"{root} needs images/ and labels/ folders", code="dataset-layout")
    if not 0.0 <= val_fraction < 1.0:
        raise TrainingError("val_fraction must be in [0, 1)", code="dataset-split")
    classes = _read_names(root, names)
    images = sorted(p for p in images_dir.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if len(images) < 2:
        raise TrainingError(f"{images_dir} needs at least 2 images", code="dataset-too-small")
    boxes = 0
    for image in images:
        label = labels_dir / image.relative_to(images_dir).with_suffix(".txt")
        if label.is_file():  # an image without a label file is a background image
            boxes += validate_labels(label, len(classes))
    if boxes == 0:
        raise TrainingError("no labelled boxes in the dataset", code="dataset-no-boxes")
    shuffled = images[:]
    random.Random(seed).shuffle(shuffled)
    val_count = max(1, round(len(images) * val_fraction))
    val, train = shuffled[:val_count], shuffled[val_count:] or shuffled[:1]
    (root / "train.txt").write_text("".join(f"{p}\n" for p in sorted(train)))
    (root / "val.txt").write_text("".join(f"{p}\n" for p in sorted(val)))
    data = {
        "path": str(root),
        "train": "train.txt",
        "val": "val.txt",
        "names": dict(enumerate(classes)),
    }
    yaml_path = root / "data.yaml"
    yaml_path.write_text(yaml.safe_dump(data, sort_keys=False))
    return DatasetSummary(yaml_path, classes, len(train), len(val), boxes)


def _check_base(base: str) -> str:
    path = Path(base)
    if path.suffix in _EXPORT_SUFFIXES or path.name.endswith("_openvino_model"):
        raise TrainingError(
            f"cannot train from an exported model {base}: use .pt or .yaml",
            code="training-bad-base",
        )
    if path.suffix == ".pt" and not path.is_file():
        raise TrainingError(
            f"base weights not found: {base} (offline: use yolo11n.yaml)", code="training-bad-base"
        )
    if path.suffix not in (".pt", ".yaml", ".yml"):
        raise TrainingError(
            f"base must be a .pt checkpoint or a model .yaml, got {base}", code="training-bad-base"
        )
    return base


def train_model(
    data_yaml: str | Path,
    *,
    base: str = "yolo11n.yaml",
    epochs: int = 50,
    imgsz: int = 640,
    batch: int = 8,
    device: str = "cpu",
    project: str | Path = Path("var") / "vision" / "training",
    name: str = "shelf",
    config_dir: Path = Path("var") / "ultralytics",
    extra: dict[str, Any] | None = None,
) -> TrainResult:
    """Train a detector with ultralytics; returns the best weights (usable as vision weights)."""
    if epochs < 1 or imgsz < 32 or batch < 1:
        raise TrainingError(
            "epochs and batch must be >= 1 and imgsz >= 32", code="training-bad-argument"
        )
    if not Path(data_yaml).is_file():
        raise TrainingError(f"dataset YAML not found: {data_yaml}", code="dataset-layout")
    _check_base(base)
    prepare_ultralytics(config_dir)
    from ultralytics.models import YOLO

    model: Any = YOLO(base, task="detect")
    options: dict[str, Any] = {
        "data": str(data_yaml),
        "epochs": epochs,
        "imgsz": imgsz,
        "batch": batch,
        "device": device,
        "project": str(Path(project).resolve()),
        "name": name,
        **_QUIET_OPTIONS,
    }
    options.update(extra or {})
    try:
        model.train(**options)
    except Exception as exc:  # ultralytics raises assorted errors for bad datasets
        raise TrainingError(f"training failed: {exc}") from exc
    trainer = model.trainer
    best = Path(trainer.best if Path(trainer.best).is_file() else trainer.last)
    metrics = {
        k: float(v)
        for k, v in (getattr(trainer, "metrics", None) or {}).items()
        if isinstance(v, int | float)
    }
    return TrainResult(best, Path(trainer.save_dir), metrics)
