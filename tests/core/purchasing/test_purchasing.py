"""Purchase orders: the workflow, receiving against them, over-receipt, roles and idempotency."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import CoreSettings, Database
from core.audit.models import AuditEntry
from core.documents.models import Document, DocumentLine
from core.documents.schemas import LotIn, ReceiptCreate, ReceiptLineIn, SerialIn
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.lots.models import Lot
from core.orders.integrity import verify_stock
from core.purchasing import (
    cancel_purchase_order,
    create_purchase_order,
    get_purchase_order,
    on_order,
    open_purchase_order,
    purchase_order_read,
    receiving,
)
from core.purchasing.schemas import PurchaseOrderCreate, PurchaseOrderLineIn
from tests.builders import PASSWORD, Builder
from web.app import Settings, create_app


def _po(b: Builder, *lines: tuple[str, int], supplier: str = "SUP1", status: str = "open") -> str:
    """A purchase order for ``(sku, quantity)`` lines at 500.00 a piece; returns its number."""
    po = create_purchase_order(b.session, actor=b.actor, data=PurchaseOrderCreate(
        supplier=supplier, expected_on=date(2026, 12, 1), status=status,  # type: ignore[arg-type]
        lines=[PurchaseOrderLineIn(sku=s, quantity=q, unit_cost=Decimal("500.00"))
               for s, q in lines]))
    return po.number


def _receipt(lot: str, *lines: tuple[str, int, int | None], po: str | None,
             supplier: str = "SUP1", serialised: tuple[str, ...] = ("RING-1",)
             ) -> ReceiptCreate:
    """A receipt of lot ``lot`` with ``(sku, quantity, po_line)`` lines against ``po``."""
    return ReceiptCreate(
        supplier=supplier, purchase_order=po,
        lots=[LotIn(code=lot, purchase_date=date(2026, 11, 20))],
        lines=[ReceiptLineIn(sku=sku, lot=lot, quantity=qty, po_line=line, serials=[
            SerialIn(code=f"{lot}-{sku}-{i}") for i in range(qty)] if sku in serialised else [])
            for sku, qty, line in lines])


@pytest.fixture
def b(session: Session) -> Builder:
    builder = Builder(session)
    builder.warehouse()
    builder.supplier("SUP1")
    builder.supplier("SUP2")
    builder.sku("RING-1")
    builder.sku("CHAIN-1", serialised=False)
    return builder


def _actions(session: Session, number: str) -> list[str]:
    return list(session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == number).order_by(AuditEntry.id)))


def test_receiving_against_an_order_moves_it_to_received(b: Builder) -> None:
    s = b.session
    number = _po(b, ("RING-1", 3), ("CHAIN-1", 10))
    ring_id, chain_id = (get_purchase_order(s, number=number).lines[i].sku_id for i in (0, 1))
    assert on_order(s) == {ring_id: 3, chain_id: 10}
    first = receiving.receive(s, actor=b.actor, data=_receipt(
        "L-1", ("RING-1", 2, None), ("CHAIN-1", 4, None), ("CHAIN-1", 1, 2), po=number.lower()))
    read = purchase_order_read(s, get_purchase_order(s, number=number))
    assert read.status == "partly_received" and read.receipts == [first.number]
    assert [(ln.received_quantity, ln.on_order) for ln in read.lines] == [(2, 1), (5, 5)]
    assert read.total_cost == Decimal("6500.00") and read.closed_at is None
    assert first.data["purchase_order"] == number
    assert [ln.purchase_line_id for ln in first.lines] == [read.lines[0].id, read.lines[1].id,
                                                            read.lines[1].id]
    assert on_order(s) == {ring_id: 1, chain_id: 5}
    second = receiving.receive(s, actor=b.actor, data=_receipt(
        "L-2", ("RING-1", 1, 1), ("CHAIN-1", 5, None), po=number))
    read = purchase_order_read(s, get_purchase_order(s, number=number))
    assert read.status == "received" and read.closed_at is not None
    assert read.receipts == [first.number, second.number] and on_order(s) == {}
    assert _actions(s, number) == ["purchase_order.create", "purchase_order.partly_received",
                                   "purchase_order.received"]
    with pytest.raises(ConflictError) as closed:
        receiving.receive(s, actor=b.actor, data=_receipt("L-3", ("CHAIN-1", 1, None), po=number))
    assert closed.value.code == "po-not-open"
    assert verify_stock(s).ok


@pytest.mark.parametrize(("lines", "supplier", "code"), [
    ((("CHAIN-1", 6, None),), "SUP1", "over-receipt"),
    ((("CHAIN-1", 3, None), ("CHAIN-1", 3, 1)), "SUP1", "over-receipt"),  # 6 over two lines
    ((("CHAIN-1", 1, None),), "SUP2", "po-supplier"),
    ((("RING-1", 1, None),), "SUP1", "not-on-purchase-order"),
    ((("RING-1", 1, 1),), "SUP1", "po-line-sku"),
    ((("CHAIN-1", 1, 7),), "SUP1", "unknown-po-line"),
])
def test_receipts_that_do_not_fit_the_order_are_refused_whole(
    b: Builder, lines: tuple[tuple[str, int, int | None], ...], supplier: str, code: str
) -> None:
    s = b.session
    number = _po(b, ("CHAIN-1", 8))
    receiving.receive(s, actor=b.actor, data=_receipt("L-1", ("CHAIN-1", 3, None), po=number))
    documents = s.scalar(select(func.count(Document.id)))
    savepoint = s.begin_nested()
    with pytest.raises((ConflictError, ValidationFailed)) as refused:
        receiving.receive(s, actor=b.actor,
                          data=_receipt("L-9", *lines, po=number, supplier=supplier))
    assert refused.value.code == code
    savepoint.rollback()
    po = get_purchase_order(s, number=number)
    assert (po.status, po.lines[0].received_quantity) == ("partly_received", 3)
    assert s.scalar(select(func.count(Document.id))) == documents
    assert s.scalar(select(Lot.id).where(Lot.code == "L-9")) is None


def test_drafts_open_and_cancel(b: Builder) -> None:
    s = b.session
    draft = _po(b, ("CHAIN-1", 4), status="draft")
    assert on_order(s) == {}
    with pytest.raises(ConflictError) as not_open:
        receiving.receive(s, actor=b.actor, data=_receipt("L-1", ("CHAIN-1", 1, None), po=draft))
    assert not_open.value.code == "po-not-open"
    assert open_purchase_order(s, actor=b.actor, number=draft).status == "open"
    with pytest.raises(ConflictError) as twice:
        open_purchase_order(s, actor=b.actor, number=draft)
    assert twice.value.code == "po-not-draft"
    receiving.receive(s, actor=b.actor, data=_receipt("L-1", ("CHAIN-1", 1, None), po=draft))
    cancelled = cancel_purchase_order(s, actor=b.actor, number=draft, reason="supplier late")
    read = purchase_order_read(s, cancelled)
    assert read.status == "cancelled" and read.closed_at is not None
    assert [(ln.received_quantity, ln.on_order) for ln in read.lines] == [(1, 0)]
    assert on_order(s) == {}
    with pytest.raises(ConflictError) as closed:
        cancel_purchase_order(s, actor=b.actor, number=draft)
    assert closed.value.code == "po-closed"
    assert _actions(s, draft) == ["purchase_order.create", "purchase_order.open",
                                  "purchase_order.partly_received", "purchase_order.cancelled"]


def test_orders_that_make_no_sense_are_refused(b: Builder) -> None:
    s = b.session
    for lines, supplier, code in (
        ([("CHAIN-1", 1), ("CHAIN-1", 2)], "SUP1", "duplicate-sku"),
        ([("NOPE", 1)], "SUP1", "unknown-sku"),
        ([("CHAIN-1", 1)], "NOPE", "unknown-supplier"),
    ):
        with pytest.raises((NotFoundError, ValidationFailed)) as refused:
            _po(b, *lines, supplier=supplier)
        assert refused.value.code == code
    with pytest.raises(NotFoundError) as unknown:
        get_purchase_order(s, number="PO-999999")
    assert unknown.value.code == "unknown-purchase-order"
    with pytest.raises(ValidationError):
        _receipt("L-1", ("CHAIN-1", 1, 1), po=None)
    assert s.scalar(select(func.count(DocumentLine.id)).where(
        DocumentLine.purchase_line_id.is_not(None))) == 0


# --- over HTTP --------------------------------------------------------------------------------

USERS = {"mia": "manager", "cleo": "clerk", "pia": "picker", "finn": "finance_auditor"}
ORDER = {"supplier": "SUP1", "expected_on": "2026-12-01", "reference": "OC-77",
         "lines": [{"sku": "CHAIN-1", "quantity": 10, "unit_cost": "12.50"},
                   {"sku": "RING-1", "quantity": 2, "unit_cost": "480"}]}


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[TestClient]:
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        b.supplier("SUP1")
        b.sku("RING-1")
        b.sku("CHAIN-1", serialised=False)
        for name, role in USERS.items():
            b.user(name, role)
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="purchasing-key" * 3))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _login(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _code(answer: Any) -> str:
    return str(answer.json()["error"]["code"])


def test_purchase_orders_over_http(client: TestClient, db: Database) -> None:
    mia, cleo, pia, finn = (_login(client, u) for u in USERS)
    for who in (cleo, pia, finn):
        denied = client.post("/api/purchase-orders", json=ORDER, headers=who)
        assert denied.status_code == 403 and _code(denied) == "forbidden"
    key = {**mia, "Idempotency-Key": "po-oc-77"}
    made = client.post("/api/purchase-orders", json=ORDER, headers=key)
    assert made.status_code == 201, made.text
    number = made.json()["number"]
    assert made.json()["total_cost"] == "1085.00" and made.json()["status"] == "open"
    again = client.post("/api/purchase-orders", json=ORDER, headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == made.json()
    reused = client.post("/api/purchase-orders", json={**ORDER, "reference": "OC-78"}, headers=key)
    assert reused.status_code == 409 and _code(reused) == "idempotency-key-reused"
    draft = client.post("/api/purchase-orders", json={**ORDER, "status": "draft"}, headers=mia)
    assert draft.json()["status"] == "draft"
    assert client.get("/api/purchase-orders", headers=pia).status_code == 403
    page = client.get("/api/purchase-orders", params={"limit": 1}, headers=finn).json()
    assert page["total"] == 2 and [p["number"] for p in page["items"]] == [draft.json()["number"]]
    page = client.get("/api/purchase-orders", params={"limit": 1, "offset": 1}, headers=cleo)
    assert [p["number"] for p in page.json()["items"]] == [number]
    opened = client.get("/api/purchase-orders", params={"status": "open", "sku": "RING-1",
                                                        "supplier": "sup1"}, headers=cleo)
    assert [p["number"] for p in opened.json()["items"]] == [number]

    receipt = {"supplier": "SUP1", "purchase_order": number,
               "lots": [{"code": "L-1", "purchase_date": "2026-11-20"}],
               "lines": [{"sku": "CHAIN-1", "lot": "L-1", "quantity": 11}]}
    over = client.post("/api/receipts", json=receipt, headers=cleo)
    assert over.status_code == 409 and _code(over) == "over-receipt"
    assert "10 left on order" in over.json()["error"]["message"]
    receipt["lines"][0]["quantity"] = 4  # type: ignore[index]
    got = client.post("/api/receipts", json=receipt, headers=cleo)
    assert got.status_code == 201, got.text
    read = client.get(f"/api/purchase-orders/{number}", headers=finn).json()
    assert read["status"] == "partly_received" and read["receipts"] == [got.json()["number"]]
    assert [(ln["received_quantity"], ln["on_order"]) for ln in read["lines"]] == [(4, 6), (0, 2)]
    line_only = {**receipt, "purchase_order": None, "lines": [{"sku": "CHAIN-1", "lot": "L-1",
                                                               "quantity": 1, "po_line": 1}]}
    assert client.post("/api/receipts", json=line_only, headers=cleo).status_code == 422

    assert client.post(f"/api/purchase-orders/{number}/cancel", headers=cleo).status_code == 403
    gone = client.post(f"/api/purchase-orders/{number}/cancel", headers=mia,
                       json={"reason": "rest no longer needed"})
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    assert client.post(f"/api/purchase-orders/{number}/cancel", headers=mia).status_code == 409
    missing = client.get("/api/purchase-orders/PO-999999", headers=mia)
    assert missing.status_code == 404 and _code(missing) == "unknown-purchase-order"
    opened = client.post(f"/api/purchase-orders/{draft.json()['number']}/open", headers=mia)
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    with db.read() as session:
        assert session.scalar(select(func.count(Lot.id))) == 1  # the refused receipt left none
        assert verify_stock(session).ok


def test_ten_deliveries_race_for_four_pieces_on_order(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        b.supplier("SUP1")
        b.sku("CHAIN-1", serialised=False)
        number, actor = _po(b, ("CHAIN-1", 4)), b.actor
    start = threading.Barrier(10)

    def deliver(n: int) -> str:
        start.wait()
        try:
            with db.write() as session:
                receiving.receive(session, actor=actor, data=_receipt(
                    f"L-{n}", ("CHAIN-1", 1, None), po=number))
        except ConflictError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(deliver, range(10)))
    assert sorted(results) == ["ok"] * 4 + ["po-not-open"] * 6
    with db.read() as session:
        po = get_purchase_order(session, number=number)
        assert (po.status, po.lines[0].received_quantity) == ("received", 4)
        assert session.scalar(select(func.count(Lot.id))) == 4
