"""Finance documents: receipts against a PO and without one, a shipment, a transfer, an
adjustment and a count difference, valued and exported (JSON, CSV, XLSX, PDF), on SQLite and
PostgreSQL, through the services and over HTTP."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import Database
from core.documents import DocKind
from core.documents.adjustments import adjust
from core.documents.counts import approve_count, create_count, submit_count
from core.documents.schemas import (
    AdjustmentCreate,
    AdjustmentLineIn,
    CountLineIn,
    LotIn,
    MoveLineIn,
    PutawayCreate,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.errors import NotFoundError, ValidationFailed
from core.locations.models import Location
from core.lots.models import Serial
from core.orders.allocation import allocate_order
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.orders.shipping import ship_order
from core.purchasing import receiving
from core.purchasing.schemas import PurchaseOrderCreate, PurchaseOrderLineIn
from core.purchasing.service import create_purchase_order
from core.reports.finance import (
    MAX_LINES,
    FinanceKind,
    finance_document,
    lot_costs,
    money,
    register,
)
from core.returns import (
    CustomerReturnCreate,
    InspectItem,
    SupplierReturnCreate,
    create_supplier_return,
    inspect_return,
    open_return,
    receive_return,
)
from tests.builders import Builder, at, clock, label_digits
from tests.http import api_client, error_code, login

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
CUSTOMER = "王小明"


def _receipts(session: Session, b: Builder, po: str, bins: list[str]) -> None:
    with clock(at(3, 3, 10)):
        receiving.receive(
            session,
            actor=b.actor,
            data=ReceiptCreate(
                supplier="SUP1",
                purchase_order=po,
                reference="=1+2",
                lots=[
                    LotIn(code="LA", purchase_date=date(2026, 3, 1)),
                    LotIn(code="LB", purchase_date=date(2026, 3, 1)),
                ],
                lines=[
                    ReceiptLineIn(
                        sku="RING-A",
                        lot="LA",
                        quantity=3,
                        serials=[SerialIn(code=f"RA-{i}") for i in range(3)],
                    ),
                    ReceiptLineIn(sku="CHAIN-B", lot="LB", quantity=10),
                ],
            ),
        )
    with clock(at(3, 4, 10)):
        receiving.receive(
            session,
            actor=b.actor,
            data=ReceiptCreate(
                supplier="SUP1",
                lots=[LotIn(code="LC", purchase_date=date(2026, 3, 4))],
                lines=[
                    ReceiptLineIn(
                        sku="RING-A",
                        lot="LC",
                        quantity=2,
                        serials=[SerialIn(code=f"RC-{i}") for i in range(2)],
                    )
                ],
            ),
        )
    with clock(at(3, 4, 11)):
        for lot in ("LA", "LB", "LC"):
            b.approve(lot)
        receiving.putaway(
            session,
            actor=b.actor,
            data=PutawayCreate(
                lines=[
                    MoveLineIn(
                        sku="RING-A",
                        lot="LA",
                        quantity=3,
                        from_location="QUAR",
                        to_location=bins[0],
                        serials=[f"RA-{i}" for i in range(3)],
                    ),
                    MoveLineIn(
                        sku="CHAIN-B",
                        lot="LB",
                        quantity=10,
                        from_location="QUAR",
                        to_location=bins[1],
                    ),
                    MoveLineIn(
                        sku="RING-A",
                        lot="LC",
                        quantity=2,
                        from_location="QUAR",
                        to_location=bins[2],
                        serials=["RC-0", "RC-1"],
                    ),
                ]
            ),
        )


def _ship(session: Session, b: Builder) -> None:
    with clock(at(3, 8, 10)):
        order, _ = create_order(
            session,
            actor=b.actor,
            data=OrderCreate(
                channel="taobao",
                external_id="TB-1001",
                customer_name=CUSTOMER,
                lines=[OrderLineIn(sku="RING-A", quantity=2, lot="LA", unit_price=999.99)],
            ),
        )
        allocate_order(session, actor=b.actor, order_id=order.id)
        doc = create_pick_list(session, actor=b.actor, order_ids=[order.id])
        for line in pick_list_read(session, doc).lines:
            here = session.scalar(select(Location.id).where(Location.code == line.from_location))
            serials = session.scalars(
                select(Serial.code)
                .where(
                    Serial.location_id == here, Serial.lot_id.is_not(None), Serial.code.like("RA-%")
                )
                .order_by(Serial.code)
                .limit(line.quantity)
            ).all()
            confirm_pick(
                session,
                actor=b.actor,
                line_id=line.id,
                quantity=line.quantity,
                serials=serials,
                check_digits=label_digits(session, line.id),
            )
        ship_order(session, actor=b.actor, order_id=order.id)
    with clock(at(3, 9, 10)):
        back = open_return(
            session,
            actor=b.actor,
            data=CustomerReturnCreate(
                order_id=order.id, reason="scratched", serials=["RA-0"], refund_ref="RF-1"
            ),
        )
        receive_return(session, actor=b.actor, number=back.number)
        inspect_return(
            session,
            actor=b.actor,
            number=back.number,
            items=[InspectItem(serial="RA-0", disposition="scrap")],
        )
    with clock(at(3, 10)):
        create_supplier_return(
            session,
            actor=b.actor,
            data=SupplierReturnCreate(lot="LC", reason="qc-reject", serials=["RC-1"]),
        )


def make_month(session: Session) -> None:
    """March 2026: two receipts (one against PO-000001), a transfer, a loss, a count
    difference, a shipment at 999.99 a piece, one piece of it returned and scrapped, and a
    piece of the second receipt sent back to the supplier."""
    b = Builder(session)
    with clock(at(3, 2)):
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-A", price="950.00")
        b.sku("CHAIN-B", serialised=False, price="120.00", size=None)
        b.user("fay", "finance_auditor")
        b.user("pip", "picker")
        po = create_purchase_order(
            session,
            actor=b.actor,
            data=PurchaseOrderCreate(
                supplier="SUP1",
                expected_on=date(2026, 3, 3),
                lines=[
                    PurchaseOrderLineIn(sku="RING-A", quantity=3, unit_cost=Decimal("412.50")),
                    PurchaseOrderLineIn(sku="CHAIN-B", quantity=10, unit_cost=Decimal("33.33")),
                ],
            ),
        )
    _receipts(session, b, po.number, bins)
    with clock(at(3, 5)):
        receiving.post_move_document(
            session,
            actor=b.actor,
            kind=DocKind.TRANSFER,
            lines=[
                MoveLineIn(
                    sku="RING-A",
                    lot="LC",
                    quantity=1,
                    from_location=bins[2],
                    to_location="VAULT-01",
                    serials=["RC-0"],
                )
            ],
            weights={"RC-0": 3.2},  # into the vault: weighed (issue 19)
        )
    with clock(at(3, 6)):
        adjust(
            session,
            actor=b.actor,
            data=AdjustmentCreate(
                reason="lost",
                lines=[AdjustmentLineIn(sku="CHAIN-B", lot="LB", location=bins[1], quantity=-2)],
            ),
        )
    with clock(at(3, 7)):
        count = create_count(session, actor=b.actor, locations=[bins[1]])
        submit_count(
            session, actor=b.actor, number=count.number, lines=[CountLineIn(line_no=1, counted=7)]
        )
        approve_count(session, actor=b.actor, number=count.number)
    _ship(session, b)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def month(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, str]]:
    """The month's data in a database of the module's own, made once per backend."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("finance") / "facet.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = str(request.getfixturevalue("pg_url"))
    db = Database(url)
    with db.write() as session:
        make_month(session)
    yield db, url
    db.dispose()


@pytest.fixture(scope="module")
def client(month: tuple[Database, str]) -> Iterator[TestClient]:
    """The whole app on the month's database."""
    with api_client(month[1]) as c:
        yield c


@pytest.fixture(scope="module")
def fay(client: TestClient) -> dict[str, str]:
    """The finance auditor's bearer headers."""
    return login(client, "fay")


def _register(db: Database, kind: FinanceKind) -> Any:
    with db.read() as session:
        return register(session, kind=kind, since=date(2026, 3, 1), until=date(2026, 3, 31))


def test_receipts_at_po_cost_else_catalogue_price(month: tuple[Database, str]) -> None:
    reg = _register(month[0], FinanceKind.RECEIPT)
    first, second, back = reg.documents
    assert [
        (ln.sku, ln.lot, ln.quantity, ln.unit_value, ln.value, ln.basis) for ln in first.lines
    ] == [
        ("RING-A", "LA", 3, Decimal("412.50"), Decimal("1237.50"), "po-cost"),
        ("CHAIN-B", "LB", 10, Decimal("33.33"), Decimal("333.30"), "po-cost"),
    ]
    assert first.lines[0].serials == ("RA-0", "RA-1", "RA-2")
    assert first.counterparty == "SUP1 Supplier SUP1 / PO-000001"
    assert (second.lines[0].basis, second.value) == ("catalogue-price", Decimal("1900.00"))
    assert (back.source, back.counterparty, back.reason) == (
        "supplier_return",
        "SUP1 Supplier SUP1 / LC",
        "qc-reject",
    )
    assert [(ln.quantity, ln.value, ln.to_location) for ln in back.lines] == [
        (-1, Decimal("-950.00"), "V-SUPPLIER")
    ]
    assert reg.totals() == {"documents": 3, "lines": 4, "quantity": 14, "value": Decimal("2520.80")}


def test_issue_at_lot_cost_with_sale_value(month: tuple[Database, str]) -> None:
    reg = _register(month[0], FinanceKind.ISSUE)
    doc, back = reg.documents
    assert doc.counterparty == f"taobao / TB-1001 / {CUSTOMER}"
    assert {ln.basis for ln in doc.lines} == {"lot-cost"}
    assert doc.totals() == {
        "documents": 1,
        "lines": len(doc.lines),
        "quantity": 2,
        "value": Decimal("825.00"),
        "sale_value": Decimal("1999.98"),
    }
    assert sorted(s for ln in doc.lines for s in ln.serials) == ["RA-0", "RA-1"]
    assert (back.source, back.counterparty, back.reference) == (
        "customer_return",
        "taobao / TB-1001",
        "RF-1",
    )
    assert [(ln.quantity, ln.value, ln.sale_value, ln.serials) for ln in back.lines] == [
        (-1, Decimal("-412.50"), Decimal("-999.99"), ("RA-0",))
    ]
    assert reg.totals()["value"] == Decimal("412.50")
    assert reg.totals()["sale_value"] == Decimal("999.99")


def test_transfer_and_adjustments_at_cost(month: tuple[Database, str]) -> None:
    (move,) = _register(month[0], FinanceKind.TRANSFER).documents
    assert move.counterparty.endswith("-> VAULT-01")
    assert (move.lines[0].serials, move.value) == (("RC-0",), Decimal("950.00"))
    adjustments = _register(month[0], FinanceKind.ADJUSTMENT)
    assert [(d.source, d.quantity, d.value) for d in adjustments.documents] == [
        ("adjustment", -2, Decimal("-66.66")),
        ("count", -1, Decimal("-33.33")),
        ("customer_return", -1, Decimal("-412.50")),  # the returned piece, scrapped
    ]
    assert adjustments.documents[0].counterparty == "lost"
    totals = adjustments.totals()
    assert (totals["value"], totals["gains"], totals["losses"]) == (
        Decimal("-512.49"),
        Decimal("0.00"),
        Decimal("-512.49"),
    )


def test_one_document_and_refusals(month: tuple[Database, str]) -> None:
    with month[0].read() as session:
        number = _register(month[0], FinanceKind.ISSUE).documents[0].number
        doc = finance_document(session, number=number.lower())
        assert doc.number == number and doc.value == Decimal("825.00")
        with pytest.raises(NotFoundError):
            finance_document(session, number="RCV-999999")
        back = _register(month[0], FinanceKind.ISSUE).documents[1].number
        assert finance_document(session, number=back).kind == FinanceKind.ISSUE
        scrapped = finance_document(session, number=back, kind=FinanceKind.ADJUSTMENT)
        assert [ln.to_location for ln in scrapped.lines] == ["V-SCRAP"]
        for since, until, code in (
            (date(2026, 3, 2), date(2026, 3, 1), "period-reversed"),
            (date(2025, 1, 1), date(2026, 3, 1), "period-too-long"),
        ):
            with pytest.raises(ValidationFailed) as caught:
                register(session, kind=FinanceKind.RECEIPT, since=since, until=until)
            assert caught.value.code == code
        assert lot_costs(session, []) == {}
    assert money(Decimal("0.005")) == Decimal("0.01") and money(2.675) == Decimal("2.68")
    assert MAX_LINES >= 10_000


def test_csv_and_xlsx(client: TestClient, fay: dict[str, str]) -> None:
    auth = fay
    answer = client.get(
        "/api/finance/documents", params=MARCH | {"kind": "receipt", "format": "csv"}, headers=auth
    )
    assert answer.status_code == 200, answer.text
    assert 'filename="receipts-2026-03-01-2026-03-31.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["value"] for r in rows] == ["1237.50", "333.30", "1900.00", "-950.00", "2520.80"]
    assert rows[-1]["document"] == "TOTAL" and rows[0]["reference"] == "'=1+2"
    answer = client.get(
        "/api/finance/documents", params=MARCH | {"kind": "issue", "format": "xlsx"}, headers=auth
    )
    assert answer.status_code == 200, answer.text
    with zipfile.ZipFile(io.BytesIO(answer.content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<v>1999.98</v>" in sheet and "<v>825</v>" in sheet  # numbers, not text
    assert CUSTOMER in strings


def test_json_pdf_and_permissions(client: TestClient, fay: dict[str, str]) -> None:
    auth = fay
    body = client.get(
        "/api/finance/documents", params=MARCH | {"kind": "adjustment"}, headers=auth
    ).json()
    assert body["currency"] == "CNY" and body["totals"]["losses"] == -512.49
    number = body["documents"][1]["number"]
    one = client.get(f"/api/finance/documents/{number}", headers=auth).json()
    assert one["lines"][0]["value"] == -33.33 and one["counterparty"] == "count difference"
    issue = client.get(
        "/api/finance/documents", params=MARCH | {"kind": "issue"}, headers=auth
    ).json()["documents"][0]["number"]
    pdf = client.get(f"/api/finance/documents/{issue}", params={"format": "pdf"}, headers=auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert f'filename="{issue}.pdf"' in pdf.headers["content-disposition"]
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    for needle in ("Goods issue", issue, "825.00", "1,999.98", "TB-1001", "Page 1 of 1"):
        assert needle in text
    reg = client.get(
        "/api/finance/documents", params=MARCH | {"kind": "receipt", "format": "pdf"}, headers=auth
    )
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=reg.content, capture_output=True, check=True
    ).stdout.decode()
    assert "2,520.80" in text and "3 documents" in text
    denied = client.get(
        "/api/finance/documents", params={"kind": "receipt"}, headers=login(client, "pip")
    )
    assert denied.status_code == 403


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"kind": "receipt", "from": "2026-03-31", "to": "2026-03-01"}, 422, "period-reversed"),
        ({"kind": "receipt", "from": "2025-01-01", "to": "2026-03-01"}, 422, "period-too-long"),
        ({"kind": "sale"}, 422, "invalid-request"),
        ({"kind": "receipt", "format": "docx"}, 422, "invalid-request"),
        ({"kind": "receipt", "from": "yesterday"}, 422, "invalid-request"),
        ({"kind": "receipt", "from": "9999-01-01"}, 422, "invalid-request"),
    ],
)
def test_bad_requests(
    client: TestClient, fay: dict[str, str], params: dict[str, str], status: int, code: str
) -> None:
    answer = client.get("/api/finance/documents", params=params, headers=fay)
    assert (answer.status_code, error_code(answer)) == (status, code)


def test_unknown_and_unbookable_documents(client: TestClient, fay: dict[str, str]) -> None:
    auth = fay
    missing = client.get("/api/finance/documents/RCV-424242", headers=auth)
    assert (missing.status_code, error_code(missing)) == (404, "document-not-found")
    putaway = client.get("/api/finance/documents/PUT-000006", headers=auth)  # the putaway
    assert (putaway.status_code, error_code(putaway)) == (404, "not-a-finance-document")


def test_a_period_over_the_cap_is_refused(
    client: TestClient, fay: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.reports.finance.MAX_LINES", 3)
    answer = client.get("/api/finance/documents", params=MARCH | {"kind": "receipt"}, headers=fay)
    assert (answer.status_code, error_code(answer)) == (422, "period-too-large")
    assert "4 lines" in answer.json()["error"]["message"]


def test_a_return_in_each_register_it_crosses(client: TestClient, fay: dict[str, str]) -> None:
    auth = fay
    issues = client.get("/api/finance/documents", params=MARCH | {"kind": "issue"}, headers=auth)
    number = issues.json()["documents"][1]["number"]
    assert number.startswith("RET-")
    scrap = client.get(
        f"/api/finance/documents/{number}", params={"kind": "adjustment"}, headers=auth
    ).json()
    assert (scrap["kind"], scrap["lines"][0]["to_location"]) == ("adjustment", "V-SCRAP")
    none = client.get(f"/api/finance/documents/{number}", params={"kind": "transfer"}, headers=auth)
    assert (none.status_code, error_code(none)) == (404, "not-a-finance-document")
