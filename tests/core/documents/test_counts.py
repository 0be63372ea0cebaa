"""Cycle counts: blind counting, closing what matches, approving or recounting the rest."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue.service import sku_by_code
from core.documents.adjustments import adjust
from core.documents.counts import (
    approve_count,
    count_read,
    create_count,
    get_count,
    reject_count,
    submit_count,
)
from core.documents.schemas import AdjustmentCreate, AdjustmentLineIn, CountLineIn
from core.errors import CoreError
from core.ledger.models import Balance
from core.locations.service import location_by_code
from core.lots.models import Serial
from core.lots.service import lot_by_code
from core.orders.integrity import verify_stock
from tests.builders import Builder


@pytest.fixture
def stocked(session: Session) -> tuple[Builder, list[str]]:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    b.sku("RING-1")
    b.sku("CHAIN-1", serialised=False)
    b.stock("RING-1", "L-1", 3, bins[0])
    b.stock("CHAIN-1", "L-2", 10, bins[0], serialised=False)
    b.user("pia", "picker")
    return b, bins


def _on_hand(session: Session, sku: str, lot: str, location: str) -> int:
    return session.scalar(select(Balance.on_hand).where(
        Balance.sku_id == sku_by_code(session, sku).id,
        Balance.lot_id == lot_by_code(session, lot).id,
        Balance.location_id == location_by_code(session, location).id)) or 0


def _lines_by_sku(b: Builder, number: str) -> dict[str, int]:
    view = count_read(b.session, get_count(b.session, number=number), blind=False)
    return {ln.sku: ln.line_no for ln in view.lines}


def test_count_snapshots_balances_and_serials(stocked) -> None:
    b, bins = stocked
    doc = create_count(b.session, actor=b.actor, locations=[bins[0]], assignee="pia")
    view = count_read(b.session, doc, blind=False)
    assert (view.status, view.assignee, view.locations) == ("open", "pia", [bins[0]])
    assert [(ln.sku, ln.expected, len(ln.expected_serials or [])) for ln in view.lines] == [
        ("CHAIN-1", 10, 0), ("RING-1", 3, 3)]


def test_blind_view_hides_expectations(stocked) -> None:
    b, bins = stocked
    doc = create_count(b.session, actor=b.actor, zone="Z1")
    blind = count_read(b.session, doc, blind=True)
    assert blind.blind and len(blind.lines) == 2
    assert all(ln.expected is None and ln.expected_serials is None and ln.variance is None
               for ln in blind.lines)
    assert set(blind.locations) >= {*bins, "QUAR", "PACK", "VAULT-01"}


def test_no_variance_closes_the_count(stocked) -> None:
    b, bins = stocked
    doc = create_count(b.session, actor=b.actor, locations=[bins[0]])
    serials = sorted(b.session.scalars(select(Serial.code).where(
        Serial.location_id == location_by_code(b.session, bins[0]).id)))
    lines = _lines_by_sku(b, doc.number)
    submit_count(b.session, actor=b.actor, number=doc.number, lines=[
        CountLineIn(line_no=lines["CHAIN-1"], counted=10),
        CountLineIn(line_no=lines["RING-1"], counted=3, serials=serials[::-1])])
    assert doc.status == "closed"
    assert {ln.status for ln in doc.lines} == {"closed"}


def test_variance_waits_for_approval_then_posts(stocked) -> None:
    b, bins = stocked
    doc = create_count(b.session, actor=b.actor, locations=[bins[0]])
    serials = sorted(b.session.scalars(select(Serial.code).where(
        Serial.location_id == location_by_code(b.session, bins[0]).id)))
    lines = _lines_by_sku(b, doc.number)
    submit_count(b.session, actor=b.actor, number=doc.number, lines=[
        CountLineIn(line_no=lines["CHAIN-1"], counted=7),
        CountLineIn(line_no=lines["RING-1"], counted=2, serials=serials[:2])])
    assert doc.status == "counted"
    assert _on_hand(b.session, "CHAIN-1", "L-2", bins[0]) == 10  # nothing posted yet
    view = count_read(b.session, doc, blind=False)
    assert sorted((ln.sku, ln.variance) for ln in view.lines) == [("CHAIN-1", -3), ("RING-1", -1)]
    approve_count(b.session, actor=b.actor, number=doc.number)
    assert doc.status == "approved" and doc.approved_by_id == b.actor.id
    assert _on_hand(b.session, "CHAIN-1", "L-2", bins[0]) == 7
    assert _on_hand(b.session, "RING-1", "L-1", bins[0]) == 2
    missing = b.session.scalar(select(Serial).where(Serial.code == serials[2]))
    assert missing is not None
    assert missing.location_id == location_by_code(b.session, "V-ADJUSTMENT").id
    assert verify_stock(b.session).ok


def test_extra_stock_and_written_off_serials_come_back(stocked) -> None:
    b, bins = stocked
    adjust(b.session, actor=b.actor, data=AdjustmentCreate(reason="lost", lines=[
        AdjustmentLineIn(sku="RING-1", lot="L-1", location=bins[0], quantity=-1,
                         serials=["RING-1-L-1-00000"])]))
    doc = create_count(b.session, actor=b.actor, locations=[bins[0], bins[1]])
    lines = _lines_by_sku(b, doc.number)
    submit_count(b.session, actor=b.actor, number=doc.number, lines=[
        CountLineIn(line_no=lines["CHAIN-1"], counted=10),
        CountLineIn(line_no=lines["RING-1"], counted=3, serials=[
            "RING-1-L-1-00000", "RING-1-L-1-00001", "RING-1-L-1-00002"]),
        CountLineIn(sku="CHAIN-1", lot="L-2", location=bins[1], counted=4)])
    approve_count(b.session, actor=b.actor, number=doc.number)
    assert _on_hand(b.session, "RING-1", "L-1", bins[0]) == 3
    assert _on_hand(b.session, "CHAIN-1", "L-2", bins[1]) == 4
    assert verify_stock(b.session).ok


def test_serial_booked_elsewhere_is_refused(stocked) -> None:
    b, bins = stocked
    b.stock("RING-1", "L-3", 1, bins[1])
    doc = create_count(b.session, actor=b.actor, locations=[bins[0]])
    lines = _lines_by_sku(b, doc.number)
    with pytest.raises(CoreError) as err:
        submit_count(b.session, actor=b.actor, number=doc.number, lines=[
            CountLineIn(line_no=lines["CHAIN-1"], counted=10),
            CountLineIn(line_no=lines["RING-1"], counted=3, serials=[
                "RING-1-L-1-00000", "RING-1-L-1-00001", "RING-1-L-3-00000"])])
    assert err.value.code in {"serial-mismatch", "serial-elsewhere"}


def test_reject_sends_variance_lines_back(stocked) -> None:
    b, bins = stocked
    doc = create_count(b.session, actor=b.actor, locations=[bins[0]])
    lines = _lines_by_sku(b, doc.number)
    ring = [f"RING-1-L-1-{i:05d}" for i in range(3)]
    submit_count(b.session, actor=b.actor, number=doc.number, lines=[
        CountLineIn(line_no=lines["CHAIN-1"], counted=9),
        CountLineIn(line_no=lines["RING-1"], counted=3, serials=ring)])
    reject_count(b.session, actor=b.actor, number=doc.number, reason="count again")
    assert doc.status == "recount"
    with pytest.raises(CoreError) as err:
        submit_count(b.session, actor=b.actor, number=doc.number, lines=[])
    assert err.value.code == "count-incomplete"
    submit_count(b.session, actor=b.actor, number=doc.number,
                 lines=[CountLineIn(line_no=lines["CHAIN-1"], counted=10)])
    assert doc.status == "closed"


def test_count_rules(stocked) -> None:
    b, bins = stocked
    doc = create_count(b.session, actor=b.actor, locations=[bins[0]], assignee="pia")
    with pytest.raises(CoreError) as err:
        create_count(b.session, actor=b.actor, locations=["A01-01-1"])
    assert err.value.code == "count-in-progress"
    with pytest.raises(CoreError) as err:
        create_count(b.session, actor=b.actor, locations=["V-ADJUSTMENT"])
    assert err.value.code == "virtual-location"
    with pytest.raises(CoreError) as err:
        approve_count(b.session, actor=b.actor, number=doc.number)
    assert err.value.code == "count-wrong-status"
    clerk = b.user("cleo", "clerk")
    with pytest.raises(CoreError) as err:
        submit_count(b.session, actor=clerk, number=doc.number, lines=[])
    assert (err.value.code, err.value.status) == ("not-assignee", 403)
