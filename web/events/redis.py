"""Events between processes through Redis: a stream (the default) or pub/sub.

``FACET_EVENTS_URL=redis://127.0.0.1:6379/0?stream=facet-events&maxlen=100000&mode=streams``.
With streams every process reads with ``XREAD BLOCK`` from the last id it saw, so a reader that
loses its connection resumes where it stopped and misses nothing; ``XADD ... MAXLEN ~`` keeps the
stream bounded. ``mode=pubsub`` uses a channel instead (nothing is kept while a reader is away).
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.client import PubSub
from redis.retry import Retry

from core.events import Event, Receiver, event_from_dict
from web.events.reader import CATCH_UP_MARGIN, CatchUp, replay_missed

__all__ = ["RedisTransport", "split_redis_url"]

log = logging.getLogger(__name__)

DEFAULT_STREAM = "facet-events"
DEFAULT_MAXLEN = 100_000
MODES = ("streams", "pubsub")
_FIELD = b"event"
#: How long one XREAD or pub/sub poll waits, so the reader notices close() this quickly.
_BLOCK_MS = 500
_MAX_BACKOFF = 5.0


def split_redis_url(url: str) -> tuple[str, dict[str, str]]:
    """Split ``url`` into the URL redis-py understands and Facet's own options.

    Facet's options (``stream``, ``maxlen``, ``mode``) are taken out of the query string, since
    redis-py would pass unknown ones to the connection and fail.
    """
    parts = urlsplit(url)
    ours = {"stream", "maxlen", "mode"}
    query = parse_qsl(parts.query, keep_blank_values=True)
    options = {key: value for key, value in query if key in ours}
    rest = urlencode([(key, value) for key, value in query if key not in ours])
    return urlunsplit(parts._replace(query=rest)), options


class RedisTransport:
    """Carries events through a Redis stream (or pub/sub channel); see the module docstring."""

    name = "redis"

    def __init__(
        self, url: str, *, timeout: float = 3.0, catch_up: CatchUp | None = None
    ) -> None:
        redis_url, options = split_redis_url(url)
        self.key = options.get("stream") or DEFAULT_STREAM
        self.maxlen = int(options.get("maxlen") or DEFAULT_MAXLEN)
        self.mode = options.get("mode") or "streams"
        if self.mode not in MODES:
            raise ValueError(
                f"FACET_EVENTS_URL has mode={self.mode!r}; use mode=streams or mode=pubsub."
            )
        parts = urlsplit(redis_url)
        self._where = f"{parts.hostname or 'localhost'}:{parts.port or 6379}"
        self._timeout = timeout
        # The sender retries once at once (a connection dropped since the last send), then
        # raises so the outbox relay retries later: a send never blocks for long.
        self._client = redis.Redis.from_url(
            redis_url, socket_timeout=timeout, socket_connect_timeout=timeout,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.1), retries=1),
        )
        # The reader blocks up to _BLOCK_MS per read; it handles outages itself (with back-off).
        self._reader = redis.Redis.from_url(
            redis_url, socket_timeout=timeout + _BLOCK_MS / 1000,
            socket_connect_timeout=timeout, retry=Retry(NoBackoff(), retries=0),
            client_name=f"facet-events-reader:{self.key}",
        )
        self._last_id: bytes | None = None
        self._catch_up = catch_up
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the Transport protocol ------------------------------------------------------------

    def start(self, receive: Receiver) -> None:
        """Read events from now on in a thread of its own; each one goes to ``receive``."""
        if self._thread is not None:
            raise RuntimeError("RedisTransport.start() was called twice")
        # Where reading starts is settled here, so every event sent after start() arrives.
        pubsub = None
        try:
            if self.mode == "streams":
                self._last_id = self._stream_end()
            else:
                pubsub = self._subscribe()
        except redis.RedisError as error:
            log.warning("Redis at %s is unreachable (%s); reading will start when it "
                        "answers", self._where, error)
        if self.mode == "streams":
            self._thread = threading.Thread(target=self._read_stream, args=(receive,),
                                            name=f"facet-redis-events:{self.key}", daemon=True)
        else:
            self._thread = threading.Thread(target=self._read_channel, args=(receive, pubsub),
                                            name=f"facet-redis-events:{self.key}", daemon=True)
        self._thread.start()

    def send(self, event: Event) -> None:
        """Append ``event`` to the stream (or publish it); ConnectionError when Redis is away."""
        payload = json.dumps(event.to_dict()).encode()
        try:
            if self.mode == "streams":
                self._client.xadd(self.key, {_FIELD: payload}, maxlen=self.maxlen,
                                  approximate=True)
            else:
                self._client.publish(self.key, payload)
        except redis.RedisError as error:
            raise ConnectionError(
                f"Redis at {self._where} did not take event {event.id} ({error}); "
                "the outbox relay will send it again"
            ) from error

    def ping(self) -> None:
        """Raise ConnectionError when Redis does not answer PING."""
        try:
            self._client.ping()
        except redis.RedisError as error:
            raise ConnectionError(f"Redis at {self._where} does not answer ({error})") from error

    def close(self) -> None:
        """Stop the reader (within half a second) and close the connections."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._timeout + _BLOCK_MS / 1000 + 1)
        self._client.close()
        self._reader.close()

    # -- reading ---------------------------------------------------------------------------

    def _stream_end(self) -> bytes:
        """The id of the newest entry, so this process reads only what comes after it."""
        # redis-py types its replies for the sync and asyncio clients at once: hence the casts
        newest = cast(list[Any], self._reader.xrevrange(self.key, count=1))
        return newest[0][0] if newest else b"0-0"

    def _read_stream(self, receive: Receiver) -> None:
        """Read the stream until close(), resuming from the last id after an outage."""
        outage = _Outage(self._where, self._stop)
        while not self._stop.is_set():
            try:
                if self._last_id is None:
                    self._last_id = self._stream_end()
                elif outage.ongoing:
                    self._fill_gap(receive, self._last_id)
                reply = cast(list[Any] | None,
                             self._reader.xread({self.key: self._last_id}, block=_BLOCK_MS))
                outage.over()
            except redis.RedisError as error:
                outage.wait(error)
                continue
            for _key, entries in reply or ():
                for entry_id, fields in entries:
                    self._last_id = entry_id
                    _deliver(receive, fields.get(_FIELD))

    def _fill_gap(self, receive: Receiver, last_id: bytes) -> None:
        """After an outage: when MAXLEN trimmed entries this process never read, replay them
        from the outbox (``catch_up``)."""
        if last_id == b"0-0":
            return
        oldest = cast(list[Any], self._reader.xrange(self.key, count=1))
        if not oldest or _id_of(oldest[0][0]) <= _id_of(last_id):
            return
        since = datetime.fromtimestamp(_id_of(last_id)[0] / 1000, UTC) - CATCH_UP_MARGIN
        replay_missed(self._catch_up, since, receive, source=f"Redis stream {self.key!r}",
                      hint="raise maxlen=")

    def _subscribe(self) -> PubSub:
        """A pub/sub connection subscribed to the channel (confirmed by the server)."""
        pubsub = self._reader.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.key)
            # read the confirmation: the server has the subscription once it answers
            pubsub.get_message(timeout=self._timeout)
        except redis.RedisError:
            pubsub.close()
            raise
        return pubsub

    def _read_channel(self, receive: Receiver, pubsub: PubSub | None) -> None:
        """Read the pub/sub channel until close(), subscribing again after an outage."""
        outage = _Outage(self._where, self._stop)
        while not self._stop.is_set():
            try:
                if pubsub is None:
                    pubsub = self._subscribe()
                message = pubsub.get_message(timeout=_BLOCK_MS / 1000)
                outage.over()
            except redis.RedisError as error:
                if pubsub is not None:
                    pubsub.close()
                pubsub = None
                outage.wait(error)
                continue
            if message and message.get("type") == "message":
                _deliver(receive, message["data"])
        if pubsub is not None:
            pubsub.close()


class _Outage:
    """Back-off and one log line per outage for a reader thread."""

    def __init__(self, where: str, stop: threading.Event) -> None:
        self._where = where
        self._stop = stop
        self._delay = 0.0

    @property
    def ongoing(self) -> bool:
        """True between a failure and the next successful read."""
        return self._delay != 0.0

    def wait(self, error: Exception) -> None:
        """Log the first failure of an outage, then wait longer after each retry (up to 5 s)."""
        if self._delay == 0.0:
            log.warning("lost Redis at %s (%s); reconnecting", self._where, error)
        self._delay = min(max(self._delay * 2, 0.1), _MAX_BACKOFF)
        self._stop.wait(self._delay)

    def over(self) -> None:
        """Note a successful read: log the end of an outage and reset the back-off."""
        if self._delay:
            log.info("Redis at %s is back; events resume", self._where)
        self._delay = 0.0


def _id_of(entry_id: bytes) -> tuple[int, int]:
    """A stream entry id (``b"1700000000000-3"``) as numbers, for comparing."""
    millis, _, sequence = entry_id.partition(b"-")
    return int(millis), int(sequence or 0)


def _deliver(receive: Receiver, payload: Any) -> None:
    """Decode one payload and hand it to ``receive``; a bad one is logged, never fatal."""
    try:
        event = event_from_dict(json.loads(payload))
    except (KeyError, TypeError, ValueError) as error:
        log.warning("dropped an undecodable event from Redis (%r): %.200r", error, payload)
        return
    try:
        receive(event)
    except Exception:
        log.exception("receiving event %s failed", event.id)
