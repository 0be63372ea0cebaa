"""``/metrics``: requests by route template and status class, picks, events lag, cameras;
restricted by a token or turned off; several processes summed in multiprocess mode."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import select

from core import CoreSettings
from core.clock import now
from core.events import OrderCreated
from core.locations.service import location_by_code
from core.lots.models import Serial
from tests.builders import PASSWORD, Builder
from tests.web.observability.test_health import KEY
from vision.messages import CameraStatusReport
from vision.sources import CameraState
from web.app import Settings, create_app
from web.services import services_of
from web.settings import OperationsSettings

ROOT = Path(__file__).resolve().parents[3]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _headers(client: TestClient, name: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": name, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _app(db_url: str, operations: OperationsSettings | None = None) -> Any:
    return create_app(Settings(core=CoreSettings(database_url=db_url, secret_key=KEY),
                               operations=operations or OperationsSettings()))


def test_requests_are_counted_by_route_template_never_by_raw_path(db_url: str) -> None:
    app = _app(db_url)
    with services_of(app).db.write() as session:
        Builder(session).user("mara", "manager")
    with TestClient(app) as client:
        mara = _headers(client, "mara")
        for order_id in (101, 102, 103):  # three ids, one label value
            assert client.get(f"/api/orders/{order_id}", headers=mara).status_code == 404
        assert client.get("/api/health").status_code == 200
        text = client.get("/metrics").text
    found = samples(text)
    route = (("method", "GET"), ("route", "/api/orders/{order_id}"), ("status", "4xx"))
    assert found[("facet_http_requests_total", route)] == 3.0
    assert found[("facet_http_requests_total",
                  (("method", "GET"), ("route", "/api/health"), ("status", "2xx")))] == 1.0
    duration = (("method", "GET"), ("route", "/api/orders/{order_id}"))
    assert found[("facet_http_request_duration_seconds_count", duration)] == 3.0
    assert "/api/orders/101" not in text


def test_a_confirmed_pick_is_counted_once(db_url: str) -> None:
    app = _app(db_url)
    db = services_of(app).db
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse(bins=2)
        b.supplier()
        sku = b.sku()
        b.stock(sku, "G-1", 1, bins[0])
        b.user("mara", "manager")
        b.user("pia", "picker")
    with TestClient(app) as client:
        mara, pia = _headers(client, "mara"), _headers(client, "pia")
        order = client.post("/api/orders", headers=mara, json={
            "channel": "web", "external_id": "M1", "customer_name": "Ines",
            "lines": [{"sku": sku, "quantity": 1, "lot": "G-1"}],
            "removal_strategy": "named_lot",
        }).json()
        assert client.post(f"/api/orders/{order['id']}/allocate", headers=mara).status_code < 300
        picks = client.post("/api/picklists", headers=mara,
                            json={"order_ids": [order["id"]], "picker": "pia"})
        assert picks.status_code == 201, picks.text
        line = picks.json()["lines"][0]
        with db.read() as session:
            loc = location_by_code(session, line["from_location"])
            serial = session.scalar(select(Serial.code).where(Serial.location_id == loc.id))
            digits = loc.check_digits
        assert samples(client.get("/metrics").text)[("facet_picks_total", ())] == 0.0
        done = client.post(f"/api/picks/{line['id']}/confirm", headers=pia,
                           json={"quantity": 1, "serials": [serial], "check_digits": digits})
        assert done.status_code == 200, done.text
        found = samples(client.get("/metrics").text)
    assert found[("facet_picks_total", ())] == 1.0
    assert found[("facet_picked_units_total", ())] == 1.0


def test_events_from_other_processes_are_timed_and_local_ones_are_not(db_url: str) -> None:
    app = _app(db_url)
    bus = services_of(app).bus
    bus.publish(OrderCreated(order_id=1, channel="web", external_id="local"))
    # What a transport hands over: an event committed elsewhere 0.3 s ago.
    bus.receive(OrderCreated(order_id=2, channel="web", external_id="remote",
                             at=now() - timedelta(seconds=0.3)))
    with TestClient(app) as client:
        found = samples(client.get("/metrics").text)
    lag = (("event", "OrderCreated"),)
    assert found[("facet_event_lag_seconds_count", lag)] == 1.0
    assert 0.3 <= found[("facet_event_lag_seconds_sum", lag)] < 30


class FakeSupervisor:
    """The two things readiness and metrics read of a camera supervisor."""

    running = True

    def statuses(self) -> list[CameraStatusReport]:
        return [
            CameraStatusReport(group="g", camera="vault", state=CameraState.ONLINE, fps=4.5,
                               frames=90),
            CameraStatusReport(group="g", camera="dock", state=CameraState.ERROR,
                               code="stream-unreachable", errors=3),
        ]


def test_in_process_cameras_report_fps_and_fail_readiness_on_error(db_url: str) -> None:
    app = _app(db_url)
    with TestClient(app) as client:
        services_of(app).vision = FakeSupervisor()  # type: ignore[assignment]
        try:
            found = samples(client.get("/metrics").text)
            ready = client.get("/api/ready")
        finally:
            services_of(app).vision = None
    assert found[("facet_camera_fps", (("camera", "vault"),))] == 4.5
    assert found[("facet_camera_online", (("camera", "dock"),))] == 0.0
    assert found[("facet_camera_frames_total", (("camera", "vault"),))] == 90.0
    assert ready.status_code == 503
    assert ready.json()["failing"] == [{"part": "cameras", "code": "camera-error"}]
    assert "dock" in ready.json()["checks"]["cameras"]["message"]


def test_metrics_can_ask_for_a_token_or_be_turned_off(db_url: str) -> None:
    locked = _app(db_url, OperationsSettings(metrics_token=SecretStr("scrape-me-please")))
    with TestClient(locked) as client:
        missing = client.get("/metrics")
        assert missing.status_code == 401
        assert missing.json()["error"]["code"] == "metrics-token-required"
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.json()["error"]["code"] == "metrics-token-invalid"
        right = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
        assert right.status_code == 200
        assert right.headers["content-type"].startswith("text/plain")
    off = _app(db_url, OperationsSettings(metrics_enabled=False))
    with TestClient(off) as client:
        answer = client.get("/metrics")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "metrics-off"


_WORKER = textwrap.dedent("""
    import sys
    from web.observability.metrics import Metrics
    metrics = Metrics()
    assert metrics.multiprocess
    for _ in range(int(sys.argv[1])):
        metrics.observe_request("GET", "/api/stock", 200, 0.01)
    if sys.argv[2] == "print":
        sys.stdout.write(metrics.exposition().decode())
""")


def test_several_processes_are_summed_in_multiprocess_mode(tmp_path: Path) -> None:
    """What `facet serve --workers N` sets up: each worker writes, any one answers for all."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def worker(count: int, mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", _WORKER, str(count), mode], env=env,
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    worker(2, "quiet")
    text = worker(3, "print")
    key = ("facet_http_requests_total",
           (("method", "GET"), ("route", "/api/stock"), ("status", "2xx")))
    assert samples(text)[key] == 5.0


@pytest.mark.parametrize("workers", [1, 3])
def test_the_serve_command_makes_a_fresh_directory_for_several_workers(workers: int) -> None:
    from web.observability.metrics import metrics_directory

    before = os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    try:
        with metrics_directory(workers) as path:
            if workers == 1:
                assert path is None and "PROMETHEUS_MULTIPROC_DIR" not in os.environ
            else:
                assert path is not None and Path(path).is_dir()
                assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == path
        assert path is None or not Path(path).exists()
        assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    finally:
        if before is not None:
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = before


def test_another_service_gets_metrics_for_its_cameras_requests_and_events() -> None:
    """What the vision service mounts: its own /metrics, request counts and cameras."""
    from fastapi import FastAPI

    from core import EventBus
    from web.observability import mount_service_metrics

    service = FastAPI()

    @service.get("/api/vision/cameras/{name}")
    def camera(name: str) -> dict[str, str]:
        return {"name": name}

    events = {"transport": "redis", "ok": True, "unpublished": 2, "oldest_unpublished_s": 1.5}
    mount_service_metrics(service, OperationsSettings(), bus=EventBus(),
                          events=lambda: events, cameras=FakeSupervisor().statuses)
    with TestClient(service) as client:
        assert client.get("/api/vision/cameras/vault").status_code == 200
        found = samples(client.get("/metrics").text)
    route = (("method", "GET"), ("route", "/api/vision/cameras/{name}"), ("status", "2xx"))
    assert found[("facet_http_requests_total", route)] == 1.0
    assert found[("facet_camera_fps", (("camera", "vault"),))] == 4.5
    assert found[("facet_events_transport_up", (("transport", "redis"),))] == 1.0
    assert found[("facet_events_unpublished", ())] == 2.0
    assert found[("facet_events_oldest_unpublished_seconds", ())] == 1.5
