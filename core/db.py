"""Database engine, declarative base and units of work.

SQLite write transactions start with ``BEGIN IMMEDIATE`` so concurrent writers queue on the
database lock instead of failing on a read-to-write upgrade; reads stay deferred. Events queued
on a session are published after its transaction commits and dropped on rollback.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from core.events import EventBus, take_pending

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every core table."""

    metadata = MetaData(naming_convention=NAMING)


def _configure_sqlite(engine: Engine) -> None:
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
            _begin_immediate(connection.connection.driver_connection)
        else:
            connection.exec_driver_sql("BEGIN")


def _begin_immediate(dbapi_connection: Any, timeout_s: float = 60.0) -> None:
    """Take SQLite's write lock, retrying every millisecond or so while another writer holds it."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.0001, 0.001))


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url`` with Facet's SQLite settings applied when it is SQLite."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, pool_size=8, max_overflow=32, connect_args={"timeout": 60}
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_size=10, max_overflow=40, pool_pre_ping=True)


class Database:
    """One database: an engine, read and write session factories, and the event bus."""

    def __init__(self, url: str, *, bus: EventBus | None = None, echo: bool = False) -> None:
        import core.models  # noqa: F401  (every mapper must be configured before use)

        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.bus = bus or EventBus()
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(facet_write=True), expire_on_commit=False
        )
        for factory in (self._read, self._write):
            event.listen(factory, "after_commit", self._after_commit)
            event.listen(factory, "after_rollback", self._after_rollback)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def _after_commit(self, session: Session) -> None:
        for pending in take_pending(session):
            self.bus.publish(pending)

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

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


class Prepared:
    """A Core statement compiled once per dialect and run straight on the DB-API cursor.

    For the few statements on the pick-confirmation hot path: SQLAlchemy's per-execution
    bookkeeping costs several times what SQLite spends running them. Parameters are scalars
    (no expanding IN lists); results come back as plain tuples from the cursor.
    """

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._by_dialect: dict[str, Any] = {}

    def _compiled(self, dialect: Any) -> tuple[Any, str, tuple[str, ...] | None]:
        hit = self._by_dialect.get(dialect.name)
        if hit is None:
            compiled = self.statement.compile(dialect=dialect)
            order = tuple(compiled.positiontup) if dialect.positional else None
            hit = self._by_dialect[dialect.name] = (compiled, str(compiled), order)
        return hit  # type: ignore[no-any-return]

    def run(self, session: Session, params: dict[str, Any]) -> Any:
        """Execute with ``params`` in the session's transaction; returns the DB-API cursor."""
        connection = session.connection()
        compiled, sql, order = self._compiled(connection.dialect)
        values = compiled.construct_params(params)
        for name, process in compiled._bind_processors.items():
            if name in values and values[name] is not None:
                values[name] = process(values[name])
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute(sql, [values[name] for name in order] if order is not None else values)
        return cursor
