"""create_app wires the events runtime: none for memory://, transport and relay otherwise."""

from __future__ import annotations

from fastapi.testclient import TestClient

from core import CoreSettings, Event
from core.events import OrderCreated, record
from core.outbox import backlog
from tests.web.events.servers import wait_until
from web.app import create_app
from web.services import services_of
from web.settings import Settings

KEY = "events-app-key-" * 3


def test_embedded_default_has_no_transport(sqlite_url: str) -> None:
    app = create_app(Settings(core=CoreSettings(database_url=sqlite_url, secret_key=KEY)))
    with TestClient(app):
        services = services_of(app)
        assert not services.db.outbox and services.events.transport is None
        seen: list[Event] = []
        services.bus.subscribe(Event, seen.append)
        with services.db.write() as session:
            record(session, OrderCreated(order_id=1, channel="app", external_id="1"))
        assert len(seen) == 1
        assert services.events.status()["transport"] == "memory"


def test_postgres_events_start_with_the_app_and_stop_after(pg_url: str) -> None:
    core = CoreSettings(database_url=pg_url, secret_key=KEY, audit_key="k" * 20,
                        events_url=f"{pg_url}?channel=h1_app")
    app = create_app(Settings(core=core))
    services = services_of(app)
    with TestClient(app):
        assert services.db.outbox and services.events.started
        with services.db.write() as session:
            record(session, OrderCreated(order_id=2, channel="app", external_id="2"))

        def relayed() -> bool:
            with services.db.read() as session:
                return backlog(session).unpublished == 0

        assert wait_until(relayed)
        status = services.events.status()
        assert status["ok"] and status["transport"] == "postgresql"
    assert not services.events.started
