"""Returns over HTTP: roles, customers hidden, idempotency, stable codes, nothing half-posted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core import Database
from core.ledger.models import StockMove
from core.locations.models import Location
from core.lots.models import Serial
from core.orders.integrity import verify_stock
from tests.core.returns.support import shop
from tests.http import api_client, error_code, login


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[tuple[TestClient, dict[str, object]]]:
    with db.write() as session:
        sold = shop(session)
        sold.b.user("cleo", "clerk")
        sold.b.user("pia", "picker")
        pieces = list(
            session.scalars(
                select(Serial.code)
                .join(Location)
                .where(Location.code == "V-CUSTOMER")
                .order_by(Serial.code)
            )
        )
        facts: dict[str, object] = {"order": sold.shipped.id, "pieces": pieces, "bins": sold.bins}
    with api_client(db_url) as c:
        yield c, facts


def _moves(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(StockMove.id))) or 0


def test_customer_and_supplier_returns_over_http(
    client: tuple[TestClient, dict[str, object]], db: Database
) -> None:
    c, facts = client
    clerk, picker = login(c, "cleo"), login(c, "pia")
    pieces, bins = facts["pieces"], facts["bins"]
    assert isinstance(pieces, list) and isinstance(bins, list)
    body = {
        "order_id": facts["order"],
        "reason": "wrong size",
        "serials": [pieces[0]],
        "lines": [{"line_no": 2, "quantity": 2}],
    }
    denied = c.post("/api/returns", json=body, headers=picker)
    assert denied.status_code == 403 and error_code(denied) == "forbidden"
    key = {**clerk, "Idempotency-Key": "ret-1"}
    made = c.post("/api/returns", json=body, headers=key)
    assert made.status_code == 201, made.text
    again = c.post("/api/returns", json=body, headers=key)
    assert again.json()["number"] == made.json()["number"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    number = made.json()["number"]
    over = c.post(
        "/api/returns",
        json={**body, "serials": [], "lines": [{"line_no": 2, "quantity": 3}]},
        headers=clerk,
    )
    assert over.status_code == 409 and error_code(over) == "return-exceeds-shipped"
    junk = c.post("/api/returns", json={**body, "order_id": 0}, headers=clerk)
    assert junk.status_code == 422 and error_code(junk) == "invalid-request"
    seen = c.get(f"/api/returns/{number}", headers=picker).json()
    assert seen["customer"] is None and seen["order"] == "R-100"
    assert c.get(f"/api/returns/{number}", headers=clerk).json()["customer"] == "Ada Lovelace"
    received = c.post(f"/api/returns/{number}/receive", json={"location": bins[0]}, headers=clerk)
    assert received.status_code == 422 and error_code(received) == "not-a-returns-place"
    received = c.post(f"/api/returns/{number}/receive", headers=clerk)
    assert received.status_code == 200 and received.json()["location"] == "QUAR"
    before = _moves(db)
    half = c.post(
        f"/api/returns/{number}/inspect",
        headers=clerk,
        json={
            "items": [
                {"serial": pieces[0], "disposition": "stock", "location": bins[2]},
                {"line_no": 2, "quantity": 2, "disposition": "melt"},
            ]
        },
    )
    assert half.status_code == 422 and error_code(half) == "unknown-disposition"
    assert _moves(db) == before
    done = c.post(
        f"/api/returns/{number}/inspect",
        headers=clerk,
        json={
            "items": [
                {"serial": pieces[0], "disposition": "stock", "location": bins[2]},
                {"line_no": 2, "quantity": 2, "disposition": "scrap"},
            ]
        },
    )
    assert done.status_code == 200 and done.json()["status"] == "done", done.text
    assert _moves(db) == before + 2
    refund = c.post(f"/api/returns/{number}/refund", json={"refund_ref": "JD-RF-9"}, headers=clerk)
    assert refund.json()["refund_ref"] == "JD-RF-9"
    listed = c.get("/api/returns", params={"q": "r-100"}, headers=clerk).json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == number
    assert c.get("/api/returns", params={"status": "open"}, headers=clerk).json()["total"] == 0
    missing = c.get("/api/returns/RET-999999", headers=clerk)
    assert missing.status_code == 404 and error_code(missing) == "unknown-return"
    rts = c.post(
        "/api/supplier-returns",
        headers=clerk,
        json={
            "lot": "L-2",
            "supplier": "SUP1",
            "reason": "damage",
            "lines": [{"sku": "CHAIN-1", "location": bins[1], "quantity": 1}],
        },
    )
    assert rts.status_code == 201, rts.text
    rts_no = rts.json()["number"]
    ref = c.post(
        f"/api/supplier-returns/{rts_no}/reference", json={"supplier_rma": "RMA-1"}, headers=clerk
    )
    assert ref.json()["supplier_rma"] == "RMA-1" and ref.json()["quantity"] == 1
    assert c.get("/api/supplier-returns", headers=picker).json()["items"][0]["number"] == rts_no
    assert c.get(f"/api/supplier-returns/{rts_no}", headers=picker).json()["supplier"] == "SUP1"
    wrong = c.post(
        "/api/supplier-returns",
        headers=clerk,
        json={"lot": "L-2", "supplier": "SUP9", "reason": "damage", "whole_lot": True},
    )
    assert wrong.status_code == 404 and error_code(wrong) == "unknown-supplier"
    with db.read() as session:
        assert verify_stock(session).ok
