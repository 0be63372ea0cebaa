"""Recall by certificate batch and by hallmark: the preview names exactly the linked pieces,
and the recall posts as the lot recall does."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.documents.models import Document, DocumentLine
from core.documents.schemas import RecallRead
from core.errors import CoreError
from core.ledger.models import StockMove
from core.lots.models import LotStatus, Serial
from core.lots.service import lot_by_code
from core.orders.allocation import allocate_order
from core.orders.integrity import verify_stock
from core.orders.picking import create_pick_list
from core.trace.recall import recall_lot
from core.trace.recall_select import preview_recall, recall_by
from core.trace.schemas import RecallSelect, SelectionRecallRead
from tests.core.certificates.support import Shop, certify, hallmark, shop
from tests.core.orders.support import order
from tests.core.returns.support import ship


def _where(session: Session, codes: list[str]) -> dict[str, str]:
    from core.locations.models import Location

    session.expire_all()
    return dict(session.execute(
        select(Serial.code, Location.code).join(Location, Location.id == Serial.location_id)
        .where(Serial.code.in_(codes))).all())


@pytest.fixture
def s(session: Session) -> Shop:
    return shop(session)


def test_preview_by_certificate_batch_lists_exactly_its_pieces(s: Shop) -> None:
    for i, code in enumerate((s.l1[0], s.l1[2], s.l1[4])):
        certify(s.b, f"21414381{i:02d}", serial=code, batch="B-1")
    certify(s.b, "2141438199", serial=s.l1[1], batch="B-3")
    certify(s.b, "16012345678", lot="L-2", lab="HRD", batch="B-2")
    ship(s.b.session, s.b, order(s.b.session, s.b.actor, "R-1", ("RING-1", 1, "L-1")))

    seen = preview_recall(s.b.session, select_=RecallSelect(certificate_batch="b-1"))
    assert (seen.selector, seen.value, seen.lots) == ("certificate_batch", "B-1", [])
    assert [(p.serial, p.state, p.location) for p in seen.pieces] == [
        (s.l1[0], "shipped", "V-CUSTOMER"), (s.l1[2], "in_stock", s.bins[0]),
        (s.l1[4], "in_stock", s.bins[0])]
    assert (seen.pieces[0].order, seen.pieces[0].customer) == ("R-1", "Ada Lovelace")
    assert (seen.in_stock, seen.shipped, seen.customers) == (2, 1, ["Ada Lovelace"])

    whole = preview_recall(s.b.session, select_=RecallSelect(certificate_batch="B-2"))
    assert whole.lots == ["L-2"]
    assert [p.serial for p in whole.pieces] == s.l2
    assert [(r["location"], r["on_hand"]) for r in whole.lot_stock] == [(s.bins[2], 4)]


def test_preview_by_hallmark_lists_exactly_its_pieces(s: Shop) -> None:
    hallmark(s.b, serial=s.l1[1])
    hallmark(s.b, serial=s.l1[3])
    hallmark(s.b, serial=s.l1[5], sponsor="AB")
    hallmark(s.b, lot="L-2")
    seen = preview_recall(s.b.session, select_=RecallSelect(hallmark="LON-750-JM-z"))
    assert seen.lots == ["L-2"]
    assert [p.serial for p in seen.pieces] == [s.l1[1], s.l1[3], *s.l2]
    with pytest.raises(CoreError) as err:
        preview_recall(s.b.session, select_=RecallSelect(hallmark="LON-750-ZZ-z"))
    assert (err.value.code, err.value.status) == ("unknown-hallmark", 404)


def test_recall_by_batch_quarantines_exactly_its_pieces(s: Shop) -> None:
    session = s.b.session
    certify(s.b, "2141438101", serial=s.l1[2], batch="B-1")
    certify(s.b, "2141438102", serial=s.l1[4], batch="B-1")
    held = order(session, s.b.actor, "R-5", ("RING-1", 5, "L-1"))
    allocate_order(session, actor=s.b.actor, order_id=held.id)
    create_pick_list(session, actor=s.b.actor, order_ids=[held.id])

    done = recall_by(session, actor=s.b.actor, select_=RecallSelect(certificate_batch="B-1"),
                     reason="synthetic stones in batch")

    assert [(q.location, q.quantity, q.serials) for q in done.quarantined] == [
        (s.bins[0], 2, [s.l1[2], s.l1[4]])]
    # 6 on hand, 5 reserved: the reservation had to go for two pieces to leave, with its pick.
    assert (done.reservations_released, done.pick_lines_cancelled) == (5, 1)
    where = _where(session, s.l1)
    assert {c for c, loc in where.items() if loc == "QUAR"} == {s.l1[2], s.l1[4]}
    assert lot_by_code(session, "L-1").status == LotStatus.APPROVED
    doc = session.scalar(select(Document).where(Document.number == done.document))
    assert doc is not None and (doc.kind, doc.status) == ("recall", "posted")
    assert verify_stock(session).ok


def _summary(read: RecallRead | SelectionRecallRead) -> list[tuple[int, int]]:
    return sorted((q.quantity, len(q.serials)) for q in read.quarantined)


def test_recall_by_batch_on_a_lot_posts_as_the_lot_recall_does(s: Shop) -> None:
    session = s.b.session
    l3 = s.b.stock("RING-1", "L-3", 4, s.bins[3])
    certify(s.b, "16012345678", lot="L-3", lab="HRD", batch="B-9")
    pick_lines = {}
    for lot in ("L-2", "L-3"):
        o = order(session, s.b.actor, f"R-{lot}", ("RING-1", 1, lot))
        allocate_order(session, actor=s.b.actor, order_id=o.id)
        pick_lines[lot] = create_pick_list(session, actor=s.b.actor, order_ids=[o.id]).id

    by_lot = recall_lot(session, actor=s.b.actor, code="L-2", reason="assay")
    by_batch = recall_by(session, actor=s.b.actor, select_=RecallSelect(certificate_batch="B-9"),
                         reason="assay")

    assert by_batch.lots == ["L-3"]
    assert _summary(by_batch) == _summary(by_lot) == [(4, 4)]
    assert (by_batch.reservations_released, by_batch.pick_lines_cancelled) == (
        by_lot.reservations_released, by_lot.pick_lines_cancelled) == (1, 1)
    session.expire_all()
    assert lot_by_code(session, "L-2").status == lot_by_code(session, "L-3").status == "recalled"
    assert set(_where(session, l3 + s.l2).values()) == {"QUAR"}
    for lot, number in (("L-2", by_lot.document), ("L-3", by_batch.document)):
        moves = session.execute(
            select(StockMove.reason, func.sum(StockMove.quantity))
            .join(Document, Document.id == StockMove.document_id)
            .where(Document.number == number).group_by(StockMove.reason)).all()
        assert [tuple(m) for m in moves] == [("recall", 4)], lot
        statuses = session.scalars(select(DocumentLine.status).where(
            DocumentLine.document_id == pick_lines[lot])).all()
        assert list(statuses) == ["cancelled"], lot
    with pytest.raises(CoreError) as err:
        recall_by(session, actor=s.b.actor, select_=RecallSelect(certificate_batch="B-9"),
                  reason="again")
    assert err.value.code == "already-recalled"
    assert verify_stock(session).ok


def test_recall_by_hallmark(s: Shop) -> None:
    hallmark(s.b, serial=s.l1[0])
    hallmark(s.b, serial=s.l1[5], sponsor="AB")
    hallmark(s.b, lot="L-2")
    done = recall_by(s.b.session, actor=s.b.actor,
                     select_=RecallSelect(hallmark="lon-750-jm-z"), reason="under-karat")
    assert done.lots == ["L-2"]
    assert sorted(c for q in done.quarantined for c in q.serials) == sorted([s.l1[0], *s.l2])
    where = _where(s.b.session, s.l1 + s.l2)
    assert sorted(c for c, loc in where.items() if loc == "QUAR") == sorted([s.l1[0], *s.l2])
    assert verify_stock(s.b.session).ok
