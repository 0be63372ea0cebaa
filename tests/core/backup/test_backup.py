"""`facet db backup` and `facet db restore` (issue 13: there was no backup, and nothing to prove a
copy holds the same ledger and audit chain as the database it came from)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from core import CoreSettings, Database
from core.audit.models import AuditEntry
from core.backup import CopyRejected, ToolError, backup, restore, verify_copy
from core.documents.adjustments import adjust
from core.documents.schemas import AdjustmentCreate, AdjustmentLineIn
from core.errors import ConflictError
from core.ledger.models import StockMove
from core.migrate import upgrade
from core.people.service import system_actor
from tests.conftest import PG_URL
from tests.core.api.test_api_core import seed

AUDIT_KEY = "backup-test-audit-key-0123456789"
SETTINGS = CoreSettings(secret_key="test-signing-key-" * 3, audit_key=AUDIT_KEY)


@pytest.fixture(autouse=True)
def _audit_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Database here signs its audit chain with the key the verifications use."""
    monkeypatch.setenv("FACET_AUDIT_KEY", AUDIT_KEY)


def _adjust(db: Database, quantity: int) -> None:
    """One adjustment of CHAIN-1 in the first bin (a move, its balances and an audit entry)."""
    line = AdjustmentLineIn(sku="CHAIN-1", lot="L-2", location="A01-01-1-01", quantity=quantity)
    reason = "found" if quantity > 0 else "lost"
    with db.write() as session:
        adjust(
            session, actor=system_actor(session), data=AdjustmentCreate(reason=reason, lines=[line])
        )


def _counts(url: str) -> tuple[int, int]:
    database = Database(url)
    try:
        with database.read() as session:
            moves = session.scalar(select(func.count(StockMove.id))) or 0
            entries = session.scalar(select(func.count(AuditEntry.id))) or 0
    finally:
        database.dispose()
    return moves, entries


@pytest.fixture
def live(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[str, Database]]:
    """A seeded SQLite database in WAL mode, as the app runs it."""
    path = tmp_path / "live" / "facet.db"
    path.parent.mkdir()
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    database = Database(url)
    seed(database)
    yield url, database
    database.dispose()


def test_sqlite_backup_is_consistent_while_another_connection_writes(
    live: tuple[str, Database], tmp_path: Path
) -> None:
    url, db = live
    stop, errors, written = threading.Event(), [], [0]

    def writer() -> None:
        try:
            while not stop.is_set():
                _adjust(db, -1)
                _adjust(db, +1)
                written[0] += 2
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 10:  # the writer is busy before the copy starts
            thread.join(0.01)
        before = written[0]
        reports = [backup(url, tmp_path / f"copy-{i}.db", settings=SETTINGS) for i in range(3)]
        after = written[0]
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert after > before  # the app kept writing while the copies were taken
    for report in reports:
        assert report.ok, report.verification.problems
        assert report.size == report.path.stat().st_size > 0
        assert report.path.stat().st_mode & 0o077 == 0  # password hashes: owner only
        assert report.verification.moves > 0 and report.verification.entries > 0
        # One self-contained file: no -wal beside it, readable without the live database.
        assert not Path(f"{report.path}-wal").exists()
        with sqlite3.connect(report.path) as copy:
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert reports[0].verification.moves <= reports[-1].verification.moves
    assert not list(tmp_path.glob(".*tmp")) and not list(tmp_path.glob(".facet-verify-*"))


def test_restore_round_trip_keeps_the_replaced_file(
    live: tuple[str, Database], tmp_path: Path
) -> None:
    url, db = live
    report = backup(url, tmp_path, settings=SETTINGS)  # a folder: a timestamped name in it
    assert report.path.parent == tmp_path and report.path.suffix == ".db"
    saved = _counts(url)
    _adjust(db, -3)  # changes after the backup: the restore takes them away
    assert _counts(url) != saved
    target = Path(url.removeprefix("sqlite:///"))
    with pytest.raises(ConflictError) as refused:
        restore(url, report.path, replace=False, settings=SETTINGS)
    assert refused.value.code == "restore-needs-confirmation"
    done = restore(url, report.path, replace=True, settings=SETTINGS)
    assert done.verification.ok and done.kept is not None
    assert done.kept.name.startswith("facet.db.before-restore-")
    assert _counts(url) == saved  # the running app's pool sees the restored data
    with db.read() as session:
        assert session.scalar(select(func.count(StockMove.id))) == saved[0]
    assert _counts(f"sqlite:///{done.kept}")[0] == saved[0] + 1
    assert verify_copy(url, target, settings=SETTINGS).ok
    _adjust(db, -1)  # the restored database takes writes again


def _tamper(path: Path, sql: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(sql)


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        (
            "UPDATE stock_moves SET quantity = quantity + 1 "
            "WHERE id = (SELECT max(id) FROM stock_moves)",
            "ledger",
        ),
        ("UPDATE audit_log SET actor = 'nobody' WHERE id = 3", "audit chain"),
        ("UPDATE alembic_version SET version_num = 'ffff_from_the_future'", "newer"),
    ],
)
def test_a_tampered_copy_is_refused_and_nothing_is_replaced(
    live: tuple[str, Database], tmp_path: Path, sql: str, problem: str
) -> None:
    url, db = live
    report = backup(url, tmp_path / "copy.db", settings=SETTINGS)
    assert report.ok
    _tamper(report.path, sql)
    check = verify_copy(url, report.path, settings=SETTINGS)
    assert not check.ok and any(problem in p for p in check.problems), check.problems
    _adjust(db, -1)
    current = _counts(url)
    with pytest.raises(CopyRejected) as refused:
        restore(url, report.path, replace=True, settings=SETTINGS)
    assert refused.value.code == "backup-rejected"
    assert _counts(url) == current
    assert not list(tmp_path.glob("live/*.before-restore-*"))


def test_a_corrupt_copy_is_refused(live: tuple[str, Database], tmp_path: Path) -> None:
    url, _db = live
    report = backup(url, tmp_path / "copy.db", settings=SETTINGS)
    data = bytearray(report.path.read_bytes())
    data[4096 * 3 : 4096 * 6] = os.urandom(4096 * 3)  # pages of tables and indexes overwritten
    report.path.write_bytes(bytes(data))
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 1000)
    for bad in (report.path, garbage):
        with pytest.raises(CopyRejected) as refused:
            restore(url, bad, replace=True, settings=SETTINGS)
        assert refused.value.verification.problems


def test_an_older_copy_is_migrated_on_restore(sqlite_template: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    from alembic import command

    from core.migrate import alembic_config

    command.upgrade(alembic_config(f"sqlite:///{old}"), "0006")
    target = tmp_path / "new.db"
    done = restore(f"sqlite:///{target}", old, replace=False, settings=SETTINGS)
    assert done.verification.schema == "older" and done.kept is None
    engine = create_engine(f"sqlite:///{target}")
    with engine.connect() as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    from alembic.script import ScriptDirectory

    assert revision == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_cli_backup_prints_a_summary_and_restore_needs_yes(
    live: tuple[str, Database], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web.cli.main import app

    url, _db = live
    monkeypatch.setenv("FACET_DATABASE_URL", url)
    runner = CliRunner()
    copy = tmp_path / "cli.db"
    answer = runner.invoke(app, ["db", "backup", str(copy)])
    assert answer.exit_code == 0, answer.output
    summary = json.loads(answer.stdout)
    assert summary["path"] == str(copy) and summary["ok"] is True
    assert summary["size"] == copy.stat().st_size and summary["moves"] > 0
    again = runner.invoke(app, ["db", "backup", str(copy)])
    assert again.exit_code == 1 and "backup-exists" in again.output
    refused = runner.invoke(app, ["db", "restore", str(copy)])
    assert refused.exit_code == 1 and "restore-needs-confirmation" in refused.output
    assert runner.invoke(app, ["db", "restore", str(copy), "--yes"]).exit_code == 0
    _tamper(copy, "UPDATE stock_moves SET quantity = quantity + 1 WHERE id = 1")
    bad = runner.invoke(app, ["db", "restore", str(copy), "--yes"])
    assert bad.exit_code == 1 and "backup-rejected" in bad.output


# --- PostgreSQL ---------------------------------------------------------------------------


@pytest.fixture
def pg_live() -> Iterator[str]:
    """A database of our own on the test server, migrated and seeded, dropped afterwards."""
    if not PG_URL:
        pytest.skip("FACET_TEST_POSTGRES_URL is not set")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed (Debian: postgresql-client)")
    from sqlalchemy import make_url

    name = f"facet_backup_{os.getpid()}"
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(url)
        database = Database(url)
        seed(database)
        database.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_databases() -> set[str]:
    admin = create_engine(PG_URL)
    with admin.connect() as conn:
        names = set(conn.execute(text("SELECT datname FROM pg_database")).scalars())
    admin.dispose()
    return names


def test_postgres_backup_and_restore_round_trip(pg_live: str, tmp_path: Path) -> None:
    db = Database(pg_live)
    try:
        report = backup(pg_live, tmp_path / "facet.dump", settings=SETTINGS)
        assert report.ok, report.verification.problems
        assert report.path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
        assert report.path.stat().st_mode & 0o077 == 0
        assert not any("_verify_" in name for name in _pg_databases())  # scratch dropped
        saved = _counts(pg_live)
        _adjust(db, -4)
        with pytest.raises(ConflictError) as refused:
            restore(pg_live, report.path, replace=False, settings=SETTINGS)
        assert refused.value.code == "restore-needs-confirmation"
        done = restore(pg_live, report.path, replace=True, settings=SETTINGS)
        assert done.verification.ok and done.kept is not None and done.kept.is_file()
        assert _counts(pg_live) == saved
        _adjust(db, -1)  # sequences came back too: new rows get fresh ids
        assert _counts(pg_live)[0] == saved[0] + 1
    finally:
        db.dispose()


def test_postgres_refuses_a_tampered_dump(pg_live: str, tmp_path: Path) -> None:
    report = backup(pg_live, tmp_path / "facet.dump", settings=SETTINGS)
    engine = create_engine(pg_live)
    with engine.begin() as conn:  # an insider edits a move after the backup ...
        conn.execute(text("UPDATE stock_moves SET quantity = quantity + 1 WHERE id = 1"))
    engine.dispose()
    tampered = backup(pg_live, tmp_path / "tampered.dump", settings=SETTINGS)
    assert not tampered.ok and any("ledger" in p for p in tampered.verification.problems)
    with pytest.raises(CopyRejected):  # ... and that copy is never restored
        restore(pg_live, tampered.path, replace=True, settings=SETTINGS)
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"PGDMP" + os.urandom(2000))
    with pytest.raises(CopyRejected):
        restore(pg_live, garbage, replace=True, settings=SETTINGS)
    assert report.ok and restore(pg_live, report.path, replace=True, settings=SETTINGS)
    assert not any("_verify_" in name for name in _pg_databases())


def test_a_copy_checked_with_another_audit_key_fails(
    live: tuple[str, Database], tmp_path: Path
) -> None:
    """The chain is keyed: whoever rewrote a copy without the key cannot make it verify, and
    a copy checked with the wrong key is not trusted."""
    url, _db = live
    report = backup(url, tmp_path / "copy.db", settings=SETTINGS)
    assert report.ok
    other = CoreSettings(audit_key="some-other-audit-key-9876543210")
    check = verify_copy(url, report.path, settings=other)
    assert not check.ok and any("audit chain" in p for p in check.problems), check.problems


def test_postgres_client_tools_must_match_the_server(
    pg_live: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pg_dump older than the server (or none) is refused with a clear code, no file left."""
    old = tmp_path / "old-tools"
    old.mkdir()
    for tool in ("pg_dump", "pg_restore"):
        script = old / tool
        script.write_text("#!/bin/sh\necho '" + tool + " (PostgreSQL) 9.6.24'\n")
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{old}:{os.environ['PATH']}")
    with pytest.raises(ToolError) as refused:
        backup(pg_live, tmp_path / "a.dump", settings=SETTINGS)
    assert refused.value.code == "backup-tool-too-old" and "9" in refused.value.message
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ToolError) as missing:
        backup(pg_live, tmp_path / "a.dump", settings=SETTINGS)
    assert missing.value.code == "backup-tool-missing"
    assert not list(tmp_path.glob("*.dump")) and not list(tmp_path.glob(".*tmp"))


def test_postgres_refuses_an_older_copy_over_a_newer_database(pg_live: str, tmp_path: Path) -> None:
    """Tables of later migrations would survive pg_restore --clean: restore such a copy into a
    new database instead (where it is migrated after the restore)."""
    from alembic import command
    from sqlalchemy import make_url

    from core.migrate import alembic_config

    name = f"facet_backup_old_{os.getpid()}"
    old_url = make_url(pg_live).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        command.upgrade(alembic_config(old_url), "0006")
        copy = backup(old_url, tmp_path / "old.dump", settings=SETTINGS)
        assert copy.ok and copy.verification.schema == "older"
        with pytest.raises(ConflictError) as refused:
            restore(pg_live, copy.path, replace=True, settings=SETTINGS)
        assert refused.value.code == "restore-schema-older"
        with admin.connect() as conn:  # an empty database takes it, migrated to the head
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        done = restore(old_url, copy.path, replace=False, settings=SETTINGS)
        assert done.kept is None and done.verification.schema == "older"
        again = backup(old_url, tmp_path / "new.dump", settings=SETTINGS)
        assert again.ok and again.verification.schema == "current"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
