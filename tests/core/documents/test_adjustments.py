"""Stock adjustments: reason codes, signed lines, serials found and lost, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalogue.service import sku_by_code
from core.documents.adjustments import adjust
from core.documents.models import Document
from core.documents.schemas import AdjustmentCreate, AdjustmentLineIn
from core.errors import CoreError, InsufficientStockError, LotBlockedError
from core.ledger.models import Balance, StockMove
from core.locations.service import location_by_code
from core.lots.models import Serial
from core.lots.service import lot_by_code
from core.orders.integrity import verify_stock
from core.trace.service import serial_history
from tests.builders import Builder


def _on_hand(session: Session, sku: str, lot: str, location: str) -> int:
    return session.scalar(select(Balance.on_hand).where(
        Balance.sku_id == sku_by_code(session, sku).id,
        Balance.lot_id == lot_by_code(session, lot).id,
        Balance.location_id == location_by_code(session, location).id)) or 0


def _adjust(b: Builder, reason: str | None, *lines: AdjustmentLineIn) -> Document:
    return adjust(b.session, actor=b.actor, data=AdjustmentCreate(reason=reason, lines=list(lines)))


@pytest.fixture
def stocked(session: Session) -> tuple[Builder, list[str], str, str, list[str]]:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    ring = b.sku("RING-1")
    chain = b.sku("CHAIN-1", serialised=False)
    serials = b.stock(ring, "L-1", 3, bins[0])
    b.stock(chain, "L-2", 10, bins[1], serialised=False)
    return b, bins, ring, chain, serials


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reason_is_required(stocked, reason: str | None) -> None:
    b, bins, _ring, chain, _ = stocked
    with pytest.raises(CoreError) as err:
        _adjust(b, reason, AdjustmentLineIn(sku=chain, lot="L-2", location=bins[1], quantity=-1))
    assert (err.value.code, err.value.status) == ("reason-required", 422)


def test_unknown_reason_is_refused(stocked) -> None:
    b, bins, _ring, chain, _ = stocked
    with pytest.raises(CoreError) as err:
        _adjust(b, "oops", AdjustmentLineIn(sku=chain, lot="L-2", location=bins[1], quantity=-1))
    assert (err.value.code, err.value.status) == ("unknown-reason", 422)


def test_zero_quantity_is_refused(stocked) -> None:
    b, bins, _ring, chain, _ = stocked
    with pytest.raises(CoreError) as err:
        _adjust(b, "data_error",
                AdjustmentLineIn(sku=chain, lot="L-2", location=bins[1], quantity=0))
    assert (err.value.code, err.value.status) == ("zero-quantity", 422)


@pytest.mark.parametrize(("reason", "quantity"), [("found", -1), ("lost", 1), ("scrap", 2)])
def test_reason_sets_the_direction(stocked, reason: str, quantity: int) -> None:
    b, bins, _ring, chain, _ = stocked
    with pytest.raises(CoreError) as err:
        _adjust(b, reason,
                AdjustmentLineIn(sku=chain, lot="L-2", location=bins[1], quantity=quantity))
    assert err.value.code == "reason-direction"


def test_negative_beyond_stock_is_insufficient(stocked) -> None:
    b, bins, _ring, chain, _ = stocked
    with pytest.raises(InsufficientStockError) as err:
        _adjust(b, "lost", AdjustmentLineIn(sku=chain, lot="L-2", location=bins[1], quantity=-11))
    assert (err.value.code, err.value.status) == ("insufficient-stock", 409)


def test_loss_and_find_post_against_v_adjustment(stocked) -> None:
    b, bins, _ring, chain, _ = stocked
    doc = _adjust(b, "data_error",
                  AdjustmentLineIn(sku=chain, lot="L-2", location=bins[1], quantity=-4),
                  AdjustmentLineIn(sku=chain, lot="L-2", location=bins[2], quantity=2))
    assert (doc.kind, doc.status, doc.reason) == ("adjustment", "posted", "data_error")
    assert _on_hand(b.session, chain, "L-2", bins[1]) == 6
    assert _on_hand(b.session, chain, "L-2", bins[2]) == 2
    assert _on_hand(b.session, chain, "L-2", "V-ADJUSTMENT") == 2
    assert verify_stock(b.session).ok


def test_scrap_goes_to_v_scrap(stocked) -> None:
    b, bins, _ring, chain, _ = stocked
    _adjust(b, "scrap", AdjustmentLineIn(sku=chain, lot="L-2", location=bins[1], quantity=-3))
    assert _on_hand(b.session, chain, "L-2", "V-SCRAP") == 3
    assert _on_hand(b.session, chain, "L-2", "V-ADJUSTMENT") == 0


def test_lost_serials_leave_and_come_back_when_found(stocked) -> None:
    b, bins, ring, _chain, serials = stocked
    _adjust(b, "lost", AdjustmentLineIn(sku=ring, lot="L-1", location=bins[0], quantity=-1,
                                        serials=[f"FACET:S:{serials[0]}"]))
    lost = b.session.scalar(select(Serial).where(Serial.code == serials[0]))
    assert lost is not None
    assert lost.location_id == location_by_code(b.session, "V-ADJUSTMENT").id
    _adjust(b, "found", AdjustmentLineIn(sku=ring, lot="L-1", location=bins[2], quantity=2,
                                         serials=[serials[0], "NEW-PIECE-1"]))
    b.session.expire_all()
    where = dict(b.session.execute(select(Serial.code, Serial.location_id)).all())
    assert where[serials[0]] == where["NEW-PIECE-1"] == location_by_code(b.session, bins[2]).id
    assert [h["document_kind"] for h in serial_history(b.session, code="NEW-PIECE-1")] == [
        "adjustment"]
    assert verify_stock(b.session).ok


def test_serialised_lines_name_their_serials(stocked) -> None:
    b, bins, ring, _chain, serials = stocked
    with pytest.raises(CoreError) as err:
        _adjust(b, "lost", AdjustmentLineIn(sku=ring, lot="L-1", location=bins[0], quantity=-2,
                                            serials=[serials[0]]))
    assert err.value.code == "serials-required"
    _adjust(b, "found", AdjustmentLineIn(sku=ring, lot="L-1", location=bins[1], quantity=1,
                                         serials=["NEW-1"]))
    with pytest.raises(CoreError) as err:
        _adjust(b, "lost", AdjustmentLineIn(sku=ring, lot="L-1", location=bins[1], quantity=-1,
                                            serials=[serials[0]]))
    assert err.value.code == "serial-not-here"
    with pytest.raises(CoreError) as err:
        _adjust(b, "found", AdjustmentLineIn(sku=ring, lot="L-1", location=bins[1], quantity=1,
                                             serials=[serials[1]]))
    assert err.value.code == "serial-elsewhere"


def test_all_lines_or_none(stocked) -> None:
    b, bins, ring, chain, serials = stocked
    moves = b.session.scalar(select(func.count(StockMove.id)))
    docs = b.session.scalar(select(func.count(Document.id)))
    with pytest.raises(InsufficientStockError), b.session.begin_nested():
        _adjust(b, "data_error",
                AdjustmentLineIn(sku=chain, lot="L-2", location=bins[1], quantity=-1),
                AdjustmentLineIn(sku=ring, lot="L-1", location=bins[3], quantity=1,
                                 serials=["FRESH-1"]),
                AdjustmentLineIn(sku=chain, lot="L-2", location=bins[1], quantity=-50))
    assert b.session.scalar(select(func.count(StockMove.id))) == moves
    assert b.session.scalar(select(func.count(Document.id))) == docs
    assert b.session.scalar(select(Serial.id).where(Serial.code == "FRESH-1")) is None
    assert _on_hand(b.session, chain, "L-2", bins[1]) == 10


def test_found_stock_of_a_blocked_lot_only_goes_to_quarantine(stocked) -> None:
    b, bins, _ring, chain, _ = stocked
    b.receive(chain, "L-9", 5, serialised=False)
    with pytest.raises(LotBlockedError) as err:
        _adjust(b, "found", AdjustmentLineIn(sku=chain, lot="L-9", location=bins[1], quantity=1))
    assert err.value.code == "lot-not-approved"
    _adjust(b, "found", AdjustmentLineIn(sku=chain, lot="L-9", location="QUAR", quantity=1))
    assert _on_hand(b.session, chain, "L-9", "QUAR") == 6
