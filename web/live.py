"""Fan core events out to browsers over ``/ws/events``.

The event bus calls its handlers in whatever thread committed the transaction (a worker of the
threadpool, a vision process's reader thread...). The :class:`LiveHub` hands each event to the
asyncio loop that serves the websockets with ``loop.call_soon_threadsafe``, where it is put on
one bounded queue per client. A slow client loses its oldest events, never blocks the bus.

Browsers cannot send an ``Authorization`` header when they open a websocket, so they sign in
with a single-use ``ticket`` query parameter from ``POST /api/ws-ticket`` (other clients may
send the header); a token in the URL is refused (see ``web.tickets``). Alert events go only to
roles that may read alerts; stock events go to everyone signed in.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from core import AlertAcknowledged, AlertRaised, Event, EventBus
from core.people.permissions import allowed
from core.people.security import Actor
from web.tickets import websocket_actor

__all__ = ["LiveHub", "live_router", "hub_for"]

log = logging.getLogger(__name__)
QUEUE_SIZE = 256
ALERT_EVENTS = (AlertRaised, AlertAcknowledged)
# Close codes in the private range: the browser client stops retrying on these.
CLOSE_UNAUTHORISED = 4401

live_router = APIRouter(tags=["live"])


@dataclass(eq=False)
class _Client:
    """One connected browser: who it is and its queue of JSON events."""

    actor: Actor
    queue: asyncio.Queue[dict[str, Any]] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )

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

    def __init__(self, bus: EventBus, loop: asyncio.AbstractEventLoop) -> None:
        self._bus = bus
        self._loop = loop
        self._clients: set[_Client] = set()
        bus.subscribe(Event, self._on_event)

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
        for client in list(self._clients):
            if client.wants(event):
                client.offer(data)

    def connect(self, actor: Actor) -> _Client:
        """Register a browser."""
        client = _Client(actor)
        self._clients.add(client)
        return client

    def disconnect(self, client: _Client) -> None:
        """Forget a browser."""
        self._clients.discard(client)


def hub_for(websocket: WebSocket) -> LiveHub:
    """The app's hub, created on the serving loop by the first connection."""
    state = websocket.app.state
    hub: LiveHub | None = getattr(state, "live_hub", None)
    if hub is None:
        hub = LiveHub(state.bus, asyncio.get_running_loop())
        state.live_hub = hub
    return hub


@live_router.websocket("/ws/events")
async def events(websocket: WebSocket) -> None:
    """Push every core event the person may see as JSON (``event.to_dict()``)."""
    actor = await websocket_actor(websocket)
    await websocket.accept()
    if actor is None:
        await websocket.send_json(
            {"event": "error", "code": "not-authenticated",
             "message": "Sign in first: open the socket with ?ticket= from POST /api/ws-ticket."}
        )
        await websocket.close(code=CLOSE_UNAUTHORISED)
        return
    hub = hub_for(websocket)
    client = hub.connect(actor)
    await websocket.send_json({"event": "hello", "user": actor.username, "role": actor.role})
    receiver = asyncio.create_task(_drain_incoming(websocket))
    try:
        while not receiver.done():
            getter = asyncio.create_task(client.queue.get())
            done, _ = await asyncio.wait({getter, receiver}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                break
            await websocket.send_json(getter.result())
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hub.disconnect(client)
        receiver.cancel()


async def _drain_incoming(websocket: WebSocket) -> None:
    """Read (and ignore) what the browser sends, so a disconnect is noticed at once."""
    try:
        while True:
            await websocket.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        return
