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

import numpy as np

from vision.detectors import Detector, detect_all, make_detector, prepare_ultralytics
from vision.domain import Detection
from vision.errors import VisionError
from vision.feed import CameraFeed, Capture, map_detections
from vision.images import scale_to_width
from vision.messages import (
    CameraStatusReport,
    FrameReport,
    RawImage,
    ShelfReadingMessage,
    StopWorker,
    TrackMessage,
    WatchCameras,
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

_Found = list[Detection] | VisionError  # a frame's detections, or why its batch failed
_STATUS_EVERY = 1.0  # seconds between routine status reports
_IDLE_SLEEP_MAX = 0.05


@dataclass
class _Camera:
    feed: CameraFeed
    pipeline: CameraPipeline | None
    times: deque[float] = field(default_factory=lambda: deque(maxlen=20))
    reported: tuple[Any, ...] = ()
    reported_at: float = 0.0

    @property
    def managed(self) -> ManagedCamera:
        return self.feed.managed


class GroupRunner:
    """Runs a camera group's loop inside a worker process (or a thread, in tests)."""

    def __init__(self, config: WorkerConfig, outbox: Queue[Any]) -> None:
        """A runner for ``config`` sending messages to ``outbox``."""
        self.config = config
        self.outbox = outbox
        self.settings = VisionSettings(**config.settings)
        self.cameras: list[_Camera] = []
        self.detector: Detector | None = None
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
        self.detector = detector
        for camera in self.config.cameras:
            self.cameras.append(self._camera(camera, detector, shelf_detector))
        self._send(WorkerStarted(group=self.config.group, pid=os.getpid()))
        return True

    @property
    def _config_dir(self) -> Any:
        return self.settings.ultralytics_config_dir

    def _camera(self, camera: Any, detector: Detector, shelf_detector: Detector | None) -> _Camera:
        feed = CameraFeed(
            camera,
            detect_width=self.settings.detect_width,
            view_width=self.settings.preview_max_width,
            backoff_min=self.settings.reconnect_min_seconds,
            backoff_max=self.settings.reconnect_max_seconds,
        )
        managed = feed.managed
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
            feed.stop()  # a camera with a broken zone setup is not run; the others are
            managed.status.state, managed.status.code = CameraState.ERROR, exc.code
            managed.status.message = exc.message
            return _Camera(feed, None)
        feed.needs_main = bool(pipeline.shelf_classifiers)  # shelf regions are in full pixels
        return _Camera(feed, pipeline)

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

    def watch(self, cameras: set[str]) -> None:
        """Mark which cameras someone watches: they get view-sized frames, the others not."""
        for cam in self.cameras:
            cam.feed.watched = cam.feed.name in cameras

    def step(self) -> int:
        """Poll every camera once and analyse the due frames in one detector batch."""
        due: list[tuple[_Camera, Capture]] = []
        for cam in self.cameras:
            capture = cam.feed.poll() if cam.pipeline is not None else None
            if capture is None:
                self._report(cam)
                continue
            if cam.managed.reconnected and cam.pipeline is not None:
                cam.pipeline.reset()
            due.append((cam, capture))
        if not due:
            return 0
        found, detect_ms = self._detect([capture.detect for _, capture in due])
        done = 0
        for (cam, capture), detections in zip(due, found, strict=True):
            done += self._analyse(cam, capture, detections, detect_ms)
            cam.managed.reconnected = False
            self._report(cam)
        return done

    def _detect(self, images: list[np.ndarray]) -> tuple[list[_Found], float]:
        """Detections per image (an error in place of all when the batch fails) and ms each."""
        detector = self.detector
        assert detector is not None  # set up before the first step
        started = time.perf_counter()
        try:
            if self.settings.detect_batch:
                found: list[_Found] = list(detect_all(detector, images))
            else:
                found = [detector.detect(image) for image in images]
        except VisionError as exc:
            found = [exc] * len(images)
        return found, (time.perf_counter() - started) * 1000 / len(images)

    def _analyse(
        self,
        cam: _Camera,
        capture: Capture,
        detections: _Found,
        detect_ms: float,
    ) -> int:
        assert cam.pipeline is not None
        try:
            if isinstance(detections, VisionError):
                raise detections
            mapped = map_detections(detections, capture.scale)
            analysis = cam.pipeline.finish(capture.frame(), mapped, detect_ms, size=capture.size)
        except VisionError as exc:
            cam.managed.status.code, cam.managed.status.message = exc.code, exc.message
            cam.managed.status.errors += 1
            return 0
        self._send_frame(cam, analysis, capture)
        return 1

    def _send_frame(self, cam: _Camera, analysis: FrameAnalysis, capture: Capture) -> None:
        cam.times.append(time.monotonic())
        # Only a watched camera pays for a view-sized image; alerts use the detect image.
        source = capture.main if cam.feed.watched and capture.main is not None else capture.detect
        image = scale_to_width(source, cam.feed.view_width)
        report = FrameReport(
            group=self.config.group,
            camera=analysis.camera,
            seq=analysis.seq,
            captured_at=analysis.captured_at,
            width=analysis.size[0],
            height=analysis.size[1],
            tracks=[TrackMessage.of(t) for t in analysis.tracks],
            shelves=[ShelfReadingMessage.of(s) for s in analysis.shelves],
            image=RawImage.of(image),
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
        due = min((c.feed.next_due() for c in self.cameras if c.pipeline), default=None)
        if due is None:
            return _IDLE_SLEEP_MAX
        return max(0.0, min(_IDLE_SLEEP_MAX, due - time.monotonic()))

    def close(self) -> None:
        """Stop every camera and report their final state."""
        for cam in self.cameras:
            if cam.pipeline is not None:
                cam.feed.stop()
            self._report(cam)
        self._send(WorkerStopped(group=self.config.group))


def _read_inbox(inbox: Queue[Any], runner: GroupRunner) -> bool:
    """Apply the supervisor's messages; True when it asked the worker to stop."""
    while True:
        try:
            message = inbox.get_nowait()
        except queue.Empty:
            return False
        if isinstance(message, StopWorker):
            return True
        if isinstance(message, WatchCameras):
            runner.watch(set(message.cameras))


def worker_main(config: WorkerConfig, outbox: Queue[Any], inbox: Queue[Any]) -> None:
    """Entry point of a worker process: run the group until a :class:`StopWorker` arrives."""
    logging.basicConfig(level=logging.WARNING)
    runner = GroupRunner(config, outbox)
    try:
        if not runner.setup():
            return
        while not _read_inbox(inbox, runner):
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
