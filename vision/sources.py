"""Camera sources (OpenCV streams, USB, files, image folders) with pacing and reconnection."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from vision.config import CameraConfig
from vision.domain import Frame
from vision.errors import CameraOfflineError, ImageDecodeError, SourceEndedError, VisionError
from vision.images import read_image

__all__ = [
    "CameraState",
    "CameraStatus",
    "CaptureSource",
    "FolderSource",
    "FrameSource",
    "ManagedCamera",
    "make_source",
]

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
_OPEN_TIMEOUT_MS = 5000
_READ_AHEAD = 2  # decoded file frames kept ready, so decoding overlaps the detector's work

try:  # OpenCV logs every refused connection at WARN; our status reports say it better.
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
except AttributeError:  # pragma: no cover - very old OpenCV
    pass


class FrameSource(Protocol):
    """Something that yields BGR frames: open, read (None if nothing new yet), close."""

    def open(self) -> None:
        """Connect or open; raises :class:`CameraOfflineError`."""
        ...

    def read(self) -> np.ndarray | None:
        """The next frame, None when no new one is ready; raises on failure or end."""
        ...

    def close(self) -> None:
        """Release the device or stream."""
        ...


class CaptureSource:
    """An OpenCV VideoCapture: RTSP/HTTP streams and USB cameras live, video files in order."""

    def __init__(self, source: str | int, *, live: bool, fps: float | None = None) -> None:
        """A source of ``source``; live ones are drained by a thread so frames are fresh."""
        self.source = source
        self.live = live
        self.fps = fps
        self._cap: Any = None
        self._latest: np.ndarray | None = None
        self._failed = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._ahead: queue.Queue[np.ndarray | VisionError] = queue.Queue(maxsize=_READ_AHEAD)
        self._step = 1

    def open(self) -> None:
        """Open the capture; raises :class:`CameraOfflineError` when it cannot."""
        # FFmpeg prints every refused connection; camera status reports say it better.
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
        if isinstance(self.source, int) or str(self.source).isdigit():
            cap = cv2.VideoCapture(int(self.source))
        else:
            params = [
                cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                _OPEN_TIMEOUT_MS,
                cv2.CAP_PROP_READ_TIMEOUT_MSEC,
                _OPEN_TIMEOUT_MS,
            ]
            cap = cv2.VideoCapture(str(self.source), cv2.CAP_ANY, params)
        if not cap.isOpened():
            cap.release()
            raise CameraOfflineError(f"cannot open video source {self.source}")
        self._cap, self._failed, self._latest = cap, False, None
        if self.live:
            self._thread = threading.Thread(target=self._drain, daemon=True, name="capture")
            self._thread.start()
        else:
            native = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
            self._step = max(1, round(native / self.fps)) if self.fps and native > 0 else 1
            self._ahead = queue.Queue(maxsize=_READ_AHEAD)
            self._thread = threading.Thread(
                target=self._read_ahead, args=(cap,), daemon=True, name="capture-ahead"
            )
            self._thread.start()

    def _read_ahead(self, cap: Any) -> None:
        # OpenCV decodes without the GIL: the next frames are ready when the worker asks.
        while cap is self._cap:
            for _ in range(self._step - 1):  # skip frames to sample the file at the camera's rate
                cap.grab()
            ok, image = cap.read()
            item: np.ndarray | VisionError = (
                image if ok else SourceEndedError(f"end of video file {self.source}")
            )
            while cap is self._cap:
                try:
                    self._ahead.put(item, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if not ok:
                return

    def _drain(self) -> None:
        cap = self._cap
        while cap is self._cap and cap is not None:
            ok, image = cap.read()
            with self._lock:
                if not ok:
                    self._failed = True
                    return
                self._latest = image

    def read(self) -> np.ndarray | None:
        """The newest frame (live) or the next one due (file)."""
        if self._cap is None:
            raise CameraOfflineError(f"video source {self.source} is not open")
        if self.live:
            with self._lock:
                image, self._latest = self._latest, None
                if image is None and self._failed:
                    raise CameraOfflineError(f"video source {self.source} stopped sending frames")
            return image
        try:
            item = self._ahead.get_nowait()
        except queue.Empty:
            return None  # still decoding: the camera is polled again shortly
        if isinstance(item, VisionError):
            raise item
        return item

    def close(self) -> None:
        """Release the capture and stop the drain or read-ahead thread."""
        cap, self._cap = self._cap, None
        if cap is not None and self.live:
            cap.release()  # also ends a read blocked on a silent stream
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        if cap is not None and not self.live:
            cap.release()  # after the read-ahead thread let go of it


class FolderSource:
    """Images of a folder in name order, one per read."""

    def __init__(self, folder: str | Path) -> None:
        """A source reading the images in ``folder``."""
        self.folder = Path(folder)
        self._files: list[Path] = []
        self._index = 0

    def open(self) -> None:
        """List the folder's images."""
        if not self.folder.is_dir():
            raise CameraOfflineError(f"image folder not found: {self.folder}")
        self._files = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        self._index = 0
        if not self._files:
            raise CameraOfflineError(f"image folder has no images: {self.folder}")

    def read(self) -> np.ndarray | None:
        """The next image; a corrupt one raises :class:`ImageDecodeError` and is skipped."""
        if self._index >= len(self._files):
            raise SourceEndedError(f"no more images in {self.folder}")
        path = self._files[self._index]
        self._index += 1
        return read_image(path)

    def close(self) -> None:
        """Nothing to release."""
        self._files = []


def make_source(config: CameraConfig) -> FrameSource:
    """The source a camera config describes."""
    kind = config.source_kind()
    if kind == "folder":
        return FolderSource(str(config.source))
    return CaptureSource(config.source, live=kind in ("stream", "usb"), fps=config.fps)


class CameraState(StrEnum):
    """What a camera tile shows."""

    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"
    ENDED = "ended"
    ERROR = "error"
    STOPPED = "stopped"


@dataclass
class CameraStatus:
    """A camera's health for status reporting."""

    state: CameraState = CameraState.CONNECTING
    code: str | None = None
    message: str = ""
    frames: int = 0
    errors: int = 0
    reconnects: int = 0
    last_frame_at: datetime | None = None
    retry_in: float | None = None


class ManagedCamera:
    """A source with its frame rate, reconnection with exponential backoff and a status."""

    def __init__(
        self,
        config: CameraConfig,
        *,
        backoff_min: float = 1.0,
        backoff_max: float = 30.0,
        factory: Callable[[CameraConfig], FrameSource] = make_source,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """A managed camera; nothing is opened until the first poll."""
        self.config = config
        self.status = CameraStatus()
        self._factory, self._clock = factory, clock
        self._backoff_min, self._backoff_max = backoff_min, backoff_max
        self._backoff = backoff_min
        self._source: FrameSource | None = None
        self._retry_at = 0.0
        self._due = 0.0
        self._seq = 0
        self.reconnected = False

    @property
    def name(self) -> str:
        """The camera name."""
        return self.config.name

    def next_due(self) -> float:
        """Monotonic time at which polling may next yield something."""
        if self.status.state in (CameraState.ENDED, CameraState.STOPPED):
            return float("inf")
        return self._retry_at if self._source is None else self._due

    def poll(self) -> Frame | None:
        """A frame if one is due and ready, handling errors and reconnects."""
        now = self._clock()
        if self.status.state in (CameraState.ENDED, CameraState.STOPPED):
            return None
        if self._source is None and (now < self._retry_at or not self._connect(now)):
            return None
        if now < self._due:
            return None
        try:
            image = self._source.read() if self._source is not None else None
        except SourceEndedError as exc:
            self._ended(exc)
            return None
        except ImageDecodeError as exc:
            self._error(exc, now)
            return None
        except VisionError as exc:
            self._drop(exc, now)
            return None
        if image is None:
            self._due = now + 0.005  # live stream has nothing new yet
            return None
        return self._frame(image, now)

    def _connect(self, now: float) -> bool:
        source = self._factory(self.config)
        try:
            source.open()
        except VisionError as exc:
            self._drop(exc, now)
            return False
        self._source = source
        self._due = now
        if self.status.frames:
            self.status.reconnects += 1
            self.reconnected = True
        return True

    def _frame(self, image: np.ndarray, now: float) -> Frame:
        self._backoff = self._backoff_min
        self._due = now + 1.0 / self.config.fps if self.config.fps else now
        self._seq += 1
        captured = datetime.now(UTC)
        self.status.state, self.status.code, self.status.message = CameraState.ONLINE, None, ""
        self.status.frames += 1
        self.status.last_frame_at = captured
        self.status.retry_in = None
        return Frame(self.config.name, image, captured, self._seq)

    def _error(self, exc: VisionError, now: float) -> None:
        self.status.errors += 1
        self.status.code, self.status.message = exc.code, exc.message
        if self.status.state is not CameraState.ONLINE:
            self.status.state = CameraState.ERROR
        self._due = now + (1.0 / self.config.fps if self.config.fps else 0.0)

    def _drop(self, exc: VisionError, now: float) -> None:
        self._close()
        self.status.state, self.status.code, self.status.message = (
            CameraState.OFFLINE,
            exc.code,
            exc.message,
        )
        self.status.retry_in = self._backoff
        self._retry_at = now + self._backoff
        self._backoff = min(self._backoff * 2, self._backoff_max)

    def _ended(self, exc: SourceEndedError) -> None:
        self._close()
        if self.config.loop:
            self._retry_at = 0.0
            return None
        self.status.state, self.status.code, self.status.message = (
            CameraState.ENDED,
            exc.code,
            exc.message,
        )
        return None

    def _close(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None

    def close(self) -> None:
        """Close the source for now; the next poll opens it again."""
        self._close()

    def stop(self) -> None:
        """Close the source for good."""
        self._close()
        self.status.state = CameraState.STOPPED
