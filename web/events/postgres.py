"""PostgreSQL LISTEN/NOTIFY as the event transport (psycopg 3).

``send`` NOTIFYs on the channel from a connection of its own; a daemon thread LISTENs on
another and hands each event to the bus. A NOTIFY payload holds at most 8000 bytes: a larger
event travels as a reference (its id) that the receiver loads from the outbox. When the
listening connection drops (a server restart, a failover) the thread logs it, backs off,
LISTENs again and then replays from the outbox what was published while it was away; the bus
drops anything it had already delivered.

URL: ``postgresql://user@host:5432/db`` (``postgresql+psycopg://`` is accepted too), with an
optional ``?channel=name`` (default ``facet_events``) so several sites can share a server.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from core.events import Event, Receiver, event_from_dict
from web.events.reader import CatchUp

__all__ = ["DEFAULT_CHANNEL", "MAX_PAYLOAD", "PostgresTransport", "conninfo_of"]

log = logging.getLogger(__name__)
DEFAULT_CHANNEL = "facet_events"
#: PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
MAX_PAYLOAD = 7999
#: How far back a reconnecting listener replays, before it last knew the connection was good
#: (covers clock skew between the relay's host and this one).
CATCH_UP_MARGIN = timedelta(seconds=10)
#: When a reconnected listener replays the outbox a second time.
REPLAY_AGAIN_S = 2.0
_TIMEOUT_S = 5  # connecting and each statement: a dead server is reported, never waited on

EventLoader = Callable[[str], Event | None]


def conninfo_of(url: str) -> tuple[str, str]:
    """The libpq URL and the channel named by a transport URL."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    channel = next((v for k, v in query if k == "channel"), DEFAULT_CHANNEL)
    rest = urlencode([(k, v) for k, v in query if k != "channel"])
    scheme = "postgresql"  # postgresql+psycopg (SQLAlchemy's spelling) is not libpq's
    return urlunsplit((scheme, parts.netloc, parts.path, rest, parts.fragment)), channel


class PostgresTransport:
    """Events over LISTEN/NOTIFY; ``load_event`` and ``catch_up`` read the outbox."""

    name = "postgresql"

    def __init__(
        self, url: str, *, load_event: EventLoader | None = None, catch_up: CatchUp | None = None
    ) -> None:
        self._conninfo, self.channel = conninfo_of(url)
        self._load_event, self._catch_up = load_event, catch_up
        self._receive: Receiver | None = None
        self._send_conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._send_lock = threading.Lock()
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None
        self._healthy_at: datetime | None = None  # last instant the listener was known good

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            self._conninfo, autocommit=True, connect_timeout=_TIMEOUT_S,
            options=f"-c statement_timeout={_TIMEOUT_S * 1000}",
            keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3,
        )

    # -- sending -------------------------------------------------------------------------

    def payload_of(self, event: Event) -> str:
        """The NOTIFY payload: the event's JSON, or a reference when it is too large."""
        text = json.dumps(event.to_dict(), separators=(",", ":"), default=str)
        if len(text.encode()) <= MAX_PAYLOAD:
            return text
        return json.dumps({"ref": event.id})

    def send(self, event: Event) -> None:
        """NOTIFY every listener; raises ``psycopg.Error`` when the server cannot be reached."""
        self._execute("SELECT pg_notify(%s, %s)", (self.channel, self.payload_of(event)))

    def ping(self) -> None:
        """Raise when the server does not answer or this process is not listening."""
        self._execute("SELECT 1", ())
        if self._thread is not None and not self._listening.is_set():
            raise ConnectionError(f"not listening on the PostgreSQL channel {self.channel!r}")

    def _execute(self, query: str, params: tuple[object, ...]) -> None:
        with self._send_lock:
            try:
                if self._send_conn is None or self._send_conn.closed:
                    self._send_conn = self._connect()
                self._send_conn.execute(query, params)
            except psycopg.Error:
                self._drop_send_connection()
                raise

    def _drop_send_connection(self) -> None:
        conn, self._send_conn = self._send_conn, None
        if conn is not None:
            conn.close()

    # -- receiving -----------------------------------------------------------------------

    def start(self, receive: Receiver) -> None:
        """LISTEN from a daemon thread; returns once listening (or after a few seconds)."""
        self._receive = receive
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="facet-pg-listen", daemon=True)
        self._thread.start()
        if not self._listening.wait(_TIMEOUT_S):
            log.warning("not yet listening on PostgreSQL channel %r; retrying", self.channel)

    def _run(self) -> None:
        pause = 0.5
        while not self._stopping.is_set():
            try:
                self._listen()
            except Exception as exc:  # a lost connection, or the catch-up's database read
                self._listening.clear()
                if self._stopping.is_set():
                    return
                log.warning("PostgreSQL event listener lost (%s); again in %.1f s", exc, pause)
                self._stopping.wait(pause)
                pause = min(pause * 2, 10.0)
            else:
                pause = 0.5

    def _listen(self) -> None:
        """LISTEN until stopped; after a lost connection, replay what was missed first."""
        with self._connect() as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self._listening.set()
            since, again_at = None, 0.0
            if self._healthy_at is not None:  # a reconnection (a new process needs only news)
                since = self._healthy_at - CATCH_UP_MARGIN
                self._replay(since)
                # Once more a moment later: a relay may have NOTIFYed while we were away but
                # not yet committed its batch's marks when the first replay read the outbox.
                again_at = time.monotonic() + REPLAY_AGAIN_S
            while not self._stopping.is_set():
                # Anything published after this instant reaches us, or the replay above
                # covers it on the next connection.
                self._healthy_at = datetime.now(UTC)
                for note in conn.notifies(timeout=0.5):
                    self._deliver(note.payload)
                if since is not None and time.monotonic() >= again_at:
                    self._replay(since)
                    since = None

    def _deliver(self, payload: str) -> None:
        """Decode one notification and hand it to the bus (a bad one is logged, not fatal)."""
        try:
            data = json.loads(payload)
            if "ref" in data:
                event = self._load_event(data["ref"]) if self._load_event else None
                if event is None:
                    log.warning("event %s is not in the outbox; dropped", data["ref"])
                    return
            else:
                event = event_from_dict(data)
        except (ValueError, KeyError, TypeError):
            log.exception("undecodable event on channel %r", self.channel)
            return
        if self._receive is not None:
            self._receive(event)

    def _replay(self, since: datetime) -> None:
        """Deliver what the outbox published since ``since`` (missed while disconnected)."""
        if self._catch_up is None or self._receive is None:
            return
        started, count = time.monotonic(), 0
        for event in self._catch_up(since):
            self._receive(event)
            count += 1
        log.info("PostgreSQL event listener back; replayed %d event(s) from the outbox in "
                 "%.2f s", count, time.monotonic() - started)

    def close(self) -> None:
        """Stop listening and close both connections."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=_TIMEOUT_S)
        self._listening.clear()
        with self._send_lock:
            self._drop_send_connection()
