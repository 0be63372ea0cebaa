"""End-to-end through the services: receive, QC, put away, locate, verify."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit.service import verify as verify_audit
from core.errors import LotBlockedError, NotFoundError
from core.lots.models import Serial
from core.orders.integrity import verify_stock
from core.trace.service import locate, lot_trace, serial_history
from tests.builders import Builder


def test_receive_qc_putaway_locate(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    sku = b.sku()
    serials = b.stock(sku, "G-2311", 5, bins[0])
    found = locate(session, q="g 2311")
    assert found.kind == "lot"
    assert [(r["location"], r["on_hand"]) for r in found.rows] == [(bins[0], 5)]
    history = serial_history(session, code=serials[0])
    assert [h["document_kind"] for h in history] == ["receipt", "putaway"]
    assert lot_trace(session, code="G-2311")["on_hand"][0]["on_hand"] == 5
    assert verify_stock(session).ok
    assert verify_audit(session).ok


def test_locate_finds_a_piece_by_code_qr_payload_and_rfid_epc(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    sku = b.sku()
    serials = b.stock(sku, "G-7", 2, bins[1])
    piece = session.scalars(select(Serial).where(Serial.code == serials[1])).one()
    piece.epc = "E28011606000020"
    session.flush()
    for q in (serials[1], f"FACET:S:{serials[1]}", "E28011606000020"):
        found = locate(session, q=q)
        assert (found.kind, found.label) == ("serial", serials[1]), q
        assert [(r["location"], r["sku"], r["lot"], r["on_hand"]) for r in found.rows] == [
            (bins[1], sku, "G-7", 1)]
    with pytest.raises(NotFoundError):
        locate(session, q="NO-SUCH-PIECE")


def test_quarantined_lot_cannot_be_put_away(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    sku = b.sku()
    serials = b.receive(sku, "G-1", 2)
    from core.documents.schemas import MoveLineIn, PutawayCreate
    from core.purchasing import receiving

    with pytest.raises(LotBlockedError) as err:
        receiving.putaway(
            session,
            actor=b.actor,
            data=PutawayCreate(
                lines=[
                    MoveLineIn(
                        sku=sku,
                        lot="G-1",
                        quantity=2,
                        from_location="QUAR",
                        to_location=bins[0],
                        serials=serials,
                    )
                ]
            ),
        )
    assert err.value.code == "lot-not-approved"
