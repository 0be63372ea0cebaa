"""``/ws/events`` shows each person what the REST reads show them (left open at issue 13's
close: every signed-in socket got every ``StockMoved``, so a counter doing a blind count could
watch the bin's stock move). Moves and picks at a bin under the reader's live blind count are
left out, by the same rule as ``/api/moves`` (``core.trace.visibility``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from core import Database, LotRecalled, PickConfirmed, StockMoved
from core.events import MovedLine
from core.trace import Visibility
from tests.core.api.test_api_core import ROLES, api, login, seed
from tests.core.trace.test_visibility import _count, _transfer
from tests.web.test_ws_tickets import ticket_url
from web.services import services_of


@pytest.fixture
def shop(db: Database, db_url: str) -> Iterator[tuple[TestClient, list[str]]]:
    """The seeded bins (CHAIN-1 x10 and RING-1 x3 in the first) and a second picker, pete."""
    bins = seed(db, users={**ROLES, "pete": "picker"})
    with api(db_url) as client:
        yield client, bins


def _socket(client: TestClient, user: str) -> Any:
    token = login(client, user)["Authorization"].removeprefix("Bearer ")
    return client.websocket_connect(ticket_url(client, "/ws/events", token))


def _until_marker(ws: WebSocketTestSession, marker: str) -> list[dict[str, Any]]:
    """Every event up to the ``LotRecalled`` marker ``marker`` (everyone signed in gets it)."""
    seen = []
    while (event := ws.receive_json())["event"] != "LotRecalled" or event["reason"] != marker:
        seen.append(event)
    return seen


def _moves(events: list[dict[str, Any]]) -> list[list[tuple[str, str, int]]]:
    return [[(m["from_location"], m["to_location"], m["quantity"]) for m in e["moves"]]
            for e in events if e["event"] == "StockMoved"]


def _picks(events: list[dict[str, Any]]) -> list[str]:
    return [e["location"] for e in events if e["event"] == "PickConfirmed"]


def test_a_blind_count_stays_blind_on_the_websocket(shop: tuple[TestClient, list[str]]) -> None:
    client, bins = shop
    hidden, other, third = bins[0], bins[1], bins[2]
    bus = services_of(client.app).bus  # type: ignore[arg-type]

    def mark(reason: str) -> None:
        bus.publish(LotRecalled(lot="L-9", reason=reason, actor="test"))

    with _socket(client, "pia") as pia, _socket(client, "pete") as pete, \
            _socket(client, "mia") as mia:
        for ws in (pia, pete, mia):
            assert ws.receive_json()["event"] == "hello"
        # Before any count every socket sees the bin's moves (each has read its visibility).
        _transfer(client, (4, hidden, other))
        mark("before")
        for ws in (pia, pete, mia):
            assert _moves(_until_marker(ws, "before")) == [[(hidden, other, 4)]]
        # Pia's count opens: her socket must read her visibility again.
        _count(client, [hidden], "pia")
        _transfer(client, (2, hidden, other), (1, other, third))
        _transfer(client, (1, other, hidden))
        bus.publish(PickConfirmed(pick_list_id=1, line_id=1, order_id=None, picker="pete",
                                  location=hidden, sku="CHAIN-1", quantity=1))
        mark("during")
        seen = _until_marker(pia, "during")
        assert _moves(seen) == [[(other, third, 1)]]  # the other move of that transfer stays
        assert _picks(seen) == []
        assert hidden not in str(seen)
        for ws in (pete, mia):  # not their count (pete) or the office (mia): all of it
            seen = _until_marker(ws, "during")
            assert _moves(seen) == [[(hidden, other, 2), (other, third, 1)], [(other, hidden, 1)]]
            assert _picks(seen) == [hidden]


def test_events_blank_customers_and_check_digits_by_the_rest_rule() -> None:
    """The one rule the REST reads use, applied to an event's fields and rows."""
    view = Visibility(check_digits=False, customers=False, hidden_codes=frozenset({"B-1"}))
    event = {"event": "X", "customer": "Ada", "rows": [
        {"location": "B-2", "check_digits": "12", "customer": "Bo"},
        {"from_location": "B-1", "to_location": "B-2"}]}
    assert view.event(event) == {"event": "X", "customer": None, "rows": [
        {"location": "B-2", "check_digits": None, "customer": None}]}
    assert Visibility().event(event) == event
    moved = StockMoved(document_id=1, document_kind="transfer", actor="mia", moves=(
        MovedLine(1, "S", "L", "B-1", "B-2", 1), MovedLine(2, "S", "L", "B-2", "B-3", 1)))
    shown = view.event(moved.to_dict())
    assert shown is not None and [m["to_location"] for m in shown["moves"]] == ["B-3"]
    alone = StockMoved(document_id=1, document_kind="transfer", actor="mia", moves=(
        MovedLine(1, "S", "L", "B-2", "B-1", 1),))
    assert view.event(alone.to_dict()) is None
