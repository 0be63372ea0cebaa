"""The live hub: fans core events out to the browsers' websocket queues.

The event bus calls its handlers in whatever thread committed the transaction (a worker of the
threadpool, a vision process's reader thread...). The :class:`LiveHub` hands each event to the
asyncio loop that serves the websockets with ``loop.call_soon_threadsafe``, where it is put on
one bounded queue per client. A slow client loses its oldest events, never blocks the bus.
Alert events go only to roles that may read alerts; the others go to everyone signed in, as
their person may see them over REST (``core.trace.visibility``: moves and picks at a bin under
their live blind count are left out, check digits and customers blanked by role). Each client
keeps its visibility until an event that may change it (``changes_view``: a count opened,
counted, approved...), then reads it again off the loop. The websocket route that serves the
queues is ``web.api.live``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from core import AlertAcknowledged, AlertRaised, Database, Event, EventBus
from core.people.permissions import allowed
from core.people.security import Actor
from core.trace import Visibility, changes_view, visibility_for

__all__ = ["LiveHub"]

log = logging.getLogger(__name__)
QUEUE_SIZE = 256
ALERT_EVENTS = (AlertRaised, AlertAcknowledged)


@dataclass(eq=False)
class _Client:
    """One connected browser: who it is and its queue of JSON events."""

    actor: Actor
    queue: asyncio.Queue[dict[str, Any]] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )
    #: What the person may see, read at the hub's ``generation`` (stale once it moves on).
    view: Visibility | None = None
    generation: int = -1

    def wants(self, event: Event) -> bool:
        """Whether this person may see the event."""
        if isinstance(event, ALERT_EVENTS):
            return allowed(self.actor, "alerts:read")
        return allowed(self.actor, "read")

    def offer(self, data: dict[str, Any]) -> None:
        """Queue an event; drop the oldest one when the client is too slow to keep up."""
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(data)


class LiveHub:
    """Subscribes to the bus once and hands events to the websocket clients' loop."""

    def __init__(self, bus: EventBus, loop: asyncio.AbstractEventLoop, db: Database) -> None:
        self._bus = bus
        self._loop = loop
        self._db = db
        self._clients: set[_Client] = set()
        #: Moves on at every event that may change what someone may see.
        self._generation = 0
        bus.subscribe(Event, self._on_event)

    @property
    def closed(self) -> bool:
        """Whether the loop serving the websockets has closed (no client can be reached)."""
        return self._loop.is_closed()

    @property
    def clients(self) -> int:
        """How many browsers are connected."""
        return len(self._clients)

    def close(self) -> None:
        """Stop listening to the bus."""
        self._bus.unsubscribe(Event, self._on_event)

    def _on_event(self, event: Event) -> None:
        """Bus handler (any thread): pass the event to the loop without blocking."""
        if self._loop.is_closed():
            return
        data = event.to_dict()
        try:
            self._loop.call_soon_threadsafe(self._fan_out, event, data)
        except RuntimeError:  # the loop shut down between the check and the call
            log.debug("live hub loop closed; %s not delivered", event.name)

    def _fan_out(self, event: Event, data: dict[str, Any]) -> None:
        """On the loop: queue the event for every client allowed to see it."""
        if changes_view(event):
            self._generation += 1
        for client in list(self._clients):
            if client.wants(event):
                client.offer(data)

    async def next_event(self, client: _Client) -> dict[str, Any]:
        """The client's next event as its person may see it (waits; skips the hidden ones)."""
        while True:
            data = await client.queue.get()
            shown = (await self._view(client)).event(data)
            if shown is not None:
                return shown

    async def _view(self, client: _Client) -> Visibility:
        """The client's visibility, read again (off the loop) when an event made it stale."""
        if client.view is None or client.generation != self._generation:
            generation = self._generation
            client.view = await run_in_threadpool(self._read_view, client.actor)
            client.generation = generation
        return client.view

    def _read_view(self, actor: Actor) -> Visibility:
        with self._db.read() as session:
            return visibility_for(session, actor)

    def connect(self, actor: Actor) -> _Client:
        """Register a browser."""
        client = _Client(actor)
        self._clients.add(client)
        return client

    def disconnect(self, client: _Client) -> None:
        """Forget a browser."""
        self._clients.discard(client)
