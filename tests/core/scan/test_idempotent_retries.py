"""A handheld on a flaky connection retries with the same Idempotency-Key: it posts once.

Every write the handheld pages make is covered: receipts, putaways, transfers, count
submissions, pick confirm, short and skip, and zone sign-on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core import Database
from core.documents.models import DocKind
from core.locations.presence import ZonePresence
from tests.core.scan.support import EPCS, PIECES, documents_of, moves_of, seed
from tests.http import api_client as api
from tests.http import login

Request = tuple[str, dict[str, Any]]


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[tuple[TestClient, list[str]]]:
    bins = seed(db)
    with api(db_url) as c:
        yield c, bins


def _twice(c: TestClient, path: str, body: dict[str, Any], headers: dict[str, str],
           key: str) -> tuple[Any, Any]:
    """The same request sent again, as after a dropped answer."""
    keyed = {**headers, "Idempotency-Key": key}
    first = c.post(path, json=body, headers=keyed)
    assert first.status_code in (200, 201), first.text
    again = c.post(path, json=body, headers=keyed)
    assert again.status_code == first.status_code, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    return first, again


def _receipt() -> dict[str, Any]:
    return {"supplier": "SUP1", "to_location": "FACET:L:QUAR",
            "lots": [{"code": "T-5", "purchase_date": "2026-02-01"}],
            "lines": [{"sku": "RING-1", "lot": "T-5", "quantity": 1,
                       "serials": [{"code": "RING-1-R-0", "epc": "e28011606000050000000000"}]}]}


@pytest.mark.parametrize("kind", [DocKind.RECEIPT, DocKind.PUTAWAY, DocKind.TRANSFER])
def test_stock_documents_post_once(
    client: tuple[TestClient, list[str]], db: Database, kind: DocKind
) -> None:
    c, bins = client
    clerk, manager = login(c, "cleo"), login(c, "mia")
    move = {"sku": "RING-1", "lot": "T-1", "quantity": 1, "from_location": f"FACET:L:{bins[0]}",
            "to_location": f"FACET:L:{bins[1]}", "serials": [EPCS[0]]}
    if kind == DocKind.PUTAWAY:  # a received and approved piece, still in quarantine
        assert c.post("/api/receipts", json=_receipt(), headers=clerk).status_code == 201
        assert c.post("/api/qc", json={"lot": "T-5", "result": "pass"},
                      headers=manager).status_code == 201
        move = {**move, "lot": "T-5", "from_location": "FACET:L:QUAR",
                "serials": ["E28011606000050000000000"]}
    path, body = {
        DocKind.RECEIPT: ("/api/receipts", _receipt()),
        DocKind.PUTAWAY: ("/api/putaways", {"lines": [move]}),
        DocKind.TRANSFER: ("/api/transfers", {"lines": [move]}),
    }[kind]
    documents, moves = documents_of(db, kind), moves_of(db, kind)
    _twice(c, path, body, clerk, f"{kind}-1")
    assert (documents_of(db, kind), moves_of(db, kind)) == (documents + 1, moves + 1)


def test_a_count_submission_posts_once(
    client: tuple[TestClient, list[str]], db: Database
) -> None:
    c, bins = client
    manager, picker = login(c, "mia"), login(c, "pia")
    number = c.post("/api/counts", json={"locations": [bins[0]]}, headers=manager).json()["number"]
    body = {"bins": [{"location": f"FACET:L:{bins[0]}", "pieces": EPCS[:3]}]}
    first, _ = _twice(c, f"/api/counts/{number}/submit", body, picker, "count-1")
    assert first.json()["status"] == "counted"
    approved = c.post(f"/api/counts/{number}/approve", headers=manager)
    assert approved.status_code == 200 and moves_of(db, DocKind.COUNT) == 1


def _pick_line(c: TestClient, clerk: dict[str, str], picker: dict[str, str]) -> dict[str, Any]:
    """A one-line pick list of two rings for the picker."""
    made = c.post("/api/orders", headers=clerk, json={
        "channel": "shop", "external_id": "R-1", "customer_name": "Ada",
        "lines": [{"sku": "RING-1", "quantity": 2}]}).json()
    c.post(f"/api/orders/{made['id']}/allocate", headers=clerk)
    plist = c.post("/api/picklists", json={"order_ids": [made["id"]], "picker": "pia"},
                   headers=picker)
    assert plist.status_code == 201, plist.text
    line: dict[str, Any] = plist.json()["lines"][0]
    return line


PICKS: dict[str, Callable[[str], Request]] = {
    "confirm": lambda bin_: ("confirm", {"quantity": 2, "serials": EPCS[:2],
                                         "location": f"FACET:L:{bin_}"}),
    "short": lambda bin_: ("short", {"found_quantity": 1, "serials": [f"FACET:S:{PIECES[0]}"],
                                     "location": bin_}),
    "skip": lambda _: ("skip", {}),
}


@pytest.mark.parametrize("action", sorted(PICKS))
def test_pick_confirm_short_and_skip_post_once(
    client: tuple[TestClient, list[str]], db: Database, action: str
) -> None:
    c, _ = client
    clerk, picker = login(c, "cleo"), login(c, "pia")
    line = _pick_line(c, clerk, picker)
    verb, body = PICKS[action](line["from_location"])
    before = moves_of(db, DocKind.PICK)
    first, _ = _twice(c, f"/api/picks/{line['id']}/{verb}", body, picker, f"pick-{action}")
    assert moves_of(db, DocKind.PICK) == before + (0 if action == "skip" else 1)
    done = {"confirm": 2, "short": 1, "skip": 0}[action]
    assert first.json()["line"]["done_quantity"] == done


def test_zone_sign_on_posts_once(client: tuple[TestClient, list[str]], db: Database) -> None:
    c, _ = client
    picker = login(c, "pia")
    first, _ = _twice(c, "/api/presence/sign-on", {"zone": "FACET:L:Z1"}, picker, "on-1")
    assert first.json()["zone"] == "Z1"
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ZonePresence)) == 1
