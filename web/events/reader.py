"""Events read back from the outbox, for transports that carry references or catch up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from core import Database, Event
from core.outbox.service import load_event, published_since

__all__ = ["OutboxReader"]


class OutboxReader:
    """Reads events back from the outbox for a transport (large payloads, catching up)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def load(self, event_id: str) -> Event | None:
        """The stored event with this id, if it is still kept."""
        with self._db.read() as session:
            return load_event(session, event_id)

    def since(self, at: datetime) -> Iterator[Event]:
        """Every event published at or after ``at``, in outbox order, a page at a time."""
        after = 0
        while True:
            with self._db.read() as session:
                page = published_since(session, at, after_id=after)
            for entry in page:
                yield entry.event()
            if not page:
                return
            after = page[-1].id
