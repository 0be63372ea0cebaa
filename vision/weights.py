"""Where the detector's weights come from: a named path, the models folder, a pinned download.

Looked up in this order: the path in ``FACET_YOLO_WEIGHTS`` (or a camera group's ``weights``),
then the known model names in the project's ``models/`` folder, then, on a machine with
internet and ``FACET_VISION_DOWNLOAD_WEIGHTS=true`` only, YOLO11n downloaded from the
Ultralytics release assets into that folder and checked against the SHA-256 pinned below (and in
``models/manifest.json``). When none is there, one message names all three.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from vision.errors import WeightsNotFoundError

__all__ = [
    "LOCAL_NAMES",
    "PINNED_DOWNLOAD",
    "WEIGHT_SUFFIXES",
    "PinnedWeights",
    "check_weights",
    "download_weights",
    "find_weights",
]

WEIGHT_SUFFIXES = (".pt", ".onnx", ".torchscript", ".engine", ".tflite", ".mlpackage")

# Names looked for in the models folder, best first: the int8 OpenVINO exports run fastest on
# a CPU; yolo11n.pt is what the pinned download leaves there.
LOCAL_NAMES = (
    "yolo11n_int8_openvino_model",
    "yolo11n_openvino_model",
    "yolov8n_int8_dynamic.onnx",
    "yolo11n.onnx",
    "yolo11n.pt",
)

Fetch = Callable[[str], BinaryIO]


@dataclass(frozen=True)
class PinnedWeights:
    """A weights file on the internet with the SHA-256 it must have."""

    name: str
    url: str
    sha256: str


PINNED_DOWNLOAD = PinnedWeights(
    name="yolo11n.pt",
    url="https://github.com/ultralytics/assets/releases/download/v8.3.0/yolo11n.pt",
    sha256="0ebbc80d4a7680d14987a577cd21342b65ecfd94632bd9a8da63ae6417644ee1",
)


def check_weights(weights: Path | None) -> Path:
    """The weights path if it exists and looks like an ultralytics model, else raise."""
    if weights is None:
        raise WeightsNotFoundError(_none_found(Path("models")))
    path = Path(weights).expanduser()
    if not path.exists():
        raise WeightsNotFoundError(f"detector weights not found: {path}")
    if path.is_dir():
        if not any(path.glob("*.xml")) and not any(path.glob("*.pt")):
            raise WeightsNotFoundError(f"folder holds no OpenVINO model (*.xml): {path}")
    elif path.suffix.lower() not in WEIGHT_SUFFIXES:
        raise WeightsNotFoundError(
            f"unsupported weights format {path.suffix!r}: use one of {', '.join(WEIGHT_SUFFIXES)}"
        )
    return path


def find_weights(
    configured: Path | None,
    *,
    models_dir: Path,
    download: bool = False,
    pinned: PinnedWeights = PINNED_DOWNLOAD,
    fetch: Fetch | None = None,
) -> Path:
    """The weights to load: ``configured``, else the models folder, else a checked download.

    A configured path must exist: a typo is reported, not silently replaced by another model.
    """
    if configured is not None:
        return check_weights(configured)
    for name in LOCAL_NAMES:
        if (models_dir / name).exists():
            return check_weights(models_dir / name)
    if download:
        return download_weights(pinned, models_dir, fetch=fetch)
    raise WeightsNotFoundError(_none_found(models_dir))


def download_weights(
    pinned: PinnedWeights, models_dir: Path, *, fetch: Fetch | None = None
) -> Path:
    """Download ``pinned`` into ``models_dir``; kept only when its SHA-256 matches."""
    target = models_dir / pinned.name
    models_dir.mkdir(parents=True, exist_ok=True)
    # A private temporary name in the same folder: two workers downloading at once never see
    # each other's half-written file, and the rename is atomic.
    handle, partial = tempfile.mkstemp(dir=models_dir, prefix=f".{pinned.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            digest = _copy_hashing((fetch or _open_url)(pinned.url), out)
        if digest != pinned.sha256:
            raise WeightsNotFoundError(
                f"downloaded {pinned.url} has SHA-256 {digest}, expected {pinned.sha256}: "
                "not kept",
                code="weights-checksum-mismatch",
            )
        os.replace(partial, target)
    except OSError as exc:  # urllib's URLError is an OSError too
        raise WeightsNotFoundError(
            f"cannot download {pinned.url}: {exc}. {_none_found(models_dir)}",
            code="weights-download-failed",
        ) from exc
    finally:
        Path(partial).unlink(missing_ok=True)
    return target


def _copy_hashing(source: BinaryIO, out: BinaryIO) -> str:
    """Copy ``source`` to ``out`` in chunks; the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    with source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _open_url(url: str) -> BinaryIO:
    """The response body of ``url`` (only https URLs are pinned)."""
    if not url.startswith("https://"):
        raise OSError(f"refusing to download over a non-https URL: {url}")
    response: BinaryIO = urllib.request.urlopen(url, timeout=60)
    return response


def _none_found(models_dir: Path) -> str:
    """The one message naming every place weights are looked for."""
    return (
        "no detector weights found: set FACET_YOLO_WEIGHTS to a .pt, .onnx or OpenVINO model "
        f"folder; or put one of {', '.join(LOCAL_NAMES)} in {models_dir}/; or, with internet, "
        f"set FACET_VISION_DOWNLOAD_WEIGHTS=true to fetch {PINNED_DOWNLOAD.name} "
        "(SHA-256 checked)"
    )
