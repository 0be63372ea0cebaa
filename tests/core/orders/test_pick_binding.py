"""Picking is tied to its picker (issue 13: picker2 confirmed and undid lines of a list assigned
to picker; check digits were optional on confirm).

Over HTTP as real roles, on SQLite and PostgreSQL: only a list's assignee confirms, shorts,
skips or undoes its lines (403 ``not-your-pick-list``, nothing changes); an unassigned list is
claimed by the first picker who works it; a supervisor (``pick:assign``) reassigns it and the
right to work it moves; a confirmation at a bin with check digits must carry them (422
``check-digits-required``). The voice backend obeys the same rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from assistant.voice.backend import NothingToUndoError, PickRejectedError
from core import Database
from core.audit.models import AuditEntry
from core.ledger.models import StockMove
from core.locations.models import Location
from core.lots.models import Serial
from core.orders.integrity import verify_stock
from tests.builders import Builder
from tests.core.api.test_api_core import api, error_code, login, seed
from web.adapters.voice_backend import CorePickingBackend

USERS = {"mia": "manager", "cleo": "clerk", "pia": "picker", "pete": "picker",
         "fay": "finance_auditor"}


def _moves(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(StockMove.id))) or 0


def _digits(db: Database, code: str) -> str:
    with db.read() as session:
        return session.scalar(select(Location.check_digits).where(Location.code == code)) or ""


def _ring_serials(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(Serial.code).where(Serial.code.like("RING-1-%"))
                                    .order_by(Serial.code)))


@pytest.fixture
def floor(db: Database, db_url: str) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """An allocated order of 2 rings and 3 chains (both in bin 1), and a client."""
    bins = seed(db, users={k: v for k, v in USERS.items() if v != "picker"})
    with db.write() as session:
        b = Builder(session)
        b.user("pia", "picker", operator_id="1001")
        b.user("pete", "picker", operator_id="1002")  # the second picker ("picker2")
    with api(db_url) as client:
        clerk = login(client, "cleo")
        made = client.post("/api/orders", headers=clerk, json={
            "channel": "web", "external_id": "B-1", "customer_name": "Ada",
            "lines": [{"sku": "RING-1", "quantity": 2}, {"sku": "CHAIN-1", "quantity": 3}]})
        assert made.status_code == 201, made.text
        order_id = made.json()["id"]
        assert client.post(f"/api/orders/{order_id}/allocate", headers=clerk).status_code == 200
        yield client, {"order": order_id, "bin": bins[0], "digits": _digits(db, bins[0]),
                       "serials": _ring_serials(db)}


def _list(client: TestClient, f: dict[str, Any], picker: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"order_ids": [f["order"]]}
    if picker:
        body["picker"] = picker
    made = client.post("/api/picklists", headers=login(client, "mia"), json=body)
    assert made.status_code == 201, made.text
    plist: dict[str, Any] = made.json()
    return plist


def _lines(plist: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    by_sku = {ln["sku"]: ln for ln in plist["lines"]}
    return by_sku["RING-1"], by_sku["CHAIN-1"]


def test_only_the_assignee_works_a_pick_list(
    floor: tuple[TestClient, dict[str, Any]], db: Database
) -> None:
    client, f = floor
    plist = _list(client, f, "pia")
    ring, chain = _lines(plist)
    pia, pete, mia = login(client, "pia"), login(client, "pete"), login(client, "mia")
    confirm = {"quantity": 2, "serials": f["serials"][:2], "check_digits": f["digits"]}
    before = _moves(db)
    # picker2 (and a manager who has not taken the list over) may not touch pia's lines.
    for who in (pete, mia):
        for verb, body in (("confirm", confirm),
                           ("short", {"found_quantity": 0, "check_digits": f["digits"]}),
                           ("skip", None), ("undo", None)):
            answer = client.post(f"/api/picks/{ring['id']}/{verb}", headers=who, json=body)
            assert answer.status_code == 403, (verb, answer.text)
            assert error_code(answer) == "not-your-pick-list"
    assert _moves(db) == before
    done = client.post(f"/api/picks/{ring['id']}/confirm", headers=pia, json=confirm)
    assert done.status_code == 200, done.text
    assert done.json()["line"]["done_by"] == "pia"
    # The finding: picker2 undid pia's confirmed line. Now refused, and nothing moves.
    after = _moves(db)
    undo = client.post(f"/api/picks/{ring['id']}/undo", headers=pete)
    assert undo.status_code == 403 and error_code(undo) == "not-your-pick-list"
    assert _moves(db) == after
    line = client.get(f"/api/picklists/{plist['number']}", headers=pia).json()["lines"]
    assert {ln["sku"]: ln["status"] for ln in line} == {"RING-1": "done", "CHAIN-1": "open"}
    assert client.post(f"/api/picks/{chain['id']}/confirm", headers=pia, json={
        "quantity": 3, "check_digits": f["digits"]}).status_code == 200
    with db.read() as session:
        assert verify_stock(session).ok


def test_an_unassigned_list_belongs_to_its_first_picker(
    floor: tuple[TestClient, dict[str, Any]], db: Database
) -> None:
    client, f = floor
    plist = _list(client, f, None)
    assert plist["picker"] is None
    ring, chain = _lines(plist)
    pete, pia = login(client, "pete"), login(client, "pia")
    skip = client.post(f"/api/picks/{chain['id']}/skip", headers=pete)
    assert skip.status_code == 200, skip.text
    mine = client.get(f"/api/picklists/{plist['number']}", headers=pete).json()
    assert mine["picker"] == "pete"
    taken = client.post(f"/api/picks/{ring['id']}/confirm", headers=pia, json={
        "quantity": 2, "serials": f["serials"][:2], "check_digits": f["digits"]})
    assert taken.status_code == 403 and error_code(taken) == "not-your-pick-list"
    with db.read() as session:
        claims = session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "pick.assign", AuditEntry.entity == plist["number"])).all()
    assert [json.loads(c) for c in claims] == [{"picker": "pete", "via": "claim"}]


def test_a_supervisor_reassigns_and_the_right_to_work_moves(
    floor: tuple[TestClient, dict[str, Any]], db: Database
) -> None:
    client, f = floor
    plist = _list(client, f, "pia")
    ring, _ = _lines(plist)
    pia, pete, mia = login(client, "pia"), login(client, "pete"), login(client, "mia")
    number = plist["number"]
    assert client.post(f"/api/picks/{ring['id']}/confirm", headers=pia, json={
        "quantity": 2, "serials": f["serials"][:2], "check_digits": f["digits"]}).status_code == 200
    for who in (pia, pete, login(client, "cleo")):  # pick:assign is the supervisors'
        refused = client.post(f"/api/picklists/{number}/assign", headers=who,
                              json={"picker": "pete"})
        assert refused.status_code == 403 and error_code(refused) == "forbidden"
    not_a_picker = client.post(f"/api/picklists/{number}/assign", headers=mia,
                               json={"picker": "fay"})
    assert not_a_picker.status_code == 422 and error_code(not_a_picker) == "not-a-picker"
    unknown = client.post("/api/picklists/PCK-999999/assign", headers=mia, json={"picker": "pete"})
    assert unknown.status_code == 404
    moved = client.post(f"/api/picklists/{number}/assign", headers=mia, json={"picker": "pete"})
    assert moved.status_code == 200 and moved.json()["picker"] == "pete"
    gone = client.post(f"/api/picks/{ring['id']}/undo", headers=pia)
    assert gone.status_code == 403 and error_code(gone) == "not-your-pick-list"
    undone = client.post(f"/api/picks/{ring['id']}/undo", headers=pete)
    assert undone.status_code == 200 and undone.json()["line"]["status"] == "open"
    with db.read() as session:
        entry = session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "pick.assign", AuditEntry.entity == number,
            AuditEntry.actor == "mia")).one()
    assert json.loads(entry) == {"picker": "pete", "previous": "pia"}


def test_check_digits_are_required_where_the_bin_has_them(
    floor: tuple[TestClient, dict[str, Any]], db: Database
) -> None:
    client, f = floor
    ring, chain = _lines(_list(client, f, "pia"))
    pia = login(client, "pia")
    before = _moves(db)
    for verb, body in (("confirm", {"quantity": 2, "serials": f["serials"][:2]}),
                       ("confirm", {"quantity": 2, "serials": f["serials"][:2],
                                    "check_digits": " "}),
                       ("short", {"found_quantity": 0})):
        answer = client.post(f"/api/picks/{ring['id']}/{verb}", headers=pia, json=body)
        assert answer.status_code == 422, answer.text
        assert error_code(answer) == "check-digits-required"
    wrong = "00" if f["digits"] != "00" else "01"
    bad = client.post(f"/api/picks/{chain['id']}/confirm", headers=pia,
                      json={"quantity": 3, "check_digits": wrong})
    assert bad.status_code == 422 and error_code(bad) == "wrong-check-digits"
    assert _moves(db) == before
    ok = client.post(f"/api/picks/{chain['id']}/confirm", headers=pia,
                     json={"quantity": 3, "check_digits": f["digits"]})
    assert ok.status_code == 200, ok.text


def test_voice_picking_obeys_the_same_rules(
    floor: tuple[TestClient, dict[str, Any]], db: Database
) -> None:
    client, f = floor
    plist = _list(client, f, "pia")
    ring, chain = _lines(plist)
    backend = CorePickingBackend(db)
    backend.sign_on("1002")
    assert backend.next_assignment("1002") == []  # pia's list is not pete's to claim
    with pytest.raises(PickRejectedError):  # nor to confirm, by line id
        backend.confirm_pick("1002", str(chain["id"]), quantity=3, serials=(),
                             idempotency_key="v-1")
    backend.sign_on("1001")
    lines = backend.next_assignment("1001")
    assert {ln.line_id for ln in lines} == {str(ring["id"]), str(chain["id"])}
    # The headset posts with the digits the dialogue verified; a fresh backend that never
    # handed the line out has none to give, and the confirmation is refused.
    fresh = CorePickingBackend(db)
    fresh.sign_on("1001")
    with pytest.raises(PickRejectedError, match="check digits"):
        fresh.confirm_pick("1001", str(chain["id"]), quantity=3, serials=(),
                           idempotency_key="v-2")
    backend.confirm_pick("1001", str(chain["id"]), quantity=3, serials=(), idempotency_key="v-3")
    moved = client.post(f"/api/picklists/{plist['number']}/assign", headers=login(client, "mia"),
                        json={"picker": "pete"})
    assert moved.status_code == 200
    with pytest.raises(NothingToUndoError):  # the list is pete's now: pia's undo is gone
        backend.undo_last("1001")
