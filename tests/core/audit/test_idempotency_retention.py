"""Retention of idempotency answers: old ones are pruned, recent ones still replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core import Database
from core.audit.idempotency import prune, prune_all, run_once
from core.audit.models import IdempotencyRecord
from tests.builders import answer_keys, ok_answer, store_answer

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_prune_deletes_answers_stored_before_the_cut(db: Database) -> None:
    for hours, key in ((72, "old"), (49, "older-than-48h"), (1, "recent")):
        store_answer(db, key, T0 - timedelta(hours=hours))
    with db.write() as session:
        assert prune(session, older_than=T0 - timedelta(hours=48)) == 2
    assert answer_keys(db) == {"recent"}
    replay = run_once(db, user_id=1, key="recent", fingerprint="f", write=ok_answer)
    assert replay.replayed  # what is kept still answers a retry


def test_prune_in_batches_takes_the_oldest_first(db: Database) -> None:
    for n in range(7):
        store_answer(db, f"k{n}", T0 - timedelta(hours=100 - n))
    with db.write() as session:
        assert prune(session, older_than=T0, limit=3) == 3
    assert answer_keys(db) == {f"k{n}" for n in range(3, 7)}
    assert prune_all(db, older_than=T0, batch=2) == 4
    with db.read() as session:
        assert session.scalar(select(func.count(IdempotencyRecord.id))) == 0
