"""RedisTransport against the real Redis on 127.0.0.1:6379: two "processes" share a stream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast
from uuid import uuid4

import pytest
import redis

from tests.web.events.servers import (
    Sites,
    TcpProxy,
    check_a_late_process_reads_only_newer_events,
    check_a_replayed_send_is_delivered_once_per_bus,
    check_a_thousand_events_arrive_in_order,
    check_one_event_reaches_both_once,
    check_outage_is_replayed_from_the_outbox,
    check_send_and_ping_raise_when_away,
    order_event,
    require_server,
    wait_until,
)
from web.events.factory import transport_from_url
from web.events.reader import CatchUp
from web.events.redis import RedisTransport, split_redis_url

HOST, PORT = "127.0.0.1", 6379
pytestmark = pytest.mark.timeout(60)

Site = Sites[RedisTransport]


@pytest.fixture
def key() -> Iterator[str]:
    """A stream key of this test's own, deleted afterwards."""
    require_server(HOST, PORT, "Redis")
    name = f"facet-test-{uuid4().hex}"
    yield name
    client = redis.Redis(host=HOST, port=PORT)
    client.delete(name)
    client.close()


@pytest.fixture
def site(key: str) -> Iterator[Site]:
    """Make a started transport and the bus it feeds, as one Facet process would have."""
    sites = Sites(lambda port, query: RedisTransport(
        f"redis://{HOST}:{port}/0?stream={key}{query}"), PORT)
    yield sites
    sites.close()


def test_an_event_sent_by_one_process_reaches_both_once(site: Site) -> None:
    check_one_event_reaches_both_once(site)


def test_a_thousand_events_arrive_in_order_without_loss_or_repeat(site: Site) -> None:
    check_a_thousand_events_arrive_in_order(site)


def test_a_replayed_send_is_delivered_once_per_bus(site: Site) -> None:
    check_a_replayed_send_is_delivered_once_per_bus(site)


def test_a_process_reads_only_events_sent_after_it_started(site: Site) -> None:
    check_a_late_process_reads_only_newer_events(site)


def test_the_reader_recovers_from_client_kill_and_misses_nothing(site: Site, key: str) -> None:
    (one, _), (_two, seen_two) = site(), site()
    first = order_event(1)
    one.send(first)
    seen_two.wait_for(1)
    assert _kill_readers(key) == 2
    later = [order_event(number) for number in range(2, 12)]
    for event in later:
        one.send(event)
    assert seen_two.wait_for(11) == [first.id, *(event.id for event in later)]


def test_a_reader_cut_off_by_the_network_resumes_from_its_last_id(site: Site) -> None:
    proxy = TcpProxy(HOST, PORT)
    try:
        (one, _), (_cut, seen_cut) = site(), site(port=proxy.port)
        proxy.refuse()
        proxy.drop()
        during = [order_event(number) for number in range(5)]
        for event in during:
            one.send(event)  # straight to Redis while the second process is cut off
        assert not wait_until(lambda: bool(seen_cut.ids), timeout=1.5)
        proxy.refuse(False)
        assert seen_cut.wait_for(5) == [event.id for event in during]
    finally:
        proxy.close()


def test_events_trimmed_during_an_outage_are_replayed_from_the_outbox(key: str) -> None:
    def connect(port: int, catch_up: CatchUp | None) -> RedisTransport:
        url = f"redis://{HOST}:{port}/0?stream={key}&maxlen=100"
        return RedisTransport(url, catch_up=catch_up)

    check_outage_is_replayed_from_the_outbox(connect, HOST, PORT)


@pytest.mark.timeout(15)
def test_send_and_ping_raise_when_redis_is_away(site: Site) -> None:
    check_send_and_ping_raise_when_away(site, "Redis")


def test_ping_answers_when_redis_is_up(site: Site) -> None:
    transport, _ = site()
    transport.ping()


def test_the_stream_is_bounded_by_maxlen(site: Site, key: str) -> None:
    one, seen = site(query="&maxlen=100")
    for number in range(1000):
        one.send(order_event(number))
    seen.wait_for(1000)
    admin = redis.Redis(host=HOST, port=PORT)
    length = cast(int, admin.xlen(key))
    admin.close()
    assert length < 1000  # MAXLEN ~ trims whole nodes: about 100 entries stay


def test_pubsub_mode_reaches_both_processes(site: Site) -> None:
    (one, seen_one), (_two, seen_two) = site(query="&mode=pubsub"), site(query="&mode=pubsub")
    assert _subscribers(one.key) == 2  # both subscribed before start() returned
    event = order_event(1)
    one.send(event)
    assert seen_one.wait_for(1) == [event.id]
    assert seen_two.wait_for(1) == [event.id]


def test_a_pubsub_reader_subscribes_again_after_client_kill(site: Site, key: str) -> None:
    (one, _), (_two, seen_two) = site(query="&mode=pubsub"), site(query="&mode=pubsub")
    _kill_readers(key)
    assert wait_until(lambda: _subscribers(key) == 2)
    event = order_event(1)
    one.send(event)
    assert seen_two.wait_for(1) == [event.id]


def test_undecodable_entries_are_skipped(site: Site, key: str) -> None:
    _one, seen = site()
    admin = redis.Redis(host=HOST, port=PORT)
    admin.xadd(key, {"event": b"not json"})
    admin.xadd(key, {"event": b'{"event": "NoSuchEvent"}'})
    admin.close()
    event = order_event(1)
    _one.send(event)
    assert seen.wait_for(1) == [event.id]


def test_url_options_are_taken_out_of_the_redis_url() -> None:
    url, options = split_redis_url("redis://h:6379/2?stream=s1&maxlen=5&mode=pubsub&ssl_cert_reqs=none")
    assert url == "redis://h:6379/2?ssl_cert_reqs=none"
    assert options == {"stream": "s1", "maxlen": "5", "mode": "pubsub"}
    transport = RedisTransport("redis://h:6379/0")
    assert (transport.key, transport.maxlen, transport.mode) == ("facet-events", 100_000, "streams")


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode=streams or mode=pubsub"):
        RedisTransport("redis://h:6379/0?mode=lists")


def _subscribers(channel: str) -> int:
    admin = redis.Redis(host=HOST, port=PORT)
    counts = cast(list[tuple[bytes, int]], admin.pubsub_numsub(channel))
    admin.close()
    return int(counts[0][1])


def test_facet_events_url_picks_the_redis_transport() -> None:
    transport = transport_from_url("redis://127.0.0.1:6379/0?stream=site-a")
    assert isinstance(transport, RedisTransport) and transport.key == "site-a"
    transport.close()


def _kill_readers(key: str) -> int:
    """CLIENT KILL every reader connection of the transports on ``key``; how many there were."""
    admin = redis.Redis(host=HOST, port=PORT)
    clients = cast(list[dict[str, Any]], admin.client_list())
    readers = [c for c in clients if c["name"] == f"facet-events-reader:{key}"]
    for reader in readers:
        admin.client_kill_filter(_id=reader["id"])
    admin.close()
    return len(readers)
