"""`CorePickingBackend`: the voice dialogue over the real core, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.speech import EnergyVad, FakeSpeechEngine, encode_text
from assistant.voice import (
    DialogueMachine,
    NothingToUndoError,
    PickingBackend,
    PickRejectedError,
    UnknownOperatorError,
    VoiceSession,
    load_language,
)
from core import Database
from core.documents import MoveFilter, list_moves
from core.documents.models import Document, DocumentLine
from core.documents.schemas import (
    LotIn,
    MoveLineIn,
    PutawayCreate,
    QCCreate,
    ReceiptCreate,
    ReceiptLineIn,
    SerialIn,
)
from core.ledger.models import StockMove
from core.orders import allocate_order, create_pick_list
from core.orders.integrity import verify_stock
from core.people.security import Actor
from core.purchasing import receiving
from tests.builders import Builder
from tests.core.orders.support import order
from web.adapters.voice_backend import CorePickingBackend

PENDANT_SERIALS = ["AUR-0001-K72A", "AUR-0002-D4E5", "AUR-0003-X8Y1"]


def stock(session: Session, actor: Actor, *, sku: str, lot: str, location: str,
          qty: int, serials: list[str] | None = None) -> None:
    """Receive, pass QC and put away a lot (serial codes as given)."""
    codes = serials or []
    receiving.receive(session, actor=actor, data=ReceiptCreate(
        supplier="SUP1", lots=[LotIn(code=lot, purchase_date=date(2026, 1, 5))],
        lines=[ReceiptLineIn(sku=sku, lot=lot, quantity=qty,
                             serials=[SerialIn(code=c) for c in codes])]))
    receiving.inspect_lot(session, actor=actor, data=QCCreate(lot=lot, result="pass"))
    receiving.putaway(session, actor=actor, data=PutawayCreate(lines=[MoveLineIn(
        sku=sku, lot=lot, quantity=qty, from_location="QUAR", to_location=location,
        serials=codes)]))


@dataclass
class Floor:
    """A small warehouse with one open, unassigned pick list of two lines."""

    db: Database
    bins: list[str]
    ring: str
    pendant: str
    pick_list: str
    line_ids: list[int]


def build_floor(db: Database) -> Floor:
    """Ring (plain, bin 1) and pendant (serialised, bin 3) ordered and on a pick list."""
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        ring = b.sku("RING-1", serialised=False, metal="gold", purity="Au750")
        pendant = b.sku("PEND-1")
        stock(session, b.actor, sku=ring, lot="L-R1", location=bins[0], qty=5)
        stock(session, b.actor, sku=pendant, lot="L-P1", location=bins[2], qty=3,
              serials=PENDANT_SERIALS)
        for username, role, operator in (("pia", "picker", "1001"), ("paul", "picker", "1002"),
                                         ("quinn", "qc_inspector", "1003")):
            b.user(username, role, operator)
        sales = order(session, b.actor, "7001", (ring, 2), (pendant, 2))
        allocate_order(session, actor=b.actor, order_id=sales.id)
        doc = create_pick_list(session, actor=b.actor, order_ids=[sales.id])
        return Floor(db, bins, ring, pendant, doc.number, [ln.id for ln in doc.lines])


@pytest.fixture
def floor(db: Database) -> Floor:
    """The floor on a fresh database (SQLite, and PostgreSQL when configured)."""
    return build_floor(db)


def moves(db: Database, floor: Floor) -> list[tuple[str, str, str, int]]:
    """(sku, from, to, quantity) of the moves in and out of packing, oldest first."""
    with db.read() as session:
        rows, _ = list_moves(session, filters=MoveFilter(location="PACK"), limit=100, offset=0)
    return [(str(r["sku"]), str(r["from_location"]), str(r["to_location"]), int(r["quantity"]))
            for r in reversed(rows)]


def move_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(StockMove.id))) or 0


def ledger_ok(db: Database) -> bool:
    with db.read() as session:
        return verify_stock(session).ok


def signed_on(floor: Floor, operator: str = "1001") -> CorePickingBackend:
    backend = CorePickingBackend(floor.db)
    backend.sign_on(operator)
    return backend


def test_sign_on_by_operator_id(floor: Floor) -> None:
    backend = CorePickingBackend(floor.db)
    assert isinstance(backend, PickingBackend)
    assert backend.sign_on("1001") == "pia"
    for unknown in ("9999", "1003"):  # nobody, and a role that does not pick
        with pytest.raises(UnknownOperatorError):
            backend.sign_on(unknown)
    with pytest.raises(UnknownOperatorError):
        backend.next_assignment("1002")  # not signed on
    backend.sign_off("1001")
    with pytest.raises(UnknownOperatorError):
        backend.next_assignment("1001")


def test_next_assignment_claims_the_oldest_open_list(floor: Floor) -> None:
    backend = signed_on(floor)
    lines = backend.next_assignment("1001")
    assert [line.line_id for line in lines] == [str(i) for i in floor.line_ids]
    ring, pendant = lines
    assert (ring.location_code, ring.aisle, ring.bay, ring.level, ring.check_digits) == (
        floor.bins[0], "1", "1", "1", "17")
    assert (ring.sku_code, ring.quantity, ring.serialised, ring.serials) == (
        floor.ring, 2, False, ())
    assert ring.description == "Au750 rose gold Heart pendant 1, size 7"
    assert (pendant.check_digits, pendant.serialised, pendant.serials) == (
        "31", True, tuple(PENDANT_SERIALS))
    with floor.db.read() as session:
        doc = session.scalar(select(Document).where(Document.number == floor.pick_list))
        assert doc is not None and doc.assignee_id is not None
    # The list is pia's now: paul gets nothing, pia gets the same list again.
    paul = signed_on(floor, "1002")
    assert paul.next_assignment("1002") == []
    assert [line.line_id for line in backend.next_assignment("1001")] == [
        str(i) for i in floor.line_ids]


def test_sequencer_reorders_the_bins(floor: Floor) -> None:
    backend = CorePickingBackend(floor.db, sequencer=lambda codes: list(reversed(codes)))
    backend.sign_on("1001")
    assert [line.sku_code for line in backend.next_assignment("1001")] == [
        floor.pendant, floor.ring]


def test_confirm_is_idempotent(floor: Floor) -> None:
    backend = signed_on(floor)
    ring = backend.next_assignment("1001")[0]
    before = move_count(floor.db)
    for _ in range(3):  # the reply was lost twice: the headset retries with the same key
        backend.confirm_pick("1001", ring.line_id, quantity=2, serials=(),
                             idempotency_key="voice:ring:0")
    assert move_count(floor.db) == before + 1
    with pytest.raises(PickRejectedError, match="another posting"):
        backend.confirm_pick("1001", ring.line_id, quantity=1, serials=(),
                             idempotency_key="voice:ring:0")
    # Another key for a line already picked is refused by the core, and posts nothing.
    with pytest.raises(PickRejectedError):
        backend.confirm_pick("1001", ring.line_id, quantity=2, serials=(),
                             idempotency_key="voice:ring:1")
    assert moves(floor.db, floor) == [(floor.ring, floor.bins[0], "PACK", 2)]
    assert ledger_ok(floor.db)


def test_wrong_serial_is_rejected_and_nothing_posted(floor: Floor) -> None:
    backend = signed_on(floor)
    pendant = backend.next_assignment("1001")[1]
    before = move_count(floor.db)
    for serials in (("AUR-0001-K72A", "NO-SUCH-PIECE"), ("AUR-0001-K72A",),
                    ("AUR-0001-K72A", "AUR-0001-K72A")):
        with pytest.raises(PickRejectedError):
            backend.confirm_pick("1001", pendant.line_id, quantity=2, serials=serials,
                                 idempotency_key=f"voice:p:{len(serials)}:{serials[-1]}")
    assert move_count(floor.db) == before
    backend.confirm_pick("1001", pendant.line_id, quantity=2,
                         serials=("AUR-0001-K72A", "AUR-0003-X8Y1"), idempotency_key="voice:p:ok")
    assert moves(floor.db, floor) == [(floor.pendant, floor.bins[2], "PACK", 2)]


def test_short_skip_and_undo(floor: Floor) -> None:
    backend = signed_on(floor)
    ring, pendant = backend.next_assignment("1001")
    with pytest.raises(NothingToUndoError):
        backend.undo_last("1001")
    backend.skip_line("1001", ring.line_id)
    with floor.db.read() as session:
        line = session.get_one(DocumentLine, int(ring.line_id))
        assert (line.status, line.data) == ("open", {"skipped": 1})
    backend.report_short("1001", pendant.line_id, quantity_picked=1,
                         serials=("AUR-0002-D4E5",), idempotency_key="voice:p:0")
    backend.report_short("1001", pendant.line_id, quantity_picked=1,
                         serials=("AUR-0002-D4E5",), idempotency_key="voice:p:0")  # a retry
    backend.confirm_pick("1001", ring.line_id, quantity=2, serials=(),
                         idempotency_key="voice:r:0")
    assert moves(floor.db, floor) == [(floor.pendant, floor.bins[2], "PACK", 1),
                                      (floor.ring, floor.bins[0], "PACK", 2)]
    # Undo takes back the latest posting first: the ring, then the short pendant.
    assert backend.undo_last("1001") == ring.line_id
    assert backend.undo_last("1001") == pendant.line_id
    with pytest.raises(NothingToUndoError):
        backend.undo_last("1001")
    assert backend.next_assignment("1001") == [ring, pendant]
    assert [m[1:] for m in moves(floor.db, floor)] == [
        (floor.bins[2], "PACK", 1), (floor.bins[0], "PACK", 2),
        ("PACK", floor.bins[0], 2), ("PACK", floor.bins[2], 1)]
    assert ledger_ok(floor.db)


def test_full_dialogue_through_the_machine(floor: Floor) -> None:
    backend = CorePickingBackend(floor.db)
    machine = DialogueMachine(backend, load_language("en"))
    session = VoiceSession(machine, FakeSpeechEngine().recognizer(), EnergyVad())
    session.start()
    said = ["one zero zero one", "ready", "ready", "one seven", "two", "three one", "two",
            "kilo seven two alpha", "echo five", "delta four echo five", "sign off", "yes"]
    prompts = []
    for text in said:
        events = session.feed_audio(encode_text(text))
        prompts += [e.text for e in events if e.type == "prompt"]
    assert prompts == [
        "Hello pia. Say ready.", "2 lines. Aisle 1.", "Bay 1, level 1.",
        "Pick 2, Au750 rose gold Heart pendant 1, size 7.", "Bay 3, level 1.",
        "Pick 2, Au750 rose gold Heart pendant 2, size 7.", "Serial 1 of 2.",
        "Serial 2 of 2.", "Pardon? Serial 2 of 2.", "Assignment done. Say ready, or sign off.",
        "Sign off? Yes or no.", "Goodbye pia.",
    ]
    assert session.ended
    assert moves(floor.db, floor) == [(floor.ring, floor.bins[0], "PACK", 2),
                                      (floor.pendant, floor.bins[2], "PACK", 2)]
    assert ledger_ok(floor.db)
    with floor.db.read() as session_:
        doc = session_.scalar(select(Document).where(Document.number == floor.pick_list))
        assert doc is not None and doc.status == "done"
