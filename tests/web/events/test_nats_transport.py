"""NatsTransport against the real NATS (JetStream) on 127.0.0.1:4222: two "processes" share it."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from uuid import uuid4

import nats
import nats.js.errors
import pytest
from nats.aio.client import Client
from nats.js.api import StreamInfo

from tests.web.events.servers import (
    Sites,
    TcpProxy,
    check_a_late_process_reads_only_newer_events,
    check_a_replayed_send_is_delivered_once_per_bus,
    check_a_thousand_events_arrive_in_order,
    check_one_event_reaches_both_once,
    check_outage_is_replayed_from_the_outbox,
    check_send_and_ping_raise_when_away,
    free_port,
    order_event,
    require_server,
    wait_until,
)
from web.events.factory import transport_from_url
from web.events.nats import NatsTransport, split_nats_url
from web.events.reader import CatchUp

HOST, PORT = "127.0.0.1", 4222
pytestmark = pytest.mark.timeout(60)
T = TypeVar("T")

Site = Sites[NatsTransport]


def admin(action: Callable[[Client], Awaitable[T]], port: int = PORT) -> T:
    """Run ``action`` with a NATS connection of the test's own (failing at once if none)."""

    async def run() -> T:
        nc = await nats.connect(f"nats://{HOST}:{port}", connect_timeout=2,
                                allow_reconnect=False, error_cb=_quiet)
        try:
            return await action(nc)
        finally:
            await nc.close()

    # On a thread of its own: a test run may leave this thread marked as running a loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


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
    subject, stream = names
    sites = Sites(lambda port, query: NatsTransport(
        f"nats://{HOST}:{port}?subject={subject}&stream={stream}{query}"), PORT)
    yield sites
    sites.close()


def stream_info(stream: str) -> StreamInfo:
    """The stream as the server describes it."""

    async def info(nc: Client) -> StreamInfo:
        return await nc.jetstream().stream_info(stream)

    return admin(info)


def test_an_event_sent_by_one_process_reaches_both_once(site: Site) -> None:
    one, two = check_one_event_reaches_both_once(site)
    assert one.uses_jetstream and two.uses_jetstream


def test_a_thousand_events_arrive_in_order_without_loss_or_repeat(site: Site) -> None:
    check_a_thousand_events_arrive_in_order(site)


def test_jetstream_drops_a_replayed_send_and_each_bus_delivers_once(
    site: Site, names: tuple[str, str]
) -> None:
    check_a_replayed_send_is_delivered_once_per_bus(site)
    assert stream_info(names[1]).state.messages == 2  # the server kept the event once


def test_the_stream_is_created_with_the_url_limits(site: Site, names: tuple[str, str]) -> None:
    site(query="&max_age=600&max_msgs=5000")
    config = stream_info(names[1]).config
    assert (config.subjects, config.max_age, config.max_msgs) == ([names[0]], 600, 5000)
    assert config.duplicate_window == 120


def test_a_process_reads_only_events_sent_after_it_started(site: Site) -> None:
    check_a_late_process_reads_only_newer_events(site)


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

    def connect(port: int, catch_up: CatchUp | None) -> NatsTransport:
        url = f"nats://{HOST}:{port}?subject={subject}&stream={stream}&max_msgs=100"
        return NatsTransport(url, catch_up=catch_up)

    check_outage_is_replayed_from_the_outbox(connect, HOST, PORT)


@pytest.mark.timeout(20)
def test_send_and_ping_raise_when_nats_is_away(site: Site) -> None:
    check_send_and_ping_raise_when_away(site, "NATS")


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
        (one, seen_one), (two, seen_two) = site(port=port), site(port=port)
        assert one.uses_jetstream is False
        # plain publish/subscribe delivers only to subscriptions already made: start() waits
        # for it up to the transport's timeout, which a loaded machine can outlast
        assert wait_until(lambda: one.subscribed and two.subscribed, timeout=15)
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
