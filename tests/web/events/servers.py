"""Shared helpers for the transport tests: real servers, a TCP proxy that can cut them off, waits.

A test that needs a server calls :func:`require_server`: it skips when the server is down, except
in CI (``CI=true``) where a missing server is a failure, not a skip.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Generic, TypeVar

import pytest

from core.events import Event, EventBus, OrderCreated, Transport
from web.events.reader import CatchUp

__all__ = [
    "Collector",
    "Sites",
    "TcpProxy",
    "check_a_late_process_reads_only_newer_events",
    "check_a_replayed_send_is_delivered_once_per_bus",
    "check_a_thousand_events_arrive_in_order",
    "check_one_event_reaches_both_once",
    "check_outage_is_replayed_from_the_outbox",
    "check_send_and_ping_raise_when_away",
    "free_port",
    "order_event",
    "require_server",
    "wait_until",
]


def require_server(host: str, port: int, what: str) -> None:
    """Skip (outside CI) or fail (in CI) when nothing answers on ``host:port``."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError as error:
        message = f"{what} is not running on {host}:{port} ({error})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must run it")
        pytest.skip(message)


def free_port() -> int:
    """A TCP port nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def order_event(number: int) -> OrderCreated:
    """A small real event, numbered so tests can check order."""
    return OrderCreated(order_id=number, channel="transport-test", external_id=f"ext-{number}")


class Collector:
    """Every event one bus delivers, in delivery order."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[Event] = []
        self._lock = threading.Lock()
        bus.subscribe(Event, self._add)

    def _add(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    @property
    def ids(self) -> list[str]:
        """The delivered event ids, in order."""
        with self._lock:
            return [event.id for event in self.events]

    def wait_for(self, count: int, timeout: float = 15.0) -> list[str]:
        """Wait until at least ``count`` events arrived (or ``timeout``); return the ids."""
        wait_until(lambda: len(self.ids) >= count, timeout)
        return self.ids


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` passes; return its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class TcpProxy:
    """A TCP proxy to a real server that a test can cut: :meth:`drop` closes every connection.

    While :meth:`refuse` is in force new connections are closed at once too, as when the server
    is down; the transport under test sees a real network failure and must recover by itself.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._refusing = threading.Event()
        self._closed = threading.Event()
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._refusing.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=2)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                _shut(end)

    def drop(self) -> None:
        """Close every proxied connection (new ones are still accepted)."""
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for end in sockets:
            _shut(end)

    def refuse(self, refusing: bool = True) -> None:
        """Start (or stop) closing new connections at once, as a dead server would."""
        if refusing:
            self._refusing.set()
        else:
            self._refusing.clear()

    def close(self) -> None:
        """Stop listening and close every connection."""
        self._closed.set()
        self._listener.close()
        self.drop()


def _shut(end: socket.socket) -> None:
    try:
        end.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    end.close()


TransportT = TypeVar("TransportT", bound=Transport)


class Sites(Generic[TransportT]):
    """Started transports, each with the bus it feeds, as Facet processes would have them.

    ``connect(port, query)`` makes a transport to the server on ``port`` with ``query`` added to
    its URL; calling the object starts one (on ``port``, by default the real server's).
    """

    def __init__(self, connect: Callable[[int, str], TransportT], port: int) -> None:
        self._connect, self._port = connect, port
        self._opened: list[TransportT] = []

    def __call__(self, port: int | None = None, query: str = "") -> tuple[TransportT, Collector]:
        transport = self._connect(self._port if port is None else port, query)
        bus = EventBus()
        transport.start(bus.receive)
        self._opened.append(transport)
        return transport, Collector(bus)

    def close(self) -> None:
        """Close every transport started."""
        for transport in self._opened:
            transport.close()


# -- cases every broker transport (Redis, NATS) must pass, run by each transport's tests --------


def check_one_event_reaches_both_once(sites: Sites[TransportT]) -> tuple[TransportT, TransportT]:
    """An event one process sends reaches its own bus and the other's, decoded equal."""
    (one, seen_one), (two, seen_two) = sites(), sites()
    event = order_event(1)
    one.send(event)
    assert seen_one.wait_for(1) == [event.id]
    assert seen_two.wait_for(1) == [event.id]
    assert seen_two.events[0] == event  # decoded back to the same frozen dataclass
    return one, two


def check_a_thousand_events_arrive_in_order(sites: Sites[TransportT]) -> None:
    """A thousand events reach both buses in order, none lost, none repeated."""
    (one, seen_one), (_two, seen_two) = sites(), sites()
    events = [order_event(number) for number in range(1000)]
    for event in events:
        one.send(event)
    expected = [event.id for event in events]
    assert seen_one.wait_for(1000) == expected
    assert seen_two.wait_for(1000) == expected


def check_a_replayed_send_is_delivered_once_per_bus(sites: Sites[TransportT]) -> None:
    """An event sent twice (a relay replaying after a crash) is delivered once by each bus."""
    (one, seen_one), (two, seen_two) = sites(), sites()
    event, after = order_event(1), order_event(2)
    one.send(event)
    two.send(event)  # the outbox relay sending again after a crash
    one.send(after)
    assert seen_one.wait_for(2) == [event.id, after.id]
    assert seen_two.wait_for(2) == [event.id, after.id]


def check_a_late_process_reads_only_newer_events(sites: Sites[TransportT]) -> None:
    """A process that starts late gets the events sent after it started, not the older ones."""
    one, _ = sites()
    one.send(order_event(1))
    _late, seen_late = sites()
    newer = order_event(2)
    one.send(newer)
    assert seen_late.wait_for(1) == [newer.id]
    assert not wait_until(lambda: len(seen_late.ids) > 1, timeout=0.5)


def check_outage_is_replayed_from_the_outbox(
    connect: Callable[[int, CatchUp | None], Transport], host: str, port: int
) -> None:
    """Events the server dropped (its bound: ~100 kept) while a process was cut off reach it
    from the outbox (``catch_up``), all 1000 in order.

    ``connect(port, catch_up)`` makes a transport whose URL bounds what the server keeps.
    """
    sent: list[OrderCreated] = []

    def outbox_since(at: datetime) -> Iterator[Event]:
        """What the outbox relay published since ``at`` (the real one reads the database)."""
        return (event for event in list(sent) if event.at >= at)

    proxy = TcpProxy(host, port)
    one, cut = connect(port, None), connect(proxy.port, outbox_since)
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


def check_send_and_ping_raise_when_away(sites: Sites[TransportT], what: str) -> None:
    """With no server on the port, send and ping raise ConnectionError naming ``what``."""
    dead, _ = sites(port=free_port())
    with pytest.raises(ConnectionError, match=f"{what} at 127.0.0.1"):
        dead.send(order_event(1))
    with pytest.raises(ConnectionError, match="does not answer"):
        dead.ping()
