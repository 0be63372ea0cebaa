"""Database engine and units of work (the declarative base is in :mod:`core.orm`).

SQLite write transactions start with ``BEGIN IMMEDIATE`` so concurrent writers queue on the
database lock instead of failing on a read-to-write upgrade; reads stay deferred. Events queued
on a session are published after its transaction commits and dropped on rollback.

Reads, writes and the health check have separate connection pools, so writers waiting for the
lock cannot take every connection; a lock still held after ``lock_timeout_s`` (SQLite's write
lock, a PostgreSQL row lock, a full pool) raises :class:`~core.errors.DatabaseBusy`.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, create_engine, event, make_url
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import DatabaseBusy
from core.events import EventBus, peek_pending, take_pending
from core.outbox.service import write_events
from core.settings import CoreSettings

#: How long a write waits for a lock (SQLite's write lock, a PostgreSQL row lock) by default.
LOCK_TIMEOUT_S = 60.0

def _configure_sqlite(engine: Engine, lock_timeout_s: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A larger page cache and rarer checkpoints: commits of the hot path stay in memory.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA wal_autocheckpoint=8000")
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.execute("PRAGMA temp_store=MEMORY")
        # Writers wait in _begin_immediate (short, jittered retries); SQLite's own busy handler
        # backs off to 100 ms sleeps, which turns brief contention into long tail latency.
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("facet_write", False):
            _begin_immediate(connection.connection.driver_connection, lock_timeout_s)
        else:
            connection.exec_driver_sql("BEGIN")


#: Longest pause between two tries for SQLite's write lock. Tries start a tenth of a millisecond
#: apart and back off to this: brief contention is still caught at once, while writers queued
#: behind a long transaction do not wake thousands of times a second (each wake takes the GIL
#: from the event loop, which is what delayed health checks and reads behind a held lock).
MAX_LOCK_POLL_S = 0.004


def _begin_immediate(dbapi_connection: Any, timeout_s: float = LOCK_TIMEOUT_S) -> None:
    """Take SQLite's write lock, retrying with a jittered, capped backoff while another writer
    holds it.

    Raises :class:`DatabaseBusy` when the lock is still held after ``timeout_s``. (An error
    raised here escapes SQLAlchemy unwrapped, as a bare ``sqlite3.OperationalError`` would.)
    """
    deadline = time.monotonic() + timeout_s
    pause = 0.0001
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise DatabaseBusy(
                    f"Another writer held the database for over {timeout_s:g} s; retry shortly."
                ) from exc
            time.sleep(random.uniform(pause / 2, pause))
            pause = min(pause * 2, MAX_LOCK_POLL_S)


def make_engine(
    url: str,
    *,
    echo: bool = False,
    lock_timeout_s: float = LOCK_TIMEOUT_S,
    pool_size: int | None = None,
    max_overflow: int | None = None,
) -> Engine:
    """An engine for ``url`` with Facet's SQLite settings applied when it is SQLite.

    ``lock_timeout_s`` bounds the wait for a lock (SQLite's write lock, PostgreSQL's
    ``lock_timeout``) and for a pooled connection.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, pool_size=8 if pool_size is None else pool_size,
            max_overflow=32 if max_overflow is None else max_overflow,
            pool_timeout=lock_timeout_s, connect_args={"timeout": lock_timeout_s},
        )
        _configure_sqlite(engine, lock_timeout_s)
        return engine
    return create_engine(
        url, echo=echo, pool_size=10 if pool_size is None else pool_size,
        max_overflow=40 if max_overflow is None else max_overflow, pool_pre_ping=True,
        pool_timeout=lock_timeout_s,
        connect_args={"options": f"-c lock_timeout={max(1, round(lock_timeout_s * 1000))}"},
    )


class WalCopier:
    """Copies committed write-ahead-log frames into a SQLite database file from its own thread.

    SQLite checkpoints inside whichever commit takes the log past ``wal_autocheckpoint`` frames,
    and that commit waits while thousands of frames are copied into the database file: a stall
    of tens of milliseconds in some picker's request. This thread runs a PASSIVE checkpoint (it
    never blocks readers or writers) on another core after every ``commits`` write commits, so
    when SQLite's own checkpoint comes due most frames are already copied and it only copies the
    rest and rewinds the log. SQLite's checkpoint still decides when the log restarts.

    Each pass ends in fsyncs, which hold up the writers' appends to the log for a moment, so
    passes are also at least ``interval_s`` apart: a stream of small transactions (a few pages
    each) is not interrupted every few milliseconds for a copy of next to nothing.
    """

    def __init__(self, path: str, *, commits: int = 50, interval_s: float = 0.05) -> None:
        self._path, self._every, self._interval = path, commits, interval_s
        self._commits, self._last = 0, 0.0
        self.passes = 0  # checkpoints run (for tests and diagnostics)
        self._wake, self._stopped = threading.Event(), False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def committed(self) -> None:
        """Count one write commit; wake the thread when a pass is due."""
        self._commits += 1
        if self._commits < self._every or time.monotonic() - self._last < self._interval:
            return
        self._commits, self._last = 0, time.monotonic()
        with self._lock:
            if self._thread is None and not self._stopped:  # started on first need
                self._thread = threading.Thread(target=self._run, name="facet-wal-copier",
                                                daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopped:
                    return
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:  # busy with another checkpoint, or the file is gone
                    continue
                self.passes += 1
        finally:
            connection.close()

    def stop(self) -> None:
        """Stop the thread after its current pass."""
        self._stopped = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)


def _sqlite_file(url: str) -> str | None:
    """The database file of a SQLite URL (None for in-memory databases and other dialects)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return parsed.database


#: ``Session.info`` key of the :class:`AuditKey` of the session's database.
AUDIT_KEY = "facet_audit_key"


class AuditKey:
    """The key that signs a database's audit chain: given, or read from ``CoreSettings`` (the
    ``FACET_AUDIT_KEY`` variable or the key file, created on first use) when first needed."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key

    def get(self) -> bytes:
        """The key bytes (resolved once)."""
        if self._key is None:
            self._key = CoreSettings().resolved_audit_key()
        return self._key


class Database:
    """One database: engines for writes, reads and health, session factories, the event bus.

    With ``outbox`` (any ``FACET_EVENTS_URL`` but ``memory://``), the events a transaction
    records are also written to the outbox table just before it commits, in the same
    transaction, for a relay to send to other processes; the local bus still gets them at once.

    Reads and the health check have pools of their own, so writers waiting for a lock (each
    holding a connection of the write pool) never leave them without a connection. An
    in-memory SQLite database keeps one engine: another would open another database.
    """

    @classmethod
    def from_settings(cls, settings: CoreSettings, *, bus: EventBus | None = None) -> Database:
        """The database ``settings`` name, with their lock timeout, SQL echo and audit key.

        It keeps an outbox when events leave the process (``events_url`` is not memory://).
        """
        return cls(settings.database_url, bus=bus, echo=settings.echo_sql,
                   lock_timeout_s=settings.lock_timeout_s,
                   audit_key=settings.resolved_audit_key(),
                   outbox=not settings.events_url.startswith("memory:"))

    def __init__(
        self,
        url: str,
        *,
        bus: EventBus | None = None,
        echo: bool = False,
        lock_timeout_s: float = LOCK_TIMEOUT_S,
        audit_key: bytes | None = None,
        outbox: bool = False,
    ) -> None:
        self.url = url
        self.outbox = outbox
        self._outbox_listeners: list[Callable[[], None]] = []
        self.lock_timeout_s = lock_timeout_s
        self.engine = make_engine(url, echo=echo, lock_timeout_s=lock_timeout_s)
        path = _sqlite_file(url)
        separate = path is not None or not url.startswith("sqlite")
        self.read_engine = (
            make_engine(url, echo=echo, lock_timeout_s=lock_timeout_s) if separate else self.engine
        )
        self._health_engine = (
            make_engine(url, lock_timeout_s=2.0, pool_size=1, max_overflow=1)
            if separate
            else self.engine
        )
        self.bus = bus or EventBus()
        self.audit_key = AuditKey(audit_key)  # sessions carry it: core.audit signs with it
        self._copier = WalCopier(path) if path is not None else None
        if self._copier is not None:  # a Database dropped without dispose() stops it too
            weakref.finalize(self, self._copier.stop)
        info = {AUDIT_KEY: self.audit_key}
        self._read = sessionmaker(self.read_engine, expire_on_commit=False, info=info)
        self._write = sessionmaker(
            self.engine.execution_options(facet_write=True), expire_on_commit=False, info=info
        )
        for factory in (self._read, self._write):
            event.listen(factory, "after_commit", self._after_commit)
            event.listen(factory, "after_rollback", self._after_rollback)
            if outbox:
                event.listen(factory, "before_commit", self._before_commit)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def on_outbox_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after each commit that wrote outbox rows (wakes the relay)."""
        self._outbox_listeners.append(callback)

    @staticmethod
    def _before_commit(session: Session) -> None:
        if session.in_nested_transaction():  # a savepoint's release: see _after_commit
            return
        # Same transaction as the change: the rows exist if and only if the change does.
        write_events(session, peek_pending(session))

    def _after_commit(self, session: Session) -> None:
        # SQLAlchemy fires the commit events when a savepoint is released too; nothing is
        # committed then, so its events wait for the transaction's own commit (and are dropped
        # if it rolls back), as do the outbox rows and the WAL copier's count.
        if session.in_nested_transaction():
            return
        if self._copier is not None:
            self._copier.committed()
        pending = take_pending(session)
        for event_ in pending:  # this process's listeners first: no wait for the relay
            self.bus.publish(event_)
        if pending and self.outbox:
            for wake in self._outbox_listeners:
                wake()

    @staticmethod
    def _after_rollback(session: Session) -> None:
        take_pending(session)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits on success, rolls back (and drops events) on error."""
        with self._write.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (rolled back at the end)."""
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    def session(self) -> Session:
        """A plain write-capable session the caller manages (tests, scripts)."""
        return self._write()

    def ping(self) -> None:
        """Run ``SELECT 1`` on the health check's own connection (never queued behind writers).

        Raises :class:`DatabaseBusy` when no answer comes within a couple of seconds.
        """
        try:
            with self._health_engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
                connection.rollback()
        except SQLAlchemyTimeoutError as exc:
            raise DatabaseBusy("The database did not answer the health check in time.") from exc

    def dispose(self) -> None:
        """Close every pooled connection (and stop the WAL copier)."""
        if self._copier is not None:
            self._copier.stop()
        for engine in {self.engine, self.read_engine, self._health_engine}:
            engine.dispose()


K = TypeVar("K")
V = TypeVar("V")


def pairs(session: Session, stmt: Select[K, V]) -> dict[K, V]:
    """A two-column query as a dict, such as ids to codes for a page of API views.

    ``dict(result)`` would treat the result as a mapping (it has ``keys()``): hand it the rows.
    """
    return dict(session.execute(stmt).all())
