"""The event outbox: events stored with their transaction, sent by a relay."""

from core.outbox.models import OutboxRow
from core.outbox.service import (
    Backlog,
    OutboxEntry,
    backlog,
    claim,
    decode,
    encode,
    load_event,
    mark_published,
    prune,
    published_since,
    write_events,
)

__all__ = [
    "Backlog",
    "OutboxEntry",
    "OutboxRow",
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
