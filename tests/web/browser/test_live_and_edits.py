"""Without a browser: the websocket fan-out and the twin what-if edits."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from core.alerts.service import raise_alert
from core.events import LotRecalled
from tests.web.browser.server import build_app, demo_database
from tests.web.test_ws_tickets import ticket_url
from twin import layout_from_dict, layout_to_dict, route
from twin.generate import generate_layout
from web.pages import twin_edits as edits
from web.services import services_of


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    url = demo_database(tmp_path_factory.mktemp("live") / "facet.db", scale="small")
    return TestClient(build_app(url))


def _token(client: TestClient, user: str) -> str:
    body = client.post("/api/auth/token", data={"username": user, "password": "facet-demo"})
    return str(body.json()["access_token"])


def test_websocket_refuses_a_missing_token(client: TestClient) -> None:
    with client.websocket_connect("/ws/events") as ws:
        assert ws.receive_json()["code"] == "not-authenticated"


def test_alert_events_reach_security_but_not_pickers(client: TestClient) -> None:
    db = services_of(client.app).db  # type: ignore[arg-type]
    security, picker = (ticket_url(client, "/ws/events", _token(client, user))
                        for user in ("security", "picker"))
    with client.websocket_connect(security) as sec, client.websocket_connect(picker) as pick:
        assert sec.receive_json()["event"] == "hello"
        assert pick.receive_json()["event"] == "hello"
        with db.write() as session:  # published from this thread, after commit
            raise_alert(session, camera="cam-1", zone="vault", rule="loitering",
                        severity="high", message="lingering")
        services_of(client.app).bus.publish(LotRecalled(lot="G-2311", reason="test", actor="qc"))  # type: ignore[arg-type]
        assert sec.receive_json()["event"] == "AlertRaised"
        assert sec.receive_json()["event"] == "LotRecalled"
        assert pick.receive_json()["event"] == "LotRecalled"  # the alert was not sent


def test_cross_aisle_round_trip_and_width_keep_layouts_valid() -> None:
    base = layout_to_dict(generate_layout(blocks=1, aisles=4, bays=8, levels=2, vault_aisles=1))
    added = layout_from_dict(edits.add_cross_aisle(base))
    assert len(added.cross_aisles) == 3 and len(added.aisles) == 8
    back = layout_from_dict(edits.remove_cross_aisle(edits.add_cross_aisle(base)))
    assert back.locations == layout_from_dict(base).locations
    wide = layout_from_dict(edits.set_aisle_width(base, 2.0))
    assert all(a.width == 2.0 and not a.narrow for a in wide.aisles)
    codes = [loc.code for loc in added.locations[::5]]
    assert route(added, codes, "optimal").length > 0
    assert layout_from_dict(edits.apply(base, edits.WhatIf("add", 1.0))).aisles[0].narrow


def test_removing_the_only_cross_aisles_is_refused() -> None:
    with pytest.raises(ValueError, match="no inner cross aisle"):
        edits.remove_cross_aisle(layout_to_dict(generate_layout(aisles=2, bays=3)))

