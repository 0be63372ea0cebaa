"""SQLite's write-ahead log is copied into the database file off the committing thread."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from core import Database
from core.db import _sqlite_file


def _wait_for(condition: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)


def test_the_log_is_copied_in_the_background_every_so_many_commits(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'wal.db'}")
    copier = db._copier
    assert copier is not None
    with db.write() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    for n in range(2 * 50):
        with db.write() as session:
            session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
    _wait_for(lambda: copier.passes >= 1)
    assert copier.passes >= 1
    with db.read() as session:  # nothing lost or reordered by copying
        assert session.execute(text("SELECT count(*), sum(x) FROM t")).one() == (100, 4950)
    thread = copier._thread
    db.dispose()
    assert thread is not None and not thread.is_alive()


def test_reads_alone_never_start_the_copier(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'quiet.db'}")
    for _ in range(120):
        with db.read() as session:
            session.execute(text("SELECT 1"))
    assert db._copier is not None and db._copier._thread is None
    db.dispose()


def test_only_sqlite_files_get_a_copier() -> None:
    assert _sqlite_file("sqlite:////var/facet/facet.db") == "/var/facet/facet.db"
    assert _sqlite_file("sqlite://") is None
    assert _sqlite_file("postgresql+psycopg://facet@localhost/facet") is None
