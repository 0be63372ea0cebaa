"""All or nothing: a document that fails on line 7 leaves no trace; bad input gets a clear 4xx."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from core import Database
from core.audit.models import AuditEntry
from core.documents.models import DocKind, Document, DocumentLine
from core.documents.schemas import LotIn, MoveLineIn, ReceiptCreate, ReceiptLineIn, SerialIn
from core.errors import CoreError
from core.ledger.models import Balance, MoveSerial, StockMove
from core.locations.service import check_location
from core.lots.models import Lot, Serial
from core.people.service import system_actor
from core.purchasing import receiving
from tests.core.api.test_api_core import api, error_code, login, seed

TABLES = (StockMove, MoveSerial, Serial, Balance, Document, DocumentLine, AuditEntry, Lot)


def snapshot(db: Database) -> dict[str, int]:
    """Row counts of everything a posting writes, and the sum of all balances."""
    with db.read() as session:
        counts = {t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
                  for t in TABLES}
        counts["on_hand"] = session.scalar(select(func.sum(func.abs(Balance.on_hand)))) or 0
    return counts


def receipt_body(bad_serial: str) -> dict[str, Any]:
    """Ten one-piece lines of a new lot; line 7 carries ``bad_serial``."""
    lines = [{"sku": "RING-1", "lot": "L-5", "quantity": 1,
              "serials": [{"code": bad_serial if no == 7 else f"R5-{no:02d}"}]}
             for no in range(1, 11)]
    return {"supplier": "SUP1", "lots": [{"code": "L-5", "purchase_date": "2026-02-01"}],
            "lines": lines}


def transfer_body(bins: list[str], line7: dict[str, Any]) -> dict[str, Any]:
    """Ten one-piece chain transfers; line 7 replaced by ``line7``."""
    line = {"sku": "CHAIN-1", "lot": "L-2", "quantity": 1, "from_location": bins[0],
            "to_location": bins[1]}
    return {"lines": [line7 if no == 7 else line for no in range(1, 11)]}


def test_receipt_failing_on_line_7_posts_nothing(db: Database) -> None:
    seed(db, users={})
    before = snapshot(db)
    body = ReceiptCreate(
        supplier="SUP1", lots=[LotIn(code="L-5", purchase_date=date(2026, 2, 1))],
        lines=[ReceiptLineIn(sku="RING-1", lot="L-5", quantity=1, serials=[SerialIn(
            code="RING-1-L-1-00000" if no == 7 else f"R5-{no:02d}")]) for no in range(1, 11)])
    with pytest.raises(CoreError) as err, db.write() as session:
        receiving.receive(session, actor=system_actor(session), data=body)
    assert err.value.code == "serial-exists"
    assert snapshot(db) == before


def test_transfer_failing_on_line_7_posts_nothing(db: Database) -> None:
    bins = seed(db, users={})
    before = snapshot(db)
    lines = [MoveLineIn(sku="CHAIN-1", lot="L-2", quantity=1, from_location=bins[0],
                        to_location=bins[1]) for _ in range(10)]
    lines[6] = MoveLineIn(sku="RING-1", lot="L-1", quantity=1, from_location=bins[0],
                          to_location=bins[1], serials=["NO-SUCH-PIECE"])
    with pytest.raises(CoreError) as err, db.write() as session:
        receiving.post_move_document(session, actor=system_actor(session),
                                     kind=DocKind.TRANSFER, lines=lines)
    assert err.value.code == "unknown-serial"
    assert snapshot(db) == before


def test_failing_documents_over_http_post_nothing(db: Database, db_url: str) -> None:
    bins = seed(db, users={"cleo": "clerk"})
    before = snapshot(db)
    with api(db_url) as c:
        clerk = login(c, "cleo")
        before = snapshot(db)  # signing in writes nothing, but be exact
        answer = c.post("/api/receipts", json=receipt_body("RING-1-L-1-00001"), headers=clerk)
        assert (answer.status_code, error_code(answer)) == (409, "serial-exists")
        assert snapshot(db) == before
        bad = {"sku": "RING-1", "lot": "L-1", "quantity": 2, "from_location": bins[0],
               "to_location": bins[1], "serials": ["FACET:S:RING-1-L-1-00000"]}
        answer = c.post("/api/transfers", json=transfer_body(bins, bad), headers=clerk)
        assert (answer.status_code, error_code(answer)) == (409, "serials-required")
        assert snapshot(db) == before
        answer = c.post("/api/receipts", json=receipt_body("R5-99"), headers=clerk)
        assert answer.status_code == 201, answer.text
        assert snapshot(db)["stock_moves"] == before["stock_moves"] + 10


def test_bad_input_gets_a_clear_4xx(db: Database, db_url: str) -> None:
    bins = seed(db, users={"cleo": "clerk", "quinn": "qc_inspector"})
    move = {"sku": "CHAIN-1", "lot": "L-2", "quantity": 1, "from_location": bins[0],
            "to_location": bins[1]}
    ring = {**move, "sku": "RING-1", "lot": "L-1"}
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("/api/transfers", {"lines": [{**move, "sku": "NOPE"}]}, 404, "unknown-sku"),
        ("/api/transfers", {"lines": [{**move, "quantity": -1}]}, 422, "invalid-request"),
        ("/api/transfers", {"lines": [{**move, "quantity": 0}]}, 422, "invalid-request"),
        ("/api/transfers", {"lines": [{**ring, "serials": ["FACET:Q:junk"]}]}, 422,
         "invalid-qr-payload"),
        ("/api/transfers", {"lines": [{**ring, "serials": ["FACET:L:A01-01-1-01"]}]}, 422,
         "not-a-piece"),
        ("/api/receipts", receipt_body("RING-1-L-1-00002"), 409, "serial-exists"),
        ("/api/transfers", {"lines": [{**move, "from_location": "V-SUPPLIER"}]}, 422,
         "virtual-location"),
    ]
    with api(db_url) as c:
        clerk = login(c, "cleo")
        for path, body, status, code in cases:
            answer = c.post(path, json=body, headers=clerk)
            assert (answer.status_code, error_code(answer)) == (status, code), (path, body)
        first = {**ring, "serials": ["RING-1-L-1-00000"]}
        assert c.post("/api/transfers", json={"lines": [first]}, headers=clerk).status_code == 201
        elsewhere = {**ring, "from_location": bins[1], "to_location": bins[2],
                     "serials": ["RING-1-L-1-00001"]}
        answer = c.post("/api/transfers", json={"lines": [elsewhere]}, headers=clerk)
        assert (answer.status_code, error_code(answer)) == (409, "serial-not-here")
        recalled = c.post("/api/lots/L-1/recall", json={"reason": "assay"},
                          headers=login(c, "quinn"))
        assert recalled.status_code == 200, recalled.text
        back = {**ring, "from_location": "QUAR", "serials": ["RING-1-L-1-00001"]}
        answer = c.post("/api/putaways", json={"lines": [back]}, headers=clerk)
        assert (answer.status_code, error_code(answer)) == (409, "lot-recalled")
        more = receipt_body("R5-77")
        more["lines"][0]["lot"] = "L-1"
        answer = c.post("/api/receipts", json=more, headers=clerk)
        assert (answer.status_code, error_code(answer)) == (409, "lot-recalled")


def test_wrong_check_digits_have_a_code(db: Database) -> None:
    bins = seed(db, users={})
    with db.read() as session, pytest.raises(CoreError) as err:
        check_location(session, code=bins[0], digits="00")
    assert (err.value.code, err.value.status) == ("wrong-check-digits", 422)
