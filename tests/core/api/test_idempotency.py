"""The Idempotency-Key unit of work (core.api_deps.Writer) without HTTP in between."""

from __future__ import annotations

import pytest
from pydantic import BaseModel
from sqlalchemy.orm import Session

from core import Database
from core.api_deps import Writer
from core.audit.models import IdempotencyRecord
from core.clock import now
from core.errors import IdempotencyConflict
from core.lots.models import Supplier
from tests.builders import Builder


class _Body(BaseModel):
    n: int


def _writer(db: Database, key: str, fingerprint: str = "f1") -> Writer:
    with db.write() as session:
        actor = Builder(session).actor
    return Writer(db=db, actor=actor, key=key, fingerprint=fingerprint)


def test_a_retry_replays_the_stored_answer_without_running_again(db: Database) -> None:
    calls: list[int] = []

    def work(_session: Session) -> _Body:
        calls.append(1)
        return _Body(n=len(calls))

    writer = _writer(db, "k-1")
    first, again = writer.run(work, status_code=201), writer.run(work, status_code=201)
    assert (first.status_code, first.body) == (201, b'{"n":1}')
    assert (again.status_code, again.body) == (201, b'{"n":1}')
    assert again.headers["Idempotent-Replayed"] == "true"
    assert calls == [1]
    with pytest.raises(IdempotencyConflict):
        _writer(db, "k-1", fingerprint="other request").run(work)


def test_a_concurrent_twin_that_commits_first_wins_and_nothing_else_is_kept(
    db: Database,
) -> None:
    """Two copies of one request racing: the loser's insert of the key fails, its work rolls
    back, and it answers with the winner's stored response."""
    if db.dialect == "sqlite":
        pytest.skip("SQLite's write lock serialises the two copies; there is no race to lose")
    writer = _writer(db, "k-race")

    def work(session: Session) -> _Body:
        Builder(session).supplier("LOSER")  # must roll back
        with db.write() as other:  # the twin request commits while this one is running
            other.add(IdempotencyRecord(
                user_id=writer.actor.id, key="k-race", fingerprint=writer.fingerprint,
                status_code=201, body='{"n":7}', created_at=now()))
        return _Body(n=1)

    answer = writer.run(work, status_code=201)
    assert (answer.status_code, answer.body) == (201, b'{"n":7}')
    with db.read() as session:
        assert session.query(Supplier).filter_by(code="LOSER").count() == 0
