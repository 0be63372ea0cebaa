"""A headset's work: claiming the oldest free pick list, its lines, and undoing the last pick."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import Database
from core.audit.models import AuditEntry
from core.documents.models import Document, DocumentLine
from core.errors import CheckDigitsError, IdempotencyConflict, NotFoundError
from core.ledger.models import StockMove
from core.orders import allocate_order, confirm_pick, create_pick_list
from core.orders.assignment import (
    AssignedLine,
    next_assignment,
    post_pick_once,
    undo_last_pick,
)
from core.people.operators import headset_picker
from core.people.security import Actor
from tests.builders import Builder
from tests.core.orders.support import order


@dataclass
class Floor:
    """One open, unassigned pick list: a plain ring (bin 1) and a serialised pendant (bin 3)."""

    bins: list[str]
    ring: str
    pendant: str
    pendant_serials: list[str]
    number: str
    line_ids: list[int]
    pia: Actor
    paul: Actor


def build(session: Session) -> Floor:
    """The floor, made through the real services."""
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    ring = b.sku("RING-1", serialised=False)
    pendant = b.sku("PEND-1")
    b.stock(ring, "L-R1", 5, bins[0], serialised=False)
    serials = b.stock(pendant, "L-P1", 3, bins[2])
    pia, paul = b.user("pia", "picker", "1001"), b.user("paul", "picker", "1002")
    b.user("quinn", "qc_inspector", "1003")
    sales = order(session, b.actor, "7001", (ring, 2), (pendant, 2))
    allocate_order(session, actor=b.actor, order_id=sales.id)
    doc = create_pick_list(session, actor=b.actor, order_ids=[sales.id])
    return Floor(bins, ring, pendant, serials, doc.number, [ln.id for ln in doc.lines], pia, paul)


@pytest.fixture
def floor(session: Session) -> Floor:
    """The floor in the test's transaction."""
    return build(session)


def test_claims_the_oldest_free_list_with_what_the_headset_needs(
    session: Session, floor: Floor
) -> None:
    ring, pendant = next_assignment(session, actor=floor.pia)
    assert ring == AssignedLine(
        line_id=floor.line_ids[0], location_code=floor.bins[0], aisle="1", bay="1", level="1",
        check_digits="17", sku_code=floor.ring,
        description="Au750 rose gold Heart pendant 1, size 7", quantity=2, serialised=False,
    )
    assert (pendant.line_id, pendant.location_code, pendant.check_digits) == (
        floor.line_ids[1], floor.bins[2], "31")
    assert (pendant.serialised, pendant.serials) == (True, tuple(sorted(floor.pendant_serials)))
    doc = session.scalar(select(Document).where(Document.number == floor.number))
    assert doc is not None and doc.assignee_id == floor.pia.id
    claim = session.scalar(select(AuditEntry).where(AuditEntry.action == "pick.assign"))
    assert claim is not None and claim.entity == floor.number
    assert json.loads(claim.detail) == {"picker": "pia", "via": "voice"}


def test_a_claimed_list_stays_its_pickers(session: Session, floor: Floor) -> None:
    first = next_assignment(session, actor=floor.pia)
    assert next_assignment(session, actor=floor.paul) == []
    assert next_assignment(session, actor=floor.pia) == first


def test_only_lines_with_something_left_come_back(session: Session, floor: Floor) -> None:
    confirm_pick(session, actor=floor.pia, line_id=floor.line_ids[0], quantity=2,
                 check_digits="17")
    [left] = next_assignment(session, actor=floor.pia)
    assert left.line_id == floor.line_ids[1]


def test_sequencer_orders_the_bins_or_is_ignored(session: Session, floor: Floor) -> None:
    reversed_bins = next_assignment(session, actor=floor.pia,
                                    sequencer=lambda codes: list(reversed(codes)))
    assert [line.sku_code for line in reversed_bins] == [floor.pendant, floor.ring]
    dropped = next_assignment(session, actor=floor.pia, sequencer=lambda codes: codes[:1])
    assert [line.sku_code for line in dropped] == [floor.ring, floor.pendant]


def test_undo_last_pick_reverses_the_latest_and_then_has_nothing(
    session: Session, floor: Floor
) -> None:
    with pytest.raises(NotFoundError) as nothing:
        undo_last_pick(session, actor=floor.pia, reason="test")
    assert nothing.value.code == "nothing-to-undo"
    next_assignment(session, actor=floor.pia)
    confirm_pick(session, actor=floor.pia, line_id=floor.line_ids[0], quantity=2,
                 check_digits="17")
    assert undo_last_pick(session, actor=floor.pia, reason="test") == floor.line_ids[0]
    line = session.get_one(DocumentLine, floor.line_ids[0])
    assert (line.status, line.done_quantity) == ("open", 0)
    with pytest.raises(NotFoundError):
        undo_last_pick(session, actor=floor.pia, reason="test")


def test_headset_picker_only_for_active_pickers(session: Session, floor: Floor) -> None:
    found = headset_picker(session, operator_id=" 1001 ")
    assert found is not None
    assert (found.actor.id, found.actor.username, found.actor.role) == (
        floor.pia.id, "pia", "picker")
    assert found.name
    assert headset_picker(session, operator_id="1003") is None  # a QC inspector may not pick
    assert headset_picker(session, operator_id="9999") is None


def test_a_race_for_one_list_gives_it_to_one_picker(db: Database) -> None:
    with db.write() as session:
        floor = build(session)
    with db.write() as first_session:
        mine = next_assignment(first_session, actor=floor.pia)
    with db.write() as second_session:
        theirs = next_assignment(second_session, actor=floor.paul)
    assert [line.line_id for line in mine] == floor.line_ids
    assert theirs == []


def _moves(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(StockMove.id))) or 0


def test_a_headset_posting_runs_once_per_key(db: Database) -> None:
    with db.write() as session:
        floor = build(session)
        next_assignment(session, actor=floor.pia)
    ring, pendant = floor.line_ids
    before = _moves(db)
    first = post_pick_once(db, actor=floor.pia, line_id=ring, quantity=2, serials=[],
                           check_digits="17", key="k-ring")
    again = post_pick_once(db, actor=floor.pia, line_id=ring, quantity=2, serials=[],
                           check_digits="17", key="k-ring")
    assert json.loads(first.body)["line"] == ring and len(json.loads(first.body)["moves"]) == 1
    assert (again.body, again.replayed, first.replayed) == (first.body, True, False)
    assert _moves(db) == before + 1
    with pytest.raises(IdempotencyConflict):
        post_pick_once(db, actor=floor.pia, line_id=ring, quantity=1, serials=[],
                       check_digits="17", key="k-ring")
    with pytest.raises(CheckDigitsError):
        post_pick_once(db, actor=floor.pia, line_id=pendant, quantity=1,
                       serials=floor.pendant_serials[:1], check_digits="99", key="k-pendant",
                       short=True)
    short = post_pick_once(db, actor=floor.pia, line_id=pendant, quantity=1,
                           serials=floor.pendant_serials[:1], check_digits="31",
                           key="k-pendant", short=True)
    assert not short.replayed and _moves(db) == before + 2
    with db.read() as session:
        line = session.get_one(DocumentLine, pendant)
        assert (line.status, line.done_quantity) == ("short", 1)
