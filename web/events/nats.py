"""Events between processes through NATS, with JetStream where the server has it.

``FACET_EVENTS_URL=nats://127.0.0.1:4222?subject=facet.events&stream=FACET_EVENTS`` (further
options: ``max_age`` in seconds, ``max_msgs``, ``jetstream=false``). With JetStream the events go
into a stream (created if missing, kept ``max_age``): each event is published with the
``Nats-Msg-Id`` header set to its id, so the server itself drops a relay's replay within its
duplicate window, and each process reads through an ephemeral ordered consumer that starts at
the stream's end and, after a reconnect, resumes from the last message it saw. Without
JetStream, plain publish/subscribe is used (an event sent while a process is disconnected is
lost to it). nats-py is asyncio: the client runs on an event loop in a thread of its own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import queue
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy, StorageType, StreamConfig

from core.clock import now
from core.events import Event, Receiver, event_from_dict
from web.events.reader import CATCH_UP_MARGIN, CatchUp, replay_missed

__all__ = ["NatsOptions", "NatsTransport", "split_nats_url"]

log = logging.getLogger(__name__)

T = TypeVar("T")
_MAX_BACKOFF = 5.0
#: The ordered consumer's heartbeat: two missed ones (a consumer lost in an outage) recreate it.
_HEARTBEAT = 1.0
#: How long JetStream remembers message ids to drop a replay (its default is two minutes).
_DUPLICATE_WINDOW = 120.0


class NatsOptions:
    """Facet's options from a ``nats://`` URL's query string."""

    def __init__(self, query: dict[str, str]) -> None:
        self.subject = query.get("subject") or "facet.events"
        self.stream = query.get("stream") or "FACET_EVENTS"
        self.max_age = float(query.get("max_age") or 3600)
        self.max_msgs = int(query.get("max_msgs") or 1_000_000)
        self.jetstream = (query.get("jetstream") or "true").lower() not in ("false", "0", "no")


def split_nats_url(url: str) -> tuple[list[str], NatsOptions]:
    """The server URLs (comma-separated in ``url``) and Facet's options from the query."""
    parts = urlsplit(url)
    options = NatsOptions(dict(parse_qsl(parts.query)))
    base = urlunsplit(parts._replace(query=""))
    servers = [server.strip() for server in base.split(",") if server.strip()]
    scheme = parts.scheme or "nats"
    return [s if "://" in s else f"{scheme}://{s}" for s in servers], options


class NatsTransport:
    """Carries events through NATS (JetStream when enabled); see the module docstring."""

    name = "nats"

    def __init__(
        self, url: str, *, timeout: float = 3.0, catch_up: CatchUp | None = None
    ) -> None:
        self.servers, self.options = split_nats_url(url)
        self._where = ", ".join(urlsplit(s).netloc.rpartition("@")[2] for s in self.servers)
        self._timeout = timeout
        self._flush_timeout = max(1, math.ceil(timeout))  # nats-py wants whole seconds here
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._lock = asyncio.Lock()
        self._sub: Subscription | None = None
        self._start_seq = 0
        self._catch_up = catch_up
        # the last stream sequence read and its time, to notice messages aged out unread
        self._last_seq = 0
        self._last_at = now()
        self._contiguous = False
        self._closing = False
        self._subscribed = threading.Event()
        self._subscriber: Future[None] | None = None
        # events, or a datetime: "catch up from the outbox since then"
        self._inbox: queue.SimpleQueue[Event | datetime | None] = queue.SimpleQueue()
        self._delivery: threading.Thread | None = None
        self._loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(
            target=self._loop.run_forever, name="facet-nats-loop", daemon=True
        )
        self._loop_thread.start()

    @property
    def uses_jetstream(self) -> bool | None:
        """True with JetStream, False with plain NATS, None before the first connection."""
        return None if self._nc is None else self._js is not None

    @property
    def subscribed(self) -> bool:
        """Whether the subscription is in place (with plain NATS, only events sent after it
        was made arrive; ``start()`` waits for it up to the timeout)."""
        return self._subscribed.is_set()

    # -- the Transport protocol ------------------------------------------------------------

    def start(self, receive: Receiver) -> None:
        """Subscribe (waiting up to the timeout); each event then goes to ``receive``."""
        if self._delivery is not None:
            raise RuntimeError("NatsTransport.start() was called twice")
        self._delivery = threading.Thread(
            target=self._deliver, args=(receive,), name="facet-nats-events", daemon=True
        )
        self._delivery.start()
        self._subscriber = asyncio.run_coroutine_threadsafe(self._subscribe_forever(), self._loop)
        if not self._subscribed.wait(self._timeout + 1):
            log.warning("NATS at %s is unreachable; events will arrive once it answers",
                        self._where)

    def send(self, event: Event) -> None:
        """Publish ``event`` (acknowledged by the server); ConnectionError when NATS is away."""
        try:
            self._call(self._publish(event))
        except Exception as error:
            raise ConnectionError(
                f"NATS at {self._where} did not take event {event.id} "
                f"({type(error).__name__}: {error}); the outbox relay will send it again"
            ) from error

    def ping(self) -> None:
        """Raise ConnectionError unless the server answers a round trip."""
        try:
            self._call(self._flush())
        except Exception as error:
            raise ConnectionError(
                f"NATS at {self._where} does not answer ({type(error).__name__}: {error})"
            ) from error

    def close(self) -> None:
        """Unsubscribe, close the connection and stop the loop and delivery threads."""
        if self._loop.is_closed():
            return
        if self._subscriber is not None:
            self._subscriber.cancel()
        try:
            self._call(self._shutdown())
            # not through _call: its wait_for task would be one of the leftovers
            asyncio.run_coroutine_threadsafe(self._end_leftovers(), self._loop).result(2)
        except Exception as error:  # closing anyway: nothing to retry
            log.debug("closing NATS: %r", error)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._loop_thread.join(timeout=2)
        if not self._loop.is_running():
            self._loop.close()
        if self._delivery is not None:
            self._inbox.put(None)
            self._delivery.join(timeout=2)

    # -- on the event loop -----------------------------------------------------------------

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop from another thread; give up after the timeout."""
        future = asyncio.run_coroutine_threadsafe(
            asyncio.wait_for(coro, self._timeout), self._loop
        )
        try:
            return future.result(self._timeout + 1)
        finally:
            future.cancel()

    async def _connected(self) -> tuple[Client, JetStreamContext | None]:
        """The connection (made on first use) and the JetStream context, None without it."""
        async with self._lock:
            if self._nc is None or self._nc.is_closed:
                # max_reconnect_attempts=-1: once connected, nats-py reconnects for ever; the
                # first connection would retry for ever too, so it is bounded here.
                nc = await asyncio.wait_for(nats.connect(
                    servers=self.servers, name="facet-events", connect_timeout=self._timeout,
                    max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                    error_cb=self._on_error, disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                ), self._timeout)
                self._js = await self._stream_ready(nc)
                self._nc = nc
            return self._nc, self._js

    async def _stream_ready(self, nc: Client) -> JetStreamContext | None:
        """Make sure the stream exists; None when JetStream is off (plain NATS then)."""
        if not self.options.jetstream:
            return None
        js = nc.jetstream(timeout=self._timeout)
        try:
            await js.stream_info(self.options.stream)
        except nats.js.errors.NotFoundError:
            await js.add_stream(StreamConfig(
                name=self.options.stream, subjects=[self.options.subject],
                max_age=self.options.max_age, max_msgs=self.options.max_msgs,
                storage=StorageType.FILE, duplicate_window=_DUPLICATE_WINDOW,
            ))
        except (nats.js.errors.ServiceUnavailableError, nats.errors.NoRespondersError):
            log.warning("JetStream is not enabled on NATS at %s: events use plain "
                        "publish/subscribe (a process misses what is sent while it is "
                        "disconnected)", self._where)
            return None
        return js

    async def _publish(self, event: Event) -> None:
        nc, js = await self._connected()
        payload = json.dumps(event.to_dict()).encode()
        if js is not None:
            await js.publish(self.options.subject, payload, timeout=self._timeout,
                             stream=self.options.stream, headers={"Nats-Msg-Id": event.id})
        else:
            await nc.publish(self.options.subject, payload)
            await nc.flush(timeout=self._flush_timeout)  # the round trip that proves it was sent

    async def _flush(self) -> None:
        nc, _ = await self._connected()
        await nc.flush(timeout=self._flush_timeout)

    async def _subscribe_forever(self) -> None:
        """Subscribe, retrying with back-off until the server answers (or close())."""
        delay = 0.0
        while True:
            try:
                nc, js = await self._connected()
                await self._subscribe(nc, js)
                self._subscribed.set()
                return
            except (TimeoutError, OSError, nats.errors.Error) as error:
                if not delay:
                    log.warning("cannot subscribe to NATS at %s (%s: %s); retrying",
                                self._where, type(error).__name__, error)
                delay = min(max(delay * 2, 0.1), _MAX_BACKOFF)
                await asyncio.sleep(delay)

    async def _subscribe(self, nc: Client, js: JetStreamContext | None) -> None:
        if js is None:
            self._sub = await nc.subscribe(self.options.subject, cb=self._on_message)
            # the round trip makes sure the server has the subscription before start() returns
            await nc.flush(timeout=self._flush_timeout)
            return
        info = await js.stream_info(self.options.stream)
        self._start_seq = info.state.last_seq + 1
        self._last_seq, self._last_at = info.state.last_seq, now()
        # with this one subject in the stream, a jump in sequence means messages aged out
        self._contiguous = info.config.subjects == [self.options.subject]
        self._sub = await js.subscribe(
            self.options.subject, stream=self.options.stream, cb=self._on_message,
            ordered_consumer=True, idle_heartbeat=_HEARTBEAT,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                                  opt_start_seq=self._start_seq),
        )
        # nats-py's ordered consumer recreates itself from "the last stream sequence seen + 1",
        # which starts at 0: an outage before the first event would replay the whole stream.
        state = getattr(getattr(self._sub, "_sub", None), "_jsi", None)
        if state is not None and hasattr(state, "_sseq"):
            state._sseq = self._start_seq - 1

    async def _on_message(self, msg: Msg) -> None:
        if self._js is not None and msg.reply:
            sequence = msg.metadata.sequence.stream
            if sequence < self._start_seq:
                return  # sent before this process started
            if self._contiguous and sequence > self._last_seq + 1:
                self._inbox.put(self._last_at - CATCH_UP_MARGIN)
            if sequence > self._last_seq:
                self._last_seq, self._last_at = sequence, msg.metadata.timestamp
        try:
            self._inbox.put(event_from_dict(json.loads(msg.data)))
        except (KeyError, TypeError, ValueError) as error:
            log.warning("dropped an undecodable event from NATS (%r): %.200r", error, msg.data)

    async def _shutdown(self) -> None:
        self._closing = True
        if self._sub is not None:
            try:
                # a JetStream subscription's unsubscribe also ends its heartbeat and flow tasks
                await self._sub.unsubscribe()
            except nats.errors.Error as error:
                log.debug("unsubscribing from NATS: %s", error)
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.close()

    async def _end_leftovers(self) -> None:
        """Cancel the tasks nats-py may leave behind, so the loop stops clean."""
        current = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    async def _on_error(self, error: Exception) -> None:
        log.debug("NATS at %s: %s: %s", self._where, type(error).__name__, error)

    async def _on_disconnected(self) -> None:
        if not self._closing:
            log.warning("lost NATS at %s; reconnecting", self._where)

    async def _on_reconnected(self) -> None:
        log.info("NATS at %s is back; events resume", self._where)

    # -- delivery (a thread of its own, so slow handlers never stall the NATS client) -------

    def _deliver(self, receive: Receiver) -> None:
        while (item := self._inbox.get()) is not None:
            if isinstance(item, datetime):
                self._replay(receive, item)
                continue
            try:
                receive(item)
            except Exception:
                log.exception("receiving event %s failed", item.id)

    def _replay(self, receive: Receiver, since: datetime) -> None:
        """Deliver from the outbox what aged out of the stream before this process read it."""
        replay_missed(self._catch_up, since, receive, source=f"NATS stream {self.options.stream}",
                      hint="raise max_age= or max_msgs=")
