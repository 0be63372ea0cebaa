"""Customer returns and returns to suppliers through the real services, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.documents.schemas import LotIn, QCCreate, ReceiptCreate, ReceiptLineIn, SerialIn
from core.errors import CoreError
from core.ledger.models import Balance, StockMove
from core.ledger.posting import rebuild_balances
from core.locations.models import Location
from core.lots.models import Lot, Serial
from core.orders.allocation import allocate_order
from core.orders.integrity import verify_stock
from core.purchasing import receiving
from core.returns import (
    CustomerReturnCreate,
    InspectItem,
    SupplierReturnCreate,
    create_supplier_return,
    inspect_return,
    open_return,
    receive_return,
    return_reads,
)
from core.returns.schemas import ReturnLineIn, SupplierReturnLineIn
from core.trace.service import serial_history
from tests.core.orders.support import order
from tests.core.returns.support import Shop, shop


def _refused(session: Session, call: Callable[[], Any]) -> str:
    """The error code of a refused call; whatever it wrote is rolled back (a savepoint)."""
    with pytest.raises(CoreError) as caught:
        with session.begin_nested():
            call()
    return caught.value.code


def _moves(session: Session) -> int:
    return session.scalar(select(func.count(StockMove.id))) or 0


def _at_customer(session: Session, sku: str = "RING-1") -> list[str]:
    return list(
        session.scalars(
            select(Serial.code)
            .join(Location, Location.id == Serial.location_id)
            .where(Location.code == "V-CUSTOMER")
            .order_by(Serial.code)
        )
    )


def _on_hand(session: Session, location: str, lot: str) -> int:
    return (
        session.scalar(
            select(func.coalesce(func.sum(Balance.on_hand), 0))
            .join(Location, Location.id == Balance.location_id)
            .join(Lot, Lot.id == Balance.lot_id)
            .where(Location.code == location, Lot.code == lot)
        )
        or 0
    )


@pytest.fixture
def sold(session: Session) -> Shop:
    return shop(session)


def test_returned_piece_back_to_stock_is_pickable_again(session: Session, sold: Shop) -> None:
    b, o = sold.b, sold.shipped
    piece, other = _at_customer(session)
    doc = open_return(
        session,
        actor=b.actor,
        data=CustomerReturnCreate(
            order_id=o.id,
            reason="wrong size",
            serials=[piece],
            lines=[ReturnLineIn(line_no=2, quantity=3)],
            refund_ref="TB-REFUND-1",
        ),
    )
    assert doc.number.startswith("RET-") and doc.status == "open"
    moves = _moves(session)
    receive_return(session, actor=b.actor, number=doc.number)
    assert _moves(session) == moves + 2 and doc.status == "received"
    assert _on_hand(session, "QUAR", "L-2") == 3
    assert (
        allocate_order(
            session, actor=b.actor, order_id=order(session, b.actor, "R-101", ("RING-1", 2)).id
        ).complete
        is False
    )  # received: not yet
    inspect_return(
        session,
        actor=b.actor,
        number=doc.number,
        items=[
            InspectItem(serial=piece, disposition="stock", location=sold.bins[2]),
            InspectItem(line_no=2, quantity=1, disposition="scrap", note="clasp broken"),
            InspectItem(line_no=2, quantity=1, disposition="repair"),
        ],
    )
    assert doc.status == "received"  # one chain still to inspect
    inspect_return(
        session,
        actor=b.actor,
        number=doc.number,
        items=[InspectItem(line_no=2, disposition="quarantine")],
    )
    assert doc.status == "done"
    view = return_reads(session, [doc], customers=True)[0]
    assert view.refund_ref == "TB-REFUND-1" and view.customer == "Ada Lovelace"
    assert [s.disposition for ln in view.lines for s in ln.steps] == [
        "stock",
        "scrap",
        "repair",
        "quarantine",
    ]
    history = serial_history(session, code=piece)
    assert [h["document_kind"] for h in history][-3:] == [
        "shipment",
        "customer_return",
        "customer_return",
    ]
    assert history[-1]["reason"] == "return: stock" and history[-1]["to_location"] == sold.bins[2]
    again = allocate_order(
        session, actor=b.actor, order_id=order(session, b.actor, "R-102", ("RING-1", 1)).id
    )
    assert again.complete  # the returned piece (or the one left) is pickable
    chains = allocate_order(
        session, actor=b.actor, order_id=order(session, b.actor, "R-103", ("CHAIN-1", 7)).id
    )
    assert not chains.complete and chains.lines[0].missing == 1  # 6 in the pick face; 2 in QUAR
    assert _on_hand(session, "QUAR", "L-2") == 2 and _on_hand(session, "V-SCRAP", "L-2") == 1
    assert verify_stock(session).ok and rebuild_balances(session) == 0


def test_refusals_name_their_code_and_post_nothing(session: Session, sold: Shop) -> None:
    b, o = sold.b, sold.shipped
    piece = _at_customer(session)[0]
    open_order = order(session, b.actor, "R-200", ("RING-1", 1))

    def ret(**kw: Any) -> Callable[[], Any]:
        body = {"order_id": o.id, "reason": "unwanted", **kw}
        return lambda: open_return(session, actor=b.actor, data=CustomerReturnCreate(**body))

    moves = _moves(session)
    assert _refused(session, ret(order_id=open_order.id, serials=[piece])) == "order-not-shipped"
    assert _refused(session, ret(serials=[sold.ring_serials[-1] + "X"])) == "unknown-serial"
    in_stock = (
        session.scalar(select(Serial.code).join(Location).where(Location.code == sold.bins[0]))
        or ""
    )
    assert _refused(session, ret(serials=[in_stock])) == "serial-not-on-order"
    assert _refused(session, ret(lines=[{"line_no": 1, "quantity": 1}])) == "serials-required"
    assert _refused(session, ret(lines=[{"line_no": 9, "quantity": 1}])) == "unknown-order-line"
    assert _refused(session, ret(lines=[{"line_no": 2, "quantity": 5}])) == "return-exceeds-shipped"
    assert _refused(session, ret()) == "empty-return"
    doc = ret(lines=[{"line_no": 2, "quantity": 3}], serials=[piece])()
    assert (
        _refused(session, ret(lines=[{"line_no": 2, "quantity": 2}])) == "return-exceeds-shipped"
    )  # 4 shipped, 3 already coming back
    assert _refused(session, ret(serials=[piece])) == "serial-not-on-order"  # already returning
    n = doc.number

    def inspect(*items: InspectItem) -> Callable[[], Any]:
        return lambda: inspect_return(session, actor=b.actor, number=n, items=list(items))

    assert (
        _refused(session, inspect(InspectItem(serial=piece, disposition="scrap")))
        == "return-not-received"
    )
    receive_return(session, actor=b.actor, number=n)
    assert (
        _refused(session, lambda: receive_return(session, actor=b.actor, number=n))
        == "return-already-received"
    )
    after = _moves(session)
    assert after == moves + 2
    assert (
        _refused(
            session,
            inspect(
                InspectItem(serial=piece, disposition="stock", location=sold.bins[2]),
                InspectItem(line_no=1, disposition="binned"),
            ),
        )
        == "unknown-disposition"
    )
    assert (
        _refused(session, inspect(InspectItem(serial=piece, disposition="stock", location="QUAR")))
        == "not-a-stock-bin"
    )
    assert (
        _refused(session, inspect(InspectItem(serial=piece, disposition="stock")))
        == "location-required"
    )
    assert (
        _refused(session, inspect(InspectItem(line_no=2, quantity=4, disposition="scrap")))
        == "more-than-returned"
    )
    assert (
        _refused(session, inspect(InspectItem(line_no=1, disposition="scrap")))
        == "serials-required"
    )
    assert (
        _refused(session, inspect(InspectItem(serial=in_stock, disposition="scrap")))
        == "serial-not-on-return"
    )
    assert (
        _refused(
            session,
            inspect(
                InspectItem(serial=piece, disposition="scrap"),
                InspectItem(serial=piece, disposition="stock", location=sold.bins[2]),
            ),
        )
        == "already-inspected"
    )
    assert (
        _refused(session, lambda: receive_return(session, actor=b.actor, number="RET-999999"))
        == "unknown-return"
    )
    assert _moves(session) == after and doc.status == "received"
    assert verify_stock(session).ok


def test_supplier_return_of_a_failed_lot(session: Session, sold: Shop) -> None:
    b = sold.b
    b.supplier("SUP2")
    codes = [f"BAD-{i}" for i in range(4)]
    receiving.receive(
        session,
        actor=b.actor,
        data=ReceiptCreate(
            supplier="SUP1",
            lots=[LotIn(code="L-BAD", purchase_date="2026-02-01")],
            lines=[
                ReceiptLineIn(
                    sku="RING-1", lot="L-BAD", quantity=4, serials=[SerialIn(code=c) for c in codes]
                )
            ],
        ),
    )
    receiving.inspect_lot(session, actor=b.actor, data=QCCreate(lot="L-BAD", result="fail"))

    def rts(**kw: Any) -> Callable[[], Any]:
        body = {"lot": "L-BAD", "reason": "assay-failed", **kw}
        return lambda: create_supplier_return(
            session, actor=b.actor, data=SupplierReturnCreate(**body)
        )

    assert _refused(session, rts(supplier="SUP2", whole_lot=True)) == "lot-not-from-supplier"
    assert _refused(session, rts(supplier="NOPE", whole_lot=True)) == "unknown-supplier"
    assert _refused(session, rts(serials=[sold.ring_serials[0]])) in ("serial-not-in-lot",)
    assert _refused(session, rts()) == "empty-return"
    assert _refused(session, rts(whole_lot=True, serials=codes[:1])) == "whole-lot-or-parts"
    assert (
        _refused(
            session,
            rts(
                lot="L-2",
                lines=[SupplierReturnLineIn(sku="CHAIN-1", location=sold.bins[1], quantity=99)],
            ),
        )
        == "insufficient-stock"
    )
    one = rts(serials=[codes[0]], supplier="SUP1", supplier_rma="RMA-77")()
    assert one.number.startswith("RTS-") and one.reference == "RMA-77" and one.status == "posted"
    rest = rts(whole_lot=True)()
    assert sum(ln.quantity for ln in rest.lines) == 3
    assert _on_hand(session, "V-SUPPLIER", "L-BAD") == -4 + 4  # in and back out: nets to zero
    assert _on_hand(session, "QUAR", "L-BAD") == 0
    chain = rts(
        lot="L-2",
        reason="damage",
        lines=[SupplierReturnLineIn(sku="CHAIN-1", location=sold.bins[1], quantity=2)],
    )()
    assert chain.lines[0].quantity == 2 and _on_hand(session, sold.bins[1], "L-2") == 4
    assert [h["document_kind"] for h in serial_history(session, code=codes[0])] == [
        "receipt",
        "supplier_return",
    ]
    assert verify_stock(session).ok and rebuild_balances(session) == 0
