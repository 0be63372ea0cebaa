"""Issue 13, availability: a held SQLite write lock is 503 ``busy`` (JSON, Retry-After), and
writers queued on the lock never starve ``/api/health`` or reads.

The lock is held by a real second connection (``BEGIN IMMEDIATE`` on the same file); the app
is configured with a short lock timeout so the tests stay short.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from core import CoreSettings, Database
from core.errors import DatabaseBusy
from tests.core.api.test_api_core import error_code, login, seed
from web.app import Settings, create_app
from web.errors import is_busy
from web.services import services_of

KEY = "availability-signing-key-" * 2
FOUND = {"reason": "found", "lines": [{"sku": "CHAIN-1", "lot": "L-2", "quantity": 1}]}


@pytest.fixture
def sqlite_file(sqlite_template: Path, tmp_path: Path) -> Path:
    """A migrated SQLite file with the test warehouse."""
    path = tmp_path / "facet.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    try:
        seed(db)
    finally:
        db.dispose()
    return path


@contextmanager
def app_client(path: Path, *, lock_timeout_s: float, write_slots: int = 8) -> Iterator[TestClient]:
    core = CoreSettings(database_url=f"sqlite:///{path}", secret_key=KEY,
                        lock_timeout_s=lock_timeout_s, write_slots=write_slots)
    with TestClient(create_app(Settings(core=core))) as client:
        yield client


@contextmanager
def write_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding SQLite's write lock until the block ends."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _adjustment(bins: list[str]) -> dict[str, Any]:
    return {**FOUND, "lines": [{**FOUND["lines"][0], "location": bins[0]}]}


def _bins(client: TestClient, headers: dict[str, str]) -> list[str]:
    answer = client.get("/api/stock", params={"sku": "CHAIN-1"}, headers=headers)
    assert answer.status_code == 200, answer.text
    return [row["location"] for row in answer.json()["items"]]


def test_a_held_write_lock_is_503_busy_with_retry_after(sqlite_file: Path) -> None:
    with app_client(sqlite_file, lock_timeout_s=0.3) as client:
        clerk = login(client, "cleo")
        body = _adjustment(_bins(client, clerk))
        with write_lock(sqlite_file):
            answer = client.post("/api/adjustments", json=body, headers=clerk)
            assert answer.status_code == 503, answer.text
            assert error_code(answer) == "busy"
            assert answer.headers["content-type"] == "application/json"
            assert int(answer.headers["retry-after"]) >= 1
            # Reads and health answer while the lock is held.
            assert client.get("/api/health").status_code == 200
            assert client.get("/api/stock", headers=clerk).status_code == 200
        retried = client.post("/api/adjustments", json=body, headers=clerk)
        assert retried.status_code in (200, 201), retried.text


def test_queued_writers_do_not_starve_health_or_reads(sqlite_file: Path) -> None:
    """60 writers wait on the lock (more than AnyIO's 40 worker threads): health and a read
    still answer while they wait, and once the lock goes every writer is answered."""
    with app_client(sqlite_file, lock_timeout_s=20, write_slots=4) as client:
        clerk = login(client, "cleo")
        body = _adjustment(_bins(client, clerk))
        limiter = services_of(client.app).core.write_limiter  # type: ignore[arg-type]
        assert limiter is not None
        with ThreadPoolExecutor(max_workers=64) as pool:
            with write_lock(sqlite_file):
                writes = [pool.submit(client.post, "/api/adjustments", json=body, headers=clerk)
                          for _ in range(60)]
                _wait_for(lambda: limiter.statistics().tasks_waiting >= 50)
                assert limiter.borrowed_tokens == 4  # only 4 writers hold a thread
                health = pool.submit(client.get, "/api/health")
                read = pool.submit(client.get, "/api/stock", headers=clerk)
                # Generous bounds: without the fix these wait for the 20 s lock timeout.
                assert health.result(timeout=10).json()["status"] == "ok"
                assert read.result(timeout=10).status_code == 200
                assert not any(w.done() for w in writes)  # the lock was held throughout
            statuses = [w.result(timeout=30).status_code for w in writes]
    assert set(statuses) <= {200, 201}, statuses


def _wait_for(condition: Any, timeout_s: float = 15.0) -> None:
    done = threading.Event()
    for _ in range(int(timeout_s * 50)):
        if condition():
            return
        done.wait(0.02)
    raise AssertionError("the writers never queued")


def test_busy_errors_of_every_source_are_recognised(sqlite_file: Path) -> None:
    """A locked statement through SQLAlchemy, a bare sqlite3 error and our own timeout."""
    engine = create_engine(f"sqlite:///{sqlite_file}", connect_args={"timeout": 0})
    try:
        with write_lock(sqlite_file), engine.connect() as connection:
            with pytest.raises(OperationalError) as locked:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
        assert is_busy(locked.value)
        assert is_busy(locked.value.orig)
        assert is_busy(DatabaseBusy("held"))
        assert not is_busy(sqlite3.OperationalError("no such table: nothing"))
    finally:
        engine.dispose()


def test_postgres_lock_timeout_is_busy(db_url: str) -> None:
    """A row lock held by another PostgreSQL connection past lock_timeout is recognised."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL lock timeouts need PostgreSQL")
    engine = create_engine(db_url)
    try:
        with engine.begin() as holder:
            holder.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
            with engine.connect() as waiter:
                waiter.execute(text("SET lock_timeout = '100ms'"))
                with pytest.raises(OperationalError) as timed_out:
                    waiter.execute(text("SELECT count(*) FROM users"))
        assert is_busy(timed_out.value)
    finally:
        engine.dispose()

