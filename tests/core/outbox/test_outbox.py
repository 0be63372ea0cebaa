"""The outbox: rows written in the change's transaction, claimed, marked and pruned."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text, update

from core import CoreSettings, Database, Event
from core.events import OrderCreated, record
from core.outbox import OutboxRow, backlog, claim, load_event, mark_published, prune
from core.outbox.service import published_since
from tests.pg import clear_outbox


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    """A migrated database: a copy of the SQLite template, or the module's PostgreSQL one."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    pg = str(request.getfixturevalue("pg_url"))
    clear_outbox(pg)
    return pg


@pytest.fixture
def outbox_db(url: str) -> Iterator[Database]:
    """A Database that keeps an outbox."""
    database = Database(url, outbox=True)
    yield database
    database.dispose()


LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def _order(number: int) -> OrderCreated:
    return OrderCreated(order_id=number, channel="outbox-test", external_id=f"x-{number}")


def _rows(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


def _collect(db: Database) -> list[Event]:
    seen: list[Event] = []
    db.bus.subscribe(Event, seen.append)
    return seen


def test_embedded_default_writes_no_outbox_rows(url: str) -> None:
    db = Database(url)  # as the embedded default builds it: FACET_EVENTS_URL=memory://
    try:
        seen = _collect(db)
        with db.write() as session:
            record(session, _order(1))
        assert [e.id for e in seen] and _rows(db) == 0
        assert not db.outbox
    finally:
        db.dispose()


def test_from_settings_keeps_an_outbox_only_off_memory(url: str) -> None:
    for events_url, expected in (("memory://", False), ("redis://127.0.0.1:6379/0", True)):
        db = Database.from_settings(CoreSettings(database_url=url, events_url=events_url,
                                                 audit_key="k" * 16))
        assert db.outbox is expected
        db.dispose()


def test_commit_writes_the_row_and_delivers_once(outbox_db: Database) -> None:
    seen = _collect(outbox_db)
    event = _order(2)
    with outbox_db.write() as session:
        record(session, event)
    assert [e.id for e in seen] == [event.id]
    with outbox_db.read() as session:
        assert load_event(session, event.id) == event
        waiting = backlog(session)
    assert waiting.unpublished == 1 and waiting.oldest is not None


def test_rollback_writes_no_row_and_delivers_nothing(outbox_db: Database) -> None:
    seen = _collect(outbox_db)
    with pytest.raises(RuntimeError), outbox_db.write() as session:
        record(session, _order(3))
        session.flush()
        raise RuntimeError("the change fails")
    assert seen == [] and _rows(outbox_db) == 0


def test_commit_wakes_the_outbox_listeners(outbox_db: Database) -> None:
    woken: list[int] = []
    outbox_db.on_outbox_commit(lambda: woken.append(1))
    with outbox_db.write() as session:
        session.execute(select(1))  # a commit without events wakes nobody
    with outbox_db.write() as session:
        record(session, _order(4))
        record(session, _order(5))
    assert woken == [1]


def test_claim_in_id_order_then_mark(outbox_db: Database) -> None:
    events = [_order(n) for n in range(10, 15)]
    for event in events:
        with outbox_db.write() as session:
            record(session, event)
    with outbox_db.write() as session:
        claimed = claim(session, limit=3)
        assert [e.event_id for e in claimed] == [e.id for e in events[:3]]
        assert claimed[0].event() == events[0]
        assert mark_published(session, [e.id for e in claimed]) == 3
        assert mark_published(session, [claimed[0].id]) == 0  # already marked
    with outbox_db.write() as session:
        rest = claim(session, limit=10)
        assert [e.event_id for e in rest] == [e.id for e in events[3:]]
    with outbox_db.read() as session:
        assert backlog(session).unpublished == 2
        since = published_since(session, LONG_AGO)
        assert [e.event_id for e in since] == [e.id for e in events[:3]]
        assert published_since(session, LONG_AGO, after_id=claimed[1].id) == claimed[2:]


def test_prune_deletes_only_old_published_rows(outbox_db: Database) -> None:
    for n in range(3):
        with outbox_db.write() as session:
            record(session, _order(20 + n))
    with outbox_db.write() as session:
        first, second, _third = claim(session, limit=3)
        mark_published(session, [first.id, second.id])
        session.execute(update(OutboxRow).where(OutboxRow.id == first.id)
                        .values(published_at=LONG_AGO))  # sent long ago
    with outbox_db.write() as session:
        assert prune(session, older_than=timedelta(hours=1)) == 1
    assert _rows(outbox_db) == 2  # the recently sent one and the unsent one stay


def _wait_until_gone(database: Database, pid: int, timeout: float = 15.0) -> None:
    """Wait until PostgreSQL has ended backend ``pid`` (and so released its row locks)."""
    deadline = time.monotonic() + timeout
    query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
    while time.monotonic() < deadline:
        with database.read() as session:
            if not session.execute(query, {"pid": pid}).scalar_one():
                return
        time.sleep(0.05)
    pytest.fail(f"backend {pid} still there after {timeout} s")


def test_postgres_relays_claim_disjoint_rows_and_a_dead_claim_frees_them(
    outbox_db: Database,
) -> None:
    if outbox_db.dialect != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite's relay reads, sends, then marks)")
    for n in range(6):
        with outbox_db.write() as session:
            record(session, _order(30 + n))
    dead = outbox_db.session()
    dead.begin()
    pid = dead.execute(text("SELECT pg_backend_pid()")).scalar_one()
    held = claim(dead, limit=4)  # a relay that claims and is killed before marking
    with outbox_db.write() as session:
        other = claim(session, limit=10)  # never waits for the held rows: skips them
    assert len(held) == 4 and len(other) == 2
    assert not {e.id for e in held} & {e.id for e in other}
    dead.connection().invalidate()  # the process dies: its connection (and locks) go
    dead.close()
    _wait_until_gone(outbox_db, pid)  # the server notices the closed socket in its own time
    with outbox_db.write() as session:
        replay = claim(session, limit=10)
    assert [e.id for e in replay] == sorted(e.id for e in held + other)
