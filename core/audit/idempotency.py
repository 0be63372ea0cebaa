"""Writes that run once per idempotency key: the REST writer and the voice backend share this.

A write that carries a key runs in its own transaction and stores its answer under
(person, key) in that same transaction. The same key with the same fingerprint (what the
caller says identifies the request: method, path and body for HTTP, the posting for voice)
replays the stored answer and writes nothing; the same key with another fingerprint is
refused with :class:`~core.errors.IdempotencyConflict` (409 ``idempotency-conflict``). When
the write fails and a concurrent attempt with the same key has meanwhile stored its answer,
that answer is replayed: the retry has in fact succeeded. Nothing is stored for a failed write.

Stored answers are kept for ``idempotency_retention_hours`` (clients retry within minutes);
:func:`prune` deletes older ones, in batches so a large backlog never holds the write lock long.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.audit.models import IdempotencyRecord
from core.clock import now
from core.db import Database
from core.errors import CoreError, IdempotencyConflict
from core.orm import rowcount
from core.prepared import Prepared

__all__ = ["Answer", "prune", "run_once"]


@dataclass(frozen=True)
class Answer:
    """What a write answered: its status and JSON body; ``replayed`` for a stored answer."""

    status_code: int
    body: str
    replayed: bool = False


class _Stored(NamedTuple):
    fingerprint: str
    status_code: int
    body: str


# Every write with a key runs these two: prepared on the raw cursor.
_STORED = Prepared(
    select(
        IdempotencyRecord.fingerprint, IdempotencyRecord.status_code, IdempotencyRecord.body
    ).where(
        IdempotencyRecord.user_id == bindparam("user_id"),
        IdempotencyRecord.key == bindparam("key"),
    ),
    _Stored,
)
_REMEMBER = Prepared(
    insert(IdempotencyRecord).values(
        {
            name: bindparam(name)
            for name in ("user_id", "key", "fingerprint", "status_code", "body", "created_at")
        }
    )
)


def run_once(
    db: Database,
    *,
    user_id: int,
    key: str | None,
    fingerprint: str,
    write: Callable[[Session], str],
    status_code: int = 200,
) -> Answer:
    """Run ``write`` (which returns the JSON body) in a write transaction, once per key.

    Without a key the write simply runs. With one, a stored answer for the same fingerprint
    is replayed, another fingerprint raises `IdempotencyConflict`, and a new answer is stored
    in the write's own transaction.
    """
    try:
        with db.write() as session:
            # Looked up inside the write transaction: one round trip, and on SQLite the
            # write lock already orders a retry after the request it repeats.
            if key and (stored := _stored(session, user_id, key, fingerprint)) is not None:
                return stored
            body = write(session)
            if key:
                session.flush()  # the write's own failures surface before the key is taken
                _REMEMBER.run(session, {
                    "user_id": user_id, "key": key, "fingerprint": fingerprint,
                    "status_code": status_code, "body": body, "created_at": now(),
                })
    except IdempotencyConflict:
        raise
    except (CoreError, IntegrityError):
        # A retry racing the first attempt loses on a row lock, the work already done or the
        # unique key; if that first attempt is now stored, this call has in fact succeeded.
        if key:
            with db.read() as session:
                stored = _stored(session, user_id, key, fingerprint)
            if stored is not None:
                return stored
        raise
    return Answer(status_code, body)


def _stored(session: Session, user_id: int, key: str, fingerprint: str) -> Answer | None:
    row = _STORED.first(session, {"user_id": user_id, "key": key})
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise IdempotencyConflict(f"Idempotency-Key '{key}' was used for a different request.")
    return Answer(row.status_code, row.body, replayed=True)


def prune(session: Session, *, older_than: datetime, limit: int | None = None) -> int:
    """Delete answers stored before ``older_than`` (at most ``limit`` of them); returns how many.

    A retry after that no longer replays: it runs as a new write, which is why the retention is
    hours, far beyond any client's retry window.
    """
    stmt = delete(IdempotencyRecord).where(IdempotencyRecord.created_at < older_than)
    if limit is not None:  # oldest first, by id: one batch per transaction
        batch = (select(IdempotencyRecord.id).where(IdempotencyRecord.created_at < older_than)
                 .order_by(IdempotencyRecord.id).limit(limit))
        stmt = delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(batch.scalar_subquery()))
    result = session.execute(stmt)
    return rowcount(result)


def prune_all(db: Database, *, older_than: datetime, batch: int = 5000) -> int:
    """:func:`prune` in batches of ``batch``, each in a write transaction of its own."""
    total = 0
    while True:
        with db.write() as session:
            count = prune(session, older_than=older_than, limit=batch)
        total += count
        if count < batch:
            return total
