"""Errors of the vision package: each carries a stable kebab-case ``code`` and an HTTP status."""

from __future__ import annotations

__all__ = [
    "CameraOfflineError",
    "DetectorError",
    "ImageDecodeError",
    "SourceEndedError",
    "TrainingError",
    "VisionConfigError",
    "VisionError",
    "WeightsNotFoundError",
    "ZoneConfigError",
]


class VisionError(Exception):
    """Base of every vision error; ``code`` is stable, ``message`` is for people."""

    code = "vision-error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, str]:
        """The error as a JSON-ready mapping with ``code`` and ``message``."""
        return {"code": self.code, "message": self.message}


class WeightsNotFoundError(VisionError):
    """The detector weights path does not exist or cannot be loaded."""

    code = "weights-not-found"
    status = 422


class DetectorError(VisionError):
    """The detector failed to load or to run on a frame."""

    code = "detector-failed"
    status = 500


class CameraOfflineError(VisionError):
    """A camera stream cannot be opened or stopped delivering frames."""

    code = "camera-offline"
    status = 503


class SourceEndedError(VisionError):
    """A finite source (video file, image folder) has no more frames."""

    code = "source-ended"
    status = 410


class ImageDecodeError(VisionError):
    """An image file or frame cannot be decoded."""

    code = "image-unreadable"
    status = 422


class ZoneConfigError(VisionError):
    """A zones file or zone definition is malformed."""

    code = "invalid-zone-config"
    status = 422


class VisionConfigError(VisionError):
    """A cameras file or a vision setting is malformed."""

    code = "invalid-vision-config"
    status = 422


class TrainingError(VisionError):
    """A training dataset or training run is invalid."""

    code = "training-failed"
    status = 422
