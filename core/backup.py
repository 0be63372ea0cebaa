"""Backups that prove themselves: a consistent copy, then the schema version, the ledger and the
audit chain checked on the copy before anyone trusts it.

SQLite: an online copy through SQLite's backup API (one read transaction on the live file, so
the app keeps writing in WAL mode), written under a temporary name, fsynced, then renamed.
PostgreSQL: ``pg_dump --format=custom``, checked by restoring it into a scratch database that
is dropped afterwards. A restore verifies the copy first and replaces nothing until it passed.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.audit import service as audit_service
from core.clock import now
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.ledger.service import LedgerReport, verify_ledger
from core.migrate import alembic_config, upgrade
from core.settings import CoreSettings

__all__ = [
    "BackupReport",
    "CopyRejected",
    "RestoreReport",
    "ToolError",
    "Verification",
    "audit_check",
    "backup",
    "restore",
    "verify_copy",
]


class ToolError(ConflictError):
    """pg_dump or pg_restore is missing, too old for the server, or failed."""

    code = "backup-tool-failed"


class CopyRejected(ConflictError):
    """A copy failed verification (or its schema is newer than this code): nothing replaced."""

    code = "backup-rejected"

    def __init__(self, message: str, verification: Verification) -> None:
        super().__init__(message)
        self.verification = verification


@dataclass(frozen=True)
class Verification:
    """What the checks found on a copy: schema version, ledger, audit chain."""

    revision: str | None
    head: str
    schema: str  # current, older (migrated on a scratch copy to check), newer, unknown
    moves: int = 0
    entries: int = 0
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the copy is readable by this code and both verifiers passed."""
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """The verification as JSON-ready data."""
        return {
            "revision": self.revision,
            "schema": self.schema,
            "entries": self.entries,
            "moves": self.moves,
            "ok": self.ok,
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class BackupReport:
    """A backup written and verified."""

    path: Path
    size: int
    verification: Verification

    @property
    def ok(self) -> bool:
        """True when the copy passed verification."""
        return self.verification.ok

    def as_dict(self) -> dict[str, Any]:
        """The summary `facet db backup` prints."""
        return {"path": str(self.path), "size": self.size, **self.verification.as_dict()}


@dataclass(frozen=True)
class RestoreReport:
    """A restore done: what was installed and where the replaced database was kept."""

    source: Path
    target: str
    kept: Path | None
    verification: Verification

    def as_dict(self) -> dict[str, Any]:
        """The summary `facet db restore` prints."""
        return {
            "source": str(self.source),
            "target": self.target,
            "kept": str(self.kept) if self.kept else None,
            **self.verification.as_dict(),
        }


def audit_check(session: Session, settings: CoreSettings) -> tuple[int, bool, str]:
    """Entries, verdict and problem of the audit chain's verification on ``session``.

    The one place that knows how `core.audit.service.verify` is called.
    """
    result = audit_service.verify(session, key=settings.existing_audit_key())
    return result.entries, result.ok, result.problem


def backup(url: str, dest: Path, *, settings: CoreSettings) -> BackupReport:
    """Copy the database at ``url`` to ``dest`` (a file, or a folder to name one in), verified."""
    sqlite_path = _sqlite_path(url)
    dest = _destination(dest, ".db" if sqlite_path else ".dump")
    if sqlite_path is not None:
        if not sqlite_path.is_file():
            raise NotFoundError(f"No database at {sqlite_path}.", code="database-not-found")
        _sqlite_copy(sqlite_path, dest)
    else:
        _check_pg_tools(url)
        _pg_dump(url, dest)
    return BackupReport(dest, dest.stat().st_size, verify_copy(url, dest, settings=settings))


def verify_copy(url: str, copy: Path, *, settings: CoreSettings) -> Verification:
    """Verify a backup made from the database at ``url`` (its dialect) without changing it."""
    if not copy.is_file():
        raise NotFoundError(f"No backup at {copy}.", code="backup-not-found")
    if _sqlite_path(url) is not None:
        with _sqlite_scratch(copy.parent) as scratch:
            _sqlite_copy(copy, scratch)
            return _verify(f"sqlite:///{scratch}", settings)
    with _pg_scratch(url) as scratch_url:
        _pg_restore(scratch_url, copy, clean=False)
        return _verify(scratch_url, settings)


def restore(url: str, source: Path, *, replace: bool, settings: CoreSettings) -> RestoreReport:
    """Replace the database at ``url`` with the backup ``source`` once the copy passes verify.

    Refuses a copy that fails verification or whose schema is newer than this code, and an
    existing database unless ``replace``. The replaced database is kept: SQLite as
    ``<name>.before-restore-<UTC time>``, PostgreSQL as a dump of that name beside the backup.
    A copy older than the code is migrated after it is installed.
    """
    if not source.is_file():
        raise NotFoundError(f"No backup at {source}.", code="backup-not-found")
    sqlite_path = _sqlite_path(url)
    if sqlite_path is not None:
        return _restore_sqlite(sqlite_path, source, replace=replace, settings=settings)
    return _restore_postgres(url, source, replace=replace, settings=settings)


# --- verification -------------------------------------------------------------------------


def _verify(url: str, settings: CoreSettings) -> Verification:
    """Check a scratch database: schema version (migrating it when older), ledger, audit."""
    script = ScriptDirectory.from_config(alembic_config(url))
    head = script.get_current_head() or ""
    engine = create_engine(url)
    try:
        problems, revision = _readable(engine)
    finally:
        engine.dispose()
    schema = _schema_state(revision, script)
    if problems or schema in ("newer", "unknown"):
        if schema == "newer":
            problems.append(f"the copy's schema ({revision}) is newer than this code ({head})")
        elif schema == "unknown":
            problems.append("the copy holds no Facet schema version (alembic_version)")
        return Verification(revision, head, schema, problems=tuple(problems))
    if schema == "older":
        upgrade(url)  # a scratch copy: the checks below need the current models
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            ledger = verify_ledger(session)
            entries, audit_ok, audit_problem = audit_check(session, settings)
    except SQLAlchemyError as exc:
        problems.append(f"the copy cannot be read: {_first_line(exc)}")
        return Verification(revision, head, schema, problems=tuple(problems))
    finally:
        engine.dispose()
    if not ledger.ok:
        problems.append(_ledger_problem(ledger))
    if not audit_ok:
        problems.append(f"audit chain: {audit_problem}")
    return Verification(revision, head, schema, ledger.moves, entries, tuple(problems))


def _readable(engine: Engine) -> tuple[list[str], str | None]:
    """Problems opening the copy (SQLite's integrity check too) and its schema revision."""
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                found = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check(5)")]
                if found != ["ok"]:
                    return [f"SQLite integrity check: {'; '.join(found)}"], None
            if not inspect(conn).has_table("alembic_version"):
                return [], None
            return [], conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        return [f"the copy cannot be opened as a database: {_first_line(exc)}"], None


def _schema_state(revision: str | None, script: ScriptDirectory) -> str:
    """``current``, ``older`` (a revision this code knows), ``newer`` or ``unknown``."""
    if revision is None:
        return "unknown"
    if revision == script.get_current_head():
        return "current"
    known = {rev.revision for rev in script.walk_revisions()}
    return "older" if revision in known else "newer"


def _ledger_problem(report: LedgerReport) -> str:
    parts = [
        f"{len(items)} {name.replace('_', ' ')}"
        for name, items in (
            ("differences", report.differences),
            ("unbalanced_skus", report.unbalanced_skus),
            ("negative_internal", report.negative_internal),
            ("reserved_mismatches", report.reserved_mismatches),
        )
        if items
    ]
    return "ledger: balances disagree with the moves (" + ", ".join(parts) + ")"


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300]


# --- files --------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if parsed.database in (None, "", ":memory:"):
        raise ValidationFailed("An in-memory database cannot be backed up.", code="no-database")
    return Path(parsed.database)


def _stamp() -> str:
    return now().strftime("%Y%m%dT%H%M%SZ")


def _destination(dest: Path, suffix: str) -> Path:
    """``dest`` itself, or a new timestamped name inside it when it is a folder."""
    if dest.is_dir():
        dest = dest / f"facet-{_stamp()}{suffix}"
    if dest.exists():
        raise ConflictError(
            f"{dest} already exists; choose a new name (backups are never overwritten).",
            code="backup-exists",
        )
    if not dest.parent.is_dir():
        raise NotFoundError(f"No folder {dest.parent} to write the backup in.", code="no-folder")
    return dest


def _private_file(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only: a copy holds password hashes."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sqlite_copy(source: Path, dest: Path) -> None:
    """A consistent copy of ``source`` at ``dest``: a temporary name, fsynced, then renamed.

    The backup API copies every page in one step inside one read transaction: in WAL mode the
    app's writers carry on, and the copy is the database as of that transaction's start.
    """
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        _private_file(tmp)  # SQLite takes an empty file for an empty database
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
        _fsync(tmp)
        os.replace(tmp, dest)
        _fsync(dest.parent)
    except sqlite3.Error as exc:
        raise CopyRejected(
            f"{source} could not be copied as a SQLite database: {exc}",
            Verification(None, "", "unknown", problems=(f"not a readable SQLite file: {exc}",)),
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _sqlite_scratch(folder: Path) -> Iterator[Path]:
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


def _restore_sqlite(
    target: Path, source: Path, *, replace: bool, settings: CoreSettings
) -> RestoreReport:
    if target.exists() and not replace:
        raise ConflictError(
            f"{target} exists; pass --yes to replace it (it is kept as a .before-restore copy).",
            code="restore-needs-confirmation",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with _sqlite_scratch(target.parent) as scratch:
        _sqlite_copy(source, scratch)
        verification = _verify(f"sqlite:///{scratch}", settings)
        _refuse_unless_ok(source, verification)
        kept = None
        if target.exists():
            kept = target.with_name(f"{target.name}.before-restore-{_stamp()}")
            _sqlite_copy(target, kept)
        _sqlite_install(scratch, target)
    return RestoreReport(source, str(target), kept, verification)


def _sqlite_install(scratch: Path, target: Path) -> None:
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


def _refuse_unless_ok(source: Path, verification: Verification) -> None:
    if not verification.ok:
        raise CopyRejected(
            f"{source} failed verification; nothing was replaced: "
            + "; ".join(verification.problems),
            verification,
        )


# --- PostgreSQL ---------------------------------------------------------------------------

_LIBPQ_QUERY = {"host": "PGHOST", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}


def _libpq_env(url: str) -> dict[str, str]:
    """libpq environment for a SQLAlchemy ``postgresql+psycopg://`` URL (no password in argv)."""
    parsed = make_url(url)
    env = dict(os.environ)
    pairs = {
        "PGHOST": parsed.host,
        "PGPORT": parsed.port,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGDATABASE": parsed.database,
    }
    for key, value in parsed.query.items():
        if key in _LIBPQ_QUERY:
            pairs[_LIBPQ_QUERY[key]] = value if isinstance(value, str) else value[0]
    env.update({key: str(value) for key, value in pairs.items() if value is not None})
    return env


def _run(args: list[str], url: str) -> str:
    try:
        done = subprocess.run(
            args, env=_libpq_env(url), capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise ToolError(
            f"{args[0]} is not installed; install the PostgreSQL client tools "
            "(Debian: postgresql-client) of the server's major version.",
            code="backup-tool-missing",
        ) from exc
    if done.returncode != 0:
        raise ToolError(f"{args[0]} failed: {done.stderr.strip()[-1500:]}")
    return done.stdout


def _major(version_text: str) -> int:
    found = re.search(r"\)\s*(\d+)", version_text)
    return int(found.group(1)) if found else 0


def _check_pg_tools(url: str) -> None:
    """pg_dump and pg_restore must be at least the server's major version."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            server = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()
    for tool in ("pg_dump", "pg_restore"):
        major = _major(_run([tool, "--version"], url))
        if major < server:
            raise ToolError(
                f"{tool} {major} cannot handle PostgreSQL {server}; install the client tools "
                f"of version {server} or newer.",
                code="backup-tool-too-old",
            )


def _pg_dump(url: str, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        _private_file(tmp)
        _run(["pg_dump", "--format=custom", f"--file={tmp}"], url)
        _fsync(tmp)
        os.replace(tmp, dest)
        _fsync(dest.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _pg_restore(url: str, source: Path, *, clean: bool) -> None:
    args = ["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner"]
    if clean:
        args += ["--clean", "--if-exists"]
    _run([*args, f"--dbname={make_url(url).database}", str(source)], url)


@contextmanager
def _pg_scratch(url: str) -> Iterator[str]:
    """A scratch database ``<db>_verify_<pid>`` on the same server, dropped afterwards."""
    parsed = make_url(url)
    name = re.sub(r"\W", "_", f"{parsed.database}_verify_{os.getpid()}")[-63:]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _live_revision(url: str) -> tuple[bool, str | None]:
    """Whether the database holds tables, and its schema revision."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            if "alembic_version" not in tables:
                return bool(tables), None
            return True, conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _restore_postgres(
    url: str, source: Path, *, replace: bool, settings: CoreSettings
) -> RestoreReport:
    _check_pg_tools(url)
    with _pg_scratch(url) as scratch_url:
        try:
            _pg_restore(scratch_url, source, clean=False)
        except ToolError as exc:
            bad = Verification(None, "", "unknown", problems=(exc.message,))
            raise CopyRejected(f"{source} is not a readable pg_dump archive.", bad) from exc
        verification = _verify(scratch_url, settings)
    _refuse_unless_ok(source, verification)
    occupied, live = _live_revision(url)
    if occupied and not replace:
        raise ConflictError(
            f"{make_url(url).database} holds data; pass --yes to replace it (a dump of it is "
            "kept beside the backup).",
            code="restore-needs-confirmation",
        )
    script = ScriptDirectory.from_config(alembic_config(url))
    order = [rev.revision for rev in script.walk_revisions()]  # newest first
    if live in order and verification.revision in order:
        if order.index(live) < order.index(verification.revision):  # type: ignore[arg-type]
            raise ConflictError(
                f"The database's schema ({live}) is newer than the copy's "
                f"({verification.revision}); restore into a new, empty database instead.",
                code="restore-schema-older",
            )
    kept = None
    if occupied:
        kept = source.with_name(f"{make_url(url).database}.before-restore-{_stamp()}.dump")
        _pg_dump(url, kept)
    _pg_restore(url, source, clean=True)
    if verification.schema == "older":
        upgrade(url)
    return RestoreReport(source, str(make_url(url).database), kept, verification)
