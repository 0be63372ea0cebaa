"""What vision needs from the rest of Facet, as protocols, with small in-memory versions.

The core adapts its services to these protocols; vision never imports the core.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from vision.domain import Severity, ShelfState

__all__ = [
    "ActivitySchedule",
    "AlertRecord",
    "AlertSink",
    "Authorisation",
    "JsonlAlertSink",
    "LedgerShelfState",
    "MemoryAlertSink",
    "Providers",
    "SignedOn",
    "StaticAuthorisation",
    "StaticLedger",
    "StaticSchedule",
]


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """An alert ready to be stored: where, which rule, how bad, when, and what it looked like."""

    camera: str
    zone: str
    rule: str
    severity: Severity
    message: str
    raised_at: datetime
    snapshot_jpeg: bytes
    track_id: int | None = None
    snapshot_path: str | None = None
    frame_captured_at: datetime | None = None


@runtime_checkable
class AlertSink(Protocol):
    """Stores alerts (the core keeps them and pushes ``AlertRaised`` events)."""

    def store_alert(self, alert: AlertRecord) -> int:
        """Store one alert and return its id."""
        ...


@dataclass(frozen=True, slots=True)
class SignedOn:
    """A person signed on to a zone with the roles they hold there."""

    person: str
    roles: frozenset[str] = frozenset()


@runtime_checkable
class Authorisation(Protocol):
    """Answers who is signed on to a zone at a moment, with which roles."""

    def signed_on(self, zone: str, at: datetime) -> Sequence[SignedOn]:
        """The people signed on to ``zone`` at ``at``."""
        ...


@runtime_checkable
class LedgerShelfState(Protocol):
    """Answers what the ledger says a shelf region holds."""

    def expected_state(self, region: str) -> ShelfState | None:
        """Occupied or empty per the ledger, or ``None`` when the ledger does not know."""
        ...

    def expected_count(self, region: str) -> int | None:
        """Pieces/units the ledger holds in the region's bin, or ``None`` when it does not know."""
        ...


@runtime_checkable
class ActivitySchedule(Protocol):
    """Answers whether a pick or putaway is scheduled at a shelf region."""

    def activity_scheduled(self, region: str, at: datetime) -> bool:
        """Whether stock may legitimately move at ``region`` around ``at``."""
        ...


@dataclass
class MemoryAlertSink:
    """Keeps alerts in a list; thread-safe. For tests, the CLI and demos."""

    alerts: list[AlertRecord] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def store_alert(self, alert: AlertRecord) -> int:
        """Append the alert and return a sequential id."""
        with self._lock:
            self.alerts.append(alert)
            return next(self._ids)


@dataclass
class JsonlAlertSink:
    """Appends alerts as JSON lines to a file (snapshot kept on disk, not inline)."""

    path: Path
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _count: int = 0

    def store_alert(self, alert: AlertRecord) -> int:
        """Append the alert as one JSON line and return its line number."""
        record = {
            "camera": alert.camera,
            "zone": alert.zone,
            "rule": alert.rule,
            "severity": str(alert.severity),
            "message": alert.message,
            "raised_at": alert.raised_at.isoformat(),
            "track_id": alert.track_id,
            "snapshot_path": alert.snapshot_path,
        }
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")
            self._count += 1
            return self._count


@dataclass(frozen=True)
class StaticAuthorisation:
    """Fixed sign-ons per zone name, regardless of time."""

    by_zone: Mapping[str, Sequence[SignedOn]] = field(default_factory=dict)

    def signed_on(self, zone: str, at: datetime) -> Sequence[SignedOn]:
        """The people configured for ``zone``."""
        return tuple(self.by_zone.get(zone, ()))


@dataclass(frozen=True)
class StaticLedger:
    """Fixed expected shelf states and counts per region name (a count implies a state)."""

    states: Mapping[str, ShelfState] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)

    def expected_state(self, region: str) -> ShelfState | None:
        """The configured state of ``region``, else the one its count implies, if any."""
        if region in self.states:
            return self.states[region]
        if region in self.counts:
            return ShelfState.OCCUPIED if self.counts[region] > 0 else ShelfState.EMPTY
        return None

    def expected_count(self, region: str) -> int | None:
        """The configured count of ``region``, if any."""
        return self.counts.get(region)


@dataclass(frozen=True)
class StaticSchedule:
    """Regions with activity scheduled at all times (empty: nothing is ever scheduled)."""

    regions: frozenset[str] = frozenset()

    @classmethod
    def of(cls, regions: Iterable[str]) -> StaticSchedule:
        """A schedule with activity at the given regions."""
        return cls(frozenset(regions))

    def activity_scheduled(self, region: str, at: datetime) -> bool:
        """Whether ``region`` is one of the configured regions."""
        return region in self.regions


@dataclass(frozen=True)
class Providers:
    """The outside answers rules may consult."""

    authorisation: Authorisation = field(default_factory=StaticAuthorisation)
    ledger: LedgerShelfState = field(default_factory=StaticLedger)
    schedule: ActivitySchedule = field(default_factory=StaticSchedule)
