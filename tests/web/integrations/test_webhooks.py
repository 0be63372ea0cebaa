"""Signed webhooks against a real local HTTP server: signatures, retries, refusals."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from core import AlertRaised, EventBus
from vision.messages import CameraStatusReport
from vision.sources import CameraState
from web.integrations import start_integrations
from web.integrations.webhooks import Delivery, WebhookSender
from web.settings import OperationsSettings, Webhook

SECRET = "a-desk-secret-0123456789"


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance_s: int = 300) -> bool:
    """The README's verification snippet: HMAC over timestamp.body, recent timestamps only."""
    timestamp = headers["X-Facet-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance_s:
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + mac.hexdigest(), headers["X-Facet-Signature"])


@dataclass
class Receiver:
    """What the server got, and the answers (status, delay) it gives, in order."""

    answers: list[tuple[int, float]] = field(default_factory=list)
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Every answer waits until this is set (a receiver that hangs).
    go_on: threading.Event = field(default_factory=threading.Event)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[tuple[dict[str, str], bytes]]:
        """The requests once ``count`` arrived (or what arrived by ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.got) < count:
            time.sleep(0.02)
        return list(self.got)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    """A local HTTP server in a thread, and its URL."""
    state = Receiver()
    state.go_on.set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.got.append((dict(self.headers.items()), body))
                status, delay = state.answers.pop(0) if state.answers else (200, 0.0)
            time.sleep(delay)
            state.go_on.wait(10)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.fixture
def sender() -> Iterator[Callable[..., WebhookSender]]:
    """Started senders with quick back-off; stopped after the test."""
    started: list[WebhookSender] = []

    def start(url: str, **kwargs: Any) -> WebhookSender:
        kwargs = {"backoff_s": 0.05, "timeout_s": 2.0, **kwargs}
        started.append(WebhookSender(url, SECRET, ["AlertRaised", "CameraState"], **kwargs))
        started[-1].start()
        return started[-1]

    yield start
    for one in started:
        one.stop()


def _alert(alert_id: int = 7) -> AlertRaised:
    return AlertRaised(alert_id=alert_id, camera="vault-1", zone="vault",
                       rule="unauthorised-person", severity="high", message="person in vault")


def test_a_signed_delivery_that_the_readme_snippet_verifies(
    receiver: tuple[Receiver, str], sender: Callable[..., WebhookSender],
) -> None:
    state, url = receiver
    event = _alert()
    bus = EventBus()
    integrations = start_integrations(
        OperationsSettings(webhooks=[Webhook(url=url, secret=SECRET)]), bus,
        sender=functools.partial(WebhookSender, backoff_s=0.05))
    try:
        bus.publish(event)
        bus.receive(_alert(8))  # from another process: that one sends it
        [(headers, body)] = state.wait_for(1)
        time.sleep(0.3)
        assert len(state.got) == 1
    finally:
        integrations.stop()
    assert verify(SECRET, headers, body)
    assert not verify("another-secret-0123456789", headers, body)
    assert not verify(SECRET, headers, body.replace(b"vault-1", b"vault-2"))
    assert headers["X-Facet-Event"] == "AlertRaised"
    assert headers["X-Facet-Delivery"] == event.id
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "type": "new", "id": event.id, "alert_id": 7, "camera": "vault-1", "zone": "vault",
        "rule": "unauthorised-person", "severity": "high", "message": "person in vault",
        "at": event.at.isoformat()}


def test_a_server_error_is_retried_with_the_same_delivery_id(
    receiver: tuple[Receiver, str], sender: Callable[..., WebhookSender],
) -> None:
    state, url = receiver
    state.answers = [(500, 0.0), (503, 0.0)]
    sender(url).offer(Delivery.of("AlertRaised", {"id": "d-1", "alert_id": 1}))
    got = state.wait_for(3)
    assert len(got) == 3
    assert {headers["X-Facet-Delivery"] for headers, _ in got} == {"d-1"}
    assert all(verify(SECRET, headers, body) for headers, body in got)


def test_a_timeout_is_retried(
    receiver: tuple[Receiver, str], sender: Callable[..., WebhookSender],
) -> None:
    state, url = receiver
    state.answers = [(200, 1.0)]  # answered after the sender's 0.3 s timeout
    sender(url, timeout_s=0.3).offer(Delivery.of("AlertRaised", {"id": "d-2"}))
    assert len(state.wait_for(2)) == 2


def test_a_client_error_is_not_retried_and_later_deliveries_go_on(
    receiver: tuple[Receiver, str], sender: Callable[..., WebhookSender],
) -> None:
    state, url = receiver
    state.answers = [(400, 0.0)]
    hook = sender(url)
    hook.offer(Delivery.of("AlertRaised", {"id": "refused"}))
    hook.offer(Delivery.of("AlertRaised", {"id": "next"}))
    got = state.wait_for(2)
    time.sleep(0.3)  # room for a retry to show up, were there one
    assert [h["X-Facet-Delivery"] for h, _ in state.got] == ["refused", "next"]
    assert len(got) == 2


def test_attempts_end_and_an_unwanted_event_is_not_sent(
    receiver: tuple[Receiver, str], sender: Callable[..., WebhookSender],
) -> None:
    state, url = receiver
    state.answers = [(502, 0.0)] * 5
    hook = sender(url, attempts=3)
    hook.offer(Delivery.of("AlertAcknowledged", {"id": "not-wanted"}))
    hook.offer(Delivery.of("AlertRaised", {"id": "given-up"}))
    hook.offer(Delivery.of("AlertRaised", {"id": "after"}))
    state.wait_for(5)
    assert [h["X-Facet-Delivery"] for h, _ in state.got] == ["given-up"] * 3 + ["after"] * 2


def test_a_full_queue_drops_instead_of_blocking_the_commit(
    receiver: tuple[Receiver, str], sender: Callable[..., WebhookSender],
) -> None:
    state, url = receiver
    state.go_on.clear()  # the receiver hangs: the first delivery holds the thread
    hook = sender(url, queue_size=2)
    hook.offer(Delivery.of("AlertRaised", {"id": "d0"}))
    state.wait_for(1)
    for n in range(1, 10):  # were offer() to block, the test would hang here
        hook.offer(Delivery.of("AlertRaised", {"id": f"d{n}"}))
    state.go_on.set()
    state.wait_for(3)
    time.sleep(0.3)  # room for a dropped one to show up, were it not dropped
    assert [h["X-Facet-Delivery"] for h, _ in state.got] == ["d0", "d1", "d2"]


def test_camera_states_are_posted_from_the_process_that_runs_cameras(
    receiver: tuple[Receiver, str],
) -> None:
    state, url = receiver
    reports = [CameraStatusReport(group="g", camera="dock", state=CameraState.ONLINE)]
    integrations = start_integrations(
        OperationsSettings(webhooks=[Webhook(url=url, secret=SECRET, events=["CameraState"])]),
        EventBus(), lambda: reports, watch_interval_s=0.05)
    try:
        [(headers, body)] = state.wait_for(1)
    finally:
        integrations.stop()
    assert headers["X-Facet-Event"] == "CameraState" and verify(SECRET, headers, body)
    sent = json.loads(body)
    assert (sent["type"], sent["camera"], sent["state"]) == ("camera", "dock", "online")
