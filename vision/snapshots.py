"""Alert snapshots on disk, pruned by count and age."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from datetime import datetime
from pathlib import Path

__all__ = ["SnapshotStore"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class SnapshotStore:
    """A folder of JPEG snapshots keeping at most ``max_count`` files younger than ``max_age``."""

    def __init__(self, root: Path, *, max_count: int = 2000, max_age_seconds: float = 30 * 86400):
        """Open (and create) the folder, taking over snapshots already in it."""
        self.root = root
        self.max_count = max_count
        self.max_age_seconds = max_age_seconds
        self._lock = threading.Lock()
        self._seq = 0
        root.mkdir(parents=True, exist_ok=True)
        existing = sorted(root.glob("*.jpg"), key=lambda p: (p.stat().st_mtime, p.name))
        self._files: deque[tuple[float, Path]] = deque((p.stat().st_mtime, p) for p in existing)
        self.prune()

    def save(self, camera: str, rule: str, jpeg: bytes, at: datetime) -> Path:
        """Write one snapshot and prune; returns its path."""
        with self._lock:
            self._seq += 1
            stamp = at.strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{_UNSAFE.sub('_', camera)}-{_UNSAFE.sub('_', rule)}-{self._seq}.jpg"
            path = self.root / name
            path.write_bytes(jpeg)
            self._files.append((time.time(), path))
        self.prune()
        return path

    def prune(self, now: float | None = None) -> int:
        """Delete snapshots beyond the count limit or older than the age limit; returns count."""
        limit = (now if now is not None else time.time()) - self.max_age_seconds
        removed = 0
        with self._lock:
            while self._files and (len(self._files) > self.max_count or self._files[0][0] < limit):
                _, path = self._files.popleft()
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def __len__(self) -> int:
        """Number of snapshots kept."""
        return len(self._files)

    def paths(self) -> list[Path]:
        """Kept snapshot paths, oldest first."""
        with self._lock:
            return [p for _, p in self._files]
