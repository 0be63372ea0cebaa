"""A savepoint's release is no commit: its events wait for the transaction's own commit.

SQLAlchemy fires the session's commit events when a savepoint is released as well; the
database's hooks must not announce events (or write outbox rows) then, or a listener could act
on a change that is later rolled back, or read the database before the change is visible.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import Database
from core.events import AvailabilityChanged, Event, PickConfirmed, record, savepoint, touch_skus
from core.outbox.models import OutboxRow


def _pick() -> PickConfirmed:
    return PickConfirmed(pick_list_id=1, line_id=2, order_id=None, picker="anna",
                         location="A-01-1", sku="RG-1", quantity=1)  # fmt: skip


def test_events_of_a_released_savepoint_wait_for_the_commit(db: Database) -> None:
    seen: list[Event] = []
    db.bus.subscribe(Event, seen.append)
    inside = _pick()
    with db.write() as session:
        with savepoint(session):
            record(session, inside)
            touch_skus(session, [4])
        assert seen == []  # released, but nothing is committed yet
    assert inside in seen
    (available,) = [e for e in seen if isinstance(e, AvailabilityChanged)]
    assert available.sku_ids == (4,)


def test_a_rollback_after_a_released_savepoint_announces_nothing(db: Database) -> None:
    seen: list[Event] = []
    db.bus.subscribe(Event, seen.append)
    with pytest.raises(RuntimeError), db.write() as session:
        with savepoint(session):
            record(session, _pick())
            touch_skus(session, [5])
        raise RuntimeError("the transaction fails after its savepoint")
    assert seen == []


def test_the_outbox_gets_a_savepoints_events_once_with_the_commit(db_url: str) -> None:
    database = Database(db_url, outbox=True)
    try:
        with database.write() as session:
            with savepoint(session):
                record(session, _pick())
            record(session, _pick())
        with pytest.raises(RuntimeError), database.write() as session:
            with savepoint(session):
                record(session, _pick())
            raise RuntimeError("rolled back: its outbox rows go with it")
        with database.read() as session:
            assert session.scalar(select(func.count()).select_from(OutboxRow)) == 2
    finally:
        database.dispose()
