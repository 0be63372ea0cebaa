"""`facet vision serve`: two real instances on one PostgreSQL database share the cameras by
lease (one runs them, one alert per person; kill -9 the leader and the other takes over within
10 s without repeating its alert), and the web app forwards the camera wall to the service
(503 ``vision-unreachable`` when it is down; no camera in the web app then, nor with several
workers)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
import yaml
from fastapi.testclient import TestClient

from core import AlertRaised, CoreSettings, Database, EventBus
from core.alerts import list_alerts
from core.leases import holder_of, release, try_acquire
from core.migrate import upgrade
from tests.core.api.test_api_core import login, seed
from tests.pg import fresh_postgres, require_postgres
from vision import AlertRecord, Severity, VisionSettings, load_cameras
from web.app import create_app
from web.events.runtime import EventsRuntime
from web.settings import Settings, WebSettings
from web.vision_service.app import create_vision_app
from web.vision_service.runner import (
    LEASE_PREFIX,
    LeasedAlertSink,
    LeaseLost,
    LeaseTiming,
    VisionService,
)

FACET = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "facet"
AUDIT_KEY = "vision-service-test-audit-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, every: float = 0.1) -> Any:
    """The first truthy value of ``predicate`` within ``timeout`` seconds, else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = predicate()
        except httpx.HTTPError:
            found = None
        if found:
            return found
        time.sleep(every)
    return None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of this test's own, dropped afterwards."""
    require_postgres("the vision leases need PostgreSQL")
    with fresh_postgres("facet_vision") as url:
        yield url


def _cameras_file(folder: Path, *, loop: bool) -> Path:
    """One camera: a magenta blob (the fake detector's person) walking into a restricted zone."""
    frames = folder / "frames"
    frames.mkdir(parents=True)
    for i in range(12):
        image = np.full((240, 320, 3), 120, dtype=np.uint8)
        image[100:200, 20 + 15 * i : 60 + 15 * i] = (255, 0, 255)
        cv2.imwrite(str(frames / f"{i:02d}.png"), image)
    cameras = {
        "cameras": [{
            "name": "door", "source": str(frames), "fps": 4.0, "loop": loop,
            "zones": [{"name": "cage", "kind": "vault", "restricted": True,
                       "polygon": [[150, 0], [320, 0], [320, 240], [150, 240]]}],
        }],
        "settings": {
            "detector_type": "fake", "var_dir": str(folder / "var"), "persistence_frames": 3,
            "cooldown_seconds": 60, "ultralytics_config_dir": str(folder / "ultralytics"),
        },
    }
    path = folder / "cameras.yaml"
    path.write_text(yaml.safe_dump(cameras))
    return path


class Instance:
    """One `facet vision serve` process (in a process group of its own, with its workers)."""

    def __init__(
        self, name: str, config: Path, db_url: str, workdir: Path, events_url: str
    ) -> None:
        self.name, self.port = name, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FACET_")}
        env.update(FACET_DATABASE_URL=db_url, FACET_AUDIT_KEY=AUDIT_KEY,
                   FACET_EVENTS_URL=events_url, FACET_LOG_LEVEL="INFO")
        self.log = workdir / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(FACET), "vision", "serve", "--config", str(config), "--port",
                 str(self.port), "--instance", name],
                cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def healthy(self) -> bool:
        return httpx.get(self.url + "/api/health", timeout=1).status_code == 200

    def cameras(self) -> dict[str, Any]:
        answer = httpx.get(self.url + "/api/vision/cameras", timeout=2)
        answer.raise_for_status()
        data: dict[str, Any] = answer.json()
        return data

    def camera(self, name: str = "door") -> dict[str, Any]:
        return next(c for c in self.cameras()["cameras"] if c["camera"] == name)

    def leads(self) -> bool:
        return bool(self.cameras()["leaders"].get("door") == self.name)

    def kill(self) -> None:
        """kill -9 the whole instance (its detector workers too), as a dead host."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@contextmanager
def instances(
    config: Path, db_url: str, workdir: Path, *names: str, events_url: str = "memory://"
) -> Iterator[list[Instance]]:
    started = [Instance(name, config, db_url, workdir, events_url) for name in names]
    try:
        for one in started:
            assert wait_for(one.healthy, timeout=60), one.output()
        yield started
    finally:
        for one in started:
            one.stop()


@contextmanager
def listening(db_url: str) -> Iterator[list[AlertRaised]]:
    """The AlertRaised events another process sends over the PostgreSQL transport."""
    heard: list[AlertRaised] = []
    bus = EventBus()
    bus.subscribe(AlertRaised, heard.append)
    settings = CoreSettings(database_url=db_url, events_url=db_url, audit_key=AUDIT_KEY)
    db = Database.from_settings(settings, bus=bus)
    runtime = EventsRuntime.from_settings(settings, db)
    runtime.start()
    try:
        yield heard
    finally:
        runtime.stop()
        db.dispose()


def _alerts(db_url: str) -> list[dict[str, Any]]:
    db = Database(db_url)
    try:
        with db.read() as session:
            rows, _ = list_alerts(session, camera="door", limit=100)
        return rows
    finally:
        db.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_one_instance_runs_the_camera_and_raises_one_alert_per_person(
    pg_url: str, tmp_path: Path
) -> None:
    config = _cameras_file(tmp_path, loop=False)
    with listening(pg_url) as heard, instances(
        config, pg_url, tmp_path, "A", "B", events_url=pg_url
    ) as (a, b):
        leader_name = wait_for(lambda: a.cameras()["leaders"].get("door"), timeout=20)
        assert leader_name in ("A", "B"), a.output()
        leader, follower = (a, b) if leader_name == "A" else (b, a)
        assert wait_for(lambda: follower.cameras()["leaders"].get("door") == leader_name)
        standby = follower.camera()
        assert standby["code"] == "standby" and leader_name in standby["message"]
        ended = wait_for(lambda: leader.camera()["state"] == "ended", timeout=60)
        assert ended, leader.output()
        assert leader.camera()["frames"] == 12
        assert follower.camera()["code"] == "standby"  # it never ran the camera
        ready = httpx.get(leader.url + "/api/ready", timeout=5)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["leases"]["leading"] == ["default"]
        assert httpx.get(follower.url + "/api/ready").json()["checks"]["leases"]["leading"] == []
        alerts = _alerts(pg_url)
        _check_web_proxy(leader, tmp_path)
        # The alert left the vision service through FACET_EVENTS_URL (its outbox and relay).
        assert wait_for(lambda: heard, timeout=10)
    assert [(r["zone"], r["rule"]) for r in alerts] == [("cage", "unauthorised-presence")]
    assert [(e.alert_id, e.camera, e.zone) for e in heard] == [(alerts[0]["id"], "door", "cage")]


@pytest.mark.postgres
@pytest.mark.slow
def test_a_standby_takes_over_within_10_s_of_kill_9_without_repeating_the_alert(
    pg_url: str, tmp_path: Path
) -> None:
    config = _cameras_file(tmp_path, loop=True)
    with instances(config, pg_url, tmp_path, "A") as (a,):
        assert wait_for(a.leads, timeout=20), a.output()
        assert wait_for(lambda: _alerts(pg_url), timeout=60), a.output()
        with instances(config, pg_url, tmp_path, "B") as (b,):
            assert wait_for(lambda: b.cameras()["leaders"].get("door") == "A")
            assert b.camera()["code"] == "standby"
            raised_by_a = len(_alerts(pg_url))
            a.kill()
            killed = time.monotonic()
            assert wait_for(b.leads, timeout=15, every=0.05), b.output()
            took = time.monotonic() - killed
            assert took < 10, f"standby took {took:.1f} s to take over"
            assert wait_for(lambda: b.camera()["state"] == "online", timeout=20), b.output()
            frames = b.camera()["frames"]
            assert wait_for(lambda: b.camera()["frames"] >= frames + 16, timeout=30)  # 1+ loop
            # A raised the walk-in seconds ago: B's cooldown was seeded from the core's alerts.
            assert len(_alerts(pg_url)) == raised_by_a, b.output()
            with httpx.stream("GET", b.url + "/api/vision/cameras/door/mjpeg",
                              params={"max_frames": 3}, timeout=10) as live:
                body = b"".join(live.iter_raw())
            assert body.count(b"Content-Type: image/jpeg") == 3


def _web_settings(tmp_path: Path, **web: Any) -> Settings:
    path = tmp_path / "web.db"
    if not path.exists():
        upgrade(f"sqlite:///{path}")
        seeded = Database(f"sqlite:///{path}")
        seed(seeded)
        seeded.dispose()
    core = CoreSettings(database_url=f"sqlite:///{path}", secret_key="test-signing-key-" * 3,
                        audit_key=AUDIT_KEY)
    return Settings(core=core, web=WebSettings(warm_up_models=False, **web))


def _check_web_proxy(service: Instance, tmp_path: Path) -> None:
    """The web app's camera routes answer from the running vision service."""
    settings = _web_settings(tmp_path, vision_url=service.url)
    with TestClient(create_app(settings)) as client:
        headers = login(client, "mia")
        listing = client.get("/api/vision/cameras", headers=headers)
        assert listing.status_code == 200, listing.text
        assert listing.json()["instance"] == service.name
        assert listing.json()["leaders"] == {"door": service.name}
        one = client.get("/api/vision/cameras/door", headers=headers)
        assert one.json()["state"] == "ended"
        jpeg = client.get("/api/vision/cameras/door/snapshot.jpg", headers=headers)
        assert jpeg.headers["content-type"] == "image/jpeg" and jpeg.content[:2] == b"\xff\xd8"
        # The camera ended: its one last frame (a live one streams on; see the takeover test).
        stream = client.get("/api/vision/cameras/door/mjpeg?max_frames=1", headers=headers)
        assert stream.headers["content-type"].startswith("multipart/x-mixed-replace")
        assert stream.content.count(b"Content-Type: image/jpeg") == 1
        unknown = client.get("/api/vision/cameras/nope", headers=headers)
        assert unknown.status_code == 404
        assert unknown.json()["error"]["code"] == "camera-not-found"
        assert client.get("/api/vision/cameras").status_code == 401  # still signed in


def test_a_dead_vision_service_is_a_503_and_no_camera_runs_in_the_web_app(
    tmp_path: Path, sqlite_template: Path
) -> None:
    config = _cameras_file(tmp_path, loop=True)
    dead = f"http://127.0.0.1:{_free_port()}"
    settings = _web_settings(tmp_path, vision_url=dead, cameras_file=config)
    with TestClient(create_app(settings)) as client:
        headers = login(client, "mia")
        for path in ("", "/door", "/door/snapshot.jpg", "/door/mjpeg"):
            answer = client.get("/api/vision/cameras" + path, headers=headers)
            assert answer.status_code == 503, (path, answer.text)
            error = answer.json()["error"]
            assert error["code"] == "vision-unreachable"
            assert "facet vision serve" in error["message"]
        assert client.app.state.services.vision is None  # type: ignore[attr-defined]


def test_several_workers_start_no_camera_and_say_what_to_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = _cameras_file(tmp_path, loop=True)
    settings = _web_settings(tmp_path, cameras_file=config, workers=2)
    with caplog.at_level(logging.WARNING, logger="web.app"), TestClient(create_app(settings)) as c:
        assert c.app.state.services.vision is None  # type: ignore[attr-defined]
        answer = c.get("/api/vision/cameras", headers=login(c, "mia"))
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "vision-not-configured"
    assert any("facet vision serve" in r.getMessage() for r in caplog.records)


def test_the_embedded_set_up_still_runs_its_cameras_in_process(tmp_path: Path) -> None:
    config = _cameras_file(tmp_path, loop=True)
    settings = _web_settings(tmp_path, cameras_file=config)
    with TestClient(create_app(settings)) as client:
        assert client.app.state.services.vision is not None  # type: ignore[attr-defined]
        listing = client.get("/api/vision/cameras", headers=login(client, "mia")).json()
    assert listing["instance"] is None and listing["leaders"] == {}
    assert [c["camera"] for c in listing["cameras"]] == ["door"]


@contextmanager
def _service(tmp_path: Path, instance: str = "A") -> Iterator[tuple[VisionService, Database]]:
    """A VisionService in this process over a migrated SQLite file, quick lease timings."""
    url = f"sqlite:///{tmp_path / 'vision.db'}"
    if not (tmp_path / "vision.db").exists():
        upgrade(url)
    cameras = load_cameras(_cameras_file(tmp_path / instance, loop=True))
    db = Database(url)
    service = VisionService(
        db, cameras.vision_settings(VisionSettings()), cameras, instance=instance,
        timing=LeaseTiming(ttl_s=3, renew_s=0.3, retry_s=0.3),
    )
    try:
        yield service, db
    finally:
        service.stop()
        db.dispose()


def _record() -> AlertRecord:
    return AlertRecord(camera="door", zone="cage", rule="unauthorised-presence",
                       severity=Severity.HIGH, message="someone", raised_at=datetime.now(UTC),
                       snapshot_jpeg=b"\xff\xd8")


def test_a_leader_whose_lease_is_taken_stops_at_once_and_stores_nothing(tmp_path: Path) -> None:
    lease = LEASE_PREFIX + "default"
    with _service(tmp_path) as (service, db):
        service.start()
        assert wait_for(lambda: service.leading() == ["default"], timeout=20)
        assert service.status("door").state != "stopped"  # type: ignore[union-attr]
        with db.write() as session:  # another instance takes it (as after an expiry)
            release(session, name=lease, holder="A")
            assert try_acquire(session, name=lease, holder="Z", ttl_s=60)
        assert wait_for(lambda: service.leading() == [], timeout=5)
        assert wait_for(lambda: service.leaders() == {"door": "Z"}, timeout=5)
        status = service.status("door")
        assert status is not None and status.code == "standby" and "Z" in status.message
        with pytest.raises(LeaseLost):  # fencing: a stale leader's alert is not stored
            LeasedAlertSink(db, lease=lease, holder="A", ttl_s=3).store_alert(_record())
        assert LeasedAlertSink(db, lease=lease, holder="Z", ttl_s=60).store_alert(_record()) > 0
        with db.read() as session:
            assert list_alerts(session)[1] == 1


def test_stopping_gives_the_lease_back_for_a_standby(tmp_path: Path) -> None:
    with _service(tmp_path, "A") as (a, db), _service(tmp_path, "B") as (b, _):
        a.start()
        assert wait_for(lambda: a.leading() == ["default"], timeout=20)
        b.start()
        assert wait_for(lambda: b.leaders() == {"door": "A"}, timeout=5)
        jpeg = b.annotated_jpeg("door")  # a standby's tile names the leader
        assert jpeg is not None and jpeg[:2] == b"\xff\xd8"
        a.stop()
        with db.read() as session:
            leader = holder_of(session, name=LEASE_PREFIX + "default")
        assert leader is None or leader.holder == "B"  # given back, not left to expire
        assert wait_for(lambda: b.leading() == ["default"], timeout=5)


@contextmanager
def _served(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread of this process; yields its base URL."""
    import threading

    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: server.started, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def test_a_vision_token_guards_the_camera_routes_and_the_web_app_sends_it(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'vision.db'}"
    upgrade(url)
    cameras = load_cameras(_cameras_file(tmp_path / "cams", loop=True))
    token = "a-shared-vision-token"
    settings = Settings(core=CoreSettings(database_url=url, audit_key=AUDIT_KEY),
                        web=WebSettings(vision_token=token))
    vision_app = create_vision_app(settings, cameras, instance="solo",
                                   timing=LeaseTiming(ttl_s=3, renew_s=0.3, retry_s=0.3))
    with _served(vision_app) as base:
        assert httpx.get(base + "/api/health").json()["instance"] == "solo"
        refused = httpx.get(base + "/api/vision/cameras")
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "vision-token-required"
        auth = {"Authorization": f"Bearer {token}"}
        assert wait_for(lambda: httpx.get(base + "/api/vision/cameras", headers=auth)
                        .json()["leaders"] == {"door": "solo"}, timeout=20)
        with_token = _web_settings(tmp_path, vision_url=base, vision_token=token)
        with TestClient(create_app(with_token)) as client:
            answer = client.get("/api/vision/cameras", headers=login(client, "mia"))
        assert answer.status_code == 200 and answer.json()["instance"] == "solo"
        with TestClient(create_app(_web_settings(tmp_path, vision_url=base))) as client:
            answer = client.get("/api/vision/cameras", headers=login(client, "mia"))
        assert answer.status_code == 502
        assert answer.json()["error"]["code"] == "vision-token-refused"


def test_not_ready_while_the_leases_cannot_be_taken(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"  # never migrated: no leases table
    cameras = load_cameras(_cameras_file(tmp_path / "cams", loop=True))
    settings = Settings(core=CoreSettings(database_url=empty, audit_key=AUDIT_KEY),
                        web=WebSettings())
    app = create_vision_app(settings, cameras, instance="solo",
                            timing=LeaseTiming(ttl_s=3, renew_s=0.3, retry_s=0.3))
    with TestClient(app) as client:
        def failing() -> Any:
            answer = client.get("/api/ready")
            leases = answer.json()["checks"]["leases"]
            return answer.status_code == 503 and leases.get("code") == "leases-failing" and leases

        leases = wait_for(failing)
        assert leases, client.get("/api/ready").text
        assert leases["leading"] == [] and leases["instance"] == "solo"
        assert client.get("/api/health").status_code == 200
        standby = client.get("/api/vision/cameras/door").json()
        assert standby["code"] == "standby" and "no instance" in standby["message"]
