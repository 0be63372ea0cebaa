"""Shared helpers for the transport tests: real servers, a TCP proxy that can cut them off, waits.

A test that needs a server calls :func:`require_server`: it skips when the server is down, except
in CI (``CI=true``) where a missing server is a failure, not a skip.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable

import pytest

from core.events import Event, EventBus, OrderCreated

__all__ = [
    "Collector",
    "TcpProxy",
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
