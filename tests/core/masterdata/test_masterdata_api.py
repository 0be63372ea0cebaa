"""The office's master data over HTTP: size runs and attribute search in the catalogue, the
location tree and the bins below a node, and changing and retiring suppliers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core import CoreSettings, Database
from core.catalogue.models import Sku
from core.lots.qr import location_payload
from tests.builders import Builder
from tests.http import error_code, login
from web.app import Settings, create_app

USERS = {"mia": "manager", "cleo": "clerk", "pia": "picker"}
RUN = {"code_prefix": "AUR-RG", "sizes": ["5", "6", "7.5"], "metal": "gold",
       "metal_colour": "rose", "purity": "Au750", "stone_type": "diamond", "carat": 0.25,
       "gross_weight_g": 3.4, "net_weight_g": 3.1, "price": "1250.00"}


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[TestClient]:
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        b.supplier("SUP1")
        b.sku("RING-1")
        for name, role in USERS.items():
            b.user(name, role)
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="masterdata-key" * 3))
    with TestClient(create_app(settings)) as test_client:
        yield test_client






def test_a_size_run_adds_every_size_or_none(client: TestClient, db: Database) -> None:
    mia, cleo = login(client, "mia"), login(client, "cleo")
    style = {"code": "AUR", "name": "Aurora ring", "category": "ring", "collection": "Aurora"}
    assert client.post("/api/styles", json=style, headers=mia).status_code == 201
    denied = client.post("/api/styles/AUR/size-run", json=RUN, headers=cleo)
    assert denied.status_code == 403
    made = client.post("/api/styles/AUR/size-run", json=RUN, headers=mia)
    assert made.status_code == 201, made.text
    assert [s["code"] for s in made.json()["items"]] == ["AUR-RG-5", "AUR-RG-6", "AUR-RG-7.5"]
    assert {(s["size"], s["stone_type"], s["style"]) for s in made.json()["items"]} == {
        ("5", "diamond", "AUR"), ("6", "diamond", "AUR"), ("7.5", "diamond", "AUR")}
    # One code taken: nothing of the second run is added.
    again = client.post("/api/styles/AUR/size-run", json={**RUN, "sizes": ["8", "6"]},
                        headers=mia)
    assert again.status_code == 409 and error_code(again) == "sku-exists"
    assert "AUR-RG-6" in again.json()["error"]["message"]
    with db.read() as session:
        assert session.scalar(select(func.count(Sku.id)).where(Sku.code == "AUR-RG-8")) == 0
    for body, status, code in (
        ({**RUN, "sizes": ["8", "8"]}, 422, "duplicate-size"),
        ({**RUN, "sizes": ["9"], "net_weight_g": 4.0}, 422, "net-over-gross"),
        ({**RUN, "sizes": []}, 422, "invalid-request"),
        ({**RUN, "sizes": ["7 1/2"]}, 422, "invalid-request"),
    ):
        refused = client.post("/api/styles/AUR/size-run", json=body, headers=mia)
        assert refused.status_code == status, refused.text
        assert error_code(refused) == code
    unknown = client.post("/api/styles/NOPE/size-run", json=RUN, headers=mia)
    assert unknown.status_code == 404 and error_code(unknown) == "unknown-style"


def test_skus_filter_by_every_jewellery_attribute(client: TestClient) -> None:
    mia = login(client, "mia")
    client.post("/api/styles", json={"code": "AUR", "name": "Aurora ring", "category": "ring",
                                     "collection": "Aurora"}, headers=mia)
    client.post("/api/styles/AUR/size-run", json=RUN, headers=mia)
    found = client.get("/api/skus", params={"stone": "diamond", "colour": "rose",
                                            "category": "ring", "size": "7.5"}, headers=mia)
    assert [s["code"] for s in found.json()["items"]] == ["AUR-RG-7.5"]
    retired = client.patch("/api/skus/AUR-RG-5", json={"active": False, "price": None},
                           headers=mia)
    assert retired.status_code == 200 and retired.json()["price"] == "1250.00"
    active = client.get("/api/skus", params={"collection": "Aurora", "active": "true"},
                        headers=mia)
    assert [s["code"] for s in active.json()["items"]] == ["AUR-RG-6", "AUR-RG-7.5"]
    values = client.get("/api/catalogue/attributes", headers=login(client, "pia")).json()
    assert values["size"] == ["5", "6", "7", "7.5"] and values["stone"] == ["diamond"]
    assert "ring" in values["category"] and values["colour"] == ["rose"]
    heavier = client.patch("/api/skus/AUR-RG-6", json={"net_weight_g": 9.0}, headers=mia)
    assert heavier.status_code == 422 and error_code(heavier) == "net-over-gross"
    named = client.patch("/api/styles/AUR", json={"name": None, "collection": None}, headers=mia)
    assert named.status_code == 200 and named.json()["name"] == "Aurora ring"
    assert named.json()["collection"] is None


def test_the_tree_counts_bins_and_lists_them_at_any_depth(client: TestClient) -> None:
    mia, pia = login(client, "mia"), login(client, "pia")
    capacity = client.patch("/api/locations/A01-01-1-01", json={"capacity": 40}, headers=mia)
    assert capacity.status_code == 200
    tree = client.get("/api/locations/tree", headers=pia).json()
    assert [n["code"] for n in tree] == ["WH", "Z1", "A01", "A01-01", "A01-01-1"]
    by_code = {n["code"]: n for n in tree}
    assert (by_code["WH"]["bins"], by_code["Z1"]["bins"], by_code["A01-01-1"]["bins"]) == (7, 7, 4)
    assert by_code["A01"]["capacity"] == 40 and by_code["A01"]["parent"] == "Z1"
    made = client.post("/api/locations", headers=mia, json={
        "code": "A01-01-1-09", "parent": "A01-01-1", "tier": "bin", "kind": "pick_face",
        "check_digits": "42", "capacity": 10})
    assert made.status_code == 201, made.text
    bins = client.get("/api/locations/A01/bins", headers=pia).json()
    assert bins["total"] == 5 and bins["items"][-1]["code"] == "A01-01-1-09"
    assert bins["items"][-1]["check_digits"] is None  # pickers do not see check digits
    seen = client.get("/api/locations/A01/bins", params={"limit": 2, "offset": 4}, headers=mia)
    assert [b["check_digits"] for b in seen.json()["items"]] == ["42"]
    assert client.get("/api/locations/A01-01-1-09/bins", headers=mia).json()["total"] == 0
    missing = client.get("/api/locations/NOPE/bins", headers=mia)
    assert missing.status_code == 404 and error_code(missing) == "unknown-location"


def test_a_location_is_found_by_its_label_qr(client: TestClient) -> None:
    pia = login(client, "pia")
    label = client.get(f"/api/locations/{location_payload('A01-01-1-01')}", headers=pia)
    assert label.status_code == 200 and label.json()["code"] == "A01-01-1-01"
    piece = client.get("/api/locations/FACET:S:SN-1", headers=pia)
    assert piece.status_code == 422 and error_code(piece) == "not-a-location"
    unknown = client.get("/api/locations/FACET:L:NOPE", headers=pia)
    assert unknown.status_code == 404 and error_code(unknown) == "unknown-location"


def test_suppliers_change_and_retire(client: TestClient) -> None:
    mia, cleo = login(client, "mia"), login(client, "cleo")
    denied = client.patch("/api/suppliers/SUP1", json={"name": "X"}, headers=cleo)
    assert denied.status_code == 403
    changed = client.patch("/api/suppliers/SUP1", headers=mia, json={
        "name": "Orafo Vicentino", "country": "IT", "contact": "ordini@orafo.example"})
    assert changed.status_code == 200, changed.text
    assert changed.json() | {"id": 0} == {"id": 0, "code": "SUP1", "name": "Orafo Vicentino",
                                          "country": "IT", "contact": "ordini@orafo.example",
                                          "active": True}
    assert client.get("/api/suppliers/SUP1", headers=cleo).json()["contact"] == \
        "ordini@orafo.example"
    for body, code in (({"country": "Italy"}, "invalid-request"), ({"name": None}, "supplier-name"),
                       ({"active": None}, "supplier-active"), ({"code": "X"}, "invalid-request")):
        refused = client.patch("/api/suppliers/SUP1", json=body, headers=mia)
        assert refused.status_code == 422 and error_code(refused) == code, refused.text
    assert client.patch("/api/suppliers/NOPE", json={}, headers=mia).status_code == 404
    retired = client.patch("/api/suppliers/SUP1", json={"active": False}, headers=mia)
    assert retired.json()["active"] is False
    assert [s["active"] for s in client.get("/api/suppliers", headers=mia).json()] == [False]
    order = {"supplier": "SUP1", "expected_on": "2026-12-01",
             "lines": [{"sku": "RING-1", "quantity": 1, "unit_cost": "10"}]}
    refused = client.post("/api/purchase-orders", json=order, headers=mia)
    assert refused.status_code == 422 and error_code(refused) == "supplier-inactive"
    client.patch("/api/suppliers/SUP1", json={"active": True}, headers=mia)
    assert client.post("/api/purchase-orders", json=order, headers=mia).status_code == 201
