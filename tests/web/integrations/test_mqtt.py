"""Alerts and camera states reach a real MQTT subscriber through a real Mosquitto broker."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core import Database, Event, EventBus
from core.alerts import acknowledge, raise_alert
from core.people.service import system_actor
from tests.web.integrations.conftest import Subscriber
from vision.messages import CameraStatusReport
from vision.sources import CameraState
from web.integrations import Integrations, start_integrations
from web.integrations.mqtt import BrokerAddress, parse_mqtt_url
from web.settings import OperationsSettings

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite database with its own bus (one process's)."""
    path = tmp_path / "facet.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def running() -> Iterator[Callable[..., Integrations]]:
    """start_integrations, stopped after the test."""
    started: list[Integrations] = []

    def start(*args: object, **kwargs: object) -> Integrations:
        started.append(start_integrations(*args, **kwargs))  # type: ignore[arg-type]
        assert started[-1].mqtt is not None and started[-1].mqtt.wait_connected(5)
        return started[-1]

    yield start
    for one in started:
        one.stop()


def _settings(url: str, prefix: str) -> OperationsSettings:
    return OperationsSettings(mqtt_url=url, mqtt_topic_prefix=prefix)


def _raise(db: Database, camera: str) -> int:
    with db.write() as session:
        return raise_alert(session, camera=camera, zone="vault", rule="unauthorised-person",
                           severity="high", message=f"person at {camera}").id


def test_parse_mqtt_url() -> None:
    assert parse_mqtt_url("mqtt://127.0.0.1") == BrokerAddress("127.0.0.1", 1883)
    assert parse_mqtt_url("mqtts://desk:p%40ss@broker.example:8884") == BrokerAddress(
        "broker.example", 8884, tls=True, username="desk", password="p@ss")
    assert parse_mqtt_url("mqtts://broker.example").port == 8883
    with pytest.raises(ValueError, match="not an MQTT URL"):
        parse_mqtt_url("http://broker.example")


def test_each_alert_reaches_a_subscriber_once_with_two_workers(
    db: Database, mqtt_url: str, prefix: str, subscribe: Callable[[str], Subscriber],
    running: Callable[..., Integrations],
) -> None:
    # Worker A commits; worker B gets every event through the transport, as a second
    # `facet serve` process does. Both publish to the same broker.
    other = EventBus()

    def transport(event: Event) -> None:
        other.receive(event)
        db.bus.receive(event)  # the event comes back to its own process too: dropped

    db.bus.subscribe(Event, transport)
    running(_settings(mqtt_url, prefix), db.bus)
    running(_settings(mqtt_url, prefix), other)
    sub = subscribe(f"{prefix}/alerts")
    ids = [_raise(db, "vault-1"), _raise(db, "vault-2"), _raise(db, "door")]
    with db.write() as session:
        acknowledge(session, actor=system_actor(session), alert_id=ids[0], note="cleaner")
    topic = f"{prefix}/alerts"
    assert sub.wait_for(lambda: len(sub.on(topic)) >= 4)
    time.sleep(0.5)  # room for a duplicate to show up, were there one
    got = [json.loads(p) for p in sub.on(topic)]
    assert [(m["type"], m["alert_id"]) for m in got] == [
        ("new", ids[0]), ("new", ids[1]), ("new", ids[2]), ("end", ids[0])]
    assert len({m["id"] for m in got}) == 4  # an event id per message, for consumers' dedupe
    assert got[1] | {"id": "", "at": ""} == {
        "type": "new", "id": "", "alert_id": ids[1], "camera": "vault-2", "zone": "vault",
        "rule": "unauthorised-person", "severity": "high", "message": "person at vault-2",
        "at": ""}
    assert got[3]["reason"] == "acknowledged" and got[3]["note"] == "cleaner"
    assert not any(retained for _, _, retained in sub.messages)


def _report(camera: str, state: CameraState) -> CameraStatusReport:
    return CameraStatusReport(group="g", camera=camera, state=state)


def test_camera_state_is_retained_for_a_late_subscriber(
    mqtt_url: str, prefix: str, subscribe: Callable[[str], Subscriber],
    running: Callable[..., Integrations],
) -> None:
    states = {"dock": CameraState.CONNECTING, "vault/1": CameraState.ONLINE}
    live = subscribe(f"{prefix}/cameras/#")
    running(_settings(mqtt_url, prefix), EventBus(),
            lambda: [_report(name, state) for name, state in states.items()],
            watch_interval_s=0.05)
    dock = f"{prefix}/cameras/dock/state"
    assert live.wait_for(lambda: live.on(dock) == [b"connecting"])
    states["dock"] = CameraState.ONLINE
    assert live.wait_for(lambda: live.on(dock) == [b"connecting", b"online"])
    states["dock"] = CameraState.OFFLINE
    assert live.wait_for(lambda: len(live.on(dock)) == 3)
    time.sleep(0.3)  # unchanged states are polled again, not published again
    assert live.on(dock) == [b"connecting", b"online", b"offline"]

    late = subscribe(f"{prefix}/cameras/#")
    vault = f"{prefix}/cameras/vault_1/state"  # '/' is no part of a topic level
    assert late.wait_for(lambda: late.on(dock) == [b"offline"] and late.on(vault) == [b"online"])
    assert all(retained for _, _, retained in late.messages)


def test_availability_online_then_offline_on_a_clean_stop(
    mqtt_url: str, prefix: str, subscribe: Callable[[str], Subscriber],
    running: Callable[..., Integrations],
) -> None:
    topic = f"{prefix}/available"
    started = running(_settings(mqtt_url, prefix), EventBus())
    late = subscribe(topic)
    assert late.wait_for(lambda: late.on(topic) == [b"online"])
    started.stop()
    assert late.wait_for(lambda: late.on(topic) == [b"online", b"offline"])


_PROCESS = """
import sys, time
from web.integrations.mqtt import MqttPublisher
publisher = MqttPublisher(sys.argv[1], prefix=sys.argv[2])
publisher.start()
assert publisher.wait_connected(10)
print("connected", flush=True)
time.sleep(120)
"""


def _process(mqtt_url: str, prefix: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _PROCESS, mqtt_url, prefix], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "connected"
    return proc


def test_the_last_will_says_offline_when_a_process_dies(
    mqtt_url: str, prefix: str, subscribe: Callable[[str], Subscriber],
) -> None:
    topic = f"{prefix}/available"
    proc = _process(mqtt_url, prefix)
    try:
        sub = subscribe(topic)
        assert sub.wait_for(lambda: sub.on(topic) == [b"online"])
        proc.send_signal(signal.SIGKILL)
        proc.wait(5)
        assert sub.wait_for(lambda: sub.on(topic) == [b"online", b"offline"])
        late = subscribe(topic)
        assert late.wait_for(lambda: late.on(topic) == [b"offline"])
    finally:
        proc.kill()
        proc.wait(5)


def test_a_living_process_answers_another_ones_last_will(
    mqtt_url: str, prefix: str, subscribe: Callable[[str], Subscriber],
    running: Callable[..., Integrations],
) -> None:
    # Two web workers share <prefix>/available: one dying must not mark Facet offline.
    topic = f"{prefix}/available"
    running(_settings(mqtt_url, prefix), EventBus())
    proc = _process(mqtt_url, prefix)
    try:
        sub = subscribe(topic)
        proc.send_signal(signal.SIGKILL)
        proc.wait(5)
        assert sub.wait_for(lambda: sub.on(topic)[-2:] == [b"offline", b"online"])
        late = subscribe(topic)
        assert late.wait_for(lambda: late.on(topic) == [b"online"])
    finally:
        proc.kill()
        proc.wait(5)


def test_nothing_configured_starts_nothing() -> None:
    bus = EventBus()
    integrations = start_integrations(OperationsSettings(), bus)
    assert not integrations.active and integrations.watch is None
    integrations.stop()


def test_the_web_app_publishes_the_alerts_it_commits(
    sqlite_template: Path, tmp_path: Path, mqtt_url: str, prefix: str,
    subscribe: Callable[[str], Subscriber],
) -> None:
    from fastapi.testclient import TestClient

    from core import CoreSettings
    from web.app import Settings, create_app
    from web.services import services_of

    path = tmp_path / "facet.db"
    shutil.copy(sqlite_template, path)
    app = create_app(Settings(
        core=CoreSettings(database_url=f"sqlite:///{path}", secret_key="test-key-0123456789"),
        operations=_settings(mqtt_url, prefix)))
    sub = subscribe(f"{prefix}/#")
    with TestClient(app):
        assert sub.wait_for(lambda: sub.on(f"{prefix}/available") == [b"online"])
        alert_id = _raise(services_of(app).db, "vault-1")
        assert sub.wait_for(lambda: len(sub.on(f"{prefix}/alerts")) == 1)
    assert json.loads(sub.on(f"{prefix}/alerts")[0])["alert_id"] == alert_id
    assert sub.wait_for(lambda: sub.on(f"{prefix}/available") == [b"online", b"offline"])


@dataclass
class OwnBroker:
    """A private Mosquitto (sessions kept on disk) that a test stops and starts again."""

    binary: str
    data: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and wait until it listens."""
        self.proc = subprocess.Popen([self.binary, "-c", str(self.data / "mosquitto.conf")],
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"mosquitto did not listen on {self.port}")

    def stop(self) -> None:
        """Stop it cleanly; it saves its sessions to disk, or the test would prove nothing."""
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(5)
            self.proc = None
            assert (self.data / "mosquitto.db").exists(), f"no sessions saved: {self.log()}"

    def log(self) -> str:
        """The broker's own log (in failure messages)."""
        path = self.data / "mosquitto.log"
        return path.read_text(errors="replace") if path.exists() else "(no broker log)"


@pytest.fixture
def own_broker() -> Iterator[OwnBroker]:
    """A private broker on a free port (skipped when the mosquitto binary is not installed)."""
    binary = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin")
    if binary is None:
        pytest.skip("the mosquitto binary is not installed (a private broker to restart)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Not under tmp_path: mosquitto started as root drops to its own user, which cannot enter
    # pytest's 0700 directories, so it saved no session and a restart forgot the consumer's.
    data = Path(tempfile.mkdtemp(prefix="facet-mosquitto-"))
    data.chmod(0o777)
    (data / "mosquitto.conf").write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\n"
        f"persistence true\npersistence_location {data}/\n"
        f"log_dest file {data}/mosquitto.log\nlog_type all\n")
    broker = OwnBroker(binary, data, port)
    broker.start()
    try:
        yield broker
        broker.stop()
    finally:
        if broker.proc is not None:
            broker.proc.kill()
            broker.proc.wait(5)
        shutil.rmtree(data, ignore_errors=True)


def test_alerts_committed_while_the_broker_is_down_arrive_after_it_returns(
    db: Database, own_broker: OwnBroker, running: Callable[..., Integrations],
) -> None:
    prefix, topic = "facet-restart", "facet-restart/alerts"
    # A consumer with a persistent session: the broker keeps its QoS 1 messages over the gap.
    sub = Subscriber("127.0.0.1", own_broker.port)
    sub.start(topic, client_id="desk", clean_session=False)
    try:
        integrations = running(_settings(f"mqtt://127.0.0.1:{own_broker.port}", prefix), db.bus)
        mqtt = integrations.mqtt
        assert mqtt is not None
        first = _raise(db, "vault-1")
        assert sub.wait_for(lambda: len(sub.on(topic)) == 1)
        own_broker.stop()
        assert sub.wait_for(lambda: not mqtt.connected)
        second = _raise(db, "vault-2")  # paho holds it until the broker is back
        own_broker.start()
        assert sub.wait_for(lambda: len(sub.on(topic)) >= 2, timeout=30), own_broker.log()
        time.sleep(0.5)
        assert [json.loads(p)["alert_id"] for p in sub.on(topic)] == [first, second]
    finally:
        sub.stop()
