"""The PostgreSQL LISTEN/NOTIFY transport against the real server."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import psycopg
import pytest

from core import AlertRaised, Database, Event, EventBus
from core.events import OrderCreated, record
from tests.pg import clear_outbox
from tests.web.events.servers import Collector, wait_until
from web.events.factory import transport_from_url
from web.events.postgres import MAX_PAYLOAD, PostgresTransport, conninfo_of
from web.events.reader import OutboxReader
from web.events.relay import Relay


def test_url_spellings_and_the_channel() -> None:
    assert conninfo_of("postgresql+psycopg://u@h:5432/db?channel=site_a") == (
        "postgresql://u@h:5432/db", "site_a")
    assert conninfo_of("postgresql://u@h/db?sslmode=disable") == (
        "postgresql://u@h/db?sslmode=disable", "facet_events")
    assert isinstance(transport_from_url("postgres://u@h/db"), PostgresTransport)
    assert transport_from_url("memory://") is None
    with pytest.raises(ValueError, match="unknown scheme"):
        transport_from_url("carrier-pigeon://loft")


def test_a_dead_server_raises_quickly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = PostgresTransport(f"postgresql://postgres@127.0.0.1:{port}/x")
    with pytest.raises(psycopg.OperationalError):
        transport.ping()
    with pytest.raises(psycopg.OperationalError):
        transport.send(OrderCreated(order_id=1, channel="t", external_id="t"))
    transport.close()


@pytest.fixture
def db(pg_url: str) -> Iterator[Database]:
    """A Database with an outbox, emptied first."""
    clear_outbox(pg_url)
    database = Database(pg_url, outbox=True)
    yield database
    database.dispose()


def _listener(url: str, channel: str, db: Database) -> tuple[PostgresTransport, Collector]:
    reader = OutboxReader(db)
    transport = PostgresTransport(f"{url}?channel={channel}", load_event=reader.load,
                                  catch_up=reader.since)
    bus = EventBus()
    collector = Collector(bus)
    transport.start(bus.receive)
    return transport, collector


def test_one_send_reaches_every_listener(pg_url: str, db: Database) -> None:
    one, seen_one = _listener(pg_url, "h1_fanout", db)
    two, seen_two = _listener(pg_url, "h1_fanout", db)
    try:
        one.ping()
        events = [OrderCreated(order_id=n, channel="t", external_id=str(n)) for n in range(50)]
        for event in events:
            one.send(event)
        expected = [e.id for e in events]
        for seen in (seen_one, seen_two):
            assert wait_until(lambda s=seen: s.ids == expected)  # type: ignore[misc]
        assert seen_one.events == events  # decoded to equal events
    finally:
        one.close()
        two.close()


def test_a_large_event_travels_as_a_reference(pg_url: str, db: Database) -> None:
    big = AlertRaised(alert_id=1, camera="dock", zone="vault", rule="loiter",
                      severity="high", message="é" * MAX_PAYLOAD)
    sender, _ = _listener(pg_url, "h1_large", db)
    receiver, seen = _listener(pg_url, "h1_large", db)
    try:
        assert '"ref"' in sender.payload_of(big)
        with db.write() as session:
            record(session, big)
        Relay(db, sender).run_once()
        assert wait_until(lambda: seen.ids == [big.id])
        assert seen.events == [big]
    finally:
        sender.close()
        receiver.close()


def _terminate_listeners(url: str, channel: str) -> int:
    with psycopg.connect(conninfo_of(url)[0], autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query = %s AND pid <> pg_backend_pid()", (f'LISTEN "{channel}"',),
        ).fetchall()
    return len(rows)


def test_a_lost_connection_reconnects_and_catches_up(pg_url: str, db: Database) -> None:
    sender = PostgresTransport(f"{pg_url}?channel=h1_lost")
    listener, seen = _listener(pg_url, "h1_lost", db)
    try:
        before = OrderCreated(order_id=1, channel="t", external_id="before")
        with db.write() as session:
            record(session, before)
        Relay(db, sender).run_once()
        assert wait_until(lambda: seen.ids == [before.id])
        assert _terminate_listeners(pg_url, "h1_lost") == 1  # the server drops the listener
        assert wait_until(lambda: not listener._listening.is_set())
        missed = OrderCreated(order_id=2, channel="t", external_id="while away")
        with db.write() as session:  # committed and NOTIFYed while nobody listens
            record(session, missed)
        Relay(db, sender).run_once()
        assert wait_until(lambda: seen.ids == [before.id, missed.id])  # replayed
        after = OrderCreated(order_id=3, channel="t", external_id="after")
        sender.send(after)  # listening again
        assert wait_until(lambda: seen.ids == [before.id, missed.id, after.id])
    finally:
        sender.close()
        listener.close()


def test_an_undecodable_payload_is_skipped(pg_url: str, db: Database) -> None:
    listener, seen = _listener(pg_url, "h1_junk", db)
    try:
        with psycopg.connect(conninfo_of(pg_url)[0], autocommit=True) as conn:
            conn.execute("SELECT pg_notify('h1_junk', 'not json')")
            conn.execute("""SELECT pg_notify('h1_junk', '{"event": "NoSuchEvent"}')""")
        good = OrderCreated(order_id=9, channel="t", external_id="good")
        listener.send(good)
        assert wait_until(lambda: seen.ids == [good.id])
        assert isinstance(seen.events[0], Event)
    finally:
        listener.close()
