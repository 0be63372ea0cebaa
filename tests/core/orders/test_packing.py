"""Packing and shipping over HTTP: the packer's scan check, parcels, the order's trail,
unassigning a pick list, and that a mismatch or a retried shipment posts nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core import CoreSettings, Database
from core.documents.models import DocKind, Document
from core.documents.schemas import (
    LotIn,
    MoveLineIn,
    PutawayCreate,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.locations.models import Location
from core.orders.integrity import verify_stock
from core.purchasing import receiving
from tests.builders import Builder
from tests.http import error_code, login
from web.app import Settings, create_app

USERS = {"mia": "manager", "cleo": "clerk", "pia": "picker", "aud": "finance_auditor"}
ORDER = {"channel": "web", "external_id": "P-1", "customer_name": "Grace Hopper",
         "lines": [{"sku": "RING-1", "quantity": 2}, {"sku": "CHAIN-1", "quantity": 3}]}
EPC = "e28011700000020f1a2b3c4d"


def _seed(db: Database) -> dict[str, str]:
    """Two bins: three rings (one with an RFID EPC) and ten chains (unserialised)."""
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1")
        b.sku("CHAIN-1", serialised=False)
        receiving.receive(session, actor=b.actor, data=receiving_body())
        b.approve("L-1")
        receiving.putaway(session, actor=b.actor, data=PutawayCreate(lines=[MoveLineIn(
            sku="RING-1", lot="L-1", quantity=3, from_location="QUAR", to_location=bins[0],
            serials=["R-1", "R-2", "R-3"])]))
        b.stock("CHAIN-1", "L-2", 10, bins[1], serialised=False)
        for name, role in USERS.items():
            b.user(name, role)
        digits = dict(session.execute(select(Location.code, Location.check_digits)).all())
    return {code: d for code, d in digits.items() if d}


def receiving_body() -> ReceiptCreate:
    """Three ring pieces of a new lot L-1, R-1 carrying an RFID tag."""
    return ReceiptCreate(supplier="SUP1", lots=[LotIn(code="L-1", purchase_date=date(2026, 1, 5))],
                         lines=[ReceiptLineIn(
        sku="RING-1", lot="L-1", quantity=3,
        serials=[SerialIn(code="R-1", epc=EPC.upper()), SerialIn(code="R-2"),
                 SerialIn(code="R-3")])])






@pytest.fixture
def app(db: Database, db_url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    digits = _seed(db)
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="packing-test-key" * 3))
    with TestClient(create_app(settings)) as client:
        yield client, digits


def _picked_order(client: TestClient, digits: dict[str, str]) -> tuple[int, str]:
    """An order allocated, put on a pick list by the clerk and picked by the picker."""
    clerk, picker = login(client, "cleo"), login(client, "pia")
    order_id = client.post("/api/orders", json=ORDER, headers=clerk).json()["id"]
    assert client.post(f"/api/orders/{order_id}/allocate", headers=clerk).json()["complete"]
    plist = client.post("/api/picklists", json={"wave": 5, "picker": "pia"}, headers=clerk)
    assert plist.status_code == 201, plist.text
    ring, chain = plist.json()["lines"]
    done = client.post(f"/api/picks/{ring['id']}/confirm", headers=picker, json={
        "quantity": 2, "serials": ["R-1", "R-2"], "check_digits": digits[ring["from_location"]]})
    assert done.status_code == 200, done.text
    done = client.post(f"/api/picks/{chain['id']}/confirm", headers=picker, json={
        "quantity": 3, "check_digits": digits[chain["from_location"]]})
    assert done.status_code == 200 and done.json()["order_status"] == "picked", done.text
    return order_id, plist.json()["number"]


def _shipments(db: Database, order_id: int) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Document).where(
            Document.kind == DocKind.SHIPMENT, Document.order_id == order_id)) or 0


def test_packing_check_names_matched_missing_and_extra(
        app: tuple[TestClient, dict[str, str]]) -> None:
    client, digits = app
    order_id, _ = _picked_order(client, digits)
    clerk = login(client, "cleo")
    check = client.post(f"/api/orders/{order_id}/packing/check", headers=clerk, json={
        "pieces": [EPC, "R-1", "R-3", "CHAIN-1", "CHAIN-1", "FACET:L:PACK", "NOPE-9",
                   "FACET:S:"]})
    assert check.status_code == 200, check.text
    body = check.json()
    assert [p["serial"] for p in body["expected"] if p["serial"]] == ["R-1", "R-2"]
    assert {(p["serial"], p["quantity"]) for p in body["matched"]} == {("R-1", 1), (None, 2)}
    assert {(p["serial"] or p["sku"], p["quantity"]) for p in body["missing"]} == {
        ("R-2", 1), ("CHAIN-1", 1)}
    assert [(e["code"], e["reason"]) for e in body["extra"]] == [
        ("R-1", "duplicate"), ("R-3", "not-in-order"), ("FACET:L:PACK", "not-a-piece"),
        ("NOPE-9", "unknown-code"), ("FACET:S:", "unknown-code")]
    assert body["complete"] is False
    full = client.post(f"/api/orders/{order_id}/packing/check", headers=clerk, json={
        "pieces": ["FACET:S:R-2", EPC.upper(), "CHAIN-1", "CHAIN-1", "CHAIN-1"]}).json()
    assert full["complete"] is True and not full["missing"] and not full["extra"]
    over = client.post(f"/api/orders/{order_id}/packing/check", headers=clerk, json={
        "pieces": ["R-1", "R-2", "RING-1"] + ["CHAIN-1"] * 4}).json()
    assert [(e["code"], e["reason"]) for e in over["extra"]] == [
        ("RING-1", "not-a-piece"), ("CHAIN-1", "too-many")]


def test_ship_with_parcel_verified_and_retried_once(
        app: tuple[TestClient, dict[str, str]], db: Database) -> None:
    client, digits = app
    order_id, number = _picked_order(client, digits)
    clerk, picker = login(client, "cleo"), login(client, "pia")
    parcel = {"parcels": 2, "weight_kg": 0.4, "carrier": "SF Express", "tracking": "SF123"}
    wrong = client.post(f"/api/orders/{order_id}/ship", headers=clerk,
                        json={"parcel": parcel, "pieces": ["R-1", "CHAIN-1"]})
    assert wrong.status_code == 409 and error_code(wrong) == "packing-mismatch"
    assert "R-2" in wrong.json()["error"]["message"]
    assert _shipments(db, order_id) == 0  # the refusal posted nothing
    denied = client.post(f"/api/orders/{order_id}/ship", headers=picker, json={"parcel": parcel})
    assert denied.status_code == 403
    bad = client.post(f"/api/orders/{order_id}/ship", headers=clerk,
                      json={"parcel": {**parcel, "parcels": 0}})
    assert bad.status_code == 422
    body = {"parcel": parcel, "pieces": ["R-1", "R-2", "CHAIN-1", "CHAIN-1", "CHAIN-1"]}
    key = {**clerk, "Idempotency-Key": "ship-p-1"}
    first = client.post(f"/api/orders/{order_id}/ship", headers=key, json=body)
    assert first.status_code == 201, first.text
    again = client.post(f"/api/orders/{order_id}/ship", headers=key, json=body)
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()
    shipped = first.json()
    assert shipped["parcel"] == parcel and shipped["verified"] is True
    assert sum(ln["quantity"] for ln in shipped["lines"]) == 5
    assert _shipments(db, order_id) == 1
    twice = client.post(f"/api/orders/{order_id}/ship", headers=clerk, json=body)
    assert twice.status_code == 409 and error_code(twice) == "order-not-shippable"
    trail = client.get(f"/api/orders/{order_id}/trail", headers=picker).json()
    assert [s["number"] for s in trail["shipments"]] == [shipped["number"]]
    assert trail["shipments"][0]["parcel"]["tracking"] == "SF123"
    assert {p["pick_list"] for p in trail["picks"]} == {number}
    assert all(p["picker"] == "pia" and p["line"]["status"] == "done" for p in trail["picks"])
    assert {(r["sku"], r["status"]) for r in trail["reservations"]} == {
        ("RING-1", "done"), ("CHAIN-1", "done")}
    with db.read() as session:
        assert verify_stock(session).ok


def test_ship_without_body_still_works_and_packing_needs_picks_done(
        app: tuple[TestClient, dict[str, str]]) -> None:
    client, digits = app
    clerk, auditor = login(client, "cleo"), login(client, "aud")
    order_id = client.post("/api/orders", json=ORDER, headers=clerk).json()["id"]
    client.post(f"/api/orders/{order_id}/allocate", headers=clerk)
    client.post("/api/picklists", json={"order_ids": [order_id]}, headers=clerk)
    still = client.post(f"/api/orders/{order_id}/packing/check", headers=clerk, json={})
    assert still.status_code == 409 and error_code(still) == "picks-open"
    assert client.post(f"/api/orders/{order_id}/packing/check", headers=auditor,
                       json={}).status_code == 403
    missing = client.post("/api/orders/999999/packing/check", headers=clerk, json={})
    assert missing.status_code == 404 and error_code(missing) == "unknown-order"
    junk = client.post(f"/api/orders/{order_id}/packing/check", headers=clerk,
                       json={"pieces": ["x" * 200]})
    assert junk.status_code == 422
    control = client.post(f"/api/orders/{order_id}/packing/check", headers=clerk,
                          json={"pieces": ["R-2\u0007"]})
    assert control.status_code == 422
    trail = client.get(f"/api/orders/{order_id}/trail", headers=auditor).json()
    assert {p["line"]["status"] for p in trail["picks"]} == {"open"}
    assert all(p["picker"] is None for p in trail["picks"])
    assert {r["status"] for r in trail["reservations"]} == {"open"}


def test_unassign_pick_list(app: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = app
    manager, clerk = login(client, "mia"), login(client, "cleo")
    order_id = client.post("/api/orders", json=ORDER, headers=clerk).json()["id"]
    client.post(f"/api/orders/{order_id}/allocate", headers=clerk)
    number = client.post("/api/picklists", json={"order_ids": [order_id], "picker": "pia"},
                         headers=manager).json()["number"]
    names = [p["username"] for p in client.get("/api/pickers", headers=manager).json()]
    assert {"pia", "cleo", "mia"} <= set(names) and "aud" not in names
    assert names == sorted(names)
    assert client.get("/api/pickers", headers=login(client, "aud")).status_code == 403
    denied = client.delete(f"/api/picklists/{number}/assign", headers=clerk)
    assert denied.status_code == 403
    freed = client.delete(f"/api/picklists/{number}/assign", headers=manager)
    assert freed.status_code == 200 and freed.json()["picker"] is None
    unknown = client.delete("/api/picklists/PCK-999999/assign", headers=manager)
    assert unknown.status_code == 404 and error_code(unknown) == "unknown-pick-list"
    skipped = client.post(f"/api/picks/{freed.json()['lines'][0]['id']}/skip",
                          headers=login(client, "pia"))
    assert skipped.status_code == 200 and skipped.json()["line"]["skipped"] == 1


def test_order_search_by_number_or_channel(app: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = app
    clerk = login(client, "cleo")
    for ext, channel in (("WEB_100%", "web"), ("WEB-200", "web"), ("T-1", "tmall")):
        made = client.post("/api/orders", headers=clerk, json={**ORDER, "external_id": ext,
                                                               "channel": channel})
        assert made.status_code == 201, made.text

    def found(q: str) -> list[str]:
        page = client.get("/api/orders", params={"q": q}, headers=clerk).json()
        return sorted(o["external_id"] for o in page["items"])

    assert found("web") == ["WEB-200", "WEB_100%"]
    assert found("_100%") == ["WEB_100%"]  # wildcards are taken as typed
    assert found("TMALL") == ["T-1"]
    assert found("Grace") == []  # never by customer


def test_trail_hides_bins_under_the_readers_blind_count(
        app: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = app
    manager, clerk, picker = login(client, "mia"), login(client, "cleo"), login(client, "pia")
    order_id = client.post("/api/orders", json=ORDER, headers=clerk).json()["id"]
    client.post(f"/api/orders/{order_id}/allocate", headers=clerk)
    client.post("/api/picklists", json={"order_ids": [order_id]}, headers=clerk)
    seen = client.get(f"/api/orders/{order_id}/trail", headers=picker).json()
    ring_bin = next(r["location"] for r in seen["reservations"] if r["sku"] == "RING-1")
    count = client.post("/api/counts", headers=manager,
                        json={"locations": [ring_bin], "assignee": "pia"})
    assert count.status_code == 201, count.text
    blind = client.get(f"/api/orders/{order_id}/trail", headers=picker).json()
    assert {r["sku"] for r in blind["reservations"]} == {"CHAIN-1"}
    assert {p["line"]["sku"] for p in blind["picks"]} == {"CHAIN-1"}
    full = client.get(f"/api/orders/{order_id}/trail", headers=manager).json()
    assert {r["sku"] for r in full["reservations"]} == {"RING-1", "CHAIN-1"}
