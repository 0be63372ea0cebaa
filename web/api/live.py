"""Fan core events out to browsers over ``/ws/events`` (the hub is ``web.adapters.live_hub``).

Browsers cannot send an ``Authorization`` header when they open a websocket, so they sign in
with a single-use ``ticket`` query parameter from ``POST /api/ws-ticket`` (other clients may
send the header); a token in the URL is refused (see ``web.api.tickets``).
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from web.adapters.live_hub import LiveHub
from web.api.tickets import websocket_actor
from web.services import services_of

__all__ = ["live_router", "hub_for"]

# Close codes in the private range: the browser client stops retrying on these.
CLOSE_UNAUTHORISED = 4401

live_router = APIRouter(tags=["live"])


def hub_for(websocket: WebSocket) -> LiveHub:
    """The app's hub, created on the serving loop by the first connection (again if that loop
    has closed: an app served anew, as a test client does per connection outside its block)."""
    wired = services_of(websocket.app)
    if wired.live_hub is None or wired.live_hub.closed:
        if wired.live_hub is not None:
            wired.live_hub.close()  # its loop is gone: stop it listening to the bus
        wired.live_hub = LiveHub(wired.bus, asyncio.get_running_loop(), wired.db)
    return wired.live_hub


@live_router.websocket("/ws/events")
async def events(websocket: WebSocket) -> None:
    """Push every core event the person may see as JSON (``event.to_dict()``, filtered as
    the REST reads filter it: see ``web.adapters.live_hub``)."""
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
            getter = asyncio.create_task(hub.next_event(client))
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
