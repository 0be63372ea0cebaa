"""POST /api/labels and /api/labels/preview over HTTP: selections, formats, roles, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core import CoreSettings, Database
from core.documents.schemas import LotIn, ReceiptCreate, ReceiptLineIn, SerialIn
from core.purchasing import receiving
from tests.builders import Builder
from tests.http import error_code, login
from web.app import Settings, create_app

USERS = {"mia": "manager", "cleo": "clerk", "pia": "picker"}


def seed(db: Database) -> str:
    """Bins A01-01-1-01..04 in zone Z1; RING-1 lot L-1 (3 pieces), lot L-3 (2 pieces with
    EPCs, by the receipt whose number is returned), and CHAIN-1 lot L-2 (not serialised)."""
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1")
        b.sku("CHAIN-1", serialised=False)
        b.stock("RING-1", "L-1", 3, bins[0])
        b.stock("CHAIN-1", "L-2", 10, bins[0], serialised=False)
        receipt = receiving.receive(session, actor=b.actor, data=ReceiptCreate(
            supplier="SUP1", lots=[LotIn(code="L-3", purchase_date="2026-01-05")],
            lines=[ReceiptLineIn(sku="RING-1", lot="L-3", quantity=2, serials=[
                SerialIn(code="R-EPC-1", epc="E2801160600002000000A1B1", weight_g=4.1),
                SerialIn(code="R-EPC-2", epc="E2801160600002000000A1B2")])]))
        for name, role in USERS.items():
            b.user(name, role)
        return receipt.number






@pytest.fixture
def receipt(db: Database) -> str:
    return seed(db)


@pytest.fixture
def client(receipt: str, db_url: str) -> Iterator[TestClient]:
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="test-signing-key-" * 3))
    with TestClient(create_app(settings)) as c:
        yield c


def preview(client: TestClient, who: str, **body: Any) -> Any:
    """The preview answer's JSON (asserting it is a 200)."""
    answer = client.post("/api/labels/preview", json=body, headers=login(client, who))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_piece_labels_of_a_lot_as_a_pdf_sheet(client: TestClient) -> None:
    answer = client.post("/api/labels", json={"kind": "piece", "lot": "l-1"},
                         headers=login(client, "pia"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["x-label-count"] == "3"
    assert 'filename="facet-piece-labels-a4-24.pdf"' in answer.headers["content-disposition"]
    assert answer.content.startswith(b"%PDF-")


def test_piece_selections(client: TestClient, receipt: str) -> None:
    by_sku = preview(client, "cleo", kind="piece", sku="RING-1")
    assert by_sku["count"] == 5 and by_sku["pages"] == 1
    received = preview(client, "cleo", kind="piece", receipt=receipt)
    assert received["codes"] == ["R-EPC-1", "R-EPC-2"]
    # Codes print in the order given, as plain codes, QR payloads or EPCs (any case).
    listed = preview(client, "cleo", kind="piece", layout="roll-60x30",
                     codes=["e2801160600002000000a1b2", "FACET:S:RING-1-L-1-00001", "R-EPC-1"])
    assert listed["codes"] == ["R-EPC-2", "RING-1-L-1-00001", "R-EPC-1"]
    assert listed["pages"] == 3 and listed["layout"] == "roll-60x30"
    svg = listed["svgs"][2]
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "4.10 g" in svg


def test_location_labels_carry_zone_and_check_digits(client: TestClient) -> None:
    shown = preview(client, "mia", kind="location", prefix="A01-01-1-")
    assert shown["codes"] == [f"A01-01-1-0{i}" for i in range(1, 5)]
    assert ">Z1<" in shown["svgs"][0] and ">17<" in shown["svgs"][0]  # 10 + 1 * 7
    listed = preview(client, "cleo", kind="location", codes=["FACET:L:VAULT-01", "QUAR"])
    assert listed["codes"] == ["VAULT-01", "QUAR"] and ">55<" in listed["svgs"][1]


def test_zpl_for_a_thermal_printer(client: TestClient) -> None:
    answer = client.post("/api/labels", headers=login(client, "mia"), json={
        "kind": "location", "prefix": "A01", "format": "zpl", "layout": "roll-100x50",
        "dpi": 300})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text.count("^XA") == 4 and "^PW1181" in answer.text
    assert "^FDMA,FACET:L:A01-01-1-01^FS" in answer.text
    assert answer.headers["content-disposition"].endswith('-300dpi.zpl"')


@pytest.mark.parametrize("body, status, code", [
    ({"kind": "piece", "codes": ["RING-1-L-1-00000", "NOPE-1", "NOPE-2"]}, 422, "unknown-codes"),
    ({"kind": "piece", "codes": ["FACET:L:QUAR"]}, 422, "invalid-qr-payload"),
    ({"kind": "location", "codes": ["FACET:S:RING-1-L-1-00000"]}, 422, "invalid-qr-payload"),
    ({"kind": "piece", "lot": "L-1", "sku": "RING-1"}, 422, "bad-label-selection"),
    ({"kind": "location", "lot": "L-1"}, 422, "bad-label-selection"),
    ({"kind": "piece"}, 422, "bad-label-selection"),
    ({"kind": "piece", "lot": "L-2"}, 422, "no-labels"),
    ({"kind": "location", "prefix": "ZZZ"}, 422, "no-labels"),
    ({"kind": "location", "codes": ["QUAR", "V-CUSTOMER"]}, 422, "virtual-location"),
    ({"kind": "piece", "lot": "L-9"}, 404, "unknown-lot"),
    ({"kind": "piece", "sku": "NO-SKU"}, 404, "unknown-sku"),
    ({"kind": "piece", "receipt": "RCV-999999"}, 404, "unknown-receipt"),
    ({"kind": "piece", "lot": "L-1", "layout": "a5-8"}, 422, "invalid-request"),
    ({"kind": "piece", "lot": "L-1", "format": "zpl"}, 422, "zpl-needs-roll"),
    ({"kind": "piece", "lot": "L-1", "format": "zpl", "layout": "roll-60x30", "dpi": 600},
     422, "invalid-request"),
    ({"kind": "piece", "codes": [f"P-{i}" for i in range(2001)]}, 422, "too-many-labels"),
    ({"kind": "pallet", "codes": ["X"]}, 422, "invalid-request"),
])
def test_refusals_have_stable_codes(client: TestClient, body: dict[str, Any], status: int,
                                    code: str) -> None:
    headers = login(client, "mia")
    for path in ("/api/labels", "/api/labels/preview"):
        answer = client.post(path, json=body, headers=headers)
        assert (answer.status_code, error_code(answer)) == (status, code), answer.text


def test_unknown_codes_are_listed(client: TestClient) -> None:
    answer = client.post("/api/labels", headers=login(client, "mia"),
                         json={"kind": "location", "codes": ["QUAR", "NOPE-1", "NOPE-2"]})
    assert "NOPE-1, NOPE-2" in answer.json()["error"]["message"]


def test_a_selection_over_the_limit_is_refused(client: TestClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.labels.service.MAX_LABELS", 3)
    answer = client.post("/api/labels", headers=login(client, "mia"),
                         json={"kind": "location", "prefix": "A01"})
    assert (answer.status_code, error_code(answer)) == (422, "too-many-labels")
    assert "4 labels" in answer.json()["error"]["message"]


def test_location_labels_only_for_roles_that_see_check_digits(client: TestClient) -> None:
    answer = client.post("/api/labels", headers=login(client, "pia"),
                         json={"kind": "location", "prefix": "A01"})
    assert (answer.status_code, error_code(answer)) == (403, "forbidden")
    assert client.post("/api/labels", json={"kind": "piece", "lot": "L-1"}).status_code == 401
