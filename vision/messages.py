"""Typed messages between the supervisor and detector worker processes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from vision.config import CameraConfig
from vision.domain import Box, ShelfState, TrackedObject
from vision.settings import DetectorConfig
from vision.shelf import ShelfReading
from vision.sources import CameraState, CameraStatus

__all__ = [
    "CameraStatusReport",
    "FrameReport",
    "RawImage",
    "ShelfReadingMessage",
    "StopWorker",
    "TrackMessage",
    "WatchCameras",
    "WorkerConfig",
    "WorkerFailed",
    "WorkerMessage",
    "WorkerStarted",
    "WorkerStopped",
]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrackMessage(_Message):
    """A tracked object in a frame."""

    track_id: int
    label: str
    confidence: float
    box: tuple[float, float, float, float]
    class_id: int = 0

    @classmethod
    def of(cls, obj: TrackedObject) -> TrackMessage:
        """The message form of a tracked object."""
        b = obj.box
        return cls(
            track_id=obj.track_id,
            label=obj.label,
            confidence=obj.confidence,
            box=(b.x1, b.y1, b.x2, b.y2),
            class_id=obj.class_id,
        )

    def to_tracked(self) -> TrackedObject:
        """Back to the dataclass."""
        return TrackedObject(
            self.track_id, self.label, self.confidence, Box(*self.box), self.class_id
        )


class ShelfReadingMessage(_Message):
    """A shelf region's reading in a frame."""

    zone: str
    state: ShelfState
    score: float
    occluded: bool = False
    count: int | None = None

    @classmethod
    def of(cls, reading: ShelfReading) -> ShelfReadingMessage:
        """The message form of a reading."""
        return cls(
            zone=reading.zone,
            state=reading.state,
            score=reading.score,
            occluded=reading.occluded,
            count=reading.count,
        )

    def to_reading(self) -> ShelfReading:
        """Back to the dataclass."""
        return ShelfReading(self.zone, self.state, self.score, self.occluded, self.count)


class RawImage(_Message):
    """A BGR image as raw bytes: far cheaper to pass between processes than to JPEG-encode."""

    width: int
    height: int
    data: bytes

    @classmethod
    def of(cls, image: np.ndarray) -> RawImage:
        """The message form of a BGR image."""
        height, width = image.shape[:2]
        return cls(width=int(width), height=int(height), data=image.tobytes())

    def to_array(self) -> np.ndarray:
        """Back to a (read-only) BGR array."""
        return np.frombuffer(self.data, dtype=np.uint8).reshape(self.height, self.width, 3)


class FrameReport(_Message):
    """One analysed frame: tracks, shelf readings and its image (raw, without overlay).

    The image is view-sized while someone watches the camera and the small detect image
    otherwise; boxes and ``width``/``height`` are in the camera's own pixels.
    """

    kind: Literal["frame"] = "frame"
    group: str
    camera: str
    seq: int
    captured_at: datetime
    width: int
    height: int
    tracks: list[TrackMessage] = Field(default_factory=list)
    shelves: list[ShelfReadingMessage] = Field(default_factory=list)
    image: RawImage
    detect_ms: float = 0.0
    reconnected: bool = False


class CameraStatusReport(_Message):
    """A camera's health, sent on every change and about once a second."""

    kind: Literal["camera-status"] = "camera-status"
    group: str
    camera: str
    state: CameraState
    code: str | None = None
    message: str = ""
    frames: int = 0
    errors: int = 0
    reconnects: int = 0
    fps: float = 0.0
    last_frame_at: datetime | None = None
    retry_in: float | None = None

    @classmethod
    def of(cls, group: str, camera: str, status: CameraStatus, fps: float) -> CameraStatusReport:
        """A report from a camera's status."""
        return cls(
            group=group,
            camera=camera,
            state=status.state,
            code=status.code,
            message=status.message,
            frames=status.frames,
            errors=status.errors,
            reconnects=status.reconnects,
            fps=round(fps, 2),
            last_frame_at=status.last_frame_at,
            retry_in=status.retry_in,
        )


class WorkerStarted(_Message):
    """A worker process is up and its detector is loaded."""

    kind: Literal["worker-started"] = "worker-started"
    group: str
    pid: int


class WorkerFailed(_Message):
    """A worker process cannot go on; ``permanent`` failures are not retried."""

    kind: Literal["worker-failed"] = "worker-failed"
    group: str
    code: str
    message: str
    permanent: bool = True


class WorkerStopped(_Message):
    """A worker process stopped on request."""

    kind: Literal["worker-stopped"] = "worker-stopped"
    group: str


class StopWorker(_Message):
    """Supervisor to worker: stop and exit."""

    kind: Literal["stop"] = "stop"


class WatchCameras(_Message):
    """Supervisor to worker: the cameras someone watches now (all others get no view frames)."""

    kind: Literal["watch"] = "watch"
    cameras: list[str] = Field(default_factory=list)


WorkerMessage = Annotated[
    FrameReport | CameraStatusReport | WorkerStarted | WorkerFailed | WorkerStopped,
    Field(discriminator="kind"),
]


class WorkerConfig(_Message):
    """Everything a worker process needs to run one camera group."""

    group: str
    cameras: list[CameraConfig]
    detector: DetectorConfig
    shelf_detector: DetectorConfig | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
