"""Pick lists, pick confirmation (serials, check digits, shorts, undo) and shipping."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit.service import verify as verify_audit
from core.documents.models import Document
from core.errors import (
    CheckDigitsError,
    ConflictError,
    CoreError,
    InsufficientStockError,
    LotBlockedError,
)
from core.ledger.models import Balance, StockMove
from core.locations.models import Location
from core.lots.models import Lot, LotStatus, Serial
from core.lots.qr import serial_payload
from core.orders.allocation import allocate_order, cancel_order
from core.orders.integrity import verify_stock
from core.orders.models import OrderLine, OrderStatus, Reservation, SalesOrder
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick, short_pick, skip_pick, undo_pick
from core.orders.shipping import ship_order
from core.trace.service import lot_trace, serial_history
from tests.builders import Builder, label_digits
from tests.core.orders.support import order, stock_lot

Shop = tuple[Builder, list[str], str]


@pytest.fixture
def shop(session: Session) -> Shop:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    return b, bins, b.sku("PEND-1")


def _digits(session: Session, code: str) -> str:
    return session.scalar(select(Location.check_digits).where(Location.code == code)) or ""


def _moves(session: Session) -> int:
    return session.scalar(select(func.count(StockMove.id))) or 0


def _picklist(session: Session, b: Builder, sku: str, qty: int, bins: list[str], *,
              lot: str = "L-1", ext: str = "5001") -> tuple[Document, list[str], SalesOrder]:
    serials = stock_lot(session, b.actor, sku=sku, lot=lot, qty=qty, location=bins[0])
    o = order(session, b.actor, ext, (sku, qty))
    allocate_order(session, actor=b.actor, order_id=o.id)
    return create_pick_list(session, actor=b.actor, order_ids=[o.id]), serials, o


def test_pick_ship_and_trace(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    pia = b.user("pia", "picker")  # the list is hers: she confirms its lines
    stock_lot(session, b.actor, sku=sku, lot="L-A", qty=1, location=bins[2])
    serials_b = stock_lot(session, b.actor, sku=sku, lot="L-B", qty=2, location=bins[0])
    o = order(session, b.actor, "5000", (sku, 3), customer="Mme Curie")
    allocate_order(session, actor=b.actor, order_id=o.id)
    seen: list[list[str]] = []
    doc = create_pick_list(session, actor=b.actor, order_ids=[o.id], picker="pia",
                           sequencer=lambda codes: seen.append(codes) or codes)
    view = pick_list_read(session, doc)
    assert view.picker == "pia" and o.status == OrderStatus.PICKING
    assert [ln.from_location for ln in view.lines] == [bins[0], bins[2]]  # travel order
    assert seen == [[bins[0], bins[2]]] and all(ln.to_location == "PACK" for ln in view.lines)
    first, second = view.lines
    out = confirm_pick(session, actor=pia, line_id=first.id, quantity=2,
                       serials=[serials_b[0], serial_payload(serials_b[1])],
                       check_digits=_digits(session, bins[0]))
    assert out.line_status == "done" and out.pick_list_status == "open"
    lot_a_serial = session.scalar(select(Serial.code).join(Lot).where(Lot.code == "L-A")) or ""
    out = confirm_pick(session, actor=pia, line_id=second.id, quantity=1,
                       serials=[lot_a_serial],
                       check_digits=label_digits(session, second.id))
    assert (out.pick_list_status, out.order_status) == ("done", OrderStatus.PICKED)
    shipment = ship_order(session, actor=b.actor, order_id=o.id)
    assert shipment.order_id == o.id and o.status == OrderStatus.SHIPPED and o.shipped_at
    trace = lot_trace(session, code="L-B")
    assert trace["shipped"] == [{"channel": "shopify", "order": "5000", "customer": "Mme Curie",
                                 "sku": sku, "quantity": 2, "at": trace["shipped"][0]["at"]}]
    kinds = [h["document_kind"] for h in serial_history(session, code=serials_b[0])]
    assert kinds == ["receipt", "putaway", "pick", "shipment"]
    assert session.scalar(select(Serial.location_id).where(Serial.code == serials_b[1])) == \
        session.scalar(select(Location.id).where(Location.code == "V-CUSTOMER"))
    assert session.get_one(OrderLine, o.lines[0].id).shipped_quantity == 3
    assert verify_stock(session).ok and verify_audit(session).ok


def test_wrong_check_digits_post_nothing(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    doc, serials, _ = _picklist(session, b, sku, 2, bins)
    before = _moves(session)
    wrong = "99" if _digits(session, bins[0]) != "99" else "98"
    with pytest.raises(CheckDigitsError):
        confirm_pick(session, actor=b.actor, line_id=doc.lines[0].id, quantity=2,
                     serials=serials, check_digits=wrong)
    assert _moves(session) == before
    assert pick_list_read(session, doc).lines[0].done_quantity == 0


@pytest.mark.parametrize(("which", "code"), [
    ("other-bin", "serial-not-at-bin"),
    ("other-lot", "serial-wrong-lot"),
    ("unknown", "unknown-serial"),
    ("malformed", "invalid-qr-payload"),
    ("too-few", "serials-required"),
])
def test_wrong_serial_posts_nothing(session: Session, shop: Shop, which: str, code: str) -> None:
    b, bins, sku = shop
    doc, serials, _ = _picklist(session, b, sku, 2, bins)
    elsewhere = stock_lot(session, b.actor, sku=sku, lot="L-2", qty=1, location=bins[0])
    if which == "other-bin":
        b.receive(sku, "L-1", 1, prefix="STRAY")  # same SKU and lot, still in quarantine
    bad = {
        "other-bin": ["STRAY-00000"],
        "other-lot": elsewhere,
        "unknown": ["NO-SUCH-PIECE"],
        "malformed": ["FACET:X:..."],
        "too-few": [],
    }[which]
    before = _moves(session)
    with pytest.raises(CoreError) as err:
        confirm_pick(session, actor=b.actor, line_id=doc.lines[0].id, quantity=1, serials=bad,
                     check_digits=label_digits(session, doc.lines[0].id))
    assert err.value.code == code
    assert _moves(session) == before


def test_confirm_beyond_the_line_is_refused(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    doc, serials, _ = _picklist(session, b, sku, 2, bins, lot="L-9")
    line_id = doc.lines[0].id
    out = confirm_pick(session, actor=b.actor, line_id=line_id, quantity=1, serials=serials[:1],
                       check_digits=label_digits(session, line_id))
    assert (out.line_status, out.done_quantity) == ("open", 1)
    with pytest.raises(InsufficientStockError) as err:
        confirm_pick(session, actor=b.actor, line_id=line_id, quantity=2, serials=serials,
                     check_digits=label_digits(session, line_id))
    assert err.value.status == 409
    confirm_pick(session, actor=b.actor, line_id=line_id, quantity=1, serials=serials[1:],
                 check_digits=label_digits(session, line_id))
    with pytest.raises(InsufficientStockError):
        confirm_pick(session, actor=b.actor, line_id=line_id, quantity=1, serials=serials[1:],
                     check_digits=label_digits(session, line_id))
    assert verify_stock(session).ok


def test_short_pick_releases_the_rest(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    doc, serials, o = _picklist(session, b, sku, 4, bins)
    line_id = doc.lines[0].id
    skip = skip_pick(session, actor=b.actor, line_id=line_id)
    assert skip.line_status == "open"
    out = short_pick(session, actor=b.actor, line_id=line_id, found_quantity=1,
                     serials=serials[:1],
                     check_digits=label_digits(session, line_id))
    assert (out.quantity, out.short, out.line_status) == (1, 3, "short")
    assert (out.pick_list_status, out.order_status) == ("done", OrderStatus.PICKED)
    bal = session.scalar(select(Balance).join(Location).where(Location.code == bins[0]))
    assert bal is not None and (bal.on_hand, bal.reserved) == (3, 0)
    line = session.get_one(OrderLine, o.lines[0].id)
    assert (line.picked_quantity, line.reserved_quantity) == (1, 0)
    assert pick_list_read(session, doc).lines[0].short_quantity == 3
    assert verify_stock(session).ok


def test_recalled_or_held_lot_blocks_picking(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    doc, serials, _ = _picklist(session, b, sku, 2, bins)
    lot = session.scalar(select(Lot).where(Lot.code == "L-1"))
    assert lot is not None
    lot.status = LotStatus.RECALLED  # what a recall does to the lot; the recall flow is elsewhere
    session.flush()
    before = _moves(session)
    with pytest.raises(LotBlockedError) as err:
        confirm_pick(session, actor=b.actor, line_id=doc.lines[0].id, quantity=2,
                     serials=serials,
                     check_digits=label_digits(session, doc.lines[0].id))
    assert err.value.code == "lot-blocked" and err.value.status == 409
    assert _moves(session) == before
    out = short_pick(session, actor=b.actor, line_id=doc.lines[0].id, found_quantity=0,
                     check_digits=label_digits(session, doc.lines[0].id))
    assert out.short == 2 and verify_stock(session).ok  # the blocked line can be let go


def test_undo_puts_pieces_back_and_reserves_again(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    doc, serials, o = _picklist(session, b, sku, 2, bins)
    line_id = doc.lines[0].id
    confirm_pick(session, actor=b.actor, line_id=line_id, quantity=2, serials=serials,
                 check_digits=label_digits(session, line_id))
    assert o.status == OrderStatus.PICKED
    out = undo_pick(session, actor=b.actor, line_id=line_id)
    assert out.line_status == "open" and out.order_status == OrderStatus.PICKING
    session.expire_all()
    assert session.get_one(SalesOrder, o.id).status == OrderStatus.PICKING
    assert session.get_one(Document, doc.id).status == "open"
    res = session.scalar(select(Reservation).join(OrderLine).where(OrderLine.order_id == o.id))
    assert res is not None and (res.open_quantity, res.status) == (2, "open")
    bin_id = session.scalar(select(Location.id).where(Location.code == bins[0]))
    assert set(session.scalars(select(Serial.location_id).where(
        Serial.code.in_(serials)))) == {bin_id}
    with pytest.raises(ConflictError) as err:
        undo_pick(session, actor=b.actor, line_id=line_id)
    assert err.value.code == "nothing-to-undo"
    confirm_pick(session, actor=b.actor, line_id=line_id, quantity=2, serials=serials,
                 check_digits=label_digits(session, line_id))
    ship_order(session, actor=b.actor, order_id=o.id)
    assert lot_trace(session, code="L-1")["shipped"][0]["quantity"] == 2
    assert verify_stock(session).ok and verify_audit(session).ok


def test_non_serialised_pick_and_cancel(session: Session, shop: Shop) -> None:
    b, bins, _sku = shop
    beads = b.sku("BEAD-1", serialised=False)
    stock_lot(session, b.actor, sku=beads, lot="L-5", qty=10, location=bins[1], serialised=False)
    o = order(session, b.actor, "5010", (beads, 6))
    allocate_order(session, actor=b.actor, order_id=o.id)
    doc = create_pick_list(session, actor=b.actor, order_ids=[o.id])
    confirm_pick(session, actor=b.actor, line_id=doc.lines[0].id, quantity=4,
                 check_digits=label_digits(session, doc.lines[0].id))
    with pytest.raises(ConflictError) as err:
        ship_order(session, actor=b.actor, order_id=o.id)
    assert err.value.code == "picks-open"
    cancel_order(session, actor=b.actor, order_id=o.id)
    session.expire_all()
    assert session.get_one(Document, doc.id).status == "done"
    bal = session.scalar(select(Balance).join(Location).where(Location.code == bins[1]))
    assert bal is not None and (bal.on_hand, bal.reserved) == (6, 0)
    assert verify_stock(session).ok


def test_wave_takes_oldest_allocated_orders(session: Session, shop: Shop) -> None:
    b, bins, sku = shop
    stock_lot(session, b.actor, sku=sku, lot="L-1", qty=3, location=bins[0])
    orders = [order(session, b.actor, f"60{i}", (sku, 1)) for i in range(3)]
    for o in orders:
        allocate_order(session, actor=b.actor, order_id=o.id)
    doc = create_pick_list(session, actor=b.actor, wave=2)
    assert pick_list_read(session, doc).order_ids == [orders[0].id, orders[1].id]
    with pytest.raises(ConflictError) as err:
        create_pick_list(session, actor=b.actor, order_ids=[orders[0].id])
    assert err.value.code == "nothing-to-pick"
