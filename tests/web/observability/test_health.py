"""``/api/health`` (liveness) and ``/api/ready`` (database, events transport, cameras).

Failures are real: a database URL and a transport URL pointing at a closed port, a vision
service URL nobody listens on.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core import CoreSettings
from tests.web.events.servers import free_port
from web.app import Settings, create_app
from web.settings import WebSettings

KEY = "observability-signing-key-" * 2


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file of this test."""
    path = tmp_path / "facet.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@contextmanager
def served(core: CoreSettings, web: WebSettings | None = None, *,
           lifespan: bool = True) -> Iterator[TestClient]:
    """A client of an app built from these settings (with its start-up and shut-down)."""
    app = create_app(Settings(core=core, web=web or WebSettings()))
    client = TestClient(app)
    if not lifespan:  # nothing at start-up may need the (missing) database
        yield client
        return
    with client:
        yield client


def _failing(answer: Any) -> dict[str, str]:
    return {row["part"]: row["code"] for row in answer.json()["failing"]}


def test_health_and_ready_answer_without_sign_in(sqlite_url: str) -> None:
    with served(CoreSettings(database_url=sqlite_url, secret_key=KEY)) as client:
        health = client.get("/api/health")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "sqlite"}
        ready = client.get("/api/ready")
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert body["status"] == "ready"
        assert body["checks"]["database"] == {"ok": True, "dialect": "sqlite"}
        assert body["checks"]["events"]["ok"] is True
        assert body["checks"]["cameras"] == {"ok": True, "source": "none"}
        assert ready.headers["x-request-id"]


def test_ready_is_503_when_the_database_is_gone() -> None:
    """A database on a closed port: alive (health 200), not ready, and no URL in the body."""
    url = f"postgresql+psycopg://facet:hunter2-secret@127.0.0.1:{free_port()}/facet"
    with served(CoreSettings(database_url=url, secret_key=KEY), lifespan=False) as client:
        assert client.get("/api/health").status_code == 200
        ready = client.get("/api/ready")
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "not-ready"
    assert body["error"]["code"] == "not-ready"
    assert "database" in body["error"]["message"]
    assert _failing(ready) == {"database": "database-unreachable"}
    assert body["checks"]["database"]["ok"] is False
    assert "hunter2" not in ready.text and str(url) not in ready.text


def test_ready_names_a_transport_that_cannot_be_reached(sqlite_url: str) -> None:
    """FACET_EVENTS_URL naming a closed PostgreSQL port: the events part fails, its password
    unsaid."""
    core = CoreSettings(database_url=sqlite_url, secret_key=KEY,
                        events_url=f"postgresql://facet:pa55word-x@127.0.0.1:{free_port()}/x")
    with served(core, lifespan=False) as client:
        ready = client.get("/api/ready")
    assert ready.status_code == 503, ready.text
    assert _failing(ready) == {"events": "events-transport-down"}
    assert ready.json()["checks"]["database"]["ok"] is True
    assert "pa55word" not in ready.text


def test_ready_names_a_vision_service_that_cannot_be_reached(sqlite_url: str) -> None:
    if "vision_url" not in WebSettings.model_fields:
        pytest.skip("WebSettings.vision_url has not landed yet")
    web = WebSettings.model_validate({"vision_url": f"http://127.0.0.1:{free_port()}"})
    with served(CoreSettings(database_url=sqlite_url, secret_key=KEY), web) as client:
        ready = client.get("/api/ready")
    assert ready.status_code == 503, ready.text
    assert _failing(ready) == {"cameras": "vision-unreachable"}
    assert ready.json()["checks"]["cameras"]["source"] == "vision-service"


def test_ready_checks_only_the_parts_asked_for(sqlite_url: str) -> None:
    """A load balancer asks for the database alone: a broken transport leaves it ready."""
    core = CoreSettings(database_url=sqlite_url, secret_key=KEY,
                        events_url=f"postgresql://facet@127.0.0.1:{free_port()}/x")
    with served(core, lifespan=False) as client:
        assert client.get("/api/ready").status_code == 503
        only = client.get("/api/ready", params={"part": "database"})
        assert only.status_code == 200, only.text
        assert list(only.json()["checks"]) == ["database"]
        two = client.get("/api/ready", params=[("part", "database"), ("part", "events")])
        assert two.status_code == 503
        unknown = client.get("/api/ready", params={"part": "kitchen"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "invalid-request"
