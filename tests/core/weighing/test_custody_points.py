"""Weighing where pieces change hands besides the pick: vault transfers, packing, returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core import Database
from core.documents.models import DocKind
from core.documents.schemas import MoveLineIn
from core.errors import ValidationFailed
from core.ledger.models import StockMove
from core.orders.allocation import allocate_order
from core.orders.packing import ship_packed
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick
from core.orders.schemas import ShipCreate
from core.people.security import Actor
from core.purchasing.receiving import post_move_document
from core.returns.customer import inspect_return, open_return, receive_return
from core.returns.schemas import CustomerReturnCreate, InspectItem
from core.weighing import (
    PieceOnHold,
    WeightOutOfTolerance,
    holds,
    set_piece_weights,
    weighings_of,
)
from tests.builders import Builder, label_digits
from tests.core.orders.support import order, stock_lot


@dataclass
class Floor:
    """Three pendants (3.2 g, received with that weight) in a pick bin; a manager."""

    actor: Actor
    bins: list[str]
    sku: str
    serials: list[str]


@pytest.fixture
def floor(db: Database) -> Iterator[Floor]:
    with db.write() as s:
        b = Builder(s)
        bins = b.warehouse()
        b.supplier()
        sku = b.sku("PEND-C")
        serials = stock_lot(s, b.actor, sku=sku, lot="L-C", qty=3, location=bins[0])
        for code in serials:
            set_piece_weights(s, actor=b.actor, serial=code, gross_g=3.2, net_g=2.9)
        boss = b.user("boss", "manager")
    yield Floor(boss, bins, sku, serials)


def _moves(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(StockMove.id))) or 0


def _transfer(db: Database, f: Floor, pieces: list[str], target: str, source: str | None = None,
              weights: dict[str, float] | None = None) -> None:
    with db.write() as s:
        post_move_document(s, actor=f.actor, kind=DocKind.TRANSFER, weights=weights, lines=[
            MoveLineIn(sku=f.sku, lot="L-C", quantity=len(pieces), serials=pieces,
                       from_location=source or f.bins[0], to_location=target)])


def test_vault_transfers_need_a_reading_of_every_piece(db: Database, floor: Floor) -> None:
    one, two = floor.serials[:2]
    with pytest.raises(ValidationFailed) as missing:
        _transfer(db, floor, [one, two], "VAULT-01", weights={one: 3.2})
    assert missing.value.code == "weight-required" and two in missing.value.message
    before = _moves(db)
    with pytest.raises(WeightOutOfTolerance):
        _transfer(db, floor, [one, two], "VAULT-01", weights={one: 3.2, two: 3.26})
    assert _moves(db) == before
    with db.read() as s:
        assert [h["serial"] for h in holds(s)] == [two]
        assert [(w["event"], w["location"], w["within"]) for w in weighings_of(s, serial=two)] \
            == [("vault-in", "VAULT-01", False)]
    _transfer(db, floor, [one], "VAULT-01", weights={one: 3.19})
    _transfer(db, floor, [one], floor.bins[1], source="VAULT-01", weights={one: 3.21})
    with db.read() as s:
        assert [w["event"] for w in weighings_of(s, serial=one)] == ["vault-in", "vault-out"]
    with pytest.raises(PieceOnHold):  # a held piece moves nowhere, readings or not,
        _transfer(db, floor, [two], floor.bins[2])
    _transfer(db, floor, [two], "QUAR")  # but to a quarantine bin to be looked at
    _transfer(db, floor, [floor.serials[2]], floor.bins[2])  # floor moves: readings optional


def _picked_order(db: Database, f: Floor) -> int:
    with db.write() as s:
        o = order(s, f.actor, "C-1", (f.sku, 2))
        allocate_order(s, actor=f.actor, order_id=o.id)
        doc = create_pick_list(s, actor=f.actor, order_ids=[o.id], picker="boss")
        line = pick_list_read(s, doc).lines[0]
        confirm_pick(s, actor=f.actor, line_id=line.id, quantity=2, serials=f.serials[:2],
                     check_digits=label_digits(s, line.id))
        return o.id


def test_packing_weighs_and_refuses_a_light_piece(db: Database, floor: Floor) -> None:
    order_id = _picked_order(db, floor)
    one, two = floor.serials[:2]
    before = _moves(db)
    with pytest.raises(WeightOutOfTolerance), db.write() as s:
        ship_packed(s, actor=floor.actor, order_id=order_id,
                    data=ShipCreate(pieces=[one, two], weights={one: 3.2, two: 3.1}))
    assert _moves(db) == before
    with pytest.raises(PieceOnHold), db.write() as s:  # nor without readings while held
        ship_packed(s, actor=floor.actor, order_id=order_id, data=ShipCreate())
    with db.read() as s:
        assert [w["event"] for w in weighings_of(s, serial=two)] == ["pack"]


def test_a_return_is_weighed_against_the_weight_it_left_with(db: Database, floor: Floor) -> None:
    order_id = _picked_order(db, floor)
    one, two = floor.serials[:2]
    with db.write() as s:
        ship_packed(s, actor=floor.actor, order_id=order_id,
                    data=ShipCreate(weights={one: 3.2, two: 3.2}))
        number = open_return(s, actor=floor.actor, data=CustomerReturnCreate(
            order_id=order_id, reason="changed mind", serials=[one, two])).number
    with pytest.raises(WeightOutOfTolerance), db.write() as s:  # a stone swapped: lighter
        receive_return(s, actor=floor.actor, number=number, weights={one: 3.2, two: 2.9})
    with db.read() as s:
        assert [h["serial"] for h in holds(s)] == [two]
    with db.write() as s:  # taken in to quarantine all the same, still held
        receive_return(s, actor=floor.actor, number=number)
    with pytest.raises(PieceOnHold), db.write() as s:
        inspect_return(s, actor=floor.actor, number=number, items=[
            InspectItem(serial=two, disposition="stock", location=floor.bins[1])])
    with db.write() as s:
        inspect_return(s, actor=floor.actor, number=number, items=[
            InspectItem(serial=one, disposition="stock", location=floor.bins[1]),
            InspectItem(serial=two, disposition="quarantine")])
