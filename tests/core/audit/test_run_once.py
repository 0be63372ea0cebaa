"""`run_once`: one write per idempotency key, the same for the REST writer and the headsets."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import Database
from core.audit import idempotency
from core.audit.idempotency import Answer, run_once
from core.audit.models import AuditEntry, IdempotencyRecord
from core.audit.service import record
from core.errors import ConflictError, IdempotencyConflict
from core.people.service import system_actor


def _audited(note: str) -> Callable[[Session], str]:
    """A write that leaves one audit entry and answers with the note."""

    def write(session: Session) -> str:
        record(session, actor=system_actor(session).username, action="test.write", entity=note,
               detail={})
        return json.dumps({"note": note})

    return write


def _writes(db: Database) -> int:
    with db.read() as session:
        return session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "test.write")) or 0


def _keys(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(IdempotencyRecord.id))) or 0


def test_without_a_key_every_call_writes(db: Database) -> None:
    first = run_once(db, user_id=1, key=None, fingerprint="f", write=_audited("a"))
    second = run_once(db, user_id=1, key=None, fingerprint="f", write=_audited("a"))
    assert first == second == Answer(200, '{"note": "a"}')
    assert (_writes(db), _keys(db)) == (2, 0)


def test_same_key_and_fingerprint_replays_without_writing(db: Database) -> None:
    first = run_once(db, user_id=1, key="k1", fingerprint="f", write=_audited("a"),
                     status_code=201)
    again = run_once(db, user_id=1, key="k1", fingerprint="f", write=_audited("b"),
                     status_code=201)
    assert first == Answer(201, '{"note": "a"}', replayed=False)
    assert again == Answer(201, '{"note": "a"}', replayed=True)
    assert (_writes(db), _keys(db)) == (1, 1)
    # Keys belong to a person: another one's same key is a new write.
    other = run_once(db, user_id=2, key="k1", fingerprint="f", write=_audited("c"))
    assert other == Answer(200, '{"note": "c"}')
    assert (_writes(db), _keys(db)) == (2, 2)


def test_same_key_with_another_fingerprint_is_a_conflict(db: Database) -> None:
    run_once(db, user_id=1, key="k1", fingerprint="f", write=_audited("a"))
    with pytest.raises(IdempotencyConflict) as refused:
        run_once(db, user_id=1, key="k1", fingerprint="g", write=_audited("b"))
    assert (refused.value.code, refused.value.status) == ("idempotency-key-reused", 409)
    assert (_writes(db), _keys(db)) == (1, 1)


def test_a_failed_write_stores_nothing_and_may_be_retried(db: Database) -> None:
    def failing(session: Session) -> str:
        _audited("lost")(session)
        raise ConflictError("not now", code="not-now")

    with pytest.raises(ConflictError):
        run_once(db, user_id=1, key="k1", fingerprint="f", write=failing)
    assert (_writes(db), _keys(db)) == (0, 0)
    retried = run_once(db, user_id=1, key="k1", fingerprint="f", write=_audited("a"))
    assert retried == Answer(200, '{"note": "a"}')


def _first_lookup_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if a concurrent attempt with the key committed just after this one looked it up."""
    real, calls = idempotency._stored, []

    def late(session: Session, user_id: int, key: str, fingerprint: str) -> Answer | None:
        calls.append(key)
        return None if len(calls) == 1 else real(session, user_id, key, fingerprint)

    monkeypatch.setattr(idempotency, "_stored", late)


def test_losing_a_race_on_the_key_replays_the_winner(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_once(db, user_id=1, key="k1", fingerprint="f", write=_audited("winner"))
    _first_lookup_misses(monkeypatch)
    # The write itself succeeds; storing the key collides with the winner's (unique key).
    answer = run_once(db, user_id=1, key="k1", fingerprint="f", write=_audited("loser"))
    assert answer == Answer(200, '{"note": "winner"}', replayed=True)
    assert (_writes(db), _keys(db)) == (1, 1)


def test_losing_a_race_on_the_work_replays_the_winner(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_once(db, user_id=1, key="k1", fingerprint="f", write=_audited("winner"))
    _first_lookup_misses(monkeypatch)

    def already_done(session: Session) -> str:
        raise ConflictError("that line is already picked", code="line-closed")

    answer = run_once(db, user_id=1, key="k1", fingerprint="f", write=already_done)
    assert answer == Answer(200, '{"note": "winner"}', replayed=True)


def test_a_failure_with_no_winner_is_raised(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _first_lookup_misses(monkeypatch)

    def refused(session: Session) -> str:
        raise ConflictError("no stock", code="no-stock")

    with pytest.raises(ConflictError) as raised:
        run_once(db, user_id=1, key="k1", fingerprint="f", write=refused)
    assert raised.value.code == "no-stock"
    assert _keys(db) == 0
