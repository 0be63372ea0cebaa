"""The audit chain: `facet audit verify` finds an altered entry and a deleted entry.

(Insider rewrites with the chain re-signed, and moves edited with their balances, are in
test_audit_tamper.py.)

Tampering uses raw SQL on purpose: it is what an intruder with database access would do.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from core import Database
from core.audit.models import AuditEntry
from core.audit.service import verify
from tests.builders import Builder
from tests.core.api.test_api_core import seed
from web.cli.main import app as cli


def _verify_cli(db_url: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(cli, ["audit", "verify"], env={"FACET_DATABASE_URL": db_url})
    return result.exit_code, json.loads(result.stdout)


def _ids(db: Database) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


@pytest.fixture
def audited(db: Database) -> list[int]:
    seed(db, users={"mia": "manager"})
    ids = _ids(db)
    assert len(ids) > 10
    return ids


def test_untouched_chain_verifies(db: Database, db_url: str, audited: list[int]) -> None:
    with db.read() as session:
        result = verify(session, batch=4)  # small batches: the walk crosses batch edges
    assert (result.ok, result.entries, result.first_bad_id) == (True, len(audited), None)
    code, report = _verify_cli(db_url)
    assert code == 0
    assert {k: report[k] for k in ("entries", "ok", "first_bad_id", "problem", "checked")} == {
        "entries": len(audited),
        "ok": True,
        "first_bad_id": None,
        "problem": "",
        "checked": True,
    }
    assert report["key_id"] == result.key_id and report["legacy_entries"] == 0
    assert report["moves"] > 0  # every ledger row was checked against its posting's entry


def test_altered_entry_is_found(db: Database, db_url: str, audited: list[int]) -> None:
    victim = audited[len(audited) // 2]
    with db.write() as session:
        session.execute(
            text("UPDATE audit_log SET detail = :d WHERE id = :i"),
            {"d": '{"quantity":1}', "i": victim},
        )
    code, report = _verify_cli(db_url)
    assert code == 1
    assert (report["ok"], report["first_bad_id"]) == (False, victim)
    assert report["problem"] == "entry altered after writing"


def test_altered_actor_is_found(db: Database, audited: list[int]) -> None:
    with db.write() as session:
        session.execute(
            text("UPDATE audit_log SET actor = 'nobody' WHERE id = :i"), {"i": audited[0]}
        )
    with db.read() as session:
        assert verify(session).first_bad_id == audited[0]


def test_deleted_entry_is_found(db: Database, db_url: str, audited: list[int]) -> None:
    victim = audited[3]
    with db.write() as session:
        session.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": victim})
    code, report = _verify_cli(db_url)
    assert code == 1
    assert (report["ok"], report["first_bad_id"]) == (False, audited[4])
    assert report["problem"] == "link to previous entry broken"


def test_deleting_the_newest_entries_is_detected(db: Database) -> None:

    with db.write() as session:
        Builder(session).warehouse(bins=2)
    with db.read() as session:
        assert verify(session).ok
    with db.engine.begin() as conn:  # an insider removes the last trace of what they did
        conn.execute(text("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"))
    with db.read() as session:
        result = verify(session)
    assert not result.ok
    assert "newest entries are missing" in result.problem
