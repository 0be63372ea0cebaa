"""One `facet vision serve` instance: runs the camera groups whose lease it holds, stands by
for the others.

Each camera group of the cameras file is a lease, ``camera-group:<group>``, in the core's
database. The leader renews it every ``renew_s`` seconds for ``ttl_s``; a standby tries to take
it every ``retry_s``. A leader whose renewal fails (the database says another holds it, or does
not answer) stops that group at once, and every alert is stored in a transaction that first
renews the lease, so a stale leader's alert is dropped rather than duplicated (fencing). With
the defaults (2 s, 6 s, 1 s) a standby runs the cameras of a killed leader within about 7 s.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from core import Database
from core.alerts import latest_alerts
from core.clock import now
from core.leases import holder_of, release, renew, try_acquire
from vision import CamerasFile, VisionSettings, VisionSupervisor
from vision.images import placeholder_jpeg
from vision.messages import CameraStatusReport
from vision.protocols import AlertRecord, Providers
from vision.sources import CameraState
from web.adapters.vision import core_providers, store_alert_in

__all__ = ["LEASE_PREFIX", "LeaseLost", "LeaseTiming", "LeasedAlertSink", "VisionService"]

log = logging.getLogger(__name__)

LEASE_PREFIX = "camera-group:"
#: A leader stops a group this long before its last renewal runs out (time to stop).
WATCH_MARGIN_S = 1.0


@dataclass(frozen=True)
class LeaseTiming:
    """How long a lease lasts, how often the leader renews it, how often a standby asks."""

    ttl_s: float = 6.0
    renew_s: float = 2.0
    retry_s: float = 1.0


class LeaseLost(RuntimeError):
    """The group's lease is no longer this instance's: its alert is not stored."""


class LeasedAlertSink:
    """Stores an alert in the core only while this instance holds the group's lease."""

    def __init__(self, db: Database, *, lease: str, holder: str, ttl_s: float) -> None:
        self.db, self.lease, self.holder, self.ttl_s = db, lease, holder, ttl_s

    def store_alert(self, alert: AlertRecord) -> int:
        """Renew the lease and store ``alert`` in one transaction; LeaseLost when not ours."""
        with self.db.write() as session:
            # The renewal locks the lease row, so a takeover commits before or after this
            # transaction, never during it: one of the two instances stores the alert.
            if not renew(session, name=self.lease, holder=self.holder, ttl_s=self.ttl_s):
                raise LeaseLost(f"{self.lease} is held by another instance")
            return store_alert_in(session, alert)


@dataclass
class _Group:
    name: str
    cameras: CamerasFile
    lease: str
    supervisor: VisionSupervisor | None = None
    renewed_at: float = 0.0
    leader: str | None = None
    tiles: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)

    @property
    def camera_names(self) -> list[str]:
        return [c.name for c in self.cameras.cameras]


SupervisorFactory = Callable[[CamerasFile, LeasedAlertSink], VisionSupervisor]


class VisionService:
    """The camera groups of one cameras file, led or watched; the camera API reads it as it
    reads a :class:`~vision.VisionSupervisor` (``statuses``, ``status``, ``annotated_jpeg``)."""

    def __init__(
        self,
        db: Database,
        settings: VisionSettings,
        cameras: CamerasFile,
        *,
        instance: str,
        timing: LeaseTiming | None = None,
        providers: Providers | None = None,
    ) -> None:
        """A stopped service; ``instance`` names this process in the leases."""
        self.db, self.settings, self.instance = db, settings, instance
        self.timing = timing or LeaseTiming()
        self.providers = providers or core_providers(db)
        self._groups = [
            _Group(name, _only(cameras, [c.name for c in cams]), LEASE_PREFIX + name)
            for name, cams in cameras.groups_of().items()
        ]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ticked_at: float | None = None
        #: The kind of error the last lease round met (None: it went through).
        self.last_error: str | None = None

    @property
    def running(self) -> bool:
        """Whether the leadership loop runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the leadership loop (the first round runs at once)."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="vision-leases", daemon=True)
        self._thread.start()
        threading.Thread(target=self._watch, name="vision-lease-watch", daemon=True).start()

    def stop(self) -> None:
        """Stop every group this instance leads and give its leases back."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for group in self._groups:
            if group.supervisor is not None:
                self._resign(group, release_lease=True, wait=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(min(self.timing.retry_s, self.timing.renew_s))

    def _watch(self) -> None:
        """Stop a group whose lease may have run out while a renewal hangs on the database."""
        while not self._stop.wait(0.25):
            deadline = time.monotonic() - (self.timing.ttl_s - WATCH_MARGIN_S)
            with self._lock:
                late = [g for g in self._groups if g.supervisor and g.renewed_at < deadline]
            for group in late:
                log.warning("vision lease %s not renewed in time: stopping it", group.lease)
                self._resign(group, release_lease=False)

    def tick(self) -> None:
        """One round: the leader renews its due leases, a standby tries to take the others."""
        failed: str | None = None
        for group in self._groups:
            if self._stop.is_set():
                return
            try:
                if group.supervisor is not None:
                    self._keep(group)
                else:
                    self._try_lead(group)
            except Exception as exc:  # the database went away: a leader stops, a standby retries
                failed = type(exc).__name__
                if failed != self.last_error:  # once per kind of failure, not every second
                    log.exception("vision lease round failed for group %s (is the database "
                                  "up and migrated: `facet db upgrade`?)", group.name)
                if group.supervisor is not None:
                    self._resign(group, release_lease=False)
        self.last_error = failed
        self.ticked_at = time.monotonic()

    def _keep(self, group: _Group) -> None:
        asked = time.monotonic()
        if asked - group.renewed_at < self.timing.renew_s:
            return
        with self.db.write() as session:
            kept = renew(session, name=group.lease, holder=self.instance, ttl_s=self.timing.ttl_s)
        if kept:
            with self._lock:  # from before the statement: the stored lease lasts longer
                group.renewed_at = asked
            return
        log.warning("vision lease %s was taken by another instance: stopping it", group.lease)
        self._resign(group, release_lease=False)

    def _try_lead(self, group: _Group) -> None:
        ttl, asked = self.timing.ttl_s, time.monotonic()
        with self.db.write() as session:
            won = try_acquire(session, name=group.lease, holder=self.instance, ttl_s=ttl)
            info = None if won else holder_of(session, name=group.lease)
        group.leader = self.instance if won else (info.holder if info else None)
        if not won:
            return
        try:
            self._lead(group, asked)
        except Exception:  # could not start: let another instance try rather than hold on
            group.leader = None
            with self.db.write() as session:
                release(session, name=group.lease, holder=self.instance)
            raise

    def _lead(self, group: _Group, asked: float) -> None:
        sink = LeasedAlertSink(
            self.db, lease=group.lease, holder=self.instance, ttl_s=self.timing.ttl_s
        )
        supervisor = VisionSupervisor(
            self.settings, group.cameras, sink=sink, providers=self.providers
        )
        self._seed_cooldown(supervisor, group)
        supervisor.start()
        with self._lock:
            group.supervisor, group.renewed_at = supervisor, asked
        log.info("vision instance %s now runs group %s (%s)", self.instance, group.name,
                 ", ".join(group.camera_names))

    def _seed_cooldown(self, supervisor: VisionSupervisor, group: _Group) -> None:
        """Hold back what the previous leader raised within the cooldown (no repeat on takeover)."""
        since = now() - timedelta(seconds=self.settings.cooldown_seconds)
        with self.db.read() as session:
            recent = latest_alerts(session, since=since, cameras=group.camera_names)
        for camera, zone, rule, raised_at in recent:
            supervisor.alerts.gate.seed(camera, zone, rule, raised_at)

    def _resign(self, group: _Group, *, release_lease: bool, wait: bool = False) -> None:
        with self._lock:
            supervisor, group.supervisor, group.leader = group.supervisor, None, None
        if supervisor is not None:
            # Stopping waits for the worker processes; the lease loop must not wait with it.
            stopper = threading.Thread(target=supervisor.stop, name="vision-resign", daemon=True)
            stopper.start()
            if wait:
                stopper.join()
        if release_lease:
            try:
                with self.db.write() as session:
                    release(session, name=group.lease, holder=self.instance)
            except Exception:  # it expires by itself within ttl_s
                log.exception("could not release vision lease %s", group.lease)

    def leading(self) -> list[str]:
        """The groups this instance runs."""
        with self._lock:
            return [g.name for g in self._groups if g.supervisor is not None]

    def leaders(self) -> dict[str, str | None]:
        """Each camera's leading instance (None: no instance runs it yet)."""
        with self._lock:
            return {name: g.leader for g in self._groups for name in g.camera_names}

    def _placed(self, camera: str) -> tuple[_Group, VisionSupervisor | None, str | None] | None:
        """The camera's group, its supervisor here (None: on standby) and the group's leader."""
        group = next((g for g in self._groups if camera in g.camera_names), None)
        if group is None:
            return None
        with self._lock:
            return group, group.supervisor, group.leader

    def statuses(self) -> list[CameraStatusReport]:
        """Every camera's status: from its supervisor here, or ``standby`` naming the leader."""
        return [s for g in self._groups for n in g.camera_names if (s := self.status(n))]

    def status(self, camera: str) -> CameraStatusReport | None:
        """One camera's status, or None for an unknown camera."""
        if (placed := self._placed(camera)) is None:
            return None
        group, supervisor, leader = placed
        if supervisor is not None:
            return supervisor.status(camera)
        where = f"run by {leader}" if leader else "no instance runs it yet"
        return CameraStatusReport(
            group=group.name, camera=camera, state=CameraState.STOPPED, code="standby",
            message=f"standby: {where}",
        )

    def annotated_jpeg(self, camera: str) -> bytes | None:
        """The camera's latest annotated frame here, or a tile naming the instance that runs it."""
        if (placed := self._placed(camera)) is None:
            return None
        group, supervisor, leader = placed
        if supervisor is not None:
            return supervisor.annotated_jpeg(camera)
        cached = group.tiles.get(camera)
        if cached is None or cached[0] != leader:
            lines = [f"{camera}: standby", f"run by {leader}" if leader else "no leader yet"]
            cached = group.tiles[camera] = (leader, placeholder_jpeg(lines))
        return cached[1]


def _only(cameras: CamerasFile, names: list[str]) -> CamerasFile:
    """The cameras file narrowed to ``names`` (one group's cameras)."""
    return cameras.model_copy(update={"cameras": [c for c in cameras.cameras if c.name in names]})
