"""RFID counts: a reader's EPCs give each bin's missing and extra pieces, submitted as the count."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from core import Database
from core.documents.counts import approve_count, create_count, get_count
from core.documents.rfid_counts import (
    FakeReader,
    bin_variances,
    parse_reads,
    reads_of,
    rfid_count,
)
from core.documents.schemas import (
    LotIn,
    MoveLineIn,
    PutawayCreate,
    QCCreate,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.errors import ValidationFailed
from core.purchasing import receiving
from tests.builders import Builder
from tests.core.api.test_api_core import api, error_code, login


def _tagged(b: Builder, lot: str, bin_code: str, n: int, first: int) -> dict[str, str]:
    """``n`` RING-1 pieces with EPCs put away at ``bin_code``: serial -> EPC."""
    tags = {f"R-{lot}-{i}": f"E28011606000{first + i:08X}" for i in range(n)}
    receiving.receive(b.session, actor=b.actor, data=ReceiptCreate(
        supplier="SUP1",
        lots=[LotIn(code=lot, purchase_date=date(2026, 1, 5), declared_purity="Au750")],
        lines=[ReceiptLineIn(sku="RING-1", lot=lot, quantity=n,
                             serials=[SerialIn(code=c, epc=e) for c, e in tags.items()])]))
    receiving.inspect_lot(b.session, actor=b.actor,
                          data=QCCreate(lot=lot, result="pass", measured_purity=750.1))
    receiving.putaway(b.session, actor=b.actor, data=PutawayCreate(lines=[MoveLineIn(
        sku="RING-1", lot=lot, quantity=n, from_location="QUAR", to_location=bin_code,
        serials=list(tags))]))
    return tags


@pytest.fixture
def tagged(session: Session) -> tuple[Builder, list[str], dict[str, str], dict[str, str]]:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    b.sku("RING-1")
    here = _tagged(b, "L-1", bins[0], 3, 0)
    there = _tagged(b, "L-2", bins[1], 2, 100)
    return b, bins, here, there


def test_one_missing_and_one_extra(tagged) -> None:
    b, bins, here, there = tagged
    doc = create_count(b.session, actor=b.actor, locations=[bins[0]])
    serials = sorted(here)
    # The handheld at bin 1 reads two of its three pieces (one twice, in lower case), a piece
    # booked at bin 2, and a foreign tag.
    tags = [here[serials[0]].lower(), here[serials[1]], here[serials[0]],
            there["R-L-2-0"], "E2000000DEADBEEF"]
    result = rfid_count(b.session, actor=b.actor, number=doc.number,
                        reads=reads_of(FakeReader(tags).read(), bins[0]))
    (only,) = result.bins
    assert (only.location, only.expected, only.read) == (bins[0], 3, 2)
    assert [(v.serial, v.reason) for v in only.missing] == [(serials[2], "not-read")]
    assert [(v.serial, v.reason, v.recorded_at) for v in only.extra] == [
        ("R-L-2-0", "recorded-elsewhere", bins[1]), (None, "unknown-tag", None)]
    assert result.submitted and result.status == "counted"
    (line,) = get_count(b.session, number=doc.number).lines
    assert (line.status, line.counted_quantity, line.data["seen"]) == (
        "variance", 2, serials[:2])
    approve_count(b.session, actor=b.actor, number=doc.number)  # the one existing posting path
    assert bin_variances(b.session, location=bins[0], reads=reads_of(
        [here[s] for s in serials[:2]])).bins[0].missing == ()


def test_portal_read_places_pieces_at_their_own_bins(tagged) -> None:
    b, bins, here, there = tagged
    doc = create_count(b.session, actor=b.actor, locations=bins[:2])
    reads = parse_reads("epc\n" + "\n".join([*here.values(), *list(there.values())[:1]]))
    result = rfid_count(b.session, actor=b.actor, number=doc.number, reads=reads, submit=False)
    assert {v.location: (v.expected, v.read, len(v.missing)) for v in result.bins} == {
        bins[0]: (3, 3, 0), bins[1]: (2, 1, 1)}
    assert not result.submitted and get_count(b.session, number=doc.number).status == "open"


def test_bad_epc_is_refused_with_its_line_and_nothing_stored(tagged) -> None:
    b, bins, here, _ = tagged
    doc = create_count(b.session, actor=b.actor, locations=[bins[0]])
    with pytest.raises(ValidationFailed) as bad:
        parse_reads(f"{here['R-L-1-0']}\nFACET:L:{bins[0]}\n")
    assert bad.value.code == "bad-epc" and "Line 2" in bad.value.message
    with pytest.raises(ValidationFailed) as junk:
        rfid_count(b.session, actor=b.actor, number=doc.number,
                   reads=parse_reads(f"{here['R-L-1-0']}\nNOT-A-TAG!\n"))
    assert junk.value.code == "bad-epc" and "Line 2" in junk.value.message
    doc = get_count(b.session, number=doc.number)
    assert doc.status == "open" and [ln.counted_quantity for ln in doc.lines] == [None]


def test_api_takes_a_csv_file_and_refuses_a_bad_line(db: Database, db_url: str) -> None:
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1")
        here = _tagged(b, "L-1", bins[0], 3, 0)
        b.user("mia", "manager")
        number = create_count(session, actor=b.actor, locations=[bins[0]]).number
    client: TestClient
    with api(db_url) as client:
        auth = login(client, "mia")
        bad = client.post(f"/api/counts/{number}/epcs", headers=auth,
                          files={"file": ("read.csv", "epc\nE2801160\nzz zz\n", "text/csv")})
        assert bad.status_code == 422 and error_code(bad) == "bad-epc"
        assert "Line 3" in bad.json()["error"]["message"]
        csv = "epc,location\n" + "".join(f"{e},{bins[0]}\n" for e in list(here.values())[:2])
        ok = client.post(f"/api/counts/{number}/epcs", headers=auth,
                         files={"file": ("read.csv", csv, "text/csv")})
        assert ok.status_code == 200, ok.text
        body = ok.json()
        assert body["status"] == "counted" and body["bins"][0]["read"] == 2
        assert [m["serial"] for m in body["bins"][0]["missing"]] == ["R-L-1-2"]
        raw = client.post(f"/api/counts/{number}/epcs?submit=false", headers={
            **auth, "Content-Type": "text/csv"}, content=f"{here['R-L-1-0']}\n".encode())
        assert raw.status_code == 200 and not raw.json()["submitted"]  # a preview, any status
        assert [len(raw.json()["bins"][0]["missing"]), raw.json()["status"]] == [2, "counted"]
        listed = client.post(f"/api/counts/{number}/epcs", headers=auth, json=[1, 2])
        assert listed.status_code == 422 and error_code(listed) == "bad-epc"
        due = client.get("/api/counts/due?day=2026-03-02", headers=auth)
        assert due.status_code == 200 and "VAULT-01" in [d["location"] for d in due.json()]
