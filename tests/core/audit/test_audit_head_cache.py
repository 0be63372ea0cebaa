"""Several entries in one transaction: the chain's head is read once and then carried along,
and a savepoint begun or ended in between (released or rolled back) makes the next entry read
it again, so the chain verifies whatever was undone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import Database
from core.audit.models import AuditEntry, AuditHead
from core.audit.service import record, verify
from core.events import savepoint


def _entry(session: object, n: int) -> None:
    record(session, actor="clerk", action="test.entry", entity=f"E-{n}",  # type: ignore[arg-type]
           detail={"n": n})  # fmt: skip


def test_entries_around_savepoints_keep_one_chain(db: Database) -> None:
    with db.read() as session:
        before = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    with db.write() as session:
        _entry(session, 1)
        _entry(session, 2)  # the head carried from entry 1
        with pytest.raises(RuntimeError), savepoint(session):
            _entry(session, 3)
            _entry(session, 4)
            raise RuntimeError("undone")
        _entry(session, 5)  # read again: 3 and 4 were rolled back
        with savepoint(session):
            _entry(session, 6)
        _entry(session, 7)  # read again after the release
    with db.read() as session:
        entities = list(session.scalars(
            select(AuditEntry.entity).where(AuditEntry.action == "test.entry")
            .order_by(AuditEntry.id)))  # fmt: skip
        head = session.get(AuditHead, 1)
        last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
        assert head is not None and (head.entries, head.hash) == (before + 5, last)
        assert entities == ["E-1", "E-2", "E-5", "E-6", "E-7"]
        result = verify(session)
    assert result.ok, result.problem
