"""A camera's two roles, the Frigate way: a small image to detect on, the main image to view.

With one stream, each decoded frame is scaled down to the detect width at once, before anything
else touches it; with a ``detect_source`` (a low-resolution substream) the main stream is opened
only while someone watches the camera (or its shelf zones need full pixels). Detections are
mapped back to the camera's own pixels - the main stream's - in which zones are drawn.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import cv2
import numpy as np

from vision.config import CameraConfig
from vision.domain import Box, Detection, Frame
from vision.sources import CameraState, FrameSource, ManagedCamera, make_source

__all__ = ["Capture", "CameraFeed", "downscale", "map_detections"]

_MAIN_FRESH_SECONDS = 2.0  # a main-stream image older than this is not shown with a detect frame


@dataclass(frozen=True, eq=False)
class Capture:
    """One moment of a camera: the detect image and, when decoded, the main-stream image."""

    camera: str
    seq: int
    captured_at: datetime
    detect: np.ndarray
    main: np.ndarray | None
    size: tuple[int, int]

    @property
    def scale(self) -> tuple[float, float]:
        """Factors from detect-image pixels to the camera's own pixels (x, y)."""
        height, width = self.detect.shape[:2]
        return self.size[0] / width, self.size[1] / height

    def frame(self) -> Frame:
        """The capture as a :class:`Frame`: the main image if decoded, else the detect image."""
        image = self.main if self.main is not None else self.detect
        return Frame(self.camera, image, self.captured_at, self.seq)


def downscale(image: np.ndarray, width: int) -> np.ndarray:
    """The image scaled down (never up) to ``width`` pixels wide; 0 keeps it as it is."""
    height, current = image.shape[:2]
    if width <= 0 or current <= width:
        return image
    size = (width, max(1, int(round(height * width / current))))
    # Bilinear, as the detector's own letterbox would do: the same pixels reach the model.
    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)


def map_detections(detections: Sequence[Detection], scale: tuple[float, float]) -> list[Detection]:
    """Detections with their boxes multiplied by ``scale`` (x, y): detect to camera pixels."""
    sx, sy = scale
    if sx == 1.0 and sy == 1.0:
        return list(detections)
    return [
        Detection(
            d.label,
            d.confidence,
            Box(d.box.x1 * sx, d.box.y1 * sy, d.box.x2 * sx, d.box.y2 * sy),
            d.class_id,
        )
        for d in detections
    ]


class CameraFeed:
    """The detect role (paced, reconnecting) and, with a detect_source, the main stream."""

    def __init__(
        self,
        config: CameraConfig,
        *,
        detect_width: int,
        view_width: int,
        backoff_min: float = 1.0,
        backoff_max: float = 30.0,
        factory: Callable[[CameraConfig], FrameSource] = make_source,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """A feed of ``config``; nothing is opened until the first poll."""
        self.config = config

        def managed(role: CameraConfig) -> ManagedCamera:
            return ManagedCamera(
                role, backoff_min=backoff_min, backoff_max=backoff_max, factory=factory, clock=clock
            )

        self.managed = managed(config.detect_role())
        view = config.view_role()
        self.view = managed(view) if view is not None else None
        self.detect_width = config.detect_width if config.detect_width is not None else detect_width
        self.view_width = config.view_width or view_width
        self.size: tuple[int, int] | None = config.size
        self.watched = False
        self.needs_main = False
        self._clock = clock
        self._main: tuple[float, np.ndarray] | None = None

    @property
    def name(self) -> str:
        """The camera name."""
        return self.config.name

    def poll(self) -> Capture | None:
        """The next due capture, or None; the main stream is read only when it is wanted."""
        frame = self.managed.poll()
        if self.view is None:
            if frame is None:
                return None
            detect = downscale(frame.image, self.detect_width)
            image, size = frame.image, frame.size
            return Capture(frame.camera, frame.seq, frame.captured_at, detect, image, size)
        if not self._wants_main():
            self.view.close()  # nobody watches: the main stream is not decoded at all
            self._main = None
        if frame is None:
            return None
        # One main frame per detect frame: a file main stream stays in step with the substream.
        main = self._poll_main() if self._wants_main() else None
        if self.size is None:
            self._waiting_for_size()
            return None
        detect = downscale(frame.image, self.detect_width)
        return Capture(frame.camera, frame.seq, frame.captured_at, detect, main, self.size)

    def _wants_main(self) -> bool:
        return self.watched or self.needs_main or self.size is None

    def _poll_main(self) -> np.ndarray | None:
        assert self.view is not None
        frame = self.view.poll()
        now = self._clock()
        if frame is not None:
            self._main = (now, frame.image)
            self.size = frame.size
        if self._main is None or now - self._main[0] > _MAIN_FRESH_SECONDS:
            return None
        return self._main[1]

    def _waiting_for_size(self) -> None:
        status = self.managed.status
        status.code = "main-stream-size-unknown"
        status.message = "waiting for the main stream to learn its size (or set size: [w, h])"
        if self.view is not None and self.view.status.state is CameraState.OFFLINE:
            status.message = f"main stream offline: {self.view.status.message}"

    def next_due(self) -> float:
        """Monotonic time at which polling may next yield a capture."""
        return self.managed.next_due()

    def stop(self) -> None:
        """Close both streams for good."""
        self.managed.stop()
        if self.view is not None:
            self.view.stop()
