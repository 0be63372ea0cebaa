"""Orders, pick lists, picks, shipping and slotting over HTTP, with roles and idempotency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core import CoreSettings, Database
from core.locations.models import Location
from core.orders.integrity import verify_stock
from core.trace.service import lot_trace
from tests.builders import PASSWORD, Builder
from web.app import Settings, create_app

USERS = {"mia": "manager", "cleo": "clerk", "pia": "picker"}


def _seed(db: Database) -> dict[str, str]:
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1")
        b.sku("CHAIN-1", serialised=False)
        b.stock("RING-1", "L-1", 3, bins[0])
        b.stock("CHAIN-1", "L-2", 10, bins[1], serialised=False)
        for name, role in USERS.items():
            b.user(name, role)
        digits = dict(session.execute(select(Location.code, Location.check_digits)).all())
    return {code: d for code, d in digits.items() if d}


def _login(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _code(answer: Any) -> str:
    return str(answer.json()["error"]["code"])


@pytest.fixture
def app(db: Database, db_url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    digits = _seed(db)
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="orders-test-key" * 3))
    with TestClient(create_app(settings)) as client:
        yield client, digits


ORDER = {"channel": "shopify", "external_id": "9001", "customer_name": "Ada Lovelace",
         "lines": [{"sku": "RING-1", "quantity": 2}, {"sku": "CHAIN-1", "quantity": 4}]}


def test_order_to_shipment_over_http(app: tuple[TestClient, dict[str, str]], db: Database
                                     ) -> None:
    client, digits = app
    clerk, picker = _login(client, "cleo"), _login(client, "pia")
    denied = client.post("/api/orders", json=ORDER, headers=picker)
    assert denied.status_code == 403 and _code(denied) == "forbidden"
    made = client.post("/api/orders", json=ORDER, headers=clerk)
    assert made.status_code == 201, made.text
    order_id = made.json()["id"]
    assert client.post("/api/orders", json=ORDER, headers=clerk).json()["id"] == order_id
    clash = client.post("/api/orders", json={**ORDER, "lines": ORDER["lines"][:1]},
                        headers=clerk)
    assert clash.status_code == 409 and _code(clash) == "order-conflict"
    alloc = client.post(f"/api/orders/{order_id}/allocate", headers=clerk)
    assert alloc.status_code == 200 and alloc.json()["complete"] is True
    listed = client.get("/api/orders", params={"status": "allocated"}, headers=picker).json()
    assert listed["total"] == 1
    plist = client.post("/api/picklists", json={"order_ids": [order_id], "picker": "pia"},
                        headers=picker)
    assert plist.status_code == 201, plist.text
    number, lines = plist.json()["number"], plist.json()["lines"]
    mine = client.get("/api/picklists", params={"picker": "pia", "status": "open"},
                      headers=picker).json()
    assert [p["number"] for p in mine["items"]] == [number]
    ring, chain = lines
    assert (ring["sku"], chain["sku"]) == ("RING-1", "CHAIN-1")
    wrong = client.post(f"/api/picks/{ring['id']}/confirm", headers=picker, json={
        "quantity": 2, "serials": ["RING-1-L-1-00000", "FACET:S:RING-1-L-1-00001"],
        "check_digits": "00"})
    assert wrong.status_code == 422 and _code(wrong) == "wrong-check-digits"
    body = {"quantity": 2, "serials": ["RING-1-L-1-00000", "FACET:S:RING-1-L-1-00001"],
            "check_digits": digits[ring["from_location"]]}
    key = {**picker, "Idempotency-Key": "pick-ring-1"}
    first = client.post(f"/api/picks/{ring['id']}/confirm", headers=key, json=body)
    assert first.status_code == 200, first.text
    again = client.post(f"/api/picks/{ring['id']}/confirm", headers=key, json=body)
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()
    assert first.json()["line"]["done_quantity"] == 2
    over = client.post(f"/api/picks/{ring['id']}/confirm", headers=picker, json=body)
    assert over.status_code == 409
    chain_digits = digits[chain["from_location"]]  # read off the bin's label
    short = client.post(f"/api/picks/{chain['id']}/short", headers=picker,
                        json={"found_quantity": 3, "check_digits": chain_digits})
    assert short.json()["line"]["short_quantity"] == 1 and short.json()["order_status"] == "picked"
    undo = client.post(f"/api/picks/{chain['id']}/undo", headers=picker)
    assert undo.status_code == 200 and undo.json()["line"]["status"] == "open"
    client.post(f"/api/picks/{chain['id']}/confirm", headers=picker,
                json={"quantity": 4, "check_digits": chain_digits})
    assert client.post(f"/api/orders/{order_id}/ship", headers=picker).status_code == 403
    shipped = client.post(f"/api/orders/{order_id}/ship", headers=clerk)
    assert shipped.status_code == 201, shipped.text
    assert sum(ln["quantity"] for ln in shipped.json()["lines"]) == 6
    assert client.get(f"/api/orders/{order_id}", headers=picker).json()["status"] == "shipped"
    with db.read() as session:
        assert lot_trace(session, code="L-1")["shipped"][0]["customer"] == "Ada Lovelace"
        assert verify_stock(session).ok


def test_slotting_suggestion_over_http(app: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = app
    picker, manager = _login(client, "pia"), _login(client, "mia")
    answer = client.get("/api/slotting/suggest", params={"sku": "RING-1", "quantity": 2},
                        headers=picker)
    assert answer.status_code == 200, answer.text
    first = answer.json()["candidates"][0]
    assert first["location"] == "A01-01-1-01" and first["reasons"]
    unknown = client.get("/api/slotting/suggest", params={"sku": "NOPE"}, headers=picker)
    assert unknown.status_code == 404 and _code(unknown) == "unknown-sku"
    assert client.post("/api/slotting/velocity", headers=picker).status_code == 403
    velocity = client.post("/api/slotting/velocity", headers=manager)
    assert velocity.status_code == 200 and velocity.json()["classes"]["RING-1"] == "C"
