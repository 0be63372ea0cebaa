"""The register, lookups and recall by batch or hallmark over HTTP: roles, codes, no 500s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from core import Database
from tests.core.certificates.support import hallmark, shop
from tests.http import api_client, error_code, login


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[tuple[TestClient, list[str]]]:
    with db.write() as session:
        s = shop(session)
        hallmark(s.b, lot="L-2")
        s.b.user("cleo", "clerk")
        s.b.user("pia", "picker")
        s.b.user("quinn", "qc_inspector")
        pieces = s.l1
    with api_client(db_url) as c:
        yield c, pieces


def test_register_look_up_and_refuse(client: tuple[TestClient, list[str]]) -> None:
    c, pieces = client
    clerk, picker = login(c, "cleo"), login(c, "pia")
    body = {"lab": "GIA", "number": "2141438167", "serial": pieces[0], "batch": "GIA-B-1",
            "issued_on": "2026-03-02", "carat": 0.52, "colour": "F", "clarity": "VS1",
            "cut": "Excellent"}
    denied = c.post("/api/certificates", json=body, headers=picker)
    assert denied.status_code == 403
    made = c.post("/api/certificates", json=body, headers=clerk)
    assert made.status_code == 201, made.text
    assert (made.json()["serial"], made.json()["batch"]) == (pieces[0], "GIA-B-1")
    again = c.post("/api/certificates", json=body, headers=clerk)
    assert again.status_code == 409 and error_code(again) == "duplicate-certificate"
    for bad, code in (({"lab": "ABC"}, "unknown-lab"),
                      ({"number": "G-1"}, "invalid-certificate-number"),
                      ({"serial": None}, "invalid-request"),
                      ({"lot": "L-1"}, "invalid-request"),
                      ({"carat": -1}, "invalid-request"),
                      ({"serial": "NOPE"}, "unknown-serial")):
        answer = c.post("/api/certificates", json={**body, "number": "2141438168", **bad},
                        headers=clerk)
        assert 400 <= answer.status_code < 500 and error_code(answer) == code, (bad, answer.text)
    found = c.get("/api/certificates", params={"number": "2141438167", "lab": "gia"},
                  headers=picker)
    assert [r["serial"] for r in found.json()] == [pieces[0]]
    one = c.get("/api/certificates/GIA/2141438167", headers=picker)
    assert one.status_code == 200 and one.json()["clarity"] == "VS1"
    assert error_code(c.get("/api/certificates/GIA/2141438999", headers=picker)) == (
        "unknown-certificate")
    assert [r["number"] for r in c.get("/api/certificates", headers=picker).json()] == [
        "2141438167"]  # no filter: the register, newest first
    fixed = c.patch("/api/certificates/GIA/2141438167", json={"cut": "very good"},
                    headers=clerk)
    assert fixed.status_code == 200 and fixed.json()["cut"] == "Very Good"
    marks = c.get(f"/api/serials/{pieces[0]}/marks", headers=picker).json()
    assert [x["number"] for x in marks["certificates"]] == ["2141438167"]
    history = c.get(f"/api/serials/{pieces[0]}/history", headers=picker).json()
    assert [x["number"] for x in history["certificates"]] == ["2141438167"]
    assert history["moves"] and history["hallmarks"] == []
    mark = c.post("/api/hallmarks", json={"serial": pieces[0], "office": "bhm", "fineness": 925,
                                          "sponsor": "ab", "date_letter": "y"}, headers=clerk)
    assert mark.status_code == 201 and mark.json()["mark"] == "BHM-925-AB-y"
    listed = c.get("/api/hallmarks", params={"mark": "BHM-925-AB-y"}, headers=picker).json()
    assert [h["serial"] for h in listed] == [pieces[0]]
    assert error_code(c.get("/api/hallmarks", params={"mark": "nonsense"},
                            headers=picker)) == "invalid-hallmark"


def test_recall_preview_and_recall_by_batch(client: tuple[TestClient, list[str]]) -> None:
    c, pieces = client
    clerk, picker, qc = login(c, "cleo"), login(c, "pia"), login(c, "quinn")
    for i, code in enumerate(pieces[:2]):
        made = c.post("/api/certificates", headers=clerk, json={
            "lab": "IGI", "number": f"LG6123456{i:02d}", "serial": code, "batch": "IGI-77"})
        assert made.status_code == 201, made.text
    seen = c.get("/api/recalls/preview", params={"certificate_batch": "igi-77"}, headers=picker)
    assert seen.status_code == 200
    assert [p["serial"] for p in seen.json()["pieces"]] == pieces[:2]
    by_mark = c.get("/api/recalls/preview", params={"hallmark": "LON-750-JM-z"}, headers=picker)
    assert by_mark.json()["lots"] == ["L-2"]
    for params in ({}, {"lot": "L-1", "hallmark": "LON-750-JM-z"}):
        answer = c.get("/api/recalls/preview", params=params, headers=picker)
        assert answer.status_code == 422 and error_code(answer) == "one-selector"
    missing = c.get("/api/recalls/preview", params={"certificate_batch": "X"}, headers=picker)
    assert missing.status_code == 404 and error_code(missing) == "unknown-certificate-batch"
    body = {"certificate_batch": "IGI-77", "reason": "treated stones"}
    assert c.post("/api/recalls", json=body, headers=picker).status_code == 403
    junk = c.post("/api/recalls", json={"reason": "x"}, headers=qc)
    assert junk.status_code == 422
    done = c.post("/api/recalls", json=body, headers=qc)
    assert done.status_code == 200, done.text
    assert [q["serials"] for q in done.json()["quarantined"]] == [pieces[:2]]
    assert done.json()["customers"] is None  # a QC inspector does not see customers
    by_lot = c.post("/api/recalls", json={"lot": "L-2", "reason": "x"}, headers=qc)
    assert by_lot.status_code == 200 and by_lot.json()["lots"] == ["L-2"]
    again = c.post("/api/recalls", json={"hallmark": "LON-750-JM-z", "reason": "x"}, headers=qc)
    assert again.status_code == 409 and error_code(again) == "already-recalled"
