"""The outbox relay: publishes and marks, retries a failing transport, loses nothing when killed.

The PostgreSQL tests run two Database/EventBus/runtime sets on one database, as two processes
would, over the real LISTEN/NOTIFY transport.
"""

from __future__ import annotations

import pytest

from core import CoreSettings, Database, Event
from core.events import OrderCreated, record
from core.outbox import backlog, claim
from tests.pg import clear_outbox
from tests.web.events.servers import Collector, wait_until
from web.events.relay import Relay
from web.events.runtime import EventsRuntime


class Loopback:
    """An in-process transport (the Transport protocol over a list), failing when told to."""

    name = "loopback"

    def __init__(self) -> None:
        self.sent: list[Event] = []
        self.failing = False
        self._receivers: list[object] = []

    def start(self, receive: object) -> None:
        self._receivers.append(receive)

    def send(self, event: Event) -> None:
        if self.failing:
            raise ConnectionError("loopback is down")
        self.sent.append(event)

    def ping(self) -> None:
        if self.failing:
            raise ConnectionError("loopback is down")

    def close(self) -> None:
        self._receivers.clear()


def _order(number: int) -> OrderCreated:
    return OrderCreated(order_id=number, channel="relay-test", external_id=f"r-{number}")


def _commit(db: Database, *events: Event) -> None:
    with db.write() as session:
        for event in events:
            record(session, event)


def _unpublished(db: Database) -> int:
    with db.read() as session:
        return backlog(session).unpublished


def test_relay_sends_in_order_and_marks(sqlite_url: str) -> None:
    db, transport = Database(sqlite_url, outbox=True), Loopback()
    try:
        events = [_order(n) for n in range(5)]
        for event in events:
            _commit(db, event)
        relay = Relay(db, transport, batch=2)
        assert [relay.run_once() for _ in range(4)] == [2, 2, 1, 0]
        assert [e.id for e in transport.sent] == [e.id for e in events]
        assert _unpublished(db) == 0
    finally:
        db.dispose()


def test_a_failing_transport_leaves_rows_for_a_retry(sqlite_url: str) -> None:
    db, transport = Database(sqlite_url, outbox=True), Loopback()
    relay = Relay(db, transport, poll_s=0.05)
    try:
        transport.failing = True
        relay.start()
        _commit(db, _order(1))
        assert wait_until(lambda: relay.last_error is not None)
        assert _unpublished(db) == 1 and transport.sent == []
        transport.failing = False  # the server is back: the backoff retry sends it
        assert wait_until(lambda: _unpublished(db) == 0)
        assert len(transport.sent) == 1 and relay.last_error is None
    finally:
        relay.stop()
        db.dispose()


def test_runtime_status_reports_the_backlog_and_a_down_transport(sqlite_url: str) -> None:
    db, transport = Database(sqlite_url, outbox=True), Loopback()
    runtime = EventsRuntime(db, db.bus, transport)
    try:
        _commit(db, _order(1))  # not started: the row waits
        status = runtime.status()
        assert status["ok"] and status["transport"] == "loopback"
        assert status["unpublished"] == 1 and status["oldest_unpublished_s"] >= 0
        transport.failing = True
        status = runtime.status()
        assert not status["ok"] and "down" in status["error"]
    finally:
        runtime.stop()
        db.dispose()


def test_memory_runtime_has_no_transport_and_no_outbox(sqlite_url: str) -> None:
    settings = CoreSettings(database_url=sqlite_url, audit_key="k" * 16)
    db = Database.from_settings(settings)
    runtime = EventsRuntime.from_settings(settings, db)
    try:
        runtime.start()
        assert runtime.transport is None and runtime.relay is None and not db.outbox
        assert runtime.status() == {"transport": "memory", "ok": True, "unpublished": 0,
                                    "oldest_unpublished_s": None}
    finally:
        runtime.stop()
        db.dispose()


# -- two "processes" on PostgreSQL -------------------------------------------------------


@pytest.fixture
def channel_url(pg_url: str) -> str:
    """The module's database emptied of outbox rows."""
    clear_outbox(pg_url)
    return pg_url


def _process(url: str, channel: str) -> tuple[Database, EventsRuntime, Collector]:
    """One process's events set-up, as create_app builds it, on ``url``."""
    settings = CoreSettings(database_url=url, events_url=f"{url}?channel={channel}",
                            audit_key="k" * 16)
    db = Database.from_settings(settings)
    runtime = EventsRuntime.from_settings(settings, db)
    collector = Collector(db.bus)
    runtime.start()
    return db, runtime, collector


def test_two_processes_each_deliver_every_event_once(channel_url: str) -> None:
    (db_a, rt_a, seen_a), (db_b, rt_b, seen_b) = (
        _process(channel_url, "h1_two"), _process(channel_url, "h1_two"))
    try:
        from_a = [_order(n) for n in range(20)]
        from_b = [_order(100 + n) for n in range(20)]
        for a, b in zip(from_a, from_b, strict=True):
            _commit(db_a, a)
            _commit(db_b, b)
        expected = {e.id for e in from_a + from_b}
        for seen in (seen_a, seen_b):
            assert wait_until(lambda s=seen: set(s.ids) == expected)  # type: ignore[misc]
        assert wait_until(lambda: _unpublished(db_a) == 0)
        # A relay replaying (another process's, after a crash) changes nothing.
        with db_a.read() as session:
            rows = claim(session, limit=1)
        assert rows == []
        for event in from_a[:3]:
            assert rt_a.transport is not None
            rt_a.transport.send(event)
        wait_until(lambda: False, timeout=0.3)
        for seen in (seen_a, seen_b):
            # Each exactly once. (Not in one order: both relays share the outbox, each
            # sending the batches it claimed.)
            assert sorted(seen.ids) == sorted(expected)
    finally:
        for rt, db in ((rt_a, db_a), (rt_b, db_b)):
            rt.stop()
            db.dispose()


def test_a_relay_killed_mid_batch_loses_nothing(channel_url: str) -> None:
    writer = Database(channel_url, outbox=True)  # a process that commits and then dies
    db_b, rt_b, seen_b = _process(channel_url, "h1_kill")
    try:
        events = [_order(200 + n) for n in range(30)]
        rt_b.stop()  # B's relay is away while the writer's rows go out
        rt_b = EventsRuntime(db_b, db_b.bus, rt_b.transport)
        assert rt_b.transport is not None
        rt_b.transport.start(db_b.bus.receive)
        for event in events:
            _commit(writer, event)
        dying = writer.session()
        dying.begin()
        claimed = claim(dying, limit=10)  # the dead relay's batch: claimed, some sent, unmarked
        assert rt_b.transport is not None
        for entry in claimed[:4]:
            rt_b.transport.send(entry.event())
        dying.connection().invalidate()  # kill -9: the connection goes, the row locks with it
        dying.close()
        assert rt_b.relay is not None
        rt_b.relay.start()  # another relay takes over
        expected = [e.id for e in events]
        assert wait_until(lambda: sorted(seen_b.ids) == sorted(expected))
        assert seen_b.ids[4:] == expected[4:]  # the replay, in outbox order, no repeats
        # (marked after the send: the last batch may be seen before its rows are marked)
        assert wait_until(lambda: _unpublished(writer) == 0)
    finally:
        rt_b.stop()
        db_b.dispose()
        writer.dispose()
