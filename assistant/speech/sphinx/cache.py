"""Folders built once and published atomically, so concurrent workers never see half of one."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["cached_folder"]


def cached_folder(target: Path, build: Callable[[Path], None]) -> Path:
    """Return `target`, first calling `build(tmp)` on an empty folder renamed to it if absent.

    A rename is atomic, so a reader sees either no folder or a complete one. An exclusive
    lock on ``target.lock`` makes other processes wait for the builder instead of doing the
    same work; a build that fails leaves nothing behind.
    """
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f"{target.name}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if target.is_dir():
                return target
            scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
            try:
                build(scratch)
                os.rename(scratch, target)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target
