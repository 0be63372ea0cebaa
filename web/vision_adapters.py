"""Adapters that let the camera pipeline store alerts in the core."""

from __future__ import annotations

from core import Database
from core.alerts.service import raise_alert
from vision.protocols import AlertRecord


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
