"""Custody refusals (each with its code and nothing posted), repair out and back, and
consignment in, bought and sent back with the valuation keeping consigned pieces apart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.custody import (
    BackIn,
    ConsignmentIn,
    ConsignmentPieceIn,
    CustodyOut,
    PartnerCreate,
    PieceWeight,
    PurchaseIn,
    PurchasePiece,
    SaleIn,
    SendBackIn,
    buy,
    create_partner,
    custody_reads,
    get_custody,
    hand_out,
    receive_consignment,
    sell,
    send_back,
    take_back,
    valuation,
)
from core.documents.models import Document
from core.errors import CoreError
from core.orders.allocation import allocate_order
from core.weighing import hold_piece
from tests.builders import at, clock
from tests.core.custody.support import WEIGHT_G, Shop, moves, on_hand, shop, where
from tests.core.orders.support import order

NOW = at(3, 2)
DUE = date(2026, 3, 20)


def _refused(session: Session, call: Callable[[], Any]) -> str:
    """The error code of a refused call; whatever it wrote is rolled back (a savepoint)."""
    before = moves(session)
    with pytest.raises(CoreError) as caught:
        with session.begin_nested():
            call()
    assert moves(session) == before, "a refused call posted moves"
    return caught.value.code


def _out(s: Session, made: Shop, serials: list[str], **kw: Any) -> str:
    data = {"kind": "memo", "partner": "SHOP1", "due_on": DUE, "serials": serials, **kw}
    custody = hand_out(s, actor=made.b.actor, data=CustodyOut(**data))
    return s.get_one(Document, custody.document_id).number


def test_refusals_have_codes_and_post_nothing(session: Session) -> None:
    with clock(NOW):
        made = shop(session, pieces=6)
        a, p = made.b.actor, made.pieces

        def out(serials: list[str], **kw: Any) -> Callable[[], Any]:
            return lambda: _out(session, made, serials, **kw)

        assert _refused(session, out(p[:1], partner="NOBODY")) == "unknown-partner"
        assert _refused(session, out(p[:1], due_on=date(2026, 3, 1))) == "due-date-past"
        assert _refused(session, out(p[:1], partner="FIXIT")) == "wrong-partner-kind"
        assert _refused(session, out(p[:1], kind="consignment")) == "bad-custody-kind"
        assert _refused(session, out(["NO-SUCH-PIECE"])) == "unknown-serial"
        assert _refused(session, out([p[0], p[0]])) == "duplicate-serial"
        assert _refused(session, out([])) == "empty"
        # A piece on hold does not go out.
        hold_piece(session, actor=a, serial=p[5], reason="stone looks loose")
        assert _refused(session, out([p[5]])) == "piece-on-hold"
        number = _out(session, made, [p[0], p[1]])
        # Out already: not free.
        assert _refused(session, out([p[0]])) == "piece-not-free"
        # Stock reserved for an order is not free to go out.
        o = order(session, a, "R-1", ("PEND-1", 4))
        allocate_order(session, actor=a, order_id=o.id)
        assert _refused(session, out([p[2]])) == "piece-not-free"

        def back(pieces: list[str], bin_code: str = made.bins[1]) -> Callable[[], Any]:
            readings = [PieceWeight(serial=c, weight_g=WEIGHT_G) for c in pieces]
            return lambda: take_back(session, actor=a, number=number,
                                     data=BackIn(bin=bin_code, pieces=readings))

        assert _refused(session, back([p[3]])) == "piece-not-on-document"
        assert _refused(session, back([p[0]], "QUAR")) == "not-a-stock-bin"
        assert _refused(session, back([p[0]], "NOWHERE")) == "unknown-location"
        assert _refused(session, lambda: take_back(
            session, actor=a, number="MEMO-999999",
            data=BackIn(bin=made.bins[1], pieces=[PieceWeight(serial=p[0], weight_g=3.2)]),
        )) == "unknown-custody-document"
        back([p[0]])()
        assert where(session, p[0]) == made.bins[1]
        assert _refused(session, back([p[0]])) == "piece-not-out"
        assert _refused(session, lambda: sell(
            session, actor=a, number=number, data=SaleIn(serials=[p[0]]))) == "piece-not-out"
        assert _refused(session, lambda: buy(session, actor=a, number=number, data=PurchaseIn(
            pieces=[PurchasePiece(serial=p[1], unit_cost=1.0)]))) == "not-a-consignment"
        assert _refused(session, lambda: create_partner(session, actor=a, data=PartnerCreate(
            code="shop1", name="again", kind="shop"))) == "partner-exists"
        assert _refused(session, lambda: create_partner(session, actor=a, data=PartnerCreate(
            code="X1", name="x", kind="pirate"))) == "bad-partner-kind"
        assert _refused(session, lambda: create_partner(session, actor=a, data=PartnerCreate(
            code="X2", name="x", kind="supplier"))) == "supplier-required"


def test_repair_out_and_back_closes_the_document(session: Session) -> None:
    with clock(NOW):
        made = shop(session, pieces=2)
        a = made.b.actor
        number = _out(session, made, made.pieces, kind="repair", partner="FIXIT")
        assert number.startswith("RPR-") and on_hand(session, "CUST-FIXIT") == 2
        assert valuation(session).pieces["out_for_repair"] == 2
        assert _refused(session, lambda: sell(
            session, actor=a, number=number, data=SaleIn(serials=made.pieces[:1]))) == "not-a-memo"
    with clock(NOW + timedelta(days=2)):
        take_back(session, actor=a, number=number, data=BackIn(
            bin=made.bins[2], pieces=[PieceWeight(serial=c, weight_g=WEIGHT_G)
                                      for c in made.pieces]))
        read = custody_reads(session, [get_custody(session, number)])[0]
        assert read.status == "closed" and read.counts == {"back": 2}
        assert on_hand(session, made.bins[2]) == 2 and on_hand(session, "CUST-FIXIT") == 0


def test_consignment_is_not_owned_until_bought(session: Session) -> None:
    with clock(NOW):
        made = shop(session, pieces=1)
        a = made.b.actor
        owned = valuation(session)
        custody = receive_consignment(session, actor=a, data=ConsignmentIn(
            partner="CONSIGN", due_on=DUE, terms="pay within 60 days of sale",
            bin=made.bins[1], pieces=[ConsignmentPieceIn(serial=f"CS-{i}", sku="PEND-1",
                                                         weight_g=WEIGHT_G) for i in range(3)]))
        number = session.get_one(Document, custody.document_id).number
        assert number.startswith("CSG-") and on_hand(session, made.bins[1]) == 3
        value = valuation(session)
        assert value.owned_total == owned.owned_total == 950.0
        assert value.consigned_not_owned == 3 * 950.0 and value.pieces["consigned"] == 3
        assert _refused(session, lambda: receive_consignment(session, actor=a, data=ConsignmentIn(
            partner="SHOP1", due_on=DUE, bin=made.bins[1],
            pieces=[ConsignmentPieceIn(serial="CS-9", sku="PEND-1")]))) == "wrong-partner-kind"
        assert _refused(session, lambda: receive_consignment(session, actor=a, data=ConsignmentIn(
            partner="CONSIGN", due_on=DUE, bin=made.bins[1],
            pieces=[ConsignmentPieceIn(serial="CS-0", sku="PEND-1")]))) == "serial-exists"
        buy(session, actor=a, number=number, data=PurchaseIn(
            pieces=[PurchasePiece(serial="CS-0", unit_cost=500.0)]))
        send_back(session, actor=a, number=number, data=SendBackIn(serials=["CS-1"]))
        value = valuation(session)
        assert value.owned_in_warehouse == 950.0 + 500.0
        assert value.consigned_not_owned == 950.0 and value.pieces["consigned"] == 1
        assert where(session, "CS-1") == "V-SUPPLIER"
        read = custody_reads(session, [get_custody(session, number)])[0]
        assert read.status == "open"
        assert read.counts == {"purchased": 1, "returned": 1, "consigned": 1}
        send_back(session, actor=a, number=number, data=SendBackIn(serials=["CS-2"]))
        assert custody_reads(session, [get_custody(session, number)])[0].status == "closed"
