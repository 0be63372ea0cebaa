"""Invariants as properties: after any sequence of operations the ledger still holds.

Each example runs in a savepoint that is rolled back, and each operation in its own nested
savepoint, so an operation the warehouse refuses (not enough stock, a serial elsewhere...) leaves
nothing behind, exactly as a failed request would.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.documents.adjustments import adjust
from core.documents.corrections import reverse_moves
from core.documents.counts import approve_count, count_read, create_count, submit_count
from core.documents.models import DocKind
from core.documents.schemas import (
    AdjustmentCreate,
    AdjustmentLineIn,
    CountLineIn,
    MoveLineIn,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.errors import CoreError
from core.ledger.models import Balance, StockMove
from core.locations.models import VIRTUAL_KINDS, Location
from core.lookups import location_by_code, lot_by_code, sku_by_code
from core.lots.models import Serial
from core.orders.allocation import allocate_order
from core.orders.integrity import verify_stock
from core.orders.picking import create_pick_list
from core.orders.picks import confirm_pick
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.orders.shipping import ship_order
from core.purchasing import receiving
from tests.builders import Builder, label_digits

STOCK = {"RING-1": ("L-A", True), "CHAIN-1": ("L-B", False)}
PLACES = ["A01-01-1-01", "A01-01-1-02", "A01-01-1-03", "QUAR"]
_serial_no = itertools.count(1)

skus = st.sampled_from(sorted(STOCK))
places = st.integers(0, len(PLACES) - 1)
ops = st.one_of(
    st.tuples(st.just("receive"), skus, st.integers(1, 4)),
    st.tuples(st.just("transfer"), skus, places, places, st.integers(1, 4)),
    st.tuples(st.just("adjust"), skus, places, st.integers(-3, 3).filter(bool)),
    st.tuples(st.just("count"), places, st.integers(-2, 2)),
    st.tuples(st.just("order"), skus, st.integers(1, 3), st.booleans()),
    st.tuples(st.just("reverse"), st.integers(0, 5)),
)


def _serials_at(s: Session, sku: str, place: str, n: int) -> list[str]:
    lot = lot_by_code(s, STOCK[sku][0])
    return list(s.scalars(select(Serial.code).where(
        Serial.sku_id == sku_by_code(s, sku).id, Serial.lot_id == lot.id,
        Serial.location_id == location_by_code(s, place).id).order_by(Serial.code).limit(n)))


def _receive(b: Builder, sku: str, qty: int) -> None:
    lot, serialised = STOCK[sku]
    codes = [f"P-{next(_serial_no):06d}" for _ in range(qty)] if serialised else []
    receiving.receive(b.session, actor=b.actor, data=ReceiptCreate(supplier="SUP1", lines=[
        ReceiptLineIn(sku=sku, lot=lot, quantity=qty, serials=[SerialIn(code=c) for c in codes])]))


def _transfer(b: Builder, sku: str, src: int, dst: int, qty: int) -> None:
    lot, serialised = STOCK[sku]
    serials = _serials_at(b.session, sku, PLACES[src], qty) if serialised else []
    receiving.post_move_document(b.session, actor=b.actor, kind=DocKind.TRANSFER, lines=[
        MoveLineIn(sku=sku, lot=lot, quantity=qty, from_location=PLACES[src],
                   to_location=PLACES[dst], serials=serials)])


def _adjust(b: Builder, sku: str, place: int, delta: int) -> None:
    lot, serialised = STOCK[sku]
    serials: list[str] = []
    if serialised:
        serials = ([f"P-{next(_serial_no):06d}" for _ in range(delta)] if delta > 0
                   else _serials_at(b.session, sku, PLACES[place], -delta))
    adjust(b.session, actor=b.actor, data=AdjustmentCreate(
        reason="data_error", lines=[AdjustmentLineIn(
            sku=sku, lot=lot, location=PLACES[place], quantity=delta, serials=serials)]))


def _count(b: Builder, place: int, noise: int) -> None:
    doc = create_count(b.session, actor=b.actor, locations=[PLACES[place]])
    entries = []
    for line in count_read(b.session, doc, blind=False).lines:
        expected = list(line.expected_serials or [])
        if expected:
            seen = expected[1:] if noise < 0 else expected
            entries.append(CountLineIn(line_no=line.line_no, counted=len(seen), serials=seen))
        else:
            entries.append(CountLineIn(line_no=line.line_no,
                                       counted=max(0, (line.expected or 0) + noise)))
    submit_count(b.session, actor=b.actor, number=doc.number, lines=entries)
    if doc.status == "counted":
        approve_count(b.session, actor=b.actor, number=doc.number)


def _order(b: Builder, sku: str, qty: int, ship: bool) -> None:
    order, _ = create_order(b.session, actor=b.actor, data=OrderCreate(
        channel="prop", external_id=f"O-{next(_serial_no)}", customer_name="Prop",
        lines=[OrderLineIn(sku=sku, quantity=qty)]))
    allocate_order(b.session, actor=b.actor, order_id=order.id)
    pick_list = create_pick_list(b.session, actor=b.actor, order_ids=[order.id])
    b.session.refresh(pick_list)
    for line in list(pick_list.lines):
        loc = b.session.get_one(Location, line.from_location_id).code
        serials = _serials_at(b.session, sku, loc, line.quantity) if STOCK[sku][1] else []
        confirm_pick(b.session, actor=b.actor, line_id=line.id, quantity=line.quantity,
                     serials=serials,
                     check_digits=label_digits(b.session, line.id))
    if ship:
        ship_order(b.session, actor=b.actor, order_id=order.id)


def _reverse(b: Builder, back: int) -> None:
    move_ids = list(b.session.scalars(select(StockMove.id).where(
        StockMove.reverses_move_id.is_(None)).order_by(StockMove.id.desc()).limit(back + 1)))
    reverse_moves(b.session, actor=b.actor, move_ids=[move_ids[-1]], reason="property test")


RUN: dict[str, Callable[..., None]] = {
    "receive": _receive, "transfer": _transfer, "adjust": _adjust, "count": _count,
    "order": _order, "reverse": _reverse,
}


def _check(s: Session) -> None:
    report = verify_stock(s)
    assert report.ok, report
    totals = s.execute(select(Balance.sku_id, func.sum(Balance.on_hand)).group_by(Balance.sku_id))
    assert all(total == 0 for _sku, total in totals)
    internal = s.execute(
        select(Serial.sku_id, Serial.location_id, Serial.lot_id, func.count(Serial.id))
        .join(Location, Location.id == Serial.location_id)
        .where(Location.kind.not_in([str(k) for k in VIRTUAL_KINDS]))
        .group_by(Serial.sku_id, Serial.location_id, Serial.lot_id)).all()
    for sku_id, loc_id, lot_id, pieces in internal:
        assert s.scalar(select(Balance.on_hand).where(
            Balance.sku_id == sku_id, Balance.location_id == loc_id,
            Balance.lot_id == lot_id)) == pieces


def test_ledger_invariants_hold(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    b.sku("RING-1")
    b.sku("CHAIN-1", serialised=False)
    b.stock("RING-1", "L-A", 6, bins[0])
    b.stock("CHAIN-1", "L-B", 12, bins[1], serialised=False)

    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(ops, min_size=1, max_size=10))
    def run(sequence: list[tuple[Any, ...]]) -> None:
        example = session.begin_nested()
        try:
            for op, *args in sequence:
                try:
                    with session.begin_nested():
                        RUN[op](b, *args)
                except CoreError:
                    pass  # refused as a whole; the savepoint took everything back
                _check(session)
        finally:
            example.rollback()
            session.expire_all()

    run()
