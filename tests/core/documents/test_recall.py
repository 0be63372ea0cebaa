"""Recalling a lot: pieces quarantined, reservations and picks released, customers listed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.documents.models import DocKind, Document, DocumentLine
from core.documents.schemas import MoveLineIn, PutawayCreate
from core.errors import CoreError, LotBlockedError
from core.events import LotRecalled
from core.ledger.models import Balance
from core.locations.service import location_by_code
from core.lots.models import LotStatus, Serial
from core.lots.service import lot_by_code
from core.orders.allocation import allocate_order
from core.orders.integrity import verify_stock
from core.orders.models import OrderLine, Reservation, SalesOrder
from core.orders.picking import create_pick_list
from core.orders.picks import confirm_pick
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.orders.shipping import ship_order
from core.purchasing import receiving
from core.trace.recall import recall_lot
from tests.builders import Builder, label_digits


def _order(b: Builder, external_id: str, customer: str, qty: int) -> SalesOrder:
    order, _created = create_order(b.session, actor=b.actor, data=OrderCreate(
        channel="web", external_id=external_id, customer_name=customer,
        lines=[OrderLineIn(sku="RING-1", quantity=qty)]))
    allocate_order(b.session, actor=b.actor, order_id=order.id)
    return order


def _pick_lines(b: Builder, order: SalesOrder) -> list[DocumentLine]:
    doc = create_pick_list(b.session, actor=b.actor, order_ids=[order.id])
    return list(b.session.scalars(select(DocumentLine).where(
        DocumentLine.document_id == doc.id).order_by(DocumentLine.line_no)))


def _pick_all(b: Builder, lines: list[DocumentLine]) -> None:
    for line in lines:
        codes = list(b.session.scalars(select(Serial.code).where(
            Serial.location_id == line.from_location_id, Serial.lot_id == line.lot_id,
            Serial.sku_id == line.sku_id).order_by(Serial.code).limit(line.quantity)))
        confirm_pick(b.session, actor=b.actor, line_id=line.id, quantity=line.quantity,
                     serials=codes,
                     check_digits=label_digits(b.session, line.id))


@pytest.fixture
def warehouse(session: Session) -> tuple[Builder, list[str]]:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    b.sku("RING-1")
    serials = b.stock("RING-1", "L-1", 6, bins[0])
    receiving.post_move_document(session, actor=b.actor, kind=DocKind.TRANSFER, lines=[
        MoveLineIn(sku="RING-1", lot="L-1", quantity=2, from_location=bins[0],
                   to_location=bins[1], serials=serials[4:])])
    return b, bins


def test_recall_quarantines_releases_and_lists_customers(warehouse) -> None:
    b, bins = warehouse
    shipped = _order(b, "A-1", "Ada Lovelace", 2)
    _pick_all(b, _pick_lines(b, shipped))
    ship_order(b.session, actor=b.actor, order_id=shipped.id)
    listed = _order(b, "B-1", "Bo Diddley", 1)
    pick_lines = _pick_lines(b, listed)
    reserved = _order(b, "C-1", "Cy Twombly", 1)

    result = recall_lot(b.session, actor=b.actor, code="l-1", reason="nickel found in assay")

    assert (result.lot, result.quarantine) == ("L-1", "QUAR")
    assert sorted((q.location, q.quantity, len(q.serials)) for q in result.quarantined) == [
        (bins[0], 2, 2), (bins[1], 2, 2)]
    assert result.reservations_released == 2
    assert result.pick_lines_cancelled == 1
    assert result.customers == ["Ada Lovelace"]
    assert [(s["order"], s["quantity"]) for s in result.shipped] == [("A-1", 2)]
    session = b.session
    session.expire_all()
    assert lot_by_code(session, "L-1").status == LotStatus.RECALLED
    quarantine = location_by_code(session, "QUAR").id
    assert session.scalar(select(Balance.on_hand).where(Balance.location_id == quarantine)) == 4
    assert {s.location_id for s in session.scalars(select(Serial))} >= {quarantine}
    assert session.get_one(DocumentLine, pick_lines[0].id).status == "cancelled"
    assert {r.status for r in session.scalars(select(Reservation).where(
        Reservation.order_line_id.in_([listed.lines[0].id, reserved.lines[0].id])))} == {
        "released"}
    assert session.scalar(select(OrderLine.reserved_quantity).where(
        OrderLine.id == reserved.lines[0].id)) == 0
    assert session.scalar(select(Document.status).where(
        Document.number == result.document)) == "posted"
    assert session.scalar(select(Balance.reserved).where(
        Balance.location_id == location_by_code(session, bins[0]).id)) == 0
    assert verify_stock(session).ok


def test_recalled_stock_cannot_leave_quarantine(warehouse) -> None:
    b, bins = warehouse
    recall_lot(b.session, actor=b.actor, code="L-1", reason="recall")
    codes = list(b.session.scalars(select(Serial.code).order_by(Serial.code).limit(1)))
    for target in (bins[0], "PACK"):
        with pytest.raises(LotBlockedError) as err:
            receiving.putaway(b.session, actor=b.actor, data=PutawayCreate(lines=[MoveLineIn(
                sku="RING-1", lot="L-1", quantity=1, from_location="QUAR", to_location=target,
                serials=codes)]))
        assert err.value.code == "lot-recalled"
    order, _ = create_order(b.session, actor=b.actor, data=OrderCreate(
        channel="web", external_id="D-1", customer_name="Di",
        lines=[OrderLineIn(sku="RING-1", quantity=1)]))
    with pytest.raises(CoreError) as err:
        allocate_order(b.session, actor=b.actor, order_id=order.id)
    assert err.value.code == "insufficient-stock"


def test_pick_line_cancelled_by_recall_cannot_be_confirmed(warehouse) -> None:
    b, _bins = warehouse
    lines = _pick_lines(b, _order(b, "E-1", "Eve", 1))
    recall_lot(b.session, actor=b.actor, code="L-1", reason="recall")
    with pytest.raises(CoreError) as err:
        _pick_all(b, lines)
    assert err.value.status == 409


def test_recall_twice_and_reason_rules(warehouse) -> None:
    b, _bins = warehouse
    with pytest.raises(CoreError) as err:
        recall_lot(b.session, actor=b.actor, code="L-1", reason="  ")
    assert (err.value.code, err.value.status) == ("reason-required", 422)
    recall_lot(b.session, actor=b.actor, code="L-1", reason="recall")
    with pytest.raises(CoreError) as err:
        recall_lot(b.session, actor=b.actor, code="L-1", reason="again")
    assert err.value.code == "already-recalled"


def test_recall_publishes_lot_recalled_after_commit(db) -> None:
    seen: list[LotRecalled] = []
    db.bus.subscribe(LotRecalled, seen.append)
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        b.supplier()
        b.sku("RING-1")
        b.receive("RING-1", "L-7", 2)
        result = recall_lot(session, actor=b.actor, code="L-7", reason="supplier notice")
        assert result.quarantined == []  # already in quarantine: nothing to move
        assert seen == []
    assert [(e.lot, e.reason, e.actor) for e in seen] == [("L-7", "supplier notice", "system")]
