"""Adjustments, counts, recalls and the audit log over HTTP, with roles enforced."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core import CoreSettings, Database
from tests.builders import PASSWORD, Builder
from web.app import Settings, create_app

ROLES = {"mia": "manager", "cleo": "clerk", "pia": "picker", "fay": "finance_auditor",
         "quinn": "qc_inspector"}


@contextmanager
def api(db_url: str) -> Iterator[TestClient]:
    """A test client on the real app, bound to ``db_url``."""
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="test-signing-key-" * 3))
    with TestClient(create_app(settings)) as client:
        yield client


def login(client: TestClient, username: str) -> dict[str, str]:
    """Bearer headers for a person created with the builder's password."""
    answer = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def seed(db: Database, *, users: dict[str, str] = ROLES) -> list[str]:
    """A committed warehouse: RING-1 (3 pieces, lot L-1) and CHAIN-1 (10, lot L-2) in bin 1."""
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1")
        b.sku("CHAIN-1", serialised=False)
        b.stock("RING-1", "L-1", 3, bins[0])
        b.stock("CHAIN-1", "L-2", 10, bins[0], serialised=False)
        for name, role in users.items():
            b.user(name, role)
    return bins


def error_code(answer: Any) -> str:
    """The stable code of an error answer."""
    return str(answer.json()["error"]["code"])


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[tuple[TestClient, list[str]]]:
    bins = seed(db)
    with api(db_url) as c:
        yield c, bins


def _adjustment(bins: list[str], quantity: int, reason: str | None = "lost") -> dict[str, Any]:
    body: dict[str, Any] = {"lines": [
        {"sku": "CHAIN-1", "lot": "L-2", "location": bins[0], "quantity": quantity}]}
    if reason is not None:
        body["reason"] = reason
    return body


def test_adjustment_errors_have_stable_codes(client) -> None:
    c, bins = client
    clerk = login(c, "cleo")
    cases = [
        (_adjustment(bins, -1, reason=None), 422, "reason-required"),
        (_adjustment(bins, -1, reason="misplaced"), 422, "unknown-reason"),
        (_adjustment(bins, 0, reason="data_error"), 422, "zero-quantity"),
        (_adjustment(bins, -11), 409, "insufficient-stock"),
    ]
    for body, status, code in cases:
        answer = c.post("/api/adjustments", json=body, headers=clerk)
        assert (answer.status_code, error_code(answer)) == (status, code), body


def test_adjustment_posts_once_per_idempotency_key(client) -> None:
    c, bins = client
    headers = {**login(c, "cleo"), "Idempotency-Key": "adj-1"}
    first = c.post("/api/adjustments", json=_adjustment(bins, -2), headers=headers)
    again = c.post("/api/adjustments", json=_adjustment(bins, -2), headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["number"] == again.json()["number"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    stock = c.get("/api/stock", params={"sku": "CHAIN-1"}, headers=headers).json()
    assert [row["on_hand"] for row in stock["items"]] == [8]


def test_a_long_idempotency_key_is_refused_not_cut(client) -> None:
    """Two writes whose keys share the first 128 characters used to collide (the key was cut
    and the second was answered with the first's replay): now a key over 128 is refused."""
    c, bins = client
    clerk = login(c, "cleo")
    for key in ("k" * 128 + "-first", "k" * 128 + "-second", "bad\tkey"):
        answer = c.post("/api/adjustments", json=_adjustment(bins, -1),
                        headers={**clerk, "Idempotency-Key": key})
        assert (answer.status_code, error_code(answer)) == (400, "idempotency-key-invalid")
        assert "128" in answer.json()["error"]["message"]
    longest = {**clerk, "Idempotency-Key": "k" * 128}
    assert c.post("/api/adjustments", json=_adjustment(bins, -1),
                  headers=longest).status_code == 201
    stock = c.get("/api/stock", params={"sku": "CHAIN-1"}, headers=clerk).json()
    assert [row["on_hand"] for row in stock["items"]] == [9]  # only the accepted write


def test_the_idempotency_fingerprint_covers_the_query_string(client) -> None:
    c, bins = client
    headers = {**login(c, "cleo"), "Idempotency-Key": "adj-q"}
    first = c.post("/api/adjustments?note=a", json=_adjustment(bins, -1), headers=headers)
    other = c.post("/api/adjustments?note=b", json=_adjustment(bins, -1), headers=headers)
    assert first.status_code == 201
    assert (other.status_code, error_code(other)) == (409, "idempotency-key-reused")


def test_roles_are_enforced(client) -> None:
    c, bins = client
    picker, auditor = login(c, "pia"), login(c, "fay")
    answer = c.post("/api/adjustments", json=_adjustment(bins, -1), headers=picker)
    assert (answer.status_code, error_code(answer)) == (403, "forbidden")
    assert c.get("/api/stock", headers=auditor).status_code == 200
    transfer = {"lines": [{"sku": "CHAIN-1", "lot": "L-2", "quantity": 1,
                           "from_location": bins[0], "to_location": bins[1]}]}
    answer = c.post("/api/transfers", json=transfer, headers=auditor)
    assert (answer.status_code, error_code(answer)) == (403, "forbidden")
    assert c.post("/api/lots/L-1/recall", json={"reason": "x"},
                  headers=picker).status_code == 403
    assert c.get("/api/audit", headers=picker).status_code == 403
    assert c.get("/api/stock").status_code == 401


def test_count_is_blind_for_counters_and_needs_a_manager(client) -> None:
    c, bins = client
    picker, manager = login(c, "pia"), login(c, "mia")
    made = c.post("/api/counts", json={"locations": [bins[0]], "assignee": "pia"},
                  headers=manager)
    assert made.status_code == 201, made.text
    number = made.json()["number"]
    blind = c.get(f"/api/counts/{number}", headers=picker).json()
    assert blind["blind"] is True
    assert all(ln["expected"] is None and ln["expected_serials"] is None
               for ln in blind["lines"])
    seen = c.get(f"/api/counts/{number}", headers=manager).json()
    assert sorted(ln["expected"] for ln in seen["lines"]) == [3, 10]
    lines = {ln["sku"]: ln["line_no"] for ln in blind["lines"]}
    submitted = c.post(f"/api/counts/{number}/submit", headers=picker, json={"lines": [
        {"line_no": lines["CHAIN-1"], "counted": 9},
        {"line_no": lines["RING-1"], "counted": 3,
         "serials": [f"FACET:S:RING-1-L-1-{i:05d}" for i in range(3)]}]})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "counted"
    assert submitted.json()["lines"][0]["expected"] is None
    answer = c.post(f"/api/counts/{number}/approve", headers=picker)
    assert (answer.status_code, error_code(answer)) == (403, "forbidden")
    approved = c.post(f"/api/counts/{number}/approve", headers=manager)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    stock = c.get("/api/stock", params={"sku": "CHAIN-1"}, headers=manager).json()
    assert [row["on_hand"] for row in stock["items"]] == [9]
    assert c.get("/api/counts/ADJ-000001", headers=manager).status_code == 404


def test_count_reject_sends_it_back(client) -> None:
    c, bins = client
    clerk, manager = login(c, "cleo"), login(c, "mia")
    number = c.post("/api/counts", json={"locations": [bins[0]]}, headers=clerk).json()["number"]
    lines = c.get(f"/api/counts/{number}", headers=clerk).json()["lines"]
    body = {"lines": [{"line_no": ln["line_no"], "counted": 0} for ln in lines
                      if ln["sku"] == "CHAIN-1"]}
    answer = c.post(f"/api/counts/{number}/submit", headers=clerk, json=body)
    assert (answer.status_code, error_code(answer)) == (422, "count-incomplete")
    body["lines"].append({"line_no": next(ln["line_no"] for ln in lines if ln["sku"] == "RING-1"),
                          "counted": 0})
    assert c.post(f"/api/counts/{number}/submit", headers=clerk, json=body).status_code == 200
    rejected = c.post(f"/api/counts/{number}/reject", headers=manager,
                      json={"reason": "bin was not emptied"})
    assert rejected.json()["status"] == "recount"
    assert {ln["status"] for ln in rejected.json()["lines"]} == {"open"}


def test_recall_over_http(client) -> None:
    c, _bins = client
    inspector = login(c, "quinn")
    answer = c.post("/api/lots/l-1/recall", json={"reason": "assay failed"}, headers=inspector)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # QC inspectors do not see customers (customers:read): null, not an empty list.
    assert (body["lot"], body["quarantine"], body["customers"]) == ("L-1", "QUAR", None)
    assert sum(q["quantity"] for q in body["quarantined"]) == 3
    again = c.post("/api/lots/L-1/recall", json={"reason": "again"}, headers=inspector)
    assert (again.status_code, error_code(again)) == (409, "already-recalled")
    assert c.get("/api/lots/L-1", headers=inspector).json()["status"] == "recalled"


def test_audit_log_pages_and_verifies(client) -> None:
    c, _bins = client
    auditor = login(c, "fay")
    page = c.get("/api/audit", params={"limit": 5}, headers=auditor).json()
    assert page["total"] > 5 and len(page["items"]) == 5 and page["limit"] == 5
    ids = [e["id"] for e in page["items"]]
    assert ids == sorted(ids, reverse=True)
    users = c.get("/api/audit", params={"action": "user.create"}, headers=auditor).json()
    assert {e["entity"] for e in users["items"]} == set(ROLES)
    verified = c.get("/api/audit/verify", headers=auditor).json()
    assert verified["ok"] is True and verified["entries"] == page["total"]
