"""Adapters that let the camera pipeline ask the core, and store its alerts there."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from core import Database
from core.alerts.service import raise_alert
from core.documents import open_activity_at
from core.ledger import bin_on_hand
from core.locations.presence import present
from vision import VisionSettings, VisionSupervisor, load_cameras
from vision.domain import ShelfState
from vision.protocols import AlertRecord, Providers, SignedOn

log = logging.getLogger(__name__)


def store_alert_in(session: Any, alert: AlertRecord) -> int:
    """Store ``alert`` with its snapshot in ``session``'s transaction; returns its id.

    ``session`` is one of ``Database.write()``'s (web names no SQLAlchemy types).
    """
    stored = raise_alert(
        session,
        camera=alert.camera,
        zone=alert.zone,
        rule=alert.rule,
        severity=str(alert.severity),
        message=alert.message,
        raised_at=alert.raised_at,
        snapshot=alert.snapshot_jpeg,
        track_id=alert.track_id,
    )
    return stored.id


class CoreAlertSink:
    """Stores each camera alert in the core (and so on the alert wall, via events)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def store_alert(self, alert: AlertRecord) -> int:
        """Store ``alert`` with its snapshot; returns the core's alert id."""
        with self.db.write() as session:
            return store_alert_in(session, alert)


def core_providers(db: Database) -> Providers:
    """Zone sign-ons, shelf contents and open activity, asked of the core."""
    return Providers(
        authorisation=CoreAuthorisation(db), ledger=CoreShelfLedger(db), schedule=CoreSchedule(db)
    )


class CoreAuthorisation:
    """Who is signed on to a zone, from the core's zone sign-ons (zone name = zone code)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def signed_on(self, zone: str, at: datetime) -> Sequence[SignedOn]:
        """People signed on to ``zone`` at ``at``, with their role."""
        with self.db.read() as session:
            rows = present(session, zone=zone, at=at)
        return [
            SignedOn(person=str(r["username"]), roles=frozenset({str(r["role"])})) for r in rows
        ]


class CoreShelfLedger:
    """What the ledger says a shelf region (named after its bin) holds."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def expected_state(self, region: str) -> ShelfState | None:
        """Occupied when the bin holds stock, empty when not; None for an unknown bin."""
        with self.db.read() as session:
            held = bin_on_hand(session, code=region)
        if held is None:
            return None
        return ShelfState.OCCUPIED if held else ShelfState.EMPTY

    def expected_count(self, region: str) -> int | None:
        """Pieces/units on hand in the bin over every SKU and lot; None for an unknown bin."""
        with self.db.read() as session:
            return bin_on_hand(session, code=region)


class CoreSchedule:
    """Whether a pick or putaway is open at a bin (a shelf may change then)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def activity_scheduled(self, region: str, at: datetime) -> bool:
        """True while an open pick or putaway line touches the bin ``region``."""
        with self.db.read() as session:
            return open_activity_at(session, code=region)


def start_vision(db: Database, cameras_file: Path, settings: VisionSettings) -> VisionSupervisor:
    """Start the camera workers for ``cameras_file``; alerts go to the core."""
    supervisor = VisionSupervisor(
        settings, load_cameras(cameras_file), sink=CoreAlertSink(db), providers=core_providers(db)
    )
    supervisor.start()
    log.info("vision started with %s", cameras_file)
    return supervisor
