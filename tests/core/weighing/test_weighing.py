"""Weight at every custody change (issue 19): readings, holds, alerts, release, history."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import Database
from core.alerts.models import Alert
from core.audit.models import AuditEntry
from core.catalogue.models import Sku
from core.channels.atp import sku_stock
from core.documents.models import DocumentLine
from core.errors import CoreError, InsufficientStockError, NotFoundError, ValidationFailed
from core.events import AvailabilityChanged
from core.ledger.models import Balance, StockMove
from core.lots.models import Serial
from core.orders.allocation import allocate_order
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick
from core.people.security import Actor
from core.trace.service import serial_history
from core.weighing import (
    BadWeight,
    PieceOnHold,
    WeightOutOfTolerance,
    hold_piece,
    holds,
    release_hold,
    set_piece_weights,
    set_tolerance,
    tolerance_for,
    weigh,
    weighings_of,
)
from tests.builders import Builder, label_digits
from tests.core.orders.support import order, stock_lot


@dataclass
class Pick:
    """A one-line pick list of two pendants (3.20 g each, tolerance 0.02 g) for picker pia."""

    serials: list[str]
    line_id: int
    digits: str
    pia: Actor
    boss: Actor


@pytest.fixture
def pick(db: Database) -> Iterator[Pick]:
    with db.write() as s:
        b = Builder(s)
        bins = b.warehouse()
        b.supplier()
        sku = b.sku("PEND-W")
        serials = stock_lot(s, b.actor, sku=sku, lot="L-W", qty=3, location=bins[0])
        for code in serials:
            set_piece_weights(s, actor=b.actor, serial=code, gross_g=3.20, net_g=2.91)
        pia = b.user("pia", "picker")
        boss = b.user("boss", "manager")
        o = order(s, b.actor, "W-1", (sku, 2))
        allocate_order(s, actor=b.actor, order_id=o.id)
        doc = create_pick_list(s, actor=b.actor, order_ids=[o.id], picker="pia")
        line_id = pick_list_read(s, doc).lines[0].id
        digits = label_digits(s, line_id) or ""
    yield Pick(serials, line_id, digits, pia, boss)


def _state(db: Database, line_id: int) -> tuple[int, int, int]:
    with db.read() as s:
        moves = s.scalar(select(func.count(StockMove.id))) or 0
        done = s.scalar(select(DocumentLine.done_quantity).where(DocumentLine.id == line_id))
        on_hand = s.scalar(select(func.sum(Balance.on_hand))) or 0
    return moves, done or 0, on_hand


def _confirm(db: Database, p: Pick, weights: dict[str, float] | None, n: int = 2) -> None:
    with db.write() as s:
        confirm_pick(s, actor=p.pia, line_id=p.line_id, quantity=n, serials=p.serials[:n],
                     check_digits=p.digits, weights=weights)


def test_light_piece_at_pick_is_held_nothing_posts_and_an_alert_names_picker(
    db: Database, pick: Pick
) -> None:
    before = _state(db, pick.line_id)
    light, ok = pick.serials[0], pick.serials[1]
    with pytest.raises(WeightOutOfTolerance) as refused:
        _confirm(db, pick, {light: 3.15, ok: 3.20})
    assert refused.value.code == "weight-out-of-tolerance" and refused.value.status == 409
    assert _state(db, pick.line_id) == before  # no move, line untouched, stock unchanged
    with db.read() as s:
        alert = s.scalars(select(Alert).where(Alert.rule == "weight-out-of-tolerance")).one()
        assert alert.severity == "high" and alert.camera == "scale"
        for needle in ("pia", light, "3.15 g", "3.2 g", "A01-01-1-01", "pick"):
            assert needle in alert.message
        assert alert.location_id is not None
        assert [h["serial"] for h in holds(s)] == [light]
        history = weighings_of(s, serial=light)
        assert [(w["event"], w["within"], w["measured_g"], w["expected_g"], w["actor"])
                for w in history] == [("pick", False, 3.15, 3.2, "pia")]
        assert history[0]["difference_g"] == pytest.approx(-0.05)
        # the good piece's reading went with the refused move: nothing of it was kept
        assert weighings_of(s, serial=ok) == []
        assert s.scalar(select(func.count()).where(AuditEntry.action == "weighing.hold")) == 1


def test_within_tolerance_posts_with_its_weighings(db: Database, pick: Pick) -> None:
    _confirm(db, pick, {pick.serials[0]: 3.21, pick.serials[1]: 3.18})  # +0.01, -0.02 g
    moves, done, _ = _state(db, pick.line_id)
    assert done == 2 and moves > 0
    with db.read() as s:
        assert [w["within"] for w in weighings_of(s, serial=pick.serials[1])] == [True]
        assert holds(s) == []
        assert s.scalar(select(func.count(Alert.id))) == 0


def test_held_piece_cannot_be_picked_until_released(db: Database, pick: Pick) -> None:
    with pytest.raises(WeightOutOfTolerance):
        _confirm(db, pick, {pick.serials[0]: 3.0}, n=1)
    before = _state(db, pick.line_id)
    with pytest.raises(PieceOnHold) as held:
        _confirm(db, pick, None, n=1)  # no reading: the hold alone refuses it
    assert held.value.code == "piece-on-hold" and pick.serials[0] in held.value.message
    assert _state(db, pick.line_id) == before
    with db.write() as s, pytest.raises(ValidationFailed) as no_reason:
        release_hold(s, actor=pick.boss, serial=pick.serials[0], reason="  ")
    assert no_reason.value.code == "reason-required"
    with db.write() as s:
        release_hold(s, actor=pick.boss, serial=pick.serials[0],
                     reason="re-weighed on the calibrated balance: 3.20 g, scale fault")
    with db.read() as s:
        assert holds(s) == [] and holds(s, open_only=False)[0]["release_reason"].startswith("re-")
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "weighing.release")).one()
        assert entry.actor == "boss"
    _confirm(db, pick, {pick.serials[0]: 3.20}, n=1)
    assert _state(db, pick.line_id)[1] == 1
    with db.write() as s, pytest.raises(CoreError) as again:
        release_hold(s, actor=pick.boss, serial=pick.serials[0], reason="twice")
    assert again.value.code == "not-on-hold"


def test_history_shows_every_weighing(db: Database, pick: Pick) -> None:
    code = pick.serials[2]
    with db.write() as s:
        weigh(s, actor=pick.boss, serial=code, measured_g=3.2, event="check")
    with pytest.raises(WeightOutOfTolerance), db.write() as s:
        weigh(s, actor=pick.boss, serial=code, measured_g=3.5, event="vault-in",
              location="VAULT-01", reference="TR-1")
    with db.read() as s:
        rows = weighings_of(s, serial=code)
        assert [(r["event"], r["within"], r["location"]) for r in rows] == [
            ("check", True, "A01-01-1-01"), ("vault-in", False, "VAULT-01")]
        assert rows[1]["reference"] == "TR-1"
        assert len(serial_history(s, code=code)) >= 2  # its moves are still there


def test_bad_readings_are_refused_with_a_code(db: Database, pick: Pick) -> None:
    for grams in (-1.0, 0.0, math.nan, math.inf, 1e9, "3.2", True):
        with db.write() as s, pytest.raises(BadWeight) as bad:
            weigh(s, actor=pick.boss, serial=pick.serials[0],
                  measured_g=grams, event="check")  # type: ignore[arg-type]
        assert bad.value.code == "bad-weight" and bad.value.status == 422, grams
    with db.read() as s:
        assert holds(s) == [] and weighings_of(s, serial=pick.serials[0]) == []


def test_unknown_piece_bad_event_and_other_piece_readings(db: Database, pick: Pick) -> None:
    with db.write() as s:
        with pytest.raises(NotFoundError) as unknown:
            weigh(s, actor=pick.boss, serial="NO-SUCH-PIECE", measured_g=3.2, event="check")
        assert unknown.value.code == "unknown-serial"
        with pytest.raises(ValidationFailed) as event:
            weigh(s, actor=pick.boss, serial=pick.serials[0], measured_g=3.2, event="Pick!")
        assert event.value.code == "bad-weigh-event"
    with pytest.raises(ValidationFailed) as other:
        _confirm(db, pick, {pick.serials[2]: 3.2}, n=1)
    assert other.value.code == "weight-for-other-piece"


def test_required_readings(db: Database, pick: Pick, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.weighing.settings import weighing_settings

    monkeypatch.setenv("FACET_WEIGH_REQUIRED_EVENTS", "pick,vault-in")
    weighing_settings.cache_clear()
    try:
        with pytest.raises(ValidationFailed) as missing:
            _confirm(db, pick, {pick.serials[0]: 3.2})
        assert missing.value.code == "weight-required" and pick.serials[1] in missing.value.message
        _confirm(db, pick, {pick.serials[0]: 3.2, pick.serials[1]: 3.2})
    finally:
        monkeypatch.delenv("FACET_WEIGH_REQUIRED_EVENTS")
        weighing_settings.cache_clear()


def test_tolerances_per_category_and_first_weighing(session: Session, db: Database) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    sku = b.sku("PEND-T")  # a pendant: 3.2 g nominal gross, no weight of its own
    [code] = stock_lot(session, b.actor, sku=sku, lot="L-T", qty=1, location=bins[0])
    assert tolerance_for(session, "pendant") == 0.02 and tolerance_for(session, "tiara") == 0.05
    set_tolerance(session, actor=b.actor, category="Pendant", tolerance_g=0.1)
    assert tolerance_for(session, "pendant") == 0.1
    first = weigh(session, actor=b.actor, serial=code, measured_g=3.31, event="qc")
    assert first.within and first.expected_g == 3.2  # within 10 % of the nominal weight
    piece = session.scalars(select(Serial).where(Serial.code == code)).one()
    assert piece.gross_weight_g == 3.31  # the first reading became the piece's weight
    assert weigh(session, actor=b.actor, serial=code, measured_g=3.40, event="check").within
    with pytest.raises(BadWeight):
        set_tolerance(session, actor=b.actor, category="ring", tolerance_g=-0.1)


def test_manual_hold_blocks_and_is_audited(db: Database, pick: Pick) -> None:
    with db.write() as s:
        hold_piece(s, actor=pick.boss, serial=pick.serials[1], reason="stone looks wrong")
    with pytest.raises(PieceOnHold):
        _confirm(db, pick, None, n=2)
    with db.write() as s, pytest.raises(CoreError) as twice:
        hold_piece(s, actor=pick.boss, serial=pick.serials[1], reason="again")
    assert twice.value.code == "already-on-hold"


def test_a_held_piece_is_not_promised_to_another_order(db: Database, pick: Pick) -> None:
    """The bin holds 3 pendants, 2 reserved for W-1; with the third on hold no order and no
    channel can have it, and once released they can."""
    def promisable() -> int:  # what the sales channels are offered (core.channels.atp)
        with db.read() as s:
            sku_id = s.scalars(select(Sku.id).where(Sku.code == "PEND-W")).one()
            return sku_stock(s, [sku_id])[sku_id].free

    announced: list[AvailabilityChanged] = []
    db.bus.subscribe(AvailabilityChanged, announced.append)
    assert promisable() == 1
    with db.write() as s:
        hold_piece(s, actor=pick.boss, serial=pick.serials[2], reason="stone looks loose")
        sku_id = s.scalars(select(Sku.id).where(Sku.code == "PEND-W")).one()
    assert promisable() == 0
    assert any(sku_id in e.sku_ids for e in announced)  # the channels hear of it at once
    with db.write() as s:
        b = Builder(s)
        second = order(s, b.actor, "W-2", ("PEND-W", 1))
        with pytest.raises(InsufficientStockError):
            allocate_order(s, actor=b.actor, order_id=second.id)
    announced.clear()
    with db.write() as s:
        release_hold(s, actor=pick.boss, serial=pick.serials[2], reason="stone checked: tight")
    assert any(sku_id in e.sku_ids for e in announced)
    with db.write() as s:
        b = Builder(s)
        third = order(s, b.actor, "W-3", ("PEND-W", 1))
        assert allocate_order(s, actor=b.actor, order_id=third.id).complete
