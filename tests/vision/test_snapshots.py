"""Snapshot retention by count and by age."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from vision.snapshots import SnapshotStore


def test_keeps_at_most_max_count(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path, max_count=3)
    paths = [store.save("cam/1", "rule", b"x%d" % i, datetime.now(UTC)) for i in range(5)]
    assert len(store) == 3 and sorted(tmp_path.glob("*.jpg")) == sorted(paths[2:])
    assert all("/" not in p.name for p in paths)


def test_prunes_by_age_and_adopts_existing_files(tmp_path: Path) -> None:
    old = tmp_path / "old.jpg"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    young = tmp_path / "young.jpg"
    young.write_bytes(b"y")
    store = SnapshotStore(tmp_path, max_count=10, max_age_seconds=3600)
    assert not old.exists() and young.exists() and len(store) == 1
    assert store.prune(now=time.time() + 7200) == 1 and not young.exists()
