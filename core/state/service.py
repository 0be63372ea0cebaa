"""Verbs on the shared state: JSON values under (namespace, key), optionally expiring.

What one web worker remembers between requests (a chat's last question, where each picker
last picked) lives here so any other worker or host sees it. Writes are upserts (``INSERT ...
ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL), so concurrent writers never collide on the
key; the last write wins. Expired rows read as absent and the retention job deletes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.clock import now
from core.db import Database
from core.errors import ValidationFailed
from core.orm import insert_for, rowcount
from core.state.models import SharedValue

__all__ = ["SharedState", "delete", "get", "items", "prune", "put", "put_many"]

MAX_NAMESPACE = 64
MAX_KEY = 255


def _check(namespace: str, key: str | None = None) -> None:
    """Refuse names the columns cannot hold (a silent truncation would merge two keys)."""
    if not namespace or len(namespace) > MAX_NAMESPACE:
        raise ValidationFailed(f"A state namespace has 1-{MAX_NAMESPACE} characters.",
                               code="state-name-length")
    if key is not None and (not key or len(key) > MAX_KEY):
        raise ValidationFailed(f"A state key has 1-{MAX_KEY} characters.",
                               code="state-name-length")


def _live(at: datetime) -> Any:
    """Rows that have not expired at ``at``."""
    return or_(SharedValue.expires_at.is_(None), SharedValue.expires_at > at)


def get(session: Session, *, namespace: str, key: str) -> Any | None:
    """The value under ``key``, or None when there is none or it has expired."""
    _check(namespace, key)
    text = session.scalar(
        select(SharedValue.value).where(
            SharedValue.namespace == namespace, SharedValue.key == key, _live(now())
        )
    )
    return None if text is None else json.loads(text)


def items(session: Session, *, namespace: str) -> dict[str, Any]:
    """Every live value of ``namespace`` by key."""
    _check(namespace)
    rows = session.execute(
        select(SharedValue.key, SharedValue.value).where(
            SharedValue.namespace == namespace, _live(now())
        )
    )
    return {key: json.loads(text) for key, text in rows}


def put(
    session: Session, *, namespace: str, key: str, value: Any, ttl_s: float | None = None
) -> None:
    """Store ``value`` (anything JSON can hold) under ``key``; it expires after ``ttl_s``."""
    put_many(session, namespace=namespace, values={key: value}, ttl_s=ttl_s)


def put_many(
    session: Session, *, namespace: str, values: Mapping[str, Any], ttl_s: float | None = None
) -> None:
    """Store several values of one namespace in one statement (the last write wins)."""
    _check(namespace)
    if not values:
        return
    at = now()
    expires = None if ttl_s is None else at + timedelta(seconds=ttl_s)
    rows = []
    for key, value in values.items():
        _check(namespace, key)
        rows.append({"namespace": namespace, "key": key, "value": json.dumps(value),
                     "updated_at": at, "expires_at": expires})
    stmt = insert_for(session)(SharedValue).values(rows)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[SharedValue.namespace, SharedValue.key],
        set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at,
              "expires_at": stmt.excluded.expires_at},
    ))


def delete(session: Session, *, namespace: str, key: str) -> bool:
    """Forget ``key``; True when there was a row."""
    _check(namespace, key)
    result = session.execute(
        sql_delete(SharedValue).where(SharedValue.namespace == namespace, SharedValue.key == key)
    )
    return rowcount(result) > 0


def prune(session: Session, *, at: datetime | None = None) -> int:
    """Delete every value expired at ``at`` (default: now); returns how many."""
    result = session.execute(
        sql_delete(SharedValue).where(SharedValue.expires_at <= (at or now()))
    )
    return rowcount(result)


class SharedState:
    """One namespace of ``db``'s shared state; each call runs in a transaction of its own.

    ``ttl_s`` is how long a stored value lives (None: until it is replaced or deleted).
    """

    def __init__(self, db: Database, namespace: str, *, ttl_s: float | None = None) -> None:
        _check(namespace)
        self.db, self.namespace, self.ttl_s = db, namespace, ttl_s

    def get(self, key: str) -> Any | None:
        """The live value under ``key``, or None."""
        with self.db.read() as session:
            return get(session, namespace=self.namespace, key=key)

    def items(self) -> dict[str, Any]:
        """Every live value of the namespace by key."""
        with self.db.read() as session:
            return items(session, namespace=self.namespace)

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` for this namespace's lifetime."""
        self.put_many({key: value})

    def put_many(self, values: Mapping[str, Any]) -> None:
        """Store several values in one transaction."""
        with self.db.write() as session:
            put_many(session, namespace=self.namespace, values=values, ttl_s=self.ttl_s)

    def delete(self, key: str) -> bool:
        """Forget ``key``; True when there was a value."""
        with self.db.write() as session:
            return delete(session, namespace=self.namespace, key=key)
