"""Store camera alerts, list them, and acknowledge them with a note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.alerts.models import Alert
from core.audit import service as audit
from core.clock import as_utc, now
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.events import AlertAcknowledged, AlertRaised, record
from core.people.security import Actor

SEVERITIES = ("info", "warning", "high", "critical")


def raise_alert(
    session: Session,
    *,
    camera: str,
    zone: str,
    rule: str,
    severity: str,
    message: str,
    raised_at: datetime | None = None,
    snapshot: bytes | None = None,
    track_id: int | None = None,
) -> Alert:
    """Store an alert with its snapshot and announce it after commit."""
    if severity not in SEVERITIES:
        raise ValidationFailed(
            f"Severity must be one of {', '.join(SEVERITIES)}.", code="bad-severity"
        )
    alert = Alert(
        camera=camera,
        zone=zone,
        rule=rule,
        severity=severity,
        message=message[:256],
        raised_at=raised_at or now(),
        snapshot=snapshot,
        track_id=track_id,
    )
    session.add(alert)
    session.flush()
    audit.record(
        session,
        actor="camera:" + camera,
        action="alert.raise",
        entity=f"alert:{alert.id}",
        detail={"zone": zone, "rule": rule, "severity": severity},
    )
    record(
        session,
        AlertRaised(
            alert_id=alert.id,
            camera=camera,
            zone=zone,
            rule=rule,
            severity=severity,
            message=alert.message,
        ),
    )
    return alert


def acknowledge(session: Session, *, actor: Actor, alert_id: int, note: str) -> Alert:
    """Mark an alert as seen by a person, with what they found."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFoundError(f"No alert {alert_id}.", code="unknown-alert")
    if alert.acknowledged_at is not None:
        raise ConflictError(f"Alert {alert_id} was already acknowledged.", code="already-acked")
    if not note.strip():
        raise ValidationFailed("Say what you found (a note is required).", code="note-required")
    alert.acknowledged_by_id, alert.acknowledged_at, alert.ack_note = actor.id, now(), note
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="alert.ack",
        entity=f"alert:{alert_id}",
        detail={"note": note},
    )
    record(session, AlertAcknowledged(alert_id=alert_id, actor=actor.username, note=note))
    return alert


def alert_row(alert: Alert) -> dict[str, Any]:
    """An alert as a JSON-ready row (without the snapshot bytes)."""
    return {
        "id": alert.id,
        "raised_at": as_utc(alert.raised_at),
        "camera": alert.camera,
        "zone": alert.zone,
        "rule": alert.rule,
        "severity": alert.severity,
        "message": alert.message,
        "track_id": alert.track_id,
        "acknowledged": alert.acknowledged_at is not None,
        "acknowledged_at": as_utc(alert.acknowledged_at) if alert.acknowledged_at else None,
        "ack_note": alert.ack_note,
    }


def get_alert(session: Session, *, alert_id: int) -> dict[str, Any]:
    """One alert by its number, as :func:`alert_row` gives it."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFoundError(f"No alert {alert_id}.", code="unknown-alert")
    return alert_row(alert)


def list_alerts(
    session: Session,
    *,
    camera: str | None = None,
    zone: str | None = None,
    severity: str | None = None,
    open_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """A page of alerts, newest first, with filters."""
    stmt = select(Alert)
    for column, value in ((Alert.camera, camera), (Alert.zone, zone), (Alert.severity, severity)):
        if value:
            stmt = stmt.where(column == value)
    if open_only:
        stmt = stmt.where(Alert.acknowledged_at.is_(None))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = session.scalars(stmt.order_by(Alert.id.desc()).limit(limit).offset(offset))
    return [alert_row(a) for a in page], total


def latest_alerts(
    session: Session, *, since: datetime, cameras: list[str] | None = None
) -> list[tuple[str, str, str, datetime]]:
    """(camera, zone, rule, newest raised_at) of every alert raised since ``since``.

    A camera service taking over from another seeds its cooldown with these, so it does not
    raise again what the previous one raised seconds ago.
    """
    newest = func.max(Alert.raised_at)
    stmt = (
        select(Alert.camera, Alert.zone, Alert.rule, newest)
        .where(Alert.raised_at >= since)
        .group_by(Alert.camera, Alert.zone, Alert.rule)
        .order_by(Alert.camera, Alert.zone, Alert.rule)
    )
    if cameras is not None:
        stmt = stmt.where(Alert.camera.in_(cameras))
    return [(c, z, r, as_utc(at)) for c, z, r, at in session.execute(stmt).all()]


def snapshot(session: Session, *, alert_id: int) -> bytes:
    """The JPEG snapshot of an alert."""
    data = session.scalar(select(Alert.snapshot).where(Alert.id == alert_id))
    if data is None:
        raise NotFoundError(f"Alert {alert_id} has no snapshot.", code="no-snapshot")
    return data
