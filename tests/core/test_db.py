"""SQLite housekeeping of core.db: checkpoints of the write-ahead log run off the request path."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from core import Database
from core.db import WalCheckpointer
from core.migrate import upgrade


def _commit_many(db: Database, n: int) -> None:
    for i in range(n):
        with db.write() as session:
            session.execute(text("UPDATE audit_head SET entries = :n WHERE id = 1"), {"n": i})


def test_connections_leave_checkpoints_to_the_background_thread(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    upgrade(url)
    db = Database(url)
    try:
        with db.read() as session:
            assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
        _commit_many(db, 50)
        time.sleep(0.6)  # two checkpoint intervals
        with db.read() as session:
            busy, frames, copied = session.execute(text("PRAGMA wal_checkpoint(PASSIVE)")).one()
        assert busy == 0 and frames == copied  # everything was already copied
    finally:
        db.dispose()


def test_a_continuous_stream_of_commits_keeps_the_log_bounded(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    db._checkpointer.stop()  # swap in one that restarts the log after a few frames
    db._checkpointer = WalCheckpointer(str(path), interval_s=0.02, restart_frames=40)
    try:
        start = time.monotonic()
        while time.monotonic() - start < 1.5:
            _commit_many(db, 20)
        wal = Path(f"{path}-wal").stat().st_size
        assert wal < 1_500_000, f"the WAL grew to {wal} bytes"
    finally:
        db.dispose()
