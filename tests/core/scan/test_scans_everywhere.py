"""Every code field takes what a scanner reads off our labels: a round trip by scans only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core import Database
from core.documents.models import DocKind
from tests.core.scan.support import EPCS, PIECES, moves_of, seed
from tests.http import api_client as api
from tests.http import error_code, login

NEW_EPCS = [f"e2801160600003{i:02x}00000000" for i in range(3)]


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[tuple[TestClient, list[str]]]:
    bins = seed(db)
    with api(db_url) as c:
        yield c, bins


def _receive(c: TestClient, headers: dict[str, str]) -> None:
    """Three new tagged pieces received against pre-printed labels, into the scanned bin."""
    body = {"supplier": "SUP1", "to_location": "FACET:L:QUAR",
            "lots": [{"code": "T-2", "purchase_date": "2026-02-01"}],
            "lines": [{"sku": "RING-1", "lot": "T-2", "quantity": 3, "serials": [
                {"code": f"FACET:S:RING-1-N-{i}", "epc": NEW_EPCS[i]} for i in range(3)]}]}
    answer = c.post("/api/receipts", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    assert {ln["to_location"] for ln in answer.json()["lines"]} == {"QUAR"}


def _pick_by_scans(c: TestClient, bins: list[str], clerk: dict[str, str],
                   picker: dict[str, str]) -> None:
    """An order for two rings, picked by scanning the bin's label and the pieces' tags."""
    made = c.post("/api/orders", headers=clerk, json={
        "channel": "shop", "external_id": "S-1", "customer_name": "Ada",
        "lines": [{"sku": "RING-1", "quantity": 2, "lot": "T-2"}]})
    assert made.status_code == 201, made.text
    assert c.post(f"/api/orders/{made.json()['id']}/allocate", headers=clerk).json()["complete"]
    plist = c.post("/api/picklists", json={"order_ids": [made.json()["id"]], "picker": "pia"},
                   headers=picker)
    assert plist.status_code == 201, plist.text
    (line,) = plist.json()["lines"]
    assert line["from_location"] == bins[2]
    wrong_bin = c.post(f"/api/picks/{line['id']}/confirm", headers=picker, json={
        "quantity": 2, "serials": NEW_EPCS[:2], "location": f"FACET:L:{bins[0]}"})
    assert (wrong_bin.status_code, error_code(wrong_bin)) == (422, "wrong-check-digits")
    done = c.post(f"/api/picks/{line['id']}/confirm", headers=picker, json={
        "quantity": 2, "serials": [NEW_EPCS[0], "FACET:S:RING-1-N-1"],
        "location": f"FACET:L:{bins[2]}"})
    assert done.status_code == 200, done.text
    assert done.json()["line"]["done_quantity"] == 2


def test_receive_put_away_pick_and_count_by_scans_only(
    client: tuple[TestClient, list[str]], db: Database
) -> None:
    c, bins = client
    clerk, picker, manager = login(c, "cleo"), login(c, "pia"), login(c, "mia")
    kinds = (DocKind.RECEIPT, DocKind.PUTAWAY, DocKind.TRANSFER, DocKind.PICK, DocKind.COUNT)
    before = [moves_of(db, k) for k in kinds]
    _receive(c, clerk)
    piece = c.get("/api/serials/RING-1-N-0", headers=clerk).json()
    assert piece["epc"] == NEW_EPCS[0].upper()
    assert c.post("/api/qc", json={"lot": "T-2", "result": "pass"}, headers=manager).status_code \
        == 201
    put = c.post("/api/putaways", headers=clerk, json={"lines": [{
        "sku": "RING-1", "lot": "T-2", "quantity": 3, "from_location": "FACET:L:QUAR",
        "to_location": f"FACET:L:{bins[2]}",
        "serials": [NEW_EPCS[0].upper(), "FACET:S:RING-1-N-1", NEW_EPCS[2]]}]})
    assert put.status_code == 201, put.text
    found = c.get("/api/locate", params={"q": NEW_EPCS[2]}, headers=clerk).json()
    assert (found["kind"], found["rows"][0]["location"]) == ("serial", bins[2])
    moved = c.post("/api/transfers", headers=clerk, json={"lines": [{
        "sku": "RING-1", "lot": "T-1", "quantity": 1, "from_location": f"FACET:L:{bins[0]}",
        "to_location": f"FACET:L:{bins[3]}", "serials": [EPCS[3]]}]})
    assert moved.status_code == 201, moved.text
    _pick_by_scans(c, bins, clerk, picker)
    opened = c.post("/api/counts", headers=manager,
                    json={"locations": [bins[0], bins[2]], "assignee": "pia"})
    assert opened.status_code == 201, opened.text
    number = opened.json()["number"]
    counted = c.post(f"/api/counts/{number}/submit", headers=picker, json={"bins": [
        {"location": f"FACET:L:{bins[0]}", "pieces": [EPCS[0], EPCS[1].upper(),
                                                       f"FACET:S:{PIECES[2]}"]},
        {"location": bins[2], "pieces": [NEW_EPCS[2]]}]})
    assert counted.status_code == 200, counted.text
    assert counted.json()["status"] == "closed"
    assert [ln["counted"] for ln in counted.json()["lines"]] == [3, 1]
    posted = [moves_of(db, k) - n for k, n in zip(kinds, before, strict=True)]
    assert posted == [1, 1, 1, 1, 0]  # one move per line; the count matched the books
    where = {code: c.get(f"/api/serials/{code}", headers=manager).json()["location"]
             for code in ("RING-1-N-0", "RING-1-N-1", "RING-1-N-2", PIECES[3])}
    assert where == {"RING-1-N-0": "PACK", "RING-1-N-1": "PACK", "RING-1-N-2": bins[2],
                     PIECES[3]: bins[3]}


def test_a_count_by_scans_records_what_differs(
    client: tuple[TestClient, list[str]], db: Database
) -> None:
    c, bins = client
    manager, picker = login(c, "mia"), login(c, "pia")
    number = c.post("/api/counts", headers=manager, json={"locations": [bins[0], bins[1]]}
                    ).json()["number"]
    unknown = ["e2801160600009ffffffffff", "0000000000000000"]
    refused = c.post(f"/api/counts/{number}/submit", headers=picker, json={"bins": [
        {"location": bins[0], "pieces": [EPCS[0], *unknown]}]})
    assert (refused.status_code, error_code(refused)) == (422, "unknown-serial")
    assert all(code in refused.json()["error"]["message"] for code in unknown)
    partly = c.post(f"/api/counts/{number}/submit", headers=picker,
                    json={"bins": [{"location": bins[0], "pieces": EPCS[:3]}]})
    assert partly.status_code == 422 and error_code(partly) == "count-incomplete"
    answer = c.post(f"/api/counts/{number}/submit", headers=picker, json={
        "bins": [{"location": bins[0], "pieces": EPCS[:3]}],
        "lines": [{"sku": "CHAIN-1", "lot": "L-2", "location": bins[1], "counted": 10}]})
    assert answer.status_code == 200, answer.text
    ring = next(ln for ln in answer.json()["lines"] if ln["sku"] == "RING-1")
    assert (ring["counted"], ring["status"], ring["expected"]) == (3, "variance", None)
    approved = c.post(f"/api/counts/{number}/approve", headers=manager)
    assert approved.status_code == 200, approved.text
    gone = c.get("/api/serials/RING-1-T-3", headers=manager).json()
    assert gone["location"] == "V-ADJUSTMENT"
    assert moves_of(db, DocKind.COUNT) == 1


def _move(bins: list[str], **change: Any) -> dict[str, Any]:
    line = {"sku": "RING-1", "lot": "T-1", "quantity": 1, "from_location": bins[0],
            "to_location": bins[1], "serials": [PIECES[0]], **change}
    return {"lines": [line]}


def _receipt(**serial: Any) -> dict[str, Any]:
    return {"supplier": "SUP1", "lots": [{"code": "T-9", "purchase_date": "2026-02-01"}],
            "lines": [{"sku": "RING-1", "lot": "T-9", "quantity": 1, "serials": [serial]}]}


def test_labels_of_the_wrong_kind_and_junk_are_clear_4xx(
    client: tuple[TestClient, list[str]], db: Database
) -> None:
    c, bins = client
    clerk = login(c, "cleo")
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("/api/transfers", _move(bins, to_location=f"FACET:S:{PIECES[1]}"), 422,
         "not-a-location"),
        ("/api/transfers", _move(bins, to_location=EPCS[1]), 422, "not-a-location"),
        ("/api/transfers", _move(bins, to_location=PIECES[1]), 422, "not-a-location"),
        ("/api/transfers", _move(bins, serials=[f"FACET:L:{bins[0]}"]), 422, "not-a-piece"),
        ("/api/transfers", _move(bins, serials=[EPCS[0], PIECES[0]]), 409, "duplicate-serial"),
        ("/api/transfers", _move(bins, serials=["e2801160600009ffffffffff"]), 404,
         "unknown-serial"),
        ("/api/transfers", _move(bins, to_location="FACET:L:NOWHERE"), 404, "unknown-location"),
        ("/api/transfers", _move(bins, to_location="FACET:Q:" + bins[1]), 422,
         "invalid-qr-payload"),
        ("/api/transfers", _move(bins, to_location="X" * 10_000), 422, "invalid-request"),
        ("/api/transfers", _move(bins, serials=["RING\x07"]), 422, "invalid-request"),
        ("/api/transfers", _move(bins, to_location="箱子-1"), 404, "unknown-location"),
        ("/api/receipts", _receipt(code="RING-1-Z-0", epc=EPCS[0].upper()), 409,
         "serial-exists"),
        ("/api/receipts", _receipt(code=EPCS[2], epc=None), 409, "serial-exists"),
        ("/api/receipts", _receipt(code="RING-1-Z-3", epc=PIECES[0]), 422, "invalid-request"),
        ("/api/receipts", _receipt(code="E2801160600002", epc=None), 201, ""),
        ("/api/receipts", _receipt(code="RING-1-Z-1", epc="e2801160600002"), 409,
         "serial-exists"),
        ("/api/receipts", _receipt(code="RING-1-Z-2", epc="not-hex"), 422, "invalid-request"),
        ("/api/adjustments", {"reason": "damaged", "lines": [{
            "sku": "RING-1", "lot": "T-1", "location": f"FACET:S:{PIECES[0]}", "quantity": -1,
            "serials": [PIECES[0]]}]}, 422, "not-a-location"),
    ]
    before = moves_of(db, DocKind.TRANSFER)
    for path, body, status, code in cases:
        answer = c.post(path, json=body, headers=clerk)
        assert answer.status_code == status, (path, body, answer.text)
        if code:
            assert error_code(answer) == code, (path, body)
    assert moves_of(db, DocKind.TRANSFER) == before
    adjusted = c.post("/api/adjustments", headers=clerk, json={"reason": "damaged", "lines": [{
        "sku": "RING-1", "lot": "T-1", "location": f"FACET:L:{bins[0]}", "quantity": -1,
        "serials": [EPCS[0]]}]})
    assert adjusted.status_code == 201, adjusted.text
    signed = c.post("/api/presence/sign-on", json={"zone": "FACET:L:Z1"}, headers=clerk)
    assert signed.status_code == 201 and signed.json()["zone"] == "Z1", signed.text
