"""Files of SQLite backups: online copies through the backup API, written owner-only under a
temporary name, fsynced and renamed; scratch copies; writing a copy into a live database."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url

from core.backup.checks import CopyRejected, Verification
from core.clock import now
from core.errors import ConflictError, NotFoundError, ValidationFailed

__all__ = [
    "destination",
    "fsync",
    "private_file",
    "sqlite_copy",
    "sqlite_install",
    "sqlite_path",
    "sqlite_scratch",
    "stamp",
]


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if parsed.database in (None, "", ":memory:"):
        raise ValidationFailed("An in-memory database cannot be backed up.", code="no-database")
    return Path(parsed.database)


def stamp() -> str:
    return now().strftime("%Y%m%dT%H%M%SZ")


def destination(dest: Path, suffix: str) -> Path:
    """``dest`` itself, or a new timestamped name inside it when it is a folder."""
    if dest.is_dir():
        dest = dest / f"facet-{stamp()}{suffix}"
    if dest.exists():
        raise ConflictError(
            f"{dest} already exists; choose a new name (backups are never overwritten).",
            code="backup-exists",
        )
    if not dest.parent.is_dir():
        raise NotFoundError(f"No folder {dest.parent} to write the backup in.", code="no-folder")
    return dest


def private_file(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only: a copy holds password hashes."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def fsync(path: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sqlite_copy(source: Path, dest: Path) -> None:
    """A consistent copy of ``source`` at ``dest``: a temporary name, fsynced, then renamed.

    The backup API copies every page in one step inside one read transaction: in WAL mode the
    app's writers carry on, and the copy is the database as of that transaction's start.
    """
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        private_file(tmp)  # SQLite takes an empty file for an empty database
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        fsync(tmp)
        os.replace(tmp, dest)
        fsync(dest.parent)
    except sqlite3.Error as exc:
        raise CopyRejected(
            f"{source} could not be copied as a SQLite database: {exc}",
            Verification(None, "", "unknown", problems=(f"not a readable SQLite file: {exc}",)),
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def sqlite_scratch(folder: Path) -> Iterator[Path]:
    """A scratch file name in ``folder`` (same file system), removed with its -wal and -shm."""
    handle, name = tempfile.mkstemp(prefix=".facet-verify-", suffix=".db", dir=folder)
    os.close(handle)
    path = Path(name)
    path.unlink()
    try:
        yield path
    finally:
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{extra}").unlink(missing_ok=True)


def sqlite_install(scratch: Path, target: Path) -> None:
    """Write the verified copy into the live file through the backup API.

    One write transaction on the target: a running app's connections queue behind it and then
    read the restored database (a renamed file would leave them on the old one).
    """
    src = sqlite3.connect(scratch)
    try:
        dst = sqlite3.connect(target, timeout=60)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    finally:
        src.close()
