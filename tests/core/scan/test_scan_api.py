"""POST /api/scan: what a scanned code names, as the reader may see it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import Database
from tests.core.scan.support import EPCS, PIECES, seed
from tests.http import api_client as api
from tests.http import error_code, login


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[tuple[TestClient, list[str]]]:
    bins = seed(db)
    with api(db_url) as c:
        yield c, bins


def test_a_piece_by_code_qr_or_epc(client: tuple[TestClient, list[str]]) -> None:
    c, bins = client
    clerk = login(c, "cleo")
    for scanned, via in ((PIECES[1], "code"), (f"FACET:S:{PIECES[1]}", "qr"),
                         (EPCS[1], "epc"), (f"  {EPCS[1].upper()}\r\n", "epc")):
        answer = c.post("/api/scan", json={"code": scanned}, headers=clerk)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["kind"], body["code"], body["via"]) == ("serial", PIECES[1], via)
        assert body["piece"] == {"sku": "RING-1", "lot": "T-1", "lot_status": "approved",
                                 "location": bins[0], "status": "in_stock",
                                 "epc": EPCS[1].upper(), "weight_g": None}
        assert body["location"] is body["lot"] is body["sku"] is None


def test_a_location_a_lot_and_a_sku(client: tuple[TestClient, list[str]]) -> None:
    c, bins = client
    clerk, picker = login(c, "cleo"), login(c, "pia")
    place = c.post("/api/scan", json={"code": f"FACET:L:{bins[0]}"}, headers=clerk).json()
    assert (place["kind"], place["code"], place["via"]) == ("location", bins[0], "qr")
    assert place["location"]["zone"] == "Z1" and place["location"]["tier"] == "bin"
    assert place["location"]["check_digits"]
    hidden = c.post("/api/scan", json={"code": bins[0]}, headers=picker).json()
    assert hidden["location"]["check_digits"] is None  # pickers prove presence with them
    lot = c.post("/api/scan", json={"code": "t-1"}, headers=clerk).json()
    assert (lot["kind"], lot["code"], lot["lot"]["status"]) == ("lot", "T-1", "approved")
    sku = c.post("/api/scan", json={"code": "CHAIN-1"}, headers=clerk).json()
    assert (sku["kind"], sku["sku"]["serialised"]) == ("sku", False)
    zone = c.post("/api/scan", json={"code": "FACET:L:Z1"}, headers=clerk).json()
    assert (zone["location"]["tier"], zone["location"]["zone"]) == ("zone", "Z1")


def test_a_blind_counter_sees_no_location_of_pieces_in_the_bins_they_count(
    client: tuple[TestClient, list[str]]
) -> None:
    c, bins = client
    manager, picker = login(c, "mia"), login(c, "pia")
    opened = c.post("/api/counts", json={"locations": [bins[0]], "assignee": "pia"},
                    headers=manager)
    assert opened.status_code == 201, opened.text
    seen = c.post("/api/scan", json={"code": EPCS[0]}, headers=picker).json()
    assert (seen["code"], seen["piece"]["sku"], seen["piece"]["location"]) == (
        PIECES[0], "RING-1", None)
    books = c.post("/api/scan", json={"code": EPCS[0]}, headers=manager).json()
    assert books["piece"]["location"] == bins[0]


@pytest.mark.parametrize(("code", "status", "error"), [
    ("NOTHING-HERE", 404, "unknown-code"),
    ("FACET:S:NO-SUCH-PIECE", 404, "unknown-code"),
    ("FACET:L:NO-SUCH-BIN", 404, "unknown-code"),
    ("e2801160600009ffffffffff", 404, "unknown-code"),
    ("项链-金", 404, "unknown-code"),
    ("", 422, "invalid-request"),
    ("X" * 10_000, 422, "invalid-request"),
    ("A01\x07", 422, "invalid-code"),
    ("A01\x00", 422, "invalid-code"),
    ("FACET:Z:A01", 422, "invalid-qr-payload"),
    ("FACET:S:", 422, "invalid-qr-payload"),
])
def test_unknown_codes_are_404_and_junk_is_422(
    client: tuple[TestClient, list[str]], code: str, status: int, error: str
) -> None:
    c, _ = client
    answer = c.post("/api/scan", json={"code": code}, headers=login(c, "cleo"))
    assert (answer.status_code, error_code(answer)) == (status, error)
    assert answer.json()["error"]["message"]


def test_the_body_and_the_caller_are_checked(client: tuple[TestClient, list[str]]) -> None:
    c, _ = client
    clerk = login(c, "cleo")
    assert c.post("/api/scan", json={"code": PIECES[0]}).status_code == 401
    bodies: list[object] = [{}, {"code": 12}, {"code": None}, {"code": "A", "extra": 1}, []]
    for body in bodies:
        answer = c.post("/api/scan", json=body, headers=clerk)
        assert (answer.status_code, error_code(answer)) == (422, "invalid-request"), body


def test_any_text_is_answered_with_200_404_or_422(
    client: tuple[TestClient, list[str]]
) -> None:
    c, _ = client
    clerk = login(c, "cleo")

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(max_size=200))
    def scan(text: str) -> None:
        answer = c.post("/api/scan", json={"code": text}, headers=clerk)
        assert answer.status_code in (200, 404, 422), (text, answer.text)
        if answer.status_code != 200:
            assert answer.json()["error"]["code"]

    scan()
