"""A small typed event bus; events are published only after the transaction commits.

Services record events on the session with :func:`record`; the database layer hands them to the
bus when (and only if) the transaction commits. Between processes and hosts, events travel through
an outbox table (written in the same transaction) and a :class:`Transport` (PostgreSQL NOTIFY,
Redis, NATS) chosen by ``FACET_EVENTS_URL``; each process delivers each event once.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import uuid4

from sqlalchemy.orm import Session

from core.clock import now

__all__ = [
    "AlertAcknowledged",
    "AlertRaised",
    "AvailabilityChanged",
    "EVENT_TYPES",
    "DocumentPosted",
    "Event",
    "EventBus",
    "LocationsChanged",
    "LotRecalled",
    "OrderCreated",
    "PickConfirmed",
    "StockMoved",
    "Transport",
    "event_from_dict",
    "record",
    "savepoint",
    "touch_skus",
]

log = logging.getLogger(__name__)
PENDING_KEY = "facet_pending_events"
TOUCHED_KEY = "facet_touched_skus"


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


@dataclass(frozen=True, kw_only=True)
class LocationsChanged(Event):
    """Locations were created or changed (one event per transaction): layouts built from
    them (the live twin's) are stale."""

    actor: str


@dataclass(frozen=True, kw_only=True)
class AvailabilityChanged(Event):
    """Stock a channel may be promised changed for these SKUs (ids): balances, reservations or
    a lot's status (one event per transaction, from :func:`touch_skus`)."""

    sku_ids: tuple[int, ...]


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]
Receiver = Callable[[Event], None]

#: Every event type by name, for decoding events that arrive from other processes.
EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (StockMoved, PickConfirmed, DocumentPosted, OrderCreated, LotRecalled,
                AlertRaised, AlertAcknowledged, LocationsChanged, AvailabilityChanged)
}


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from :meth:`Event.to_dict` output (``KeyError`` for an unknown name)."""
    fields = dict(data)
    cls = EVENT_TYPES[fields.pop("event")]
    fields["at"] = datetime.fromisoformat(fields["at"])
    if cls is StockMoved:
        fields["moves"] = tuple(
            MovedLine(**{**line, "serials": tuple(line.get("serials", ()))})
            for line in fields["moves"]
        )
    if cls is AvailabilityChanged:
        fields["sku_ids"] = tuple(fields["sku_ids"])
    return cls(**fields)


class Transport(Protocol):
    """Carries events between processes and hosts (PostgreSQL NOTIFY, Redis, NATS...).

    The outbox relay calls :meth:`send` once per outbox row (again after a crash: receivers
    drop repeats by event id). :meth:`start` makes the transport pass every event it receives,
    this process's own included, to ``receive`` (from a thread of its own).
    """

    name: str

    def start(self, receive: Receiver) -> None:
        """Begin receiving; ``receive`` is called for each event from any process."""

    def send(self, event: Event) -> None:
        """Publish one event to every process; raises when the transport is unreachable."""

    def ping(self) -> None:
        """Raise when the transport is unreachable (the readiness check)."""

    def close(self) -> None:
        """Stop receiving and release connections."""


class _Seen:
    """The ids of the last ``size`` events delivered here, to drop repeats."""

    def __init__(self, size: int = 100_000) -> None:
        self._size = size
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, event_id: str) -> bool:
        """Remember ``event_id``; False when it was already there."""
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            if len(self._ids) > self._size:
                self._ids.popitem(last=False)
            return True


class EventBus:
    """In-process publish/subscribe; events from other processes arrive through `receive`.

    Each event is delivered to the local handlers once: events committed here are delivered at
    commit (:meth:`publish`); the same event coming back through the transport, or an event
    replayed by the outbox relay, is dropped by id.
    """

    def __init__(self) -> None:
        #: Per event type: (handler, origins it wants: a subset of {local, remote}).
        self._handlers: dict[type[Event], list[tuple[Handler, frozenset[bool]]]] = (
            defaultdict(list)
        )
        self._seen = _Seen()

    def subscribe(
        self, event_type: type[E], handler: Callable[[E], None], *, local_only: bool = False,
        remote_only: bool = False,
    ) -> None:
        """Call ``handler`` for every event of ``event_type`` (or a subclass).

        ``local_only`` handlers see only the events committed in this process, so an action
        that must happen once per event (an MQTT message, a webhook) is taken by one process;
        ``remote_only`` handlers see only those that came from other processes.
        """
        if local_only and remote_only:
            raise ValueError("a handler cannot be both local_only and remote_only")
        origins = frozenset({True} if local_only else {False} if remote_only else {True, False})
        self._handlers[event_type].append((handler, origins))

    def unsubscribe(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        """Stop calling ``handler``."""
        self._handlers[event_type] = [
            entry for entry in self._handlers[event_type] if entry[0] != handler
        ]

    def publish(self, event: Event) -> None:
        """Deliver an event committed in this process to the local handlers."""
        if self._seen.add(event.id):
            self._deliver(event, local=True)

    def receive(self, event: Event) -> None:
        """Deliver an event from the transport, unless it was delivered here already."""
        if self._seen.add(event.id):
            self._deliver(event, local=False)

    def _deliver(self, event: Event, *, local: bool) -> None:
        for event_type, handlers in list(self._handlers.items()):
            if isinstance(event, event_type):
                for handler, origins in list(handlers):
                    if local not in origins:
                        continue
                    try:
                        handler(event)
                    except Exception:
                        log.exception("event handler %r failed on %s", handler, event.name)


def record(session: Session, event: Event) -> None:
    """Queue ``event`` on ``session``; it is published after a successful commit."""
    session.info.setdefault(PENDING_KEY, []).append(event)


def touch_skus(session: Session, sku_ids: Iterable[int]) -> None:
    """Note that ``sku_ids``' available stock changed; one :class:`AvailabilityChanged` naming
    every SKU touched is recorded when the transaction commits (cheap on the hot path: a set)."""
    touched: set[int] | None = session.info.get(TOUCHED_KEY)
    if touched is None:
        session.info[TOUCHED_KEY] = touched = set()
    touched.update(sku_ids)


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A savepoint (``begin_nested``) that, when it rolls back, also forgets the events and
    touched SKUs queued inside it: what was undone is never announced."""
    events = list(session.info.get(PENDING_KEY, []))
    touched = set(session.info.get(TOUCHED_KEY, ()))
    try:
        with session.begin_nested():
            yield
    except BaseException:
        session.info[PENDING_KEY] = events
        session.info[TOUCHED_KEY] = touched
        raise


def _seal_touched(session: Session) -> None:
    touched: set[int] | None = session.info.pop(TOUCHED_KEY, None)
    if touched:
        record(session, AvailabilityChanged(sku_ids=tuple(sorted(touched))))


def peek_pending(session: Session) -> list[Event]:
    """The events queued on ``session``, left in place (the outbox stores them at commit)."""
    _seal_touched(session)
    pending: list[Event] = session.info.get(PENDING_KEY, [])
    return pending


def take_pending(session: Session) -> list[Event]:
    """Remove and return the events queued on ``session``."""
    _seal_touched(session)
    pending: list[Event] = session.info.pop(PENDING_KEY, [])
    return pending
