"""Back up and restore the database, verifying every copy (see :mod:`core.backup`)."""

from __future__ import annotations

from pathlib import Path

from core.backup import postgres
from core.backup.checks import (
    BackupReport,
    RestoreReport,
    Verification,
    refuse_unless_ok,
    verify_database,
)
from core.backup.files import (
    destination,
    sqlite_copy,
    sqlite_install,
    sqlite_path,
    sqlite_scratch,
    stamp,
)
from core.errors import ConflictError, NotFoundError
from core.settings import CoreSettings

__all__ = ["backup", "restore", "verify_copy"]


def backup(url: str, dest: Path, *, settings: CoreSettings) -> BackupReport:
    """Copy the database at ``url`` to ``dest`` (a file, or a folder to name one in), verified."""
    path = sqlite_path(url)
    dest = destination(dest, ".db" if path else ".dump")
    if path is not None:
        if not path.is_file():
            raise NotFoundError(f"No database at {path}.", code="database-not-found")
        sqlite_copy(path, dest)
    else:
        postgres.check_tools(url)
        postgres.pg_dump(url, dest)
    return BackupReport(dest, dest.stat().st_size, verify_copy(url, dest, settings=settings))


def verify_copy(url: str, copy: Path, *, settings: CoreSettings) -> Verification:
    """Verify a backup made from the database at ``url`` (its dialect) without changing it."""
    if not copy.is_file():
        raise NotFoundError(f"No backup at {copy}.", code="backup-not-found")
    if sqlite_path(url) is not None:
        with sqlite_scratch(copy.parent) as scratch:
            sqlite_copy(copy, scratch)
            return verify_database(f"sqlite:///{scratch}", settings)
    with postgres.scratch_database(url) as scratch_url:
        postgres.pg_restore(scratch_url, copy, clean=False)
        return verify_database(scratch_url, settings)


def restore(url: str, source: Path, *, replace: bool, settings: CoreSettings) -> RestoreReport:
    """Replace the database at ``url`` with the backup ``source`` once the copy passes verify.

    Refuses a copy that fails verification or whose schema is newer than this code, and an
    existing database unless ``replace``. The replaced database is kept: SQLite as
    ``<name>.before-restore-<UTC time>``, PostgreSQL as a dump of that name beside the backup.
    A copy older than the code is migrated after it is installed.
    """
    if not source.is_file():
        raise NotFoundError(f"No backup at {source}.", code="backup-not-found")
    path = sqlite_path(url)
    if path is not None:
        return _restore_sqlite(path, source, replace=replace, settings=settings)
    return postgres.restore_postgres(url, source, replace=replace, settings=settings)


def _restore_sqlite(
    target: Path, source: Path, *, replace: bool, settings: CoreSettings
) -> RestoreReport:
    if target.exists() and not replace:
        raise ConflictError(
            f"{target} exists; pass --yes to replace it (it is kept as a .before-restore copy).",
            code="restore-needs-confirmation",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite_scratch(target.parent) as scratch:
        sqlite_copy(source, scratch)
        verification = verify_database(f"sqlite:///{scratch}", settings)
        refuse_unless_ok(source, verification)
        kept = None
        if target.exists():
            kept = target.with_name(f"{target.name}.before-restore-{stamp()}")
            sqlite_copy(target, kept)
        sqlite_install(scratch, target)
    return RestoreReport(source, str(target), kept, verification)
