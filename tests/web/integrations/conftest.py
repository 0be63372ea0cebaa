"""A real Mosquitto broker (127.0.0.1:1883), a unique topic prefix and a real paho subscriber."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from uuid import uuid4

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

BROKER = ("127.0.0.1", 1883)


@pytest.fixture(scope="session")
def broker() -> tuple[str, int]:
    """The broker's address; skipped when it is down, except in CI where that is a failure."""
    try:
        socket.create_connection(BROKER, timeout=1).close()
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"MQTT broker {BROKER} is down in CI: {exc}")
        pytest.skip(f"no MQTT broker at {BROKER[0]}:{BROKER[1]} ({exc})")
    return BROKER


@pytest.fixture
def mqtt_url(broker: tuple[str, int]) -> str:
    """``mqtt://`` URL of the broker."""
    return f"mqtt://{broker[0]}:{broker[1]}"


@dataclass
class Subscriber:
    """A plain paho client that records every message under a topic filter."""

    host: str
    port: int
    messages: list[tuple[str, bytes, bool]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, topic: str, *, client_id: str = "", clean_session: bool = True) -> Subscriber:
        """Connect and subscribe (QoS 1); returns when the subscription is acknowledged."""
        subscribed = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2,
                                  client_id=client_id or f"test-{uuid4().hex}",
                                  clean_session=clean_session)
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_args: subscribed.set()
        self.client.on_connect = lambda client, *_args: client.subscribe(topic, qos=1)
        self.client.connect(self.host, self.port)
        self.client.loop_start()
        assert subscribed.wait(5), "the test subscriber could not subscribe"
        return self

    def _on_message(self, _client: paho.Client, _userdata: object, msg: paho.MQTTMessage) -> None:
        with self.lock:
            self.messages.append((msg.topic, bytes(msg.payload), bool(msg.retain)))

    def on(self, topic: str) -> list[bytes]:
        """Payloads received on ``topic`` so far."""
        with self.lock:
            return [payload for t, payload, _ in self.messages if t == topic]

    def wait_for(self, check: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Poll ``check`` until true or ``timeout`` seconds passed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.02)
        return check()

    def stop(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def prefix(broker: tuple[str, int]) -> Iterator[str]:
    """A topic prefix of this test alone; its retained messages are cleared after."""
    name = f"facet-test-{uuid4().hex[:12]}"
    yield name
    seen = Subscriber(*broker).start(f"{name}/#")
    time.sleep(0.3)  # retained messages arrive right after the subscription
    for topic in {t for t, _, retained in seen.messages if retained}:
        seen.client.publish(topic, b"", qos=1, retain=True).wait_for_publish(5)
    seen.stop()


@pytest.fixture
def subscribe(broker: tuple[str, int]) -> Iterator[Callable[[str], Subscriber]]:
    """Start real subscribers on a topic filter; all stopped after the test."""
    started: list[Subscriber] = []

    def start(topic: str) -> Subscriber:
        started.append(Subscriber(*broker).start(topic))
        return started[-1]

    yield start
    for sub in started:
        sub.stop()
