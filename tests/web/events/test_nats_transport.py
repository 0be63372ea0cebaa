"""NatsTransport against the real NATS (JetStream) on 127.0.0.1:4222: two "processes" share it."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import uuid4

import nats
import nats.js.errors
import pytest
from nats.aio.client import Client
from nats.js.api import StreamInfo

from core.events import Event, EventBus, OrderCreated
from tests.web.events.servers import (
    Collector,
    TcpProxy,
    free_port,
    order_event,
    require_server,
    wait_until,
)
from web.events.factory import transport_from_url
from web.events.nats import NatsTransport, split_nats_url

HOST, PORT = "127.0.0.1", 4222
pytestmark = pytest.mark.timeout(60)
T = TypeVar("T")

Site = Callable[..., tuple[NatsTransport, Collector]]


def admin(action: Callable[[Client], Awaitable[T]], port: int = PORT) -> T:
    """Run ``action`` with a NATS connection of the test's own (failing at once if none)."""

    async def run() -> T:
        nc = await nats.connect(f"nats://{HOST}:{port}", connect_timeout=2,
                                allow_reconnect=False, error_cb=_quiet)
        try:
            return await action(nc)
        finally:
            await nc.close()

    return asyncio.run(run())


@pytest.fixture
def names() -> Iterator[tuple[str, str]]:
    """A subject and a stream of this test's own; the stream is deleted afterwards."""
    require_server(HOST, PORT, "NATS")
    token = uuid4().hex
    stream = f"FACET_TEST_{token}"
    yield f"facet.test.{token}", stream

    async def delete(nc: Client) -> None:
        try:
            await nc.jetstream().delete_stream(stream)
        except nats.js.errors.NotFoundError:
            pass

    admin(delete)


@pytest.fixture
def site(names: tuple[str, str]) -> Iterator[Site]:
    """Make a started transport and the bus it feeds, as one Facet process would have."""
    opened: list[NatsTransport] = []
    subject, stream = names

    def make(port: int = PORT, query: str = "") -> tuple[NatsTransport, Collector]:
        url = f"nats://{HOST}:{port}?subject={subject}&stream={stream}{query}"
        transport = NatsTransport(url)
        bus = EventBus()
        transport.start(bus.receive)
        opened.append(transport)
        return transport, Collector(bus)

    yield make
    for transport in opened:
        transport.close()


def stream_info(stream: str) -> StreamInfo:
    """The stream as the server describes it."""

    async def info(nc: Client) -> StreamInfo:
        return await nc.jetstream().stream_info(stream)

    return admin(info)


def test_an_event_sent_by_one_process_reaches_both_once(site: Site) -> None:
    (one, seen_one), (two, seen_two) = site(), site()
    assert one.uses_jetstream and two.uses_jetstream
    event = order_event(1)
    one.send(event)
    assert seen_one.wait_for(1) == [event.id]
    assert seen_two.wait_for(1) == [event.id]
    assert seen_two.events[0] == event  # decoded back to the same frozen dataclass


def test_a_thousand_events_arrive_in_order_without_loss_or_repeat(site: Site) -> None:
    (one, seen_one), (_two, seen_two) = site(), site()
    events = [order_event(number) for number in range(1000)]
    for event in events:
        one.send(event)
    expected = [event.id for event in events]
    assert seen_one.wait_for(1000) == expected
    assert seen_two.wait_for(1000) == expected


def test_jetstream_drops_a_replayed_send_and_each_bus_delivers_once(
    site: Site, names: tuple[str, str]
) -> None:
    (one, seen_one), (two, seen_two) = site(), site()
    event, after = order_event(1), order_event(2)
    one.send(event)
    two.send(event)  # the outbox relay sending again after a crash
    one.send(after)
    assert seen_one.wait_for(2) == [event.id, after.id]
    assert seen_two.wait_for(2) == [event.id, after.id]
    assert stream_info(names[1]).state.messages == 2  # the server kept the event once


def test_the_stream_is_created_with_the_url_limits(site: Site, names: tuple[str, str]) -> None:
    site(query="&max_age=600&max_msgs=5000")
    config = stream_info(names[1]).config
    assert (config.subjects, config.max_age, config.max_msgs) == ([names[0]], 600, 5000)
    assert config.duplicate_window == 120


def test_a_process_reads_only_events_sent_after_it_started(site: Site) -> None:
    one, _ = site()
    one.send(order_event(1))
    _late, seen_late = site()
    newer = order_event(2)
    one.send(newer)
    assert seen_late.wait_for(1) == [newer.id]
    assert not wait_until(lambda: len(seen_late.ids) > 1, timeout=0.5)


@pytest.mark.parametrize("outage", [1.5, 7.0], ids=["short", "longer-than-the-consumer"])
def test_a_process_cut_off_by_the_network_catches_up(site: Site, outage: float) -> None:
    proxy = TcpProxy(HOST, PORT)
    try:
        (one, _), (_cut, seen_cut) = site(), site(port=proxy.port)
        first = order_event(0)
        one.send(first)
        seen_cut.wait_for(1)
        proxy.refuse()
        proxy.drop()
        during = [order_event(number) for number in range(1, 6)]
        for event in during:
            one.send(event)  # straight to NATS while the second process is cut off
        time.sleep(outage)
        proxy.refuse(False)
        expected = [first.id, *(event.id for event in during)]
        assert seen_cut.wait_for(6) == expected
        after = order_event(6)
        one.send(after)
        assert seen_cut.wait_for(7) == [*expected, after.id]
    finally:
        proxy.close()


def test_events_aged_out_during_an_outage_are_replayed_from_the_outbox(
    names: tuple[str, str]
) -> None:
    subject, stream = names
    sent: list[OrderCreated] = []

    def outbox_since(at: datetime) -> Iterator[Event]:
        """What the outbox relay published since ``at`` (the real one reads the database)."""
        return (event for event in list(sent) if event.at >= at)

    proxy = TcpProxy(HOST, PORT)
    query = f"subject={subject}&stream={stream}&max_msgs=100"
    one = NatsTransport(f"nats://{HOST}:{PORT}?{query}")
    cut = NatsTransport(f"nats://{HOST}:{proxy.port}?{query}", catch_up=outbox_since)
    bus = EventBus()
    seen = Collector(bus)
    try:
        cut.start(bus.receive)
        for number in range(1000):
            if number == 10:
                seen.wait_for(10)
                proxy.refuse()
                proxy.drop()
            sent.append(order_event(number))
            one.send(sent[-1])
        proxy.refuse(False)
        assert seen.wait_for(1000) == [event.id for event in sent]
    finally:
        for transport in (one, cut):
            transport.close()
        proxy.close()


@pytest.mark.timeout(20)
def test_send_and_ping_raise_when_nats_is_away(site: Site) -> None:
    dead, _ = site(port=free_port())
    with pytest.raises(ConnectionError, match="NATS at 127.0.0.1"):
        dead.send(order_event(1))
    with pytest.raises(ConnectionError, match="does not answer"):
        dead.ping()


def test_ping_answers_when_nats_is_up(site: Site) -> None:
    transport, _ = site()
    transport.ping()


def test_plain_nats_when_jetstream_is_turned_off(site: Site, names: tuple[str, str]) -> None:
    plain = "&jetstream=false"
    (one, seen_one), (two, seen_two) = site(query=plain), site(query=plain)
    assert one.uses_jetstream is False and two.uses_jetstream is False
    event = order_event(1)
    one.send(event)
    two.send(event)  # no server-side dedupe here: the buses drop the repeat
    assert seen_one.wait_for(1) == [event.id]
    assert seen_two.wait_for(1) == [event.id]
    assert not wait_until(lambda: len(seen_two.ids) > 1, timeout=0.5)

    async def missing(nc: Client) -> bool:
        try:
            await nc.jetstream().stream_info(names[1])
        except nats.js.errors.NotFoundError:
            return True
        return False

    assert admin(missing)  # no stream was made


def test_falls_back_to_plain_nats_on_a_server_without_jetstream(
    site: Site, tmp_path: Path
) -> None:
    binary = shutil.which("nats-server")
    if binary is None:
        pytest.skip("the nats-server binary is not installed")
    port = free_port()
    server = subprocess.Popen([binary, "-a", HOST, "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: _answers(port), timeout=10)
        (one, seen_one), (_two, seen_two) = site(port=port), site(port=port)
        assert one.uses_jetstream is False
        event = order_event(1)
        one.send(event)
        assert seen_one.wait_for(1) == [event.id]
        assert seen_two.wait_for(1) == [event.id]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_undecodable_messages_are_skipped(site: Site, names: tuple[str, str]) -> None:
    one, seen = site()

    async def garbage(nc: Client) -> Any:
        await nc.jetstream().publish(names[0], b"not json")
        await nc.jetstream().publish(names[0], b'{"event": "NoSuchEvent"}')

    admin(garbage)
    event = order_event(1)
    one.send(event)
    assert seen.wait_for(1) == [event.id]


def test_url_options() -> None:
    servers, options = split_nats_url(
        "nats://a:4222,b:4223?subject=s.x&stream=S&max_age=60&max_msgs=10&jetstream=no"
    )
    assert servers == ["nats://a:4222", "nats://b:4223"]
    assert (options.subject, options.stream, options.max_age, options.max_msgs,
            options.jetstream) == ("s.x", "S", 60.0, 10, False)
    servers, options = split_nats_url("nats://u:p@h:4222")
    assert servers == ["nats://u:p@h:4222"]
    assert (options.subject, options.stream, options.jetstream) == (
        "facet.events", "FACET_EVENTS", True)


async def _quiet(error: Exception) -> None:
    """Keep a probe's expected connection errors out of the log."""


def _answers(port: int) -> bool:
    try:
        admin(lambda nc: nc.flush(timeout=1), port=port)
    except Exception:
        return False
    return True


def test_facet_events_url_picks_the_nats_transport() -> None:
    transport = transport_from_url("nats://127.0.0.1:4222?subject=site.a&stream=SITE_A")
    assert isinstance(transport, NatsTransport)
    assert (transport.options.subject, transport.options.stream) == ("site.a", "SITE_A")
    transport.close()
