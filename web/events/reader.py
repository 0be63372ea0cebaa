"""Events read back from the outbox, for transports that carry references or catch up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from core import Database, Event
from core.events import Receiver
from core.outbox.service import load_event, published_since

__all__ = ["CATCH_UP_MARGIN", "CatchUp", "OutboxReader", "replay_missed"]

log = logging.getLogger(__name__)

#: Catching up starts this much before the last event read, in case clocks differ (repeats are
#: dropped by the bus).
CATCH_UP_MARGIN = timedelta(seconds=60)
#: Every event published at or after a moment, in outbox order (``OutboxReader.since``).
CatchUp = Callable[[datetime], Iterable[Event]]


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


def replay_missed(
    catch_up: CatchUp | None, since: datetime, receive: Receiver, *, source: str, hint: str
) -> None:
    """Deliver from the outbox what ``source`` (a server's stream) dropped before it was read.

    Without ``catch_up`` (no outbox to read) the loss is logged with ``hint``, the setting that
    would keep more. A failing outbox is logged too: what the stream still has follows anyway.
    """
    if catch_up is None:
        log.error("%s dropped events before this process read them: they are lost to it (%s)",
                  source, hint)
        return
    count = 0
    try:
        for event in catch_up(since):
            receive(event)
            count += 1
    except Exception:  # the database is away too: the reader goes on with the stream
        log.exception("catching up from the outbox after %s dropped events failed", source)
    log.warning("%s dropped events while this process was away; replayed %d event(s) from "
                "the outbox", source, count)
