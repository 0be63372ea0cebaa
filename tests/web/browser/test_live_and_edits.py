"""Without a browser: the websocket fan-out, the twin's live layer and its what-if requests
and edits."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from core.alerts.service import raise_alert
from core.events import LotRecalled, PickConfirmed
from tests.web.browser.server import build_app, demo_database
from tests.web.test_ws_tickets import ticket_url
from twin import layout_from_dict, layout_to_dict, route, view
from twin.generate import generate_layout
from web.pages import twin_edits as edits
from web.pages import twin_page
from web.pages import twin_plan as plan
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



def test_pick_events_carry_who_and_where_for_the_twin(client: TestClient) -> None:
    """live.js moves a picker's marker from a PickConfirmed event's ``picker`` and ``location``."""
    url = ticket_url(client, "/ws/events", _token(client, "manager"))
    with client.websocket_connect(url) as ws:
        assert ws.receive_json()["event"] == "hello"
        services_of(client.app).bus.publish(PickConfirmed(  # type: ignore[arg-type]
            pick_list_id=1, line_id=1, order_id=None, picker="picker2", location="A01-01-1R",
            sku="X", quantity=1))
        event = ws.receive_json()
    assert (event["event"], event["picker"], event["location"]) == (
        "PickConfirmed", "picker2", "A01-01-1R")


@pytest.mark.parametrize("three_d", [False, True])
def test_the_live_layer_is_drawn_last_with_its_uids(three_d: bool) -> None:
    lay = generate_layout(aisles=2, bays=3, levels=2)
    codes = [loc.code for loc in lay.locations]
    live = {"open_picks": {codes[0]: 2, "GONE": 1},
            "pickers": [{"picker": "pia", "location": codes[1]},
                        {"picker": "olga", "location": "NOT-A-RACK"}]}
    base = view.occupancy_figure(lay, {}) if three_d else plan.plan_figure(lay, {})
    fig = plan.add_live(base, lay, live, three_d=three_d)
    open_trace, pickers = fig.data[-2], fig.data[-1]
    assert (open_trace.uid, pickers.uid) == (plan.LIVE_OPEN, plan.LIVE_PICKERS)
    assert [list(row) for row in open_trace.customdata] == [[codes[0], 2]]  # unknown bins go
    assert list(pickers.text) == ["pia"] and pickers.customdata[0][0] == codes[1]
    stand = lay.pick_point(codes[1])
    assert (pickers.x[0], pickers.y[0]) == (stand.x, stand.y)  # in the aisle, not in the rack
    assert plan.live_points(lay)[codes[1]][:2] == [round(stand.x, 3), round(stand.y, 3)]
    empty = plan.add_live(plan.plan_figure(lay, {}), lay, {"open_picks": {}, "pickers": []})
    assert empty.data[-1].uid == plan.LIVE_PICKERS  # there to be moved even when empty


def test_what_if_requests_replay_history_or_generate_orders() -> None:
    base = layout_to_dict(generate_layout(aisles=2, bays=4, levels=1))
    history = twin_page.scenario_request(base, edits.WhatIf("keep", None), slotting="today",
                                         fast=True, pickers=3, orders=200, replications=4,
                                         history_days=30)
    assert history["history"] == {"days": 30} and "generate" not in history
    assert (history["a"]["slotting"], history["b"]["slotting"]) == ("today", "popularity")
    generated = twin_page.scenario_request(base, edits.WhatIf("keep", None), slotting="today",
                                           fast=False, pickers=3, orders=50, replications=4)
    assert generated["generate"]["n_orders"] == 50 and "history" not in generated
    # Generated SKUs are kept nowhere today: they are slotted at random instead.
    assert (generated["a"]["slotting"], generated["b"]["slotting"]) == ("random", "random")
