"""The supervisor the web app owns: starts detector workers, collects frames, raises alerts."""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from vision.alerts import AlertPipeline, StoredAlert
from vision.config import CamerasFile
from vision.images import draw_overlay, encode_jpeg, placeholder_jpeg
from vision.messages import (
    CameraStatusReport,
    FrameReport,
    StopWorker,
    WatchCameras,
    WorkerConfig,
    WorkerFailed,
    WorkerStarted,
    WorkerStopped,
)
from vision.protocols import AlertSink, Providers
from vision.rules import Finding
from vision.settings import VisionSettings
from vision.snapshots import SnapshotStore
from vision.sources import CameraState
from vision.stream import mjpeg_frames
from vision.worker import worker_main

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext

__all__ = ["VisionSupervisor"]

log = logging.getLogger(__name__)

_RESTART_MIN, _RESTART_MAX = 1.0, 60.0


@dataclass
class _Worker:
    config: WorkerConfig
    process: Any = None
    inbox: Any = None
    failed: WorkerFailed | None = None
    restarts: int = 0
    restart_at: float | None = None
    started: bool = False
    watched: frozenset[str] | None = None  # what the process was last told; None: nothing yet


@dataclass
class _Rendered:
    seq: int = -1
    jpeg: bytes = b""


@dataclass
class SupervisorStats:
    """Counters for status pages and the benchmark."""

    frames: int = 0
    alerts: int = 0
    jpeg_encoded: int = 0
    sink_errors: int = 0
    alert_latency_ms: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    detect_ms: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    started_at: float | None = None


class VisionSupervisor:
    """Owns one worker process per camera group; start() and stop() are called by ``web``."""

    def __init__(
        self,
        settings: VisionSettings,
        cameras: CamerasFile,
        *,
        sink: AlertSink,
        providers: Providers | None = None,
        snapshots: SnapshotStore | None = None,
    ) -> None:
        """A stopped supervisor of the enabled cameras in ``cameras``."""
        self.settings = settings
        self.cameras = cameras
        self.stats = SupervisorStats()
        groups = cameras.groups_of()
        self._zones = {c.name: c.zone_list() for cams in groups.values() for c in cams}
        self._status = {
            c.name: CameraStatusReport(group=g, camera=c.name, state=CameraState.STOPPED)
            for g, cams in groups.items()
            for c in cams
        }
        store = snapshots or SnapshotStore(
            settings.snapshot_dir(),
            max_count=settings.snapshot_max_count,
            max_age_seconds=settings.snapshot_max_age_hours * 3600,
        )
        self.alerts = AlertPipeline(
            settings, self._zones, sink=sink, providers=providers, snapshots=store
        )
        self._workers = {g: _Worker(self._worker_config(g, cams)) for g, cams in groups.items()}
        self._latest: dict[str, FrameReport] = {}
        self._rendered: dict[str, _Rendered] = {}
        self._watchers: dict[str, float] = {}  # camera -> monotonic time its watch ends
        self._lock = threading.Lock()
        # The stubs type a start method chosen at run time as BaseContext, which has no
        # Process; each of the three allowed methods gives one of these contexts.
        self._ctx = cast(
            "SpawnContext | ForkServerContext | ForkContext", mp.get_context(settings.start_method)
        )
        self._outbox: Any = None
        self._collector: threading.Thread | None = None
        self._running = threading.Event()

    def _worker_config(self, group: str, cams: list[Any]) -> WorkerConfig:
        spec = self.cameras.groups.get(group)
        detector = spec.detector if spec and spec.detector else self.settings.detector_config()
        return WorkerConfig(
            group=group,
            cameras=cams,
            detector=detector,
            shelf_detector=spec.shelf_detector if spec else None,
            settings=self.settings.model_dump(),
        )

    @property
    def running(self) -> bool:
        """Whether the supervisor has been started and not stopped."""
        return self._running.is_set()

    def start(self) -> None:
        """Start a worker per camera group and the collector thread."""
        if self.running:
            return
        self._outbox = self._ctx.Queue(maxsize=256)
        self._running.set()
        self.stats.started_at = time.monotonic()
        for name in self._status:
            self._set_status(name, state=CameraState.CONNECTING, code=None, message="")
        for worker in self._workers.values():
            self._spawn(worker)
        self._collector = threading.Thread(
            target=self._collect, daemon=True, name="vision-collector"
        )
        self._collector.start()

    def _spawn(self, worker: _Worker) -> None:
        worker.inbox = self._ctx.Queue()
        worker.failed, worker.restart_at, worker.started = None, None, False
        worker.watched = None  # a new process knows no watchers: tell it on the next round
        worker.process = self._ctx.Process(
            target=worker_main,
            args=(worker.config, self._outbox, worker.inbox),
            name=f"facet-vision-{worker.config.group}",
            daemon=True,
        )
        worker.process.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every worker to stop, wait for them, and stop collecting."""
        if not self.running:
            return
        self._running.clear()
        for worker in self._workers.values():
            if worker.process is not None and worker.process.is_alive():
                worker.inbox.put(StopWorker())
        deadline = time.monotonic() + timeout
        for worker in self._workers.values():
            if worker.process is None:
                continue
            worker.process.join(max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(2)
        if self._collector is not None:
            self._collector.join(timeout=5)
        for name in self._status:
            self._set_status(name, state=CameraState.STOPPED, code=None, message="", retry_in=None)

    def __enter__(self) -> VisionSupervisor:
        """Start on entering a ``with`` block."""
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving a ``with`` block."""
        self.stop()

    def _collect(self) -> None:
        next_check = time.monotonic() + 1.0
        while self.running or self._drain_pending():
            try:
                message = self._outbox.get(timeout=0.2)
            except queue.Empty:
                message = None
            if message is not None:
                self._handle(message)
            if self.running:
                self._tell_watchers()
            if self.running and time.monotonic() >= next_check:
                self._check_workers()
                next_check = time.monotonic() + 1.0

    def _drain_pending(self) -> bool:
        alive = any(w.process is not None and w.process.is_alive() for w in self._workers.values())
        return alive or not self._outbox.empty()

    def _handle(self, message: Any) -> None:
        try:
            if isinstance(message, FrameReport):
                self._on_frame(message)
            elif isinstance(message, CameraStatusReport):
                with self._lock:
                    self._status[message.camera] = message
            elif isinstance(message, WorkerStarted):
                self._workers[message.group].started = True
            elif isinstance(message, WorkerFailed):
                self._on_failed(message)
            elif isinstance(message, WorkerStopped):
                log.info("vision worker %s stopped", message.group)
        except Exception:  # one bad frame must not stop alerting for every camera
            log.exception("vision supervisor failed on %s", type(message).__name__)

    def _on_frame(self, report: FrameReport) -> None:
        with self._lock:
            self._latest[report.camera] = report
        self.stats.frames += 1
        self.stats.detect_ms.append(report.detect_ms)
        if report.reconnected:
            self.alerts.reset_camera(report.camera)
        tracks = [t.to_tracked() for t in report.tracks]
        readings = [s.to_reading() for s in report.shelves]

        def render(findings: list[Finding] | Any) -> bytes:
            # The one JPEG an unwatched camera costs: the frame that raised the alert.
            return self._render(
                report,
                tracks,
                alert_zones={f.zone for f in findings},
                alert_tracks={f.track_id for f in findings if f.track_id is not None},
            )

        try:
            stored = self.alerts.process(
                report.camera, report.captured_at, tracks, readings, render
            )
        except Exception:
            self.stats.sink_errors += 1
            log.exception("storing a vision alert failed")
            return
        self._note(stored)

    def _note(self, stored: list[StoredAlert]) -> None:
        now = datetime.now(UTC)
        for alert in stored:
            self.stats.alerts += 1
            captured = alert.record.frame_captured_at or now
            self.stats.alert_latency_ms.append((now - captured).total_seconds() * 1000)

    def _on_failed(self, message: WorkerFailed) -> None:
        worker = self._workers[message.group]
        worker.failed = message
        log.error("vision worker %s failed: %s (%s)", message.group, message.message, message.code)
        if not message.permanent:
            self._schedule_restart(worker)

    def _check_workers(self) -> None:
        for worker in self._workers.values():
            process = worker.process
            if worker.restart_at is not None and time.monotonic() >= worker.restart_at:
                worker.restarts += 1
                self._spawn(worker)
            elif process is not None and not process.is_alive() and worker.restart_at is None:
                if worker.failed is None or not worker.failed.permanent:
                    self._schedule_restart(worker)

    def _schedule_restart(self, worker: _Worker) -> None:
        delay = min(_RESTART_MAX, _RESTART_MIN * 2**worker.restarts)
        worker.restart_at = time.monotonic() + delay
        for camera in worker.config.cameras:
            self._set_status(
                camera.name,
                state=CameraState.OFFLINE,
                code="worker-restarting",
                message=f"detector worker restarting in {delay:.0f} s",
                retry_in=delay,
            )

    def _render(
        self,
        report: FrameReport,
        tracks: list[Any],
        *,
        alert_zones: set[str] | frozenset[str] = frozenset(),
        alert_tracks: set[int] | frozenset[int] = frozenset(),
    ) -> bytes:
        """The report's raw image with boxes and zones drawn, as JPEG."""
        image = report.image.to_array()
        canvas = draw_overlay(
            image,
            tracks,
            self._zones.get(report.camera, []),
            alert_zones=alert_zones,
            alert_tracks=alert_tracks,
            scale=image.shape[1] / report.width if report.width else 1.0,
        )
        self.stats.jpeg_encoded += 1
        return encode_jpeg(canvas, self.settings.jpeg_quality)

    def watch(self, camera: str) -> None:
        """Someone watches ``camera`` now: its worker sends view-sized frames for a while."""
        with self._lock:
            if camera in self._status:
                self._watchers[camera] = time.monotonic() + self.settings.watch_seconds

    def watched(self) -> set[str]:
        """The cameras whose watch has not run out."""
        now = time.monotonic()
        with self._lock:
            for camera in [c for c, until in self._watchers.items() if until <= now]:
                del self._watchers[camera]
            return set(self._watchers)

    def _tell_watchers(self) -> None:
        watched = self.watched()
        for worker in self._workers.values():
            mine = frozenset(c.name for c in worker.config.cameras) & watched
            if mine != worker.watched and worker.process is not None and worker.inbox is not None:
                worker.inbox.put(WatchCameras(cameras=sorted(mine)))
                worker.watched = mine

    def _set_status(self, camera: str, **changes: Any) -> None:
        with self._lock:
            self._status[camera] = self._status[camera].model_copy(update=changes)

    def statuses(self) -> list[CameraStatusReport]:
        """Every camera's latest status, in configuration order."""
        with self._lock:
            return list(self._status.values())

    def status(self, camera: str) -> CameraStatusReport | None:
        """One camera's latest status, or None for an unknown camera."""
        with self._lock:
            return self._status.get(camera)

    def worker_failures(self) -> dict[str, WorkerFailed]:
        """Groups whose worker reported a failure, with the failure."""
        return {g: w.failed for g, w in self._workers.items() if w.failed is not None}

    def latest(self, camera: str) -> FrameReport | None:
        """The last analysed frame of a camera."""
        with self._lock:
            return self._latest.get(camera)

    def annotated_jpeg(self, camera: str) -> bytes | None:
        """The last frame of a camera with boxes and zones drawn (cached per frame).

        Asking counts as watching: the camera's worker sends view-sized frames from now on
        until ``watch_seconds`` pass without another request.
        """
        report, status = self.latest(camera), self.status(camera)
        if status is None:
            return None
        self.watch(camera)
        cached = self._rendered.setdefault(camera, _Rendered())
        if report is None or status.state is not CameraState.ONLINE:
            key = -hash((status.state, status.code))
            if cached.seq != key:
                lines = [f"{camera}: {status.state}", status.message or (status.code or "")]
                cached.seq, cached.jpeg = key, placeholder_jpeg(lines)
            return cached.jpeg
        if cached.seq != report.seq:
            jpeg = self._render(report, [t.to_tracked() for t in report.tracks])
            cached.seq, cached.jpeg = report.seq, jpeg
        return cached.jpeg

    def mjpeg(self, camera: str, *, max_frames: int | None = None) -> Iterator[bytes]:
        """Multipart MJPEG chunks of a camera's annotated frames at the MJPEG frame rate."""
        return mjpeg_frames(
            lambda: self.annotated_jpeg(camera),
            fps=self.settings.mjpeg_fps,
            max_frames=max_frames,
            running=lambda: self.running,
        )
