"""Actions from the chat: each asks first and posts nothing, posts exactly once on "yes", nothing
on "no", on another question or for a role without the right; through the real services on a
copy of the demo (SQLite, and PostgreSQL when FACET_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import copy
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, select, text

from assistant.chat import Assistant
from assistant.conversations import MemoryConversations, SharedConversations
from core import Actor, CoreSettings, Database
from core.alerts import raise_alert
from core.demo import DEMO_PASSWORD
from core.documents import preview_count
from core.lots import set_hold
from core.lots.models import Lot, LotStatus
from core.orders import create_order
from core.orders.schemas import OrderCreate
from core.orm import Base
from core.reports import ReportFilter, reorder_advice
from tests.pg import PG_URL
from tests.web.test_ws_tickets import ticket_url
from web.app import Settings, create_app
from web.services import services_of

# Tables an action may write; "posted nothing" means none of them changed.
TABLES = ("audit_log", "documents", "stock_moves", "reservations", "purchase_orders",
          "idempotency_keys")
_ORDERS = count(1)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def action_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A copy of the small demo of this module's own: the actions change it."""
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("FACET_TEST_POSTGRES_URL is not set")
    demo: Database = request.getfixturevalue("demo_db")
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        _copy_demo(demo.url, url)
        db = Database(url)
    else:
        path = tmp_path_factory.mktemp("actions") / "demo.db"
        with sqlite3.connect(demo.url.removeprefix("sqlite:///")) as src, \
                sqlite3.connect(path) as dst:
            src.backup(dst)
        db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()


def _copy_demo(source: str, target: str) -> None:
    """Every row of the SQLite demo copied into a migrated PostgreSQL database (seconds, where
    loading the demo there again takes minutes)."""
    tables = Base.metadata.sorted_tables
    src, dst = create_engine(source), create_engine(target)
    with dst.begin() as conn, src.connect() as read:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables)
                          + " RESTART IDENTITY CASCADE"))
        for table in tables:
            rows = [dict(r._mapping) for r in read.execute(select(table))]
            if rows:
                conn.execute(insert(table), rows)
            if rows and "id" in table.c:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', "
                                  f"'id'), (SELECT max(id) FROM \"{table.name}\"))"))
    src.dispose()
    dst.dispose()


@pytest.fixture(scope="module")
def chat(assistant: Assistant, action_db: Database) -> Assistant:
    """The session's warmed-up assistant answering from this module's database."""
    clone = copy.copy(assistant)
    clone.db, clone._version, clone._lock = action_db, None, threading.Lock()
    clone.conversations = MemoryConversations(900)
    return clone


@pytest.fixture(scope="module")
def people(action_db: Database) -> dict[str, Actor]:
    from core.people.models import User

    with action_db.read() as session:
        return {u.username: Actor(u.id, u.username, u.role)
                for u in session.scalars(select(User))}


def _counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {t: int(session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                for t in TABLES}


def _audited(db: Database, action: str) -> int:
    with db.read() as session:
        return int(session.execute(text("SELECT count(*) FROM audit_log WHERE action = :a"),
                                   {"a": action}).scalar_one())


def _approved_lot(db: Database, skip: int = 0) -> str:
    """An approved lot with stock inside (lots change as tests hold and recall them)."""
    with db.read() as session:
        codes = session.scalars(select(Lot.code).where(Lot.status == LotStatus.APPROVED)
                                .order_by(Lot.id)).all()
    return codes[skip]


# Each case: the question that asks for the action (made fresh: earlier tests change the demo)
# and the audit action its one posting writes.
@dataclass(frozen=True)
class Case:
    question: Callable[[Database, dict[str, Actor]], str]
    audit: str


def _release(db: Database, people: dict[str, Actor]) -> str:
    lot = _approved_lot(db, 1)
    with db.write() as session:
        set_hold(session, actor=people["qc"], code=lot, hold=True, reason="test")
    return f"release lot {lot} from hold"


def _reserve(db: Database, people: dict[str, Actor]) -> str:
    with db.read() as session:
        sku = session.execute(text(
            "SELECT s.code FROM balances b JOIN skus s ON s.id = b.sku_id "
            "JOIN lots l ON l.id = b.lot_id JOIN locations c ON c.id = b.location_id "
            "WHERE b.on_hand - b.reserved >= 2 AND l.status = 'approved' "
            "AND c.kind IN ('pick_face', 'reserve', 'vault') ORDER BY s.code")).scalars().first()
    ref = f"WEB-261203-{90000 + next(_ORDERS)}"
    with db.write() as session:
        create_order(session, actor=people["clerk"], data=OrderCreate(
            channel="webshop", external_id=ref, customer_name="Test Customer",
            lines=[{"sku": sku, "quantity": 2}]))
    return f"reserve two of these for order {ref}"


def _count(db: Database, _people: dict[str, Actor]) -> str:
    with db.read() as session:
        for aisle in ("A01", "A02", "R03", "V04"):
            try:
                preview_count(session, locations=[aisle])
            except Exception:
                continue
            return f"start a count of aisle {aisle}"
    raise AssertionError("every aisle is being counted")


def _alert(db: Database, _people: dict[str, Actor]) -> str:
    with db.write() as session:
        raise_alert(session, camera="cam-vault", zone="vault", rule="loitering",
                    severity="high", message="a person in the vault")
    return "acknowledge the vault alert"


def _purchase(db: Database, _people: dict[str, Actor]) -> str:
    with db.read() as session:
        for supplier in ("VALENZA", "AREZZO", "JAIPUR", "ANTWERP"):
            advice = reorder_advice(session, ReportFilter(supplier=supplier))
            if any(int(str(r["suggested_quantity"])) > 0 for r in advice):
                return f"draft a purchase order for {supplier} from the reorder advice"
    raise AssertionError("reorder advice suggests nothing for any supplier")


CASES = {
    "hold_lot": Case(lambda db, _p: f"put lot {_approved_lot(db)} on hold", "lot.hold"),
    "release_lot": Case(_release, "lot.release"),
    "recall_lot": Case(lambda db, _p: f"recall lot {_approved_lot(db, 2)}", "lot.recall"),
    "reserve_for_order": Case(_reserve, "order.allocate"),
    "start_cycle_count": Case(_count, "count.open"),
    "acknowledge_alert": Case(_alert, "alert.ack"),
    "draft_purchase_order": Case(_purchase, "purchase_order.create"),
}


def _ask(chat: Assistant, actor: Actor, text_: str, conversation: str) -> dict[str, object]:
    return chat.ask(text_, actor=actor, conversation_id=conversation).as_dict()


@pytest.mark.parametrize("intent", CASES)
def test_asks_first_then_posts_exactly_once(
    intent: str, chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    case, manager = CASES[intent], people["manager"]
    question = case.question(action_db, people)
    before = _counts(action_db)
    asked = _ask(chat, manager, question, f"once-{intent}")
    assert asked["error"] is None, asked["answer"]
    assert asked["intent"] == intent and asked["confirm"]["action"] == intent  # type: ignore[index]
    assert _counts(action_db) == before  # stated, nothing posted
    audited = _audited(action_db, case.audit)
    done = _ask(chat, manager, "yes", f"once-{intent}")
    assert done["intent"] == "confirm" and done["error"] is None, done["answer"]
    assert _audited(action_db, case.audit) == audited + 1
    after = _counts(action_db)
    assert after["idempotency_keys"] == before["idempotency_keys"] + 1
    again = _ask(chat, manager, "yes, do it", f"once-{intent}")
    assert again["error"] is None and "already done" in str(again["answer"])
    assert _counts(action_db) == after


@pytest.mark.parametrize("intent", CASES)
def test_no_and_another_question_post_nothing(
    intent: str, chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    manager, question = people["manager"], CASES[intent].question(action_db, people)
    before = _counts(action_db)
    assert _ask(chat, manager, question, f"no-{intent}")["confirm"]
    denied = _ask(chat, manager, "no", f"no-{intent}")
    assert denied["intent"] == "deny" and denied["error"] is None
    assert _ask(chat, manager, "yes", f"no-{intent}")["error"] == "nothing-pending"
    assert _ask(chat, manager, question, f"drop-{intent}")["confirm"]
    other = _ask(chat, manager, "where is lot G-2311", f"drop-{intent}")
    assert other["intent"] == "locate" and other["error"] is None
    assert _ask(chat, manager, "yes", f"drop-{intent}")["error"] == "nothing-pending"
    assert _counts(action_db) == before


@pytest.mark.parametrize("intent", CASES)
def test_role_without_the_right_is_refused(
    intent: str, chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    question = CASES[intent].question(action_db, people)
    before = _counts(action_db)
    refused = _ask(chat, people["auditor"], question, f"role-{intent}")
    assert refused["error"] == "forbidden" and refused["confirm"] is None
    assert _ask(chat, people["auditor"], "yes", f"role-{intent}")["error"] == "nothing-pending"
    assert _counts(action_db) == before


def test_picker_cannot_hold_and_role_is_checked_again_at_yes(
    chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    lot = _approved_lot(action_db)
    assert _ask(chat, people["picker"], f"put lot {lot} on hold", "picker")["error"] == "forbidden"
    assert _ask(chat, people["manager"], f"put lot {lot} on hold", "demoted")["confirm"]
    before = _counts(action_db)
    demoted = Actor(people["manager"].id, "manager", "finance_auditor")  # role changed since
    assert _ask(chat, demoted, "yes", "demoted")["error"] == "forbidden"
    assert _counts(action_db) == before


def test_core_refusals_are_chat_errors_and_post_nothing(
    chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    manager = people["manager"]
    order = _reserve(action_db, people).rsplit(" ", 1)[1]  # an order needing 2 pieces
    before = _counts(action_db)
    free = _approved_lot(action_db)  # approved, not on hold: nothing to release
    supplier, pieces = _most_advised(action_db)  # the demo's advice moves with the date
    cases = {f"release lot {free}": "lot-not-releasable", "put lot Q-0000 on hold": None,
             "draft a purchase order": "missing-slot", "ack alert 4242": "alert-not-open",
             f"reserve five of these for order {order}": "quantity-mismatch",
             # several SKUs: a number of pieces cannot be split between them
             f"create a purchase order for {pieces + 1} pieces from {supplier}":
                 "quantity-not-advised",
             # a number of any length is a quantity ('of 9999…' is no serial 'OF9999…')
             f"draft a PO for {supplier} of 99999999999999999999 pieces": "quantity-not-advised",
             f"reserve 99999999999999999999 of these for order {order}": "quantity-mismatch"}
    for question, code in cases.items():
        reply = _ask(chat, manager, question, "refusals")
        assert reply["error"] is not None and reply["confirm"] is None, question
        assert code is None or reply["error"] == code, (question, reply["error"])
    assert _counts(action_db) == before


def test_a_yes_racing_another_worker_posts_once(
    chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    """Two workers share the conversations; both read the pending action before either marked
    it done: the idempotency key in the posting's transaction lets only one post."""
    shared = SharedConversations(action_db, 900)
    first, second = copy.copy(chat), copy.copy(chat)
    first.conversations = second.conversations = shared
    manager = people["manager"]
    _alert(action_db, people)
    asked = _ask(first, manager, "acknowledge the vault alert", "race")
    assert asked["confirm"], asked["answer"]
    stale = shared.get("race", manager.id)
    assert stale is not None and stale.pending is not None and not stale.pending["done"]
    done = _ask(first, manager, "yes", "race")
    assert done["error"] is None and "acknowledged" in str(done["answer"])
    after = _counts(action_db)
    shared.put("race", manager.id, stale)  # the second worker still sees it waiting
    late = _ask(second, manager, "yes", "race")
    assert late["error"] is None and "already done" in str(late["answer"])
    assert _counts(action_db) == after


def test_chinese_confirm(chat: Assistant, action_db: Database, people: dict[str, Actor]) -> None:
    lot, manager = _approved_lot(action_db), people["manager"]
    asked = _ask(chat, manager, f"冻结批次 {lot}", "zh")
    assert asked["intent"] == "hold_lot" and asked["slots"] == {"lot": lot} and asked["confirm"]
    before = _audited(action_db, "lot.hold")
    assert _ask(chat, manager, "取消", "zh")["intent"] == "deny"
    assert _ask(chat, manager, f"冻结批次 {lot}", "zh")["confirm"]
    assert _ask(chat, manager, "确认", "zh")["intent"] == "confirm"
    assert _audited(action_db, "lot.hold") == before + 1


@pytest.fixture(scope="module")
def client(chat: Assistant, action_db: Database) -> Iterator[TestClient]:
    """The real app on this module's database, its workers sharing conversations in it."""
    settings = CoreSettings(database_url=action_db.url, secret_key="chat-test-signing-key-" * 2,
                            demo_mode=True)
    app = create_app(Settings(core=settings))
    web_chat = copy.copy(chat)
    web_chat.conversations = SharedConversations(action_db, 900)
    services_of(app).assistant = web_chat
    with TestClient(app) as test_client:
        yield test_client


def _token(client: TestClient, user: str) -> str:
    answer = client.post("/api/auth/token", data={"username": user, "password": DEMO_PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_confirm_over_http_and_websocket(
    client: TestClient, action_db: Database, people: dict[str, Actor]
) -> None:
    headers = {"Authorization": f"Bearer {_token(client, 'manager')}"}
    lot = _approved_lot(action_db)
    asked = client.post("/api/assistant/chat", headers=headers,
                        json={"text": f"put lot {lot} on hold"}).json()
    assert asked["confirm"]["action"] == "hold_lot" and lot in asked["confirm"]["summary"]
    held = _audited(action_db, "lot.hold")
    done = client.post("/api/assistant/chat", headers=headers, json={
        "text": "yes", "conversation_id": asked["conversation_id"]})
    assert done.status_code == 200 and done.json()["intent"] == "confirm"
    assert _audited(action_db, "lot.hold") == held + 1
    with action_db.read() as session:
        status = session.scalar(select(Lot.status).where(Lot.code == lot))
    assert status == LotStatus.ON_HOLD
    _alert(action_db, people)
    acked = _audited(action_db, "alert.ack")
    token = _token(client, "manager")
    with client.websocket_connect(ticket_url(client, "/ws/assistant", token)) as ws:
        ws.send_json({"text": "acknowledge the vault alert"})
        first = ws.receive_json()
        assert first["type"] == "answer" and first["confirm"]["action"] == "acknowledge_alert"
        ws.send_json({"text": "yes"})
        second = ws.receive_json()
        assert second["intent"] == "confirm" and second["error"] is None
    assert _audited(action_db, "alert.ack") == acked + 1


def test_action_slots(chat: Assistant, people: dict[str, Actor]) -> None:
    """Slots only actions use, scanned from the question (asked by a role that may act)."""
    manager = people["manager"]
    hold = _ask(chat, manager, "hold lot G-2311 because the assay came back low", "slots")
    assert hold["slots"] == {"lot": "G-2311", "reason": "the assay came back low"}
    count_ = _ask(chat, manager, "count aisle 2", "slots")
    assert count_["slots"] == {"location": "A02"}
    ack = _ask(chat, manager, "ack alert 42", "slots")
    assert ack["slots"] == {"alert": "42"}
    po = _ask(chat, manager, "draft a po for rings from AREZZO", "slots")
    assert po["slots"] == {"category": "ring", "supplier": "AREZZO"}


def test_silence_posts_nothing(
    chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    """A pending action expires with its conversation: a late "yes" finds nothing to do."""
    clock = [0.0]
    quiet = copy.copy(chat)
    quiet.conversations = MemoryConversations(60, clock=lambda: clock[0])
    manager, lot = people["manager"], _approved_lot(action_db)
    assert _ask(quiet, manager, f"put lot {lot} on hold", "quiet")["confirm"]
    before = _counts(action_db)
    clock[0] += 61
    assert _ask(quiet, manager, "yes", "quiet")["error"] == "nothing-pending"
    assert _counts(action_db) == before


def _answer_a_hold(chat: Assistant, db: Database, manager: Actor, ask: str, reply: str,
                   posts: bool, said: str | None = None) -> None:
    """Ask to hold a lot that can be held (`ask` with {lot}), answer `reply`: it is a yes that
    posts the hold once, or a no (or ``said``: a hold-on) that posts nothing."""
    conversation = f"hold-{ask}-{reply}"
    asked = _ask(chat, manager, ask.format(lot=_approved_lot(db)), conversation)
    assert asked["confirm"], asked["answer"]
    audited = _audited(db, "lot.hold")
    answer = _ask(chat, manager, reply, conversation)
    expected = said or ("confirm" if posts else "deny")
    assert answer["intent"] == expected and answer["error"] is None
    assert _audited(db, "lot.hold") == audited + posts


@pytest.mark.parametrize(("reply", "posts", "said"), [
    ("唔好", False, None), ("唔使住", False, None), ("唔該唔使喇", False, None),
    ("咪住先", False, "wait"), ("等陣先", False, "wait"),
    ("得", True, None), ("冇問題", True, None), ("做啦", True, None),
])
def test_a_cantonese_yes_posts_and_a_cantonese_no_cancels(
    reply: str, posts: bool, said: str | None, chat: Assistant, action_db: Database,
    people: dict[str, Actor]
) -> None:
    """Hong Kong managers answer a plan in Cantonese: 唔好 / 唔使住 cancel it (they were
    refused as out of scope, which dropped the plan but said the chat could not help), 咪住 /
    等陣 (hold on) keep it waiting, 得 and 冇問題 carry it out."""
    _answer_a_hold(chat, action_db, people["manager"], "hold lot {lot}", reply, posts, said)


@pytest.mark.parametrize(("replies", "posts"), [
    (["hang on", "righto, do it"], True), (["wait lang", "ok go po"], True),
    (["等一歇", "好额"], True), (["hang on"], False), (["no wait", "no"], False),
    (["hang on", "hang on", "yes"], True),
])
def test_a_hold_on_keeps_the_action_for_a_later_answer(
    replies: list[str], posts: bool, chat: Assistant, action_db: Database,
    people: dict[str, Actor]
) -> None:
    """'hang on' posts nothing and drops nothing: the hold waits for the yes or no after it.
    (A lot held here is released again: the other tests need approved lots.)"""
    manager, lot = people["manager"], _approved_lot(action_db)
    conversation = f"wait-{'-'.join(replies)}"
    asked = _ask(chat, manager, f"hold lot {lot}", conversation)
    assert asked["confirm"], asked["answer"]
    audited = _audited(action_db, "lot.hold")
    for reply in replies[:-1]:
        held = _ask(chat, manager, reply, conversation)
        assert held["intent"] == "wait" and held["error"] is None, held
        assert _audited(action_db, "lot.hold") == audited
    _ask(chat, manager, replies[-1], conversation)
    assert _audited(action_db, "lot.hold") == audited + posts
    if posts:
        with action_db.write() as session:
            set_hold(session, actor=people["qc"], code=lot, hold=False, reason="test")


def _most_advised(db: Database) -> tuple[str, int]:
    """The supplier whose own reorder advice proposes the most now, and the pieces it proposes
    (what a draft 'from reorder advice' orders from it: only goods that supplier supplies)."""
    from core.reports import reorder_advice_by_supplier

    with db.read() as session:
        _, own = reorder_advice_by_supplier(session, ReportFilter())
    proposed = {code: sum(max(0, int(str(r["suggested_quantity"]))) for r in rows)
                for code, rows in sorted(own.items())}
    supplier = max(proposed, key=lambda code: proposed[code])  # the first of a tie
    return supplier, proposed[supplier]


@pytest.mark.parametrize("question", ["draft a PO from reorder advice",
                                      "PO draft per reorder adv", "按补货建议下个采购草稿单"])
def test_a_draft_from_reorder_advice_names_no_supplier_and_goes_to_the_one_proposing_most(
    question: str, chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    """Asked from the reorder advice without a supplier, the draft goes to the supplier whose
    own advice proposes the most; it states the supplier and pieces and waits for yes, which
    posts it once; 'no' posts nothing."""
    manager = people["manager"]
    supplier, pieces = _most_advised(action_db)
    before = _counts(action_db)
    asked = _ask(chat, manager, question, f"advice-{question}")
    assert asked["error"] is None and asked["confirm"], asked["answer"]
    assert supplier in str(asked["answer"]) and str(pieces) in str(asked["answer"])
    assert _counts(action_db) == before
    assert _ask(chat, manager, "no", f"advice-{question}")["intent"] == "deny"
    assert _counts(action_db) == before
    assert _ask(chat, manager, question, f"advice-yes-{question}")["confirm"]
    done = _ask(chat, manager, "yes", f"advice-yes-{question}")
    assert done["error"] is None and supplier in str(done["answer"]), done["answer"]
    after = _counts(action_db)
    assert after["purchase_orders"] == before["purchase_orders"] + 1
    assert _ask(chat, manager, "yes", f"advice-yes-{question}")["error"] is None  # replayed
    assert _counts(action_db) == after


def test_a_draft_from_reorder_advice_of_another_quantity_or_by_an_auditor_posts_nothing(
    chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    """'... but make it 100 pcs' is refused saying what the advice proposes; an auditor may not
    draft; a plain 'draft a purchase order' names nothing to order and asks which supplier."""
    before = _counts(action_db)
    other = _ask(chat, people["manager"], "draft PO from reorder advice but make it 100 pcs",
                 "advice-100")
    assert other["error"] == "quantity-not-advised" and other["confirm"] is None
    assert _ask(chat, people["manager"], "yes", "advice-100")["error"] == "nothing-pending"
    audit = _ask(chat, people["auditor"], "draft a PO from reorder advice", "advice-auditor")
    assert audit["error"] == "forbidden" and audit["confirm"] is None
    assert _ask(chat, people["auditor"], "yes", "advice-auditor")["error"] == "nothing-pending"
    bare = _ask(chat, people["manager"], "draft a purchase order", "advice-bare")
    assert bare["error"] == "missing-slot"
    assert _counts(action_db) == before


@pytest.mark.parametrize(("reply", "posts"), [("sí, dale", True), ("dale", True),
                                              ("no", False), ("mejor no", False)])
def test_a_spanish_yes_posts_and_a_spanish_no_cancels(
    reply: str, posts: bool, chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    """Bilingual supervisors answer a plan in Spanish: 'sí, dale' carries it out."""
    _answer_a_hold(chat, action_db, people["manager"], "oye, hold lot {lot}", reply, posts)


def test_ack_with_a_bare_number_reads_that_alert_and_never_another(
    chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    """'ack 1 again' names alert 1: acknowledged already, it is refused (the latest open
    alert is not acknowledged in its place)."""
    manager = people["manager"]
    with action_db.write() as session:
        first = raise_alert(session, zone="vault", camera="cam-i11", rule="door_open",
                            severity="high", message="door held open").id
    assert _ask(chat, manager, f"ack {first}", "ack-bare")["confirm"]
    assert _ask(chat, manager, "yes", "ack-bare")["error"] is None
    with action_db.write() as session:
        raise_alert(session, zone="vault", camera="cam-i11b", rule="loitering",
                    severity="high", message="a person in the vault")
    before = _counts(action_db)
    again = _ask(chat, manager, f"ack {first} again", "ack-again")
    slots = again["slots"]
    assert isinstance(slots, dict) and slots.get("alert") == str(first)
    assert again["error"] == "alert-not-open" and again["confirm"] is None
    assert _ask(chat, manager, "yes", "ack-again")["error"] == "nothing-pending"
    assert _counts(action_db) == before


def test_lock_is_a_hold_and_not_locking_is_a_no(
    chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    """锁一下 (lock it) holds a lot; 不锁了 (don't lock) cancels."""
    manager, lot = people["manager"], _approved_lot(action_db)
    before = _counts(action_db)
    asked = _ask(chat, manager, f"{lot}锁一下", "lock")
    assert asked["intent"] == "hold_lot" and asked["confirm"], asked["answer"]
    assert _ask(chat, manager, "不锁了", "lock")["intent"] == "deny"
    assert _counts(action_db) == before


def test_a_yes_to_a_count_asked_back_takes_the_count(
    chat: Assistant, action_db: Database, people: dict[str, Actor]
) -> None:
    """'cnt V04-02' (count, or how many are there?) asked back, then 'y': the yes takes the
    first reading offered (which comes first is the intent models' call); the count, when it is
    that reading, is stated and waits for its own yes, and the stock count posts nothing."""
    manager = people["manager"]
    before = _counts(action_db)
    first = _ask(chat, manager, "cnt V04-02", "cnt")
    if first["confirm"] is None:
        assert first["error"] == "ambiguous", first["answer"]
        offered = [str(c["intent"]) for c in first["choices"]]
        assert "start_cycle_count" in offered and "count_stock" in offered, offered
        first = _ask(chat, manager, "y", "cnt")
        assert first["intent"] == offered[0], (offered, first["answer"])
        if offered[0] == "count_stock":
            assert first["error"] is None and not first["confirm"]
            assert _counts(action_db) == before
            first = _ask(chat, manager, "start a cycle count of V04-02", "cnt")
    assert first["intent"] == "start_cycle_count" and first["confirm"], first["answer"]
    assert _counts(action_db) == before  # stated, not yet done
    assert _ask(chat, manager, "y", "cnt")["error"] is None
    assert _counts(action_db)["documents"] == before["documents"] + 1
