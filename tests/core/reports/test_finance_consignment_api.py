"""Consignment in finance over HTTP: the consignment is no finance document, the purchase is a
receipt in the register, its CSV and its PDF; the custody answer names the receipt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from core import Database
from tests.core.custody.support import shop
from tests.http import api_client, error_code, login


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[tuple[TestClient, list[str]]]:
    with db.write() as session:
        made = shop(session, pieces=1)
        made.b.user("cleo", "clerk")
        made.b.user("mia", "manager")
        made.b.user("fin", "finance_auditor")
    with api_client(db_url) as c:
        yield c, made.bins


def test_purchase_of_consigned_pieces_over_http(client: tuple[TestClient, list[str]]) -> None:
    c, bins = client
    clerk, manager, fin = login(c, "cleo"), login(c, "mia"), login(c, "fin")
    due = (date.today() + timedelta(days=30)).isoformat()
    made = c.post(
        "/api/custody/consignments",
        headers=clerk,
        json={
            "partner": "CONSIGN",
            "due_on": due,
            "bin": bins[1],
            "pieces": [{"serial": "CS-A", "sku": "PEND-1"}, {"serial": "CS-B", "sku": "PEND-1"}],
        },
    )
    assert made.status_code == 201, made.text
    consignment = made.json()["number"]
    refused = c.post(
        f"/api/custody/{consignment}/buy",
        headers=clerk,
        json={"pieces": [{"serial": "CS-A", "unit_cost": 321.5}]},
    )
    assert refused.status_code == 403
    bought = c.post(
        f"/api/custody/{consignment}/buy",
        headers=manager,
        json={"pieces": [{"serial": "CS-A", "unit_cost": 321.5}], "reference": "INV-9"},
    )
    assert bought.status_code == 200, bought.text
    settled = {p["serial"]: p["settled_by"] for p in bought.json()["pieces"]}
    receipt = settled["CS-A"]
    assert receipt is not None and receipt.startswith("RCV-") and settled["CS-B"] is None
    back = c.post(
        f"/api/custody/{consignment}/send-back", headers=clerk, json={"serials": ["CS-B"]}
    )
    assert back.status_code == 200, back.text

    alone = c.get(f"/api/finance/documents/{consignment}", headers=fin)
    assert alone.status_code == 404 and error_code(alone) == "not-a-finance-document"
    one = c.get(f"/api/finance/documents/{receipt}", headers=fin).json()
    assert (one["kind"], one["reference"], one["reason"]) == (
        "receipt",
        "INV-9",
        "consignment-purchase",
    )
    assert one["counterparty"] == f"SUP1 Supplier SUP1 / {consignment}"
    assert [(ln["serials"], ln["value"], ln["basis"]) for ln in one["lines"]] == [
        (["CS-A"], 321.5, "purchase-cost")
    ]
    register = c.get("/api/finance/documents", params={"kind": "receipt"}, headers=fin).json()
    numbers = [d["number"] for d in register["documents"]]
    assert receipt in numbers and consignment not in numbers
    text = c.get(
        "/api/finance/documents", params={"kind": "receipt", "format": "csv"}, headers=fin
    ).text
    assert consignment not in text.split(",")[0] and f"\n{receipt}," in text
    assert ",CS-A,V-SUPPLIER," in text and ",321.50,purchase-cost," in text
    pdf = c.get(f"/api/finance/documents/{receipt}", params={"format": "pdf"}, headers=fin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
