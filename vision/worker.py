"""The detector worker process: runs one camera group and reports in typed messages."""

from __future__ import annotations

import logging
import os
import queue
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from typing import Any

from vision.detectors import Detector, make_detector, prepare_ultralytics
from vision.errors import VisionError
from vision.images import encode_jpeg, scale_to_width
from vision.messages import (
    CameraStatusReport,
    FrameReport,
    ShelfReadingMessage,
    StopWorker,
    TrackMessage,
    WorkerConfig,
    WorkerFailed,
    WorkerStarted,
    WorkerStopped,
)
from vision.pipeline import CameraPipeline, FrameAnalysis, build_shelf_classifiers
from vision.settings import VisionSettings
from vision.sources import CameraState, ManagedCamera
from vision.tracking import ObjectTracker

__all__ = ["GroupRunner", "worker_main"]

log = logging.getLogger(__name__)

_STATUS_EVERY = 1.0  # seconds between routine status reports
_IDLE_SLEEP_MAX = 0.05


@dataclass
class _Camera:
    managed: ManagedCamera
    pipeline: CameraPipeline | None
    times: deque[float] = field(default_factory=lambda: deque(maxlen=20))
    reported: tuple[Any, ...] = ()
    reported_at: float = 0.0


class GroupRunner:
    """Runs a camera group's loop inside a worker process (or a thread, in tests)."""

    def __init__(self, config: WorkerConfig, outbox: Queue[Any]) -> None:
        """A runner for ``config`` sending messages to ``outbox``."""
        self.config = config
        self.outbox = outbox
        self.settings = VisionSettings(**config.settings)
        self.cameras: list[_Camera] = []
        self.dropped = 0

    def setup(self) -> bool:
        """Load detectors and cameras; returns False (after reporting) when it cannot run."""
        prepare_ultralytics(self.settings.ultralytics_config_dir)
        try:
            detector = make_detector(self.config.detector, config_dir=self._config_dir)
            shelf_detector = None
            if self.config.shelf_detector is not None:
                shelf_detector = make_detector(
                    self.config.shelf_detector, config_dir=self._config_dir
                )
        except VisionError as exc:
            self._fail_all(exc)
            return False
        for camera in self.config.cameras:
            self.cameras.append(self._camera(camera, detector, shelf_detector))
        self._send(WorkerStarted(group=self.config.group, pid=os.getpid()))
        return True

    @property
    def _config_dir(self) -> Any:
        return self.settings.ultralytics_config_dir

    def _camera(self, camera: Any, detector: Detector, shelf_detector: Detector | None) -> _Camera:
        managed = ManagedCamera(
            camera,
            backoff_min=self.settings.reconnect_min_seconds,
            backoff_max=self.settings.reconnect_max_seconds,
        )
        try:
            zones = camera.zone_list()
            pipeline = CameraPipeline(
                camera.name,
                zones,
                detector,
                tracker=ObjectTracker(
                    config_dir=self._config_dir, track_buffer=self.settings.track_buffer_frames
                ),
                shelf_classifiers=build_shelf_classifiers(
                    zones, threshold=self.settings.shelf_threshold
                ),
                shelf_detector=shelf_detector,
                person_label=self.settings.person_label,
            )
        except VisionError as exc:
            managed.stop()  # a camera with a broken zone setup is not run; the others are
            managed.status.state, managed.status.code = CameraState.ERROR, exc.code
            managed.status.message = exc.message
            return _Camera(managed, None)
        return _Camera(managed, pipeline)

    def _fail_all(self, exc: VisionError) -> None:
        for camera in self.config.cameras:
            self._send(
                CameraStatusReport(
                    group=self.config.group,
                    camera=camera.name,
                    state=CameraState.ERROR,
                    code=exc.code,
                    message=exc.message,
                )
            )
        self._send(WorkerFailed(group=self.config.group, code=exc.code, message=exc.message))

    def step(self) -> int:
        """Poll every camera once, analysing due frames; returns frames analysed."""
        done = 0
        for cam in self.cameras:
            if cam.pipeline is None:
                self._report(cam)
                continue
            frame = cam.managed.poll()
            if frame is not None:
                if cam.managed.reconnected:
                    cam.pipeline.reset()
                try:
                    analysis = cam.pipeline.analyse(frame)
                except VisionError as exc:
                    cam.managed.status.code, cam.managed.status.message = exc.code, exc.message
                    cam.managed.status.errors += 1
                else:
                    self._send_frame(cam, analysis, frame.image)
                    done += 1
                cam.managed.reconnected = False
            self._report(cam)
        return done

    def _send_frame(self, cam: _Camera, analysis: FrameAnalysis, image: Any) -> None:
        cam.times.append(time.monotonic())
        preview = scale_to_width(image, self.settings.preview_max_width)
        report = FrameReport(
            group=self.config.group,
            camera=analysis.camera,
            seq=analysis.seq,
            captured_at=analysis.captured_at,
            width=analysis.size[0],
            height=analysis.size[1],
            tracks=[TrackMessage.of(t) for t in analysis.tracks],
            shelves=[ShelfReadingMessage.of(s) for s in analysis.shelves],
            jpeg=encode_jpeg(preview, self.settings.jpeg_quality),
            detect_ms=round(analysis.detect_ms, 2),
            reconnected=cam.managed.reconnected,
        )
        self._send(report)

    def _report(self, cam: _Camera) -> None:
        status = cam.managed.status
        key = (status.state, status.code, status.message)
        now = time.monotonic()
        if key == cam.reported and now - cam.reported_at < _STATUS_EVERY:
            return
        cam.reported, cam.reported_at = key, now
        span = cam.times[-1] - cam.times[0] if len(cam.times) > 1 else 0.0
        fps = (len(cam.times) - 1) / span if span > 0 else 0.0
        self._send(CameraStatusReport.of(self.config.group, cam.managed.name, status, fps))

    def _send(self, message: Any) -> None:
        try:
            self.outbox.put(message, timeout=1.0)
        except queue.Full:
            self.dropped += 1  # the supervisor is behind; a stale frame is worth less than a new

    def idle_time(self) -> float:
        """Seconds to sleep before any camera is due."""
        due = min((c.managed.next_due() for c in self.cameras if c.pipeline), default=None)
        if due is None:
            return _IDLE_SLEEP_MAX
        return max(0.0, min(_IDLE_SLEEP_MAX, due - time.monotonic()))

    def close(self) -> None:
        """Stop every camera and report their final state."""
        for cam in self.cameras:
            if cam.pipeline is not None:
                cam.managed.stop()
            self._report(cam)
        self._send(WorkerStopped(group=self.config.group))


def _stop_requested(inbox: Queue[Any]) -> bool:
    try:
        message = inbox.get_nowait()
    except queue.Empty:
        return False
    return isinstance(message, StopWorker)


def worker_main(config: WorkerConfig, outbox: Queue[Any], inbox: Queue[Any]) -> None:
    """Entry point of a worker process: run the group until a :class:`StopWorker` arrives."""
    logging.basicConfig(level=logging.WARNING)
    runner = GroupRunner(config, outbox)
    try:
        if not runner.setup():
            return
        while not _stop_requested(inbox):
            if runner.step() == 0:
                time.sleep(runner.idle_time())
        runner.close()
    except Exception as exc:  # last resort: tell the supervisor why this process dies
        log.exception("worker %s crashed", config.group)
        runner._send(
            WorkerFailed(
                group=config.group,
                code="worker-crashed",
                message=f"{type(exc).__name__}: {exc}",
                permanent=False,
            )
        )
    finally:
        outbox.close()
        outbox.join_thread()
