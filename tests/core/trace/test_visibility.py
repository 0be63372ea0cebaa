"""Check digits, customers and blind counts are seen only by the roles that need them
(issue 13: every role read check digits from locate and trace; a blind count was not blind,
the counter could read the bin's stock).

Over HTTP as real roles, on SQLite and PostgreSQL. Hidden values are null (the response keeps
its shape); stock at a bin under the reader's live blind count is left out of lists, and asking
for that bin, or a piece in it, by name is a 403 ``blind-count-open``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core import Database
from core.locations.models import Location
from core.lots.models import Serial
from tests.core.api.test_api_core import ROLES, api, error_code, login, seed

USERS = {**ROLES, "pete": "picker", "sam": "security"}


@pytest.fixture
def shop(db: Database, db_url: str) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """The seeded bin 1 (RING-1 x3 lot L-1, CHAIN-1 x10 lot L-2), one ring shipped to Ada."""
    bins = seed(db, users=USERS)
    with db.read() as session:
        digits = session.scalar(select(Location.check_digits).where(Location.code == bins[0]))
        serials = list(session.scalars(select(Serial.code).order_by(Serial.code)))
    with api(db_url) as client:
        clerk, pia = login(client, "cleo"), login(client, "pia")
        made = client.post("/api/orders", headers=clerk, json={
            "channel": "web", "external_id": "V-1", "customer_name": "Ada Lovelace",
            "customer_ref": "CUST-7", "lines": [{"sku": "RING-1", "quantity": 1}]}).json()
        assert client.post(f"/api/orders/{made['id']}/allocate", headers=clerk).status_code == 200
        plist = client.post("/api/picklists", headers=pia,
                            json={"order_ids": [made["id"]], "picker": "pia"}).json()
        line = plist["lines"][0]
        picked = client.post(f"/api/picks/{line['id']}/confirm", headers=pia, json={
            "quantity": 1, "serials": [serials[0]], "check_digits": digits})
        assert picked.status_code == 200, picked.text
        shipped = client.post(f"/api/orders/{made['id']}/ship", headers=clerk)
        assert shipped.status_code == 201, shipped.text
        yield client, {"bin": bins[0], "other": bins[1], "third": bins[2], "digits": digits,
                       "order": made["id"], "shipment": shipped.json()["number"],
                       "pick_list": plist["number"], "serial": serials[1]}


def _locate_digits(client: TestClient, who: dict[str, str], q: str) -> set[object]:
    answer = client.get("/api/locate", headers=who, params={"q": q})
    assert answer.status_code == 200, answer.text
    return {row["check_digits"] for row in answer.json()["rows"]}


def test_check_digits_only_for_the_roles_that_print_labels(
    shop: tuple[TestClient, dict[str, Any]]
) -> None:
    client, f = shop
    for name in ("mia", "cleo"):  # locations:check-digits
        who = login(client, name)
        assert client.get(f"/api/locations/{f['bin']}", headers=who).json()["check_digits"] == (
            f["digits"])
        assert _locate_digits(client, who, "RING-1") == {f["digits"]}
        assert client.get(f"/api/locations/{f['bin']}/label.svg", headers=who).status_code == 200
    for name in ("pia", "pete", "fay", "quinn", "sam"):
        who = login(client, name)
        one = client.get(f"/api/locations/{f['bin']}", headers=who)
        assert one.status_code == 200 and one.json()["check_digits"] is None
        page = client.get("/api/locations", headers=who, params={"tier": "bin"}).json()
        assert page["items"] and all(x["check_digits"] is None for x in page["items"])
        # The finding: locate and trace handed every role the digits.
        assert _locate_digits(client, who, "RING-1") == {None}
        assert _locate_digits(client, who, f["bin"]) == {None}
        assert _locate_digits(client, who, f["serial"]) == {None}
        trace = client.get("/api/lots/L-1/trace", headers=who).json()
        assert trace["on_hand"] and all(r["check_digits"] is None for r in trace["on_hand"])
        label = client.get(f"/api/locations/{f['bin']}/label.svg", headers=who)
        assert label.status_code == 403 and error_code(label) == "forbidden"
        pick_list = client.get(f"/api/picklists/{f['pick_list']}", headers=who).text
        assert "check_digits" not in pick_list


def test_customers_only_for_the_roles_that_need_them(
    shop: tuple[TestClient, dict[str, Any]]
) -> None:
    client, f = shop
    for name, sees in (("mia", True), ("cleo", True), ("fay", True), ("pia", False),
                       ("quinn", False), ("sam", False)):
        who = login(client, name)
        order = client.get(f"/api/orders/{f['order']}", headers=who).json()
        listed = client.get("/api/orders", headers=who).json()["items"][0]
        shipped = client.get("/api/lots/L-1/trace", headers=who).json()["shipped"][0]
        doc = client.get(f"/api/documents/{f['shipment']}", headers=who).json()
        expected = ("Ada Lovelace", "CUST-7") if sees else (None, None)
        assert (order["customer_name"], order["customer_ref"]) == expected, name
        assert (listed["customer_name"], listed["customer_ref"]) == expected, name
        assert shipped["customer"] == expected[0] and shipped["order"] == "V-1"
        assert doc["data"]["customer"] == expected[0]
    # A QC inspector recalls the lot: the recall names no customer to them.
    recalled = client.post("/api/lots/L-1/recall", headers=login(client, "quinn"),
                           json={"reason": "assay failed"})
    assert recalled.status_code == 200, recalled.text
    assert recalled.json()["customers"] is None
    assert [s["customer"] for s in recalled.json()["shipped"]] == [None]


def _count(client: TestClient, bins: list[str], assignee: str | None) -> str:
    body: dict[str, Any] = {"locations": bins}
    if assignee:
        body["assignee"] = assignee
    made = client.post("/api/counts", headers=login(client, "mia"), json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["number"])


def _stock_at(client: TestClient, who: dict[str, str], code: str, **params: str) -> list[Any]:
    answer = client.get("/api/stock", headers=who, params=params)
    assert answer.status_code == 200, answer.text
    return [r for r in answer.json()["items"] if r["location"] == code]


def _pieces_on_shelf(db: Database, code: str) -> list[str]:
    """The rings the counter finds in the bin and scans (what is physically there)."""
    with db.read() as session:
        return list(session.scalars(
            select(Serial.code).join(Location, Location.id == Serial.location_id)
            .where(Location.code == code).order_by(Serial.code)))


def test_a_blind_count_is_blind(shop: tuple[TestClient, dict[str, Any]], db: Database) -> None:
    client, f = shop
    number = _count(client, [f["bin"]], "pia")
    pia, pete, mia = login(client, "pia"), login(client, "pete"), login(client, "mia")
    # The count task itself shows no expected figures to its counter.
    task = client.get(f"/api/counts/{number}", headers=pia).json()
    assert task["blind"] and all(ln["expected"] is None and ln["expected_serials"] is None
                                 for ln in task["lines"])
    # The finding: the counter read the bin's stock. Lists leave the bin out...
    assert _stock_at(client, pia, f["bin"]) == []
    assert _stock_at(client, pia, f["bin"], location=f["bin"]) == []
    assert _stock_at(client, pia, f["bin"], sku="CHAIN-1") == []
    occupancy = client.get("/api/stock/occupancy", headers=pia).json()["items"]
    assert f["bin"] not in {r["location"] for r in occupancy}
    moves = client.get("/api/moves", headers=pia, params={"location": f["bin"]}).json()
    assert moves["items"] == [] and moves["total"] == 0
    assert client.get("/api/locate", headers=pia, params={"q": "CHAIN-1"}).json()["rows"] == []
    trace = client.get("/api/lots/L-2/trace", headers=pia).json()
    assert trace["on_hand"] == []
    suggested = client.get("/api/slotting/suggest", headers=pia,
                           params={"sku": "CHAIN-1", "limit": 50}).json()["candidates"]
    assert f["bin"] not in {c["location"] for c in suggested}
    assert f["bin"] in {c["location"] for c in client.get(
        "/api/slotting/suggest", headers=mia, params={"sku": "CHAIN-1", "limit": 50}
    ).json()["candidates"]}
    assert f["bin"] not in client.get("/api/twin/live", headers=pia).json()["occupancy"]
    assert f["bin"] in client.get("/api/twin/live", headers=mia).json()["occupancy"]
    # ...and naming the bin, or a piece in it, is refused.
    for path, params in (("/api/locate", {"q": f["bin"]}),
                         ("/api/locate", {"q": f"FACET:L:{f['bin']}"}),
                         ("/api/locate", {"q": f["serial"]}),
                         (f"/api/serials/{f['serial']}", {}),
                         (f"/api/serials/{f['serial']}/history", {})):
        refused = client.get(path, headers=pia, params=params)
        assert refused.status_code == 403, (path, refused.text)
        assert error_code(refused) == "blind-count-open"
    # Another picker (not counting it) and the office see the stock as before.
    for who in (pete, mia):
        rows = _stock_at(client, who, f["bin"])
        assert {(r["sku"], r["on_hand"]) for r in rows} == {("RING-1", 2), ("CHAIN-1", 10)}
    office = client.get(f"/api/counts/{number}", headers=mia).json()["lines"]
    assert {ln["sku"]: ln["expected"] for ln in office} == {"RING-1": 2, "CHAIN-1": 10}
    # Counted (one chain short): waiting for approval the bin stays hidden; approved, it is not.
    lines = [{"line_no": ln["line_no"], "counted": 9 if ln["sku"] == "CHAIN-1" else 2,
              "serials": [] if ln["sku"] == "CHAIN-1" else _pieces_on_shelf(db, f["bin"])}
             for ln in task["lines"]]
    submitted = client.post(f"/api/counts/{number}/submit", headers=pia, json={"lines": lines})
    assert submitted.status_code == 200 and submitted.json()["status"] == "counted"
    assert _stock_at(client, pia, f["bin"]) == []
    assert client.post(f"/api/counts/{number}/approve", headers=mia).status_code == 200
    rows = _stock_at(client, pia, f["bin"])
    assert {(r["sku"], r["on_hand"]) for r in rows} == {("RING-1", 2), ("CHAIN-1", 9)}


def test_an_unassigned_blind_count_hides_its_bins_from_every_counter(
    shop: tuple[TestClient, dict[str, Any]]
) -> None:
    client, f = shop
    _count(client, [f["bin"]], None)
    for name in ("pia", "pete", "cleo"):  # anyone who counts blind may work it
        who = login(client, name)
        assert _stock_at(client, who, f["bin"]) == []
        refused = client.get("/api/locate", headers=who, params={"q": f["bin"]})
        assert refused.status_code == 403 and error_code(refused) == "blind-count-open"
    for name in ("mia", "fay"):  # the office and auditors still see everything
        assert len(_stock_at(client, login(client, name), f["bin"])) == 2


def test_the_audit_log_shows_check_digits_only_to_the_roles_that_print_labels(
    shop: tuple[TestClient, dict[str, Any]]
) -> None:
    """A finance auditor reads the audit log, but a bin's new check digits stay off it for them
    (they read them from a location.update entry before)."""
    client, f = shop
    manager, auditor = login(client, "mia"), login(client, "fay")
    changed = client.patch(f"/api/locations/{f['bin']}", headers=manager,
                           json={"check_digits": "987"})
    assert changed.status_code == 200, changed.text

    def update_detail(who: dict[str, str]) -> str:
        answer = client.get("/api/audit", headers=who,
                            params={"action": "location.update", "entity": f["bin"]})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["items"][0]["detail"])

    assert "987" in update_detail(manager)
    hidden = update_detail(auditor)
    assert "987" not in hidden and '"check_digits":null' in hidden
    assert client.get("/api/audit/verify", headers=auditor).json()["ok"] is True


def _transfer(client: TestClient, *lines: tuple[int, str, str]) -> str:
    """A manager moves CHAIN-1 (``quantity``, ``from``, ``to`` per line); the document number."""
    moved = client.post("/api/transfers", headers=login(client, "mia"), json={"lines": [
        {"sku": "CHAIN-1", "lot": "L-2", "quantity": qty, "from_location": src,
         "to_location": dst} for qty, src, dst in lines]})
    assert moved.status_code == 201, moved.text
    return str(moved.json()["number"])


def _document(client: TestClient, who: dict[str, str], number: str) -> dict[str, Any]:
    answer = client.get(f"/api/documents/{number}", headers=who)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_document_keeps_a_blind_count_blind(shop: tuple[TestClient, dict[str, Any]]) -> None:
    """Left open at issue 13's close: ``GET /api/documents/{number}`` of a transfer or recall
    into or out of a bin under the reader's blind count showed its quantities in full."""
    client, f = shop
    hidden, other, third = f["bin"], f["other"], f["third"]
    before = _transfer(client, (4, hidden, other))  # CHAIN-1: 6 left in the bin, 4 beside it
    _count(client, [hidden], "pia")
    during = _transfer(client, (2, hidden, other), (1, other, hidden), (1, other, third))
    recalled = client.post("/api/lots/L-2/recall", headers=login(client, "quinn"),
                           json={"reason": "assay failed"})
    assert recalled.status_code == 200, recalled.text
    recall = recalled.json()["document"]
    pia, pete, mia = login(client, "pia"), login(client, "pete"), login(client, "mia")

    def ends(who: dict[str, str], number: str) -> list[tuple[object, object, object]]:
        return [(ln["quantity"], ln["from_location"], ln["to_location"])
                for ln in _document(client, who, number)["lines"]]

    def quarantined(who: dict[str, str]) -> set[object]:
        return {row["location"] for row in _document(client, who, recall)["data"]["quarantined"]}

    # The counter sees no line into or out of the bin, as /api/moves shows them no move...
    assert ends(pia, before) == []
    assert ends(pia, during) == [(1, other, third)]
    assert hidden not in quarantined(pia) and other in quarantined(pia)
    assert all(hidden not in (ln["from_location"], ln["to_location"])
               for ln in _document(client, pia, recall)["lines"])
    # ...while another picker and the office see the documents in full.
    for who in (pete, mia):
        assert ends(who, before) == [(4, hidden, other)]
        assert ends(who, during) == [(2, hidden, other), (1, other, hidden), (1, other, third)]
        assert {hidden, other} <= quarantined(who)
