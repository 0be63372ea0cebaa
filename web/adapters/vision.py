"""Adapters that let the camera pipeline ask the core, and store its alerts there."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core import Database
from core.alerts.service import raise_alert
from core.documents.models import Document, DocumentLine
from core.ledger.models import Balance
from core.locations.models import Location
from core.people.presence import present
from vision import VisionSettings, VisionSupervisor, load_cameras
from vision.domain import ShelfState
from vision.protocols import AlertRecord, Providers, SignedOn

log = logging.getLogger(__name__)


class CoreAlertSink:
    """Stores each camera alert in the core (and so on the alert wall, via events)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def store_alert(self, alert: AlertRecord) -> int:
        """Store ``alert`` with its snapshot; returns the core's alert id."""
        with self.db.write() as session:
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
            loc_id = session.scalar(select(Location.id).where(Location.code == region))
            if loc_id is None:
                return None
            held = session.scalar(
                select(func.coalesce(func.sum(Balance.on_hand), 0)).where(
                    Balance.location_id == loc_id
                )
            )
        return ShelfState.OCCUPIED if held else ShelfState.EMPTY


class CoreSchedule:
    """Whether a pick or putaway is open at a bin (a shelf may change then)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def activity_scheduled(self, region: str, at: datetime) -> bool:
        """True while an open pick or putaway line touches the bin ``region``."""
        with self.db.read() as session:
            loc_id = session.scalar(select(Location.id).where(Location.code == region))
            if loc_id is None:
                return False
            open_line = session.scalar(
                select(DocumentLine.id)
                .join(Document, Document.id == DocumentLine.document_id)
                .where(
                    DocumentLine.status == "open",
                    Document.kind.in_(["pick", "putaway"]),
                    (DocumentLine.from_location_id == loc_id)
                    | (DocumentLine.to_location_id == loc_id),
                )
                .limit(1)
            )
        return open_line is not None


def start_vision(app: Any, db: Database, cameras_file: Path) -> VisionSupervisor:
    """Start the camera workers for ``cameras_file``; alerts go to the core."""
    providers = Providers(
        authorisation=CoreAuthorisation(db), ledger=CoreShelfLedger(db), schedule=CoreSchedule(db)
    )
    supervisor = VisionSupervisor(
        VisionSettings(), load_cameras(cameras_file), sink=CoreAlertSink(db), providers=providers
    )
    supervisor.start()
    app.state.vision = supervisor
    log.info("vision started with %s", cameras_file)
    return supervisor
