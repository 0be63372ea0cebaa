"""Issue 19's memo test: 10 pieces out, 8 back (one light: held), 1 sold, 1 overdue - and the
stock, the valuation and the overdue list show exactly that. Both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import Database
from core.alerts.models import Alert
from core.custody import (
    BackIn,
    CustodyOut,
    PieceWeight,
    SaleIn,
    check_overdue,
    hand_out,
    overdue,
    sell,
    take_back,
    valuation,
    value_by_partner,
)
from core.custody.views import OVERDUE_RULE
from core.documents.models import Document
from core.ledger import StockFilter, list_stock
from core.ledger.posting import rebuild_balances
from core.orders.allocation import allocate_order
from core.orders.integrity import verify_stock
from core.people.service import system_actor
from core.reports.finance import FinanceKind, register
from core.trace.service import serial_history
from core.weighing import holds
from tests.builders import at, clock
from tests.core.custody.support import WEIGHT_G, on_hand, shop, where
from tests.core.orders.support import order, reserved

START = at(3, 2)
LATER = at(3, 10)
DUE = date(2026, 3, 5)


def test_memo_ten_out_eight_back_one_light_one_sold_one_overdue(db: Database) -> None:
    with clock(START), db.write() as s:
        made = shop(s)
        pieces, bin_code = made.pieces, made.bins[0]
        memo = hand_out(s, actor=made.b.actor, data=CustodyOut(
            kind="memo", partner="SHOP1", due_on=DUE, terms="30 days, sale or return",
            pieces=[PieceWeight(serial=p, weight_g=WEIGHT_G) for p in pieces]))
        number = s.get_one(Document, memo.document_id).number
        assert number.startswith("MEMO-")
        assert on_hand(s, "CUST-SHOP1") == 10 and on_hand(s, bin_code) == 0
    light = pieces[3]
    back = [PieceWeight(serial=p, weight_g=WEIGHT_G - 0.05 if p == light else WEIGHT_G + 0.01)
            for p in pieces[:8]]
    with clock(START + timedelta(days=1)), db.write() as s:
        actor = system_actor(s)
        take_back(s, actor=actor, number=number, data=BackIn(bin=bin_code, pieces=back))
        shipment = sell(s, actor=actor, number=number, data=SaleIn(serials=[pieces[8]]))
        assert shipment.kind == "shipment" and shipment.status == "shipped"

    with clock(LATER), db.read() as s:
        # Stock: 7 back in the bin, the light one in quarantine, 1 out, 1 with the customer.
        assert on_hand(s, bin_code) == 7
        assert on_hand(s, "QUAR") == 1 and where(s, light) == "QUAR"
        assert on_hand(s, "CUST-SHOP1") == 1 and where(s, pieces[9]) == "CUST-SHOP1"
        assert where(s, pieces[8]) == "V-CUSTOMER"
        rows, _total = list_stock(s, filters=StockFilter(), limit=50, offset=0)
        stock = {(r["location"], r["location_kind"]): r["on_hand"] for r in rows}
        assert stock == {(bin_code, "pick_face"): 7, ("QUAR", "quarantine"): 1,
                         ("CUST-SHOP1", "custody"): 1}
        assert [h["serial"] for h in holds(s)] == [light]
        assert rebuild_balances(s) == 0  # balances are the fold of the ledger
        assert verify_stock(s).ok
        # The light piece's history: out on the memo, back to quarantine under it.
        history = [(h["from_location"], h["to_location"], h["document"])
                   for h in serial_history(s, code=light)]
        assert history[-2:] == [(bin_code, "CUST-SHOP1", number), ("CUST-SHOP1", "QUAR", number)]

        # Valuation at cost (no purchase order: catalogue price 950.00 a piece).
        value = valuation(s)
        assert value.pieces == {"in_warehouse": 8, "out_on_memo": 1, "out_for_repair": 0,
                                "consigned": 0}
        assert value.owned_out_on_memo == 950.0
        assert value.owned_in_warehouse == 8 * 950.0
        assert value.owned_total == 9 * 950.0 and value.consigned_not_owned == 0.0
        partners = value_by_partner(s)
        assert [(p.partner, p.pieces, p.value, p.overdue_pieces) for p in partners] == [
            ("SHOP1", 1, 950.0, 1)]
        # Finance sees the sold piece as an issue.
        issues = register(s, kind=FinanceKind.ISSUE, since=date(2026, 3, 1),
                          until=date(2026, 3, 31))
        assert [d.quantity for d in issues.documents] == [1]

        # The overdue list: the memo, one piece out, five days late.
        late = overdue(s)
        assert [(r.number, r.pieces_out, r.days_overdue, r.value) for r in late] == [
            (number, 1, 5, 950.0)]
        assert overdue(s, on=DUE) == []  # due today is not overdue

    with clock(LATER), db.write() as s:
        # Free stock is the 7 in the bin: the held piece and the one on memo are not.
        wanted = order(s, system_actor(s), "R-9", ("PEND-1", 9))
        allocate_order(s, actor=system_actor(s), order_id=wanted.id)
        assert reserved(s, wanted.id) == [(bin_code, "L-1", 7)]
        assert [r.number for r in check_overdue(s)] == [number]
        assert check_overdue(s) == []  # one alert a day
    with db.read() as s:
        alerts = list(s.scalars(select(Alert).where(Alert.rule == OVERDUE_RULE)))
        assert len(alerts) == 1 and number in alerts[0].message and "SHOP1" in alerts[0].message
        weighed = select(Alert).where(Alert.rule == "weight-out-of-tolerance")
        weight_alerts = list(s.scalars(weighed))
        assert len(weight_alerts) == 1 and light in weight_alerts[0].message


def test_a_light_piece_at_hand_over_is_held_and_nothing_goes_out(db: Database) -> None:
    from core.errors import CoreError
    from tests.core.custody.support import moves

    with clock(START), db.write() as s:
        made = shop(s, pieces=2)
        before = moves(s)
    readings = [PieceWeight(serial=made.pieces[0], weight_g=WEIGHT_G),
                PieceWeight(serial=made.pieces[1], weight_g=WEIGHT_G - 0.05)]
    with pytest.raises(CoreError) as caught, clock(START), db.write() as s:
        hand_out(s, actor=system_actor(s), data=CustodyOut(
            kind="memo", partner="SHOP1", due_on=DUE, pieces=readings))
    assert caught.value.code == "weight-out-of-tolerance"
    with db.read() as s:
        assert moves(s) == before and on_hand(s, "CUST-SHOP1") == 0
        assert s.scalar(select(Document.id).where(Document.kind == "memo")) is None
        assert [h["serial"] for h in holds(s)] == [made.pieces[1]]
