"""From findings to stored alerts: persistence over frames, cooldown, snapshot, AlertSink."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from vision.domain import TrackedObject
from vision.protocols import AlertRecord, AlertSink, Providers
from vision.rules import RULES, Finding, Rule, RuleConfig, SceneView, evaluate_rules
from vision.scene import SceneMemory
from vision.settings import VisionSettings
from vision.shelf import ShelfReading
from vision.snapshots import SnapshotStore
from vision.zones import Zone

__all__ = ["AlertGate", "AlertPipeline", "StoredAlert"]

log = logging.getLogger(__name__)

_Key = tuple[str, str, str, int | None]
SnapshotRenderer = Callable[[Sequence[Finding]], bytes]


@dataclass
class AlertGate:
    """Lets a finding through once it held for N frames, then not again until cooldown ends."""

    persistence_frames: int = 3
    cooldown_seconds: float = 60.0
    _streak: dict[_Key, int] = field(default_factory=dict)
    _fired: dict[_Key, datetime] = field(default_factory=dict)
    #: (camera, rule, zone) -> when another process last raised it (track ids are its own).
    _seeded: dict[tuple[str, str, str], datetime] = field(default_factory=dict)

    def seed(self, camera: str, zone: str, rule: str, raised_at: datetime) -> None:
        """Hold back (camera, zone, rule) for any track until ``raised_at`` + cooldown."""
        key = (camera, rule, zone)
        if key not in self._seeded or self._seeded[key] < raised_at:
            self._seeded[key] = raised_at

    def admit(self, camera: str, findings: Sequence[Finding], now: datetime) -> list[Finding]:
        """The findings of one camera frame that should become alerts now."""
        current: dict[_Key, Finding] = {}
        for f in findings:
            current.setdefault((camera, f.rule, f.zone, f.track_id), f)
        for key in [k for k in self._streak if k[0] == camera and k not in current]:
            del self._streak[key]
        admitted = []
        for key, finding in current.items():
            self._streak[key] = self._streak.get(key, 0) + 1
            if self._streak[key] < self.persistence_frames:
                continue
            last = self._fired.get(key) or self._seeded.get(key[:3])
            if last is not None and (now - last).total_seconds() < self.cooldown_seconds:
                continue
            self._fired[key] = now
            admitted.append(finding)
        self._expire(now)
        return admitted

    def _expire(self, now: datetime) -> None:
        cool = self.cooldown_seconds
        done = [k for k, t in self._fired.items() if (now - t).total_seconds() >= cool]
        for key in done:
            if key not in self._streak:
                del self._fired[key]
        for seeded in [k for k, t in self._seeded.items() if (now - t).total_seconds() >= cool]:
            del self._seeded[seeded]


@dataclass(frozen=True)
class StoredAlert:
    """An alert handed to the sink, with the id it returned."""

    id: int
    record: AlertRecord


class AlertPipeline:
    """Runs the rules for every camera frame and stores the alerts that pass the gate."""

    def __init__(
        self,
        settings: VisionSettings,
        zones: Mapping[str, Sequence[Zone]],
        *,
        sink: AlertSink,
        providers: Providers | None = None,
        snapshots: SnapshotStore | None = None,
        rules: Sequence[Rule] = RULES,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """A pipeline for the cameras named in ``zones``."""
        self.settings = settings
        self.zones = {camera: list(z) for camera, z in zones.items()}
        self.sink = sink
        self.providers = providers or Providers()
        self.snapshots = snapshots
        self.rules = tuple(rules)
        self.config = RuleConfig.from_settings(settings)
        self.gate = AlertGate(settings.persistence_frames, settings.cooldown_seconds)
        self.clock = clock
        self._memory: dict[str, SceneMemory] = {}

    def memory(self, camera: str) -> SceneMemory:
        """The scene memory of one camera."""
        if camera not in self._memory:
            self._memory[camera] = SceneMemory(
                camera,
                self.zones.get(camera, []),
                still_tolerance=self.settings.still_tolerance,
                forget_seconds=self.settings.track_forget_seconds,
                shelf_stable_frames=self.settings.shelf_stable_frames,
            )
        return self._memory[camera]

    def evaluate(
        self,
        camera: str,
        now: datetime,
        tracks: Sequence[TrackedObject],
        readings: Sequence[ShelfReading] = (),
    ) -> tuple[SceneView, list[Finding]]:
        """Fold a frame into memory and return the scene and the findings that pass the gate."""
        scene = self.memory(camera).update(now, tracks, readings)
        findings = evaluate_rules(
            scene, self.zones.get(camera, []), self.config, self.providers, self.rules
        )
        return scene, self.gate.admit(camera, findings, now)

    def process(
        self,
        camera: str,
        now: datetime,
        tracks: Sequence[TrackedObject],
        readings: Sequence[ShelfReading],
        render: SnapshotRenderer,
    ) -> list[StoredAlert]:
        """Evaluate a frame and store its alerts with a snapshot made by ``render``."""
        _, admitted = self.evaluate(camera, now, tracks, readings)
        if not admitted:
            return []
        jpeg = render(admitted)
        return [self._store(camera, now, finding, jpeg) for finding in admitted]

    def _store(self, camera: str, captured: datetime, finding: Finding, jpeg: bytes) -> StoredAlert:
        raised = self.clock()
        path = None
        if self.snapshots is not None:
            path = str(self.snapshots.save(camera, finding.rule, jpeg, raised))
        record = AlertRecord(
            camera=camera,
            zone=finding.zone,
            rule=finding.rule,
            severity=finding.severity,
            message=finding.message,
            raised_at=raised,
            snapshot_jpeg=jpeg,
            track_id=finding.track_id,
            snapshot_path=path,
            frame_captured_at=captured,
        )
        alert_id = self.sink.store_alert(record)
        log.info("alert %s %s/%s: %s", alert_id, camera, finding.zone, finding.message)
        return StoredAlert(alert_id, record)

    def reset_camera(self, camera: str) -> None:
        """Forget a camera's tracks (its tracker restarted)."""
        if camera in self._memory:
            self._memory[camera].reset()
