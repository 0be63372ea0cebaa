"""What a backup copy must pass before it is trusted: the schema version, the ledger, the
audit chain (and, for SQLite, the file's integrity check); the reports that carry the result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.audit import service as audit_service
from core.errors import ConflictError
from core.ledger.service import LedgerReport
from core.migrate import alembic_config, upgrade
from core.orders.integrity import verify_stock
from core.settings import CoreSettings

__all__ = [
    "BackupReport",
    "CopyRejected",
    "RestoreReport",
    "Verification",
    "audit_check",
    "refuse_unless_ok",
    "verify_database",
]


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


def verify_database(url: str, settings: CoreSettings) -> Verification:
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
            ledger = verify_stock(session)
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


def refuse_unless_ok(source: Path, verification: Verification) -> None:
    if not verification.ok:
        raise CopyRejected(
            f"{source} failed verification; nothing was replaced: "
            + "; ".join(verification.problems),
            verification,
        )
