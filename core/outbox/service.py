"""Write events to the outbox with their transaction; claim, mark and prune them for a relay.

The database layer calls :func:`write_events` just before a commit, so an event is stored if
and only if its change is. A relay (``web.events.relay``) then claims unpublished rows in id
order, sends them through the transport and marks them published in one transaction. On
PostgreSQL the claim takes the rows ``FOR UPDATE SKIP LOCKED``: relays in several processes
share the work without waiting for each other, and the rows of a relay that dies are unlocked
with its connection and claimed again by another (receivers drop the repeats by event id).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.orm import Session

from core.events import Event, event_from_dict
from core.orm import rowcount
from core.outbox.models import OutboxRow

__all__ = [
    "Backlog",
    "OutboxEntry",
    "backlog",
    "claim",
    "decode",
    "encode",
    "load_event",
    "mark_published",
    "prune",
    "published_since",
    "write_events",
]

_COLUMNS = (OutboxRow.id, OutboxRow.event_id, OutboxRow.name, OutboxRow.payload)


def _wall_clock() -> datetime:
    """The real UTC time (the outbox measures lag, so not core.clock's injectable time)."""
    return datetime.now(UTC)


def encode(event: Event) -> str:
    """The event as compact JSON (what the outbox stores and transports carry)."""
    return json.dumps(event.to_dict(), separators=(",", ":"), default=str)


def decode(payload: str) -> Event:
    """The event :func:`encode` wrote."""
    return event_from_dict(json.loads(payload))


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox row as the relay and receivers see it."""

    id: int
    event_id: str
    name: str
    payload: str

    def event(self) -> Event:
        """The stored event."""
        return decode(self.payload)


@dataclass(frozen=True)
class Backlog:
    """Unpublished rows: how many, and when the oldest was committed."""

    unpublished: int
    oldest: datetime | None

    def oldest_age_s(self, at: datetime | None = None) -> float | None:
        """Seconds since the oldest unpublished row was written (None when there is none)."""
        if self.oldest is None:
            return None
        oldest = self.oldest if self.oldest.tzinfo else self.oldest.replace(tzinfo=UTC)
        return max(0.0, ((at or _wall_clock()) - oldest).total_seconds())


def write_events(session: Session, events: Sequence[Event]) -> None:
    """Store ``events`` in the session's transaction (called just before it commits)."""
    if not events:
        return
    at = _wall_clock()
    session.execute(
        insert(OutboxRow),
        [{"event_id": e.id, "name": e.name, "payload": encode(e), "created_at": at}
         for e in events],
    )


def _entries(session: Session, stmt: Select[int, str, str, str]) -> list[OutboxEntry]:
    return [OutboxEntry(*row) for row in session.execute(stmt).all()]


def claim(session: Session, *, limit: int = 100) -> list[OutboxEntry]:
    """The oldest unpublished rows, locked for this transaction (rows others hold skipped).

    SQLite has no row locks (its write transaction locks the database): there the rows are
    only read, and the caller sends them before marking them in a short write.
    """
    stmt = (
        select(*_COLUMNS).where(OutboxRow.published_at.is_(None)).order_by(OutboxRow.id)
        .limit(limit).with_for_update(skip_locked=True)
    )
    return _entries(session, stmt)


def mark_published(session: Session, ids: Sequence[int]) -> int:
    """Mark rows sent; returns how many were still unpublished."""
    if not ids:
        return 0
    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id.in_(ids), OutboxRow.published_at.is_(None))
        .values(published_at=_wall_clock())
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


def prune(session: Session, *, older_than: timedelta, limit: int = 5000) -> int:
    """Delete up to ``limit`` rows published more than ``older_than`` ago; returns how many."""
    cutoff = _wall_clock() - older_than
    doomed = (
        select(OutboxRow.id).where(OutboxRow.published_at < cutoff)
        .order_by(OutboxRow.id).limit(limit).scalar_subquery()
    )
    result = session.execute(
        delete(OutboxRow).where(OutboxRow.id.in_(doomed))
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


def backlog(session: Session) -> Backlog:
    """How many rows wait for a relay, and the commit time of the oldest."""
    count, oldest = session.execute(
        select(func.count(), func.min(OutboxRow.created_at))
        .where(OutboxRow.published_at.is_(None))
    ).one()
    return Backlog(unpublished=int(count), oldest=oldest)


def load_event(session: Session, event_id: str) -> Event | None:
    """The stored event with this id (a transport sends a reference to a large one)."""
    payload = session.scalar(select(OutboxRow.payload).where(OutboxRow.event_id == event_id))
    return None if payload is None else decode(payload)


def published_since(
    session: Session, since: datetime, *, after_id: int = 0, limit: int = 500
) -> list[OutboxEntry]:
    """Rows published at or after ``since`` with an id above ``after_id``, in id order.

    A receiver that lost its connection pages through these to catch up on what was sent
    while it was away.
    """
    stmt = (
        select(*_COLUMNS)
        .where(OutboxRow.published_at >= since, OutboxRow.id > after_id)
        .order_by(OutboxRow.id).limit(limit)
    )
    return _entries(session, stmt)
