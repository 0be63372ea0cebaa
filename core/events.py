"""A small typed event bus; events are published only after the transaction commits.

Services record events on the session with :func:`record`; the database layer hands them to the
bus when (and only if) the transaction commits. A transport (Redis, PostgreSQL NOTIFY) can be
plugged in to carry events between web processes.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import uuid4

from sqlalchemy.orm import Session

from core.clock import now

__all__ = [
    "AlertAcknowledged",
    "AlertRaised",
    "DocumentPosted",
    "Event",
    "EventBus",
    "LotRecalled",
    "OrderCreated",
    "PickConfirmed",
    "StockMoved",
    "Transport",
    "record",
]

log = logging.getLogger(__name__)
PENDING_KEY = "facet_pending_events"


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event: an id and a UTC timestamp."""

    id: str = field(default_factory=lambda: uuid4().hex)
    at: datetime = field(default_factory=now)

    @property
    def name(self) -> str:
        """The event's type name, such as ``StockMoved``."""
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the event name under ``event``."""
        data = dataclasses.asdict(self)
        data["at"] = self.at.isoformat()
        data["event"] = self.name
        return data


@dataclass(frozen=True)
class MovedLine:
    """One posted move as listeners see it."""

    move_id: int
    sku: str
    lot: str
    from_location: str
    to_location: str
    quantity: int
    serials: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StockMoved(Event):
    """Stock moves were posted by one document."""

    document_id: int
    document_kind: str
    actor: str
    moves: tuple[MovedLine, ...]


@dataclass(frozen=True, kw_only=True)
class PickConfirmed(Event):
    """A picker confirmed (part of) a pick line."""

    pick_list_id: int
    line_id: int
    order_id: int | None
    picker: str
    location: str
    sku: str
    quantity: int
    short: int = 0


@dataclass(frozen=True, kw_only=True)
class DocumentPosted(Event):
    """A document changed status (received, counted, approved, shipped...)."""

    document_id: int
    number: str
    kind: str
    status: str
    actor: str


@dataclass(frozen=True, kw_only=True)
class OrderCreated(Event):
    """A sales order arrived from a channel."""

    order_id: int
    channel: str
    external_id: str


@dataclass(frozen=True, kw_only=True)
class LotRecalled(Event):
    """A lot was recalled; its pieces are quarantined and picking is blocked."""

    lot: str
    reason: str
    actor: str


@dataclass(frozen=True, kw_only=True)
class AlertRaised(Event):
    """A camera rule raised an alert that is now stored."""

    alert_id: int
    camera: str
    zone: str
    rule: str
    severity: str
    message: str


@dataclass(frozen=True, kw_only=True)
class AlertAcknowledged(Event):
    """A person acknowledged an alert."""

    alert_id: int
    actor: str
    note: str


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


class Transport(Protocol):
    """Carries events between processes (Redis pub/sub, PostgreSQL NOTIFY...)."""

    def send(self, event: Event) -> None:
        """Send one event to the other processes."""


class EventBus:
    """In-process publish/subscribe with an optional transport to other processes."""

    def __init__(self, transport: Transport | None = None) -> None:
        self._handlers: dict[type[Event], list[Handler]] = defaultdict(list)
        self.transport = transport

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        """Call ``handler`` for every event of ``event_type`` (or a subclass)."""
        self._handlers[event_type].append(handler)

    def unsubscribe(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        """Stop calling ``handler``."""
        if handler in self._handlers[event_type]:
            self._handlers[event_type].remove(handler)

    def publish(self, event: Event) -> None:
        """Deliver locally, then send through the transport; a failing handler is logged."""
        self.deliver(event)
        if self.transport is not None:
            try:
                self.transport.send(event)
            except Exception:  # a broken transport must not lose the local delivery
                log.exception("event transport failed for %s", event.name)

    def deliver(self, event: Event) -> None:
        """Call local handlers only (used by transports receiving from elsewhere)."""
        for event_type, handlers in list(self._handlers.items()):
            if isinstance(event, event_type):
                for handler in list(handlers):
                    try:
                        handler(event)
                    except Exception:
                        log.exception("event handler %r failed on %s", handler, event.name)


def record(session: Session, event: Event) -> None:
    """Queue ``event`` on ``session``; it is published after a successful commit."""
    session.info.setdefault(PENDING_KEY, []).append(event)


def take_pending(session: Session) -> list[Event]:
    """Remove and return the events queued on ``session``."""
    pending: list[Event] = session.info.pop(PENDING_KEY, [])
    return pending
