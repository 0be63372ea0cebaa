"""PostgreSQL backups with the client tools: ``pg_dump --format=custom``, ``pg_restore`` into a
scratch database to verify, and ``pg_restore --clean --if-exists --single-transaction``."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, text

from core.backup.checks import (
    CopyRejected,
    RestoreReport,
    Verification,
    refuse_unless_ok,
    verify_database,
)
from core.backup.files import fsync, private_file, stamp
from core.errors import ConflictError
from core.migrate import alembic_config, upgrade
from core.settings import CoreSettings

__all__ = ["ToolError", "check_tools", "pg_dump", "pg_restore", "restore_postgres",
           "scratch_database"]  # fmt: skip


class ToolError(ConflictError):
    """pg_dump or pg_restore is missing, too old for the server, or failed."""

    code = "backup-tool-failed"


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


def check_tools(url: str) -> None:
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


def pg_dump(url: str, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        private_file(tmp)
        _run(["pg_dump", "--format=custom", f"--file={tmp}"], url)
        fsync(tmp)
        os.replace(tmp, dest)
        fsync(dest.parent)
    finally:
        tmp.unlink(missing_ok=True)


def pg_restore(url: str, source: Path, *, clean: bool) -> None:
    args = ["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner"]
    if clean:
        args += ["--clean", "--if-exists"]
    _run([*args, f"--dbname={make_url(url).database}", str(source)], url)


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
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


def restore_postgres(
    url: str, source: Path, *, replace: bool, settings: CoreSettings
) -> RestoreReport:
    check_tools(url)
    with scratch_database(url) as scratch_url:
        try:
            pg_restore(scratch_url, source, clean=False)
        except ToolError as exc:
            bad = Verification(None, "", "unknown", problems=(exc.message,))
            raise CopyRejected(f"{source} is not a readable pg_dump archive.", bad) from exc
        verification = verify_database(scratch_url, settings)
    refuse_unless_ok(source, verification)
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
        if order.index(live) < order.index(verification.revision):
            raise ConflictError(
                f"The database's schema ({live}) is newer than the copy's "
                f"({verification.revision}); restore into a new, empty database instead.",
                code="restore-schema-older",
            )
    kept = None
    if occupied:
        kept = source.with_name(f"{make_url(url).database}.before-restore-{stamp()}.dump")
        pg_dump(url, kept)
    pg_restore(url, source, clean=True)
    if verification.schema == "older":
        upgrade(url)
    return RestoreReport(source, str(make_url(url).database), kept, verification)
