"""Round 14's classes on the chat's slot and action side (helper chatS5, issue 18): a yes or no
to a waiting action in the words of home (中, 要, 得嘞, 拉倒, 唔使, 'can lah'), karats as
speech-to-text writes them ('eighteen carrot'), dialect period words (今朝, 昨儿个, 上礼拜),
and a follow-up to a question that was asked back ('手镯呢' after '戒指: count or value?')."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.entities.attributes import scan_attributes
from assistant.entities.periods import parse_period
from assistant.intents.encoder import SentenceEncoder
from assistant.settings import AssistantSettings
from core import Actor, Database
from core.audit.models import AuditEntry
from tests.assistant.chat.slot_reading import advised_sku, resolver_for


@pytest.mark.parametrize("text", [
    "中", "要", "得嘞", "好嘞", "妥", "整吧", "行啊", "可以的", "冇问题", "係呀", "好嘅", "好额",
    "嗯呐", "要得", "ok yes", "yes go ahead", "can lah", "ok krub", "yes, do it!", "ok la",
    "sure thing", "dạ", "確認", "好的，开始吧", "y",
])
def test_a_yes_in_the_words_of_home_is_yes(text: str) -> None:
    assert short_answer(text) == "confirm"


@pytest.mark.parametrize("text", [
    "不中", "不要了", "拉倒", "算球", "算了 不要", "唔要", "唔使", "覅", "甭了", "别整了",
    "no not yet", "nope", "cancel that", "never mind", "không", "唔好住",
    "hmm no, just hold off", "nah leave it",
])
def test_a_no_in_the_words_of_home_is_no(text: str) -> None:
    assert short_answer(text) == "deny"


@pytest.mark.parametrize("text", [
    "hang on", "no wait", "wait a sec", "等一下", "咪住先", "teka lang", "yeah nah hang on",
])
def test_a_hold_on_keeps_the_action_waiting(text: str) -> None:
    assert short_answer(text) == "wait"


@pytest.mark.parametrize("text", [
    "ok wait", "要不要", "中不中", "好 不要了", "now", "nothing", "how many rings", "G-2311",
    "yes but no", "",
])
def test_anything_else_is_left_to_the_intent_decision(text: str) -> None:
    assert short_answer(text) is None


@pytest.fixture(scope="module")
def own_chat(demo_db: Database, encoder: SentenceEncoder,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assistant, Database]]:
    """The chat on a copy of the demo of this module's own (its actions post)."""
    path: Path = tmp_path_factory.mktemp("chatS5") / "demo.db"
    with sqlite3.connect(demo_db.url.removeprefix("sqlite:///")) as src, \
            sqlite3.connect(path) as dst:
        src.backup(dst)
    db = Database(f"sqlite:///{path}")
    yield Assistant(db, AssistantSettings(), encoder=encoder), db
    db.dispose()


def _audits(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _talk(chat: Assistant, actor: Actor, *turns: str) -> list[dict[str, Any]]:
    conversation = str(uuid.uuid4())
    return [chat.ask(t, actor=actor, conversation_id=conversation).as_dict() for t in turns]


@pytest.mark.parametrize(("ask", "answer", "action", "posts"), [
    ("put lot G-2311 on hold", "不中", "hold_lot", False),
    ("put lot G-2311 on hold", "拉倒吧", "hold_lot", False),
    ("put lot G-2311 on hold", "算球", "hold_lot", False),
    ("draft a purchase order for {sku}", "不要了", "draft_purchase_order", False),
    ("put lot G-2311 on hold", "中", "hold_lot", True),
    ("draft a purchase order for {sku}", "要", "draft_purchase_order", True),
])
def test_a_regional_yes_posts_once_and_a_regional_no_posts_nothing(
    own_chat: tuple[Assistant, Database], actors: dict[str, Actor], ask: str, answer: str,
    action: str, posts: bool,
) -> None:
    chat, db = own_chat
    before = _audits(db)
    stated, reply = _talk(chat, actors["manager"], ask.format(sku=advised_sku(db)), answer)
    assert stated["intent"] == action and stated.get("confirm"), stated
    assert reply["intent"] == ("confirm" if posts else "deny"), reply
    assert (_audits(db) > before) is posts


def test_a_regional_yes_with_nothing_waiting_is_not_an_answer(
    own_chat: tuple[Assistant, Database], actors: dict[str, Actor]
) -> None:
    chat, _db = own_chat
    (reply,) = _talk(chat, actors["manager"], "要")
    assert reply["intent"] not in ("confirm", "deny") or reply.get("error"), reply


@pytest.mark.parametrize(("text", "purity"), [
    ("how many eighteen carrot yellow gold bangles size M", "Au750"),
    ("for teen K earrings how many on hand", "Au585"),
    ("18 carrot rings in stock", "Au750"),
    ("twenty four kay chains", "Au999"),
])
def test_karats_as_speech_to_text_writes_them(assistant: Assistant, actors: dict[str, Actor],
                                              text: str, purity: str) -> None:
    resolver = resolver_for(assistant, actors["manager"])
    assert scan_attributes(text.lower(), resolver.index.vocab).slots.get("purity") == purity


@pytest.mark.parametrize(("text", "period"), [
    ("侬看看摄像头今朝报了啥警", "today"), ("今儿个卖了多少", "today"),
    ("昨儿个的警报", "yesterday"), ("上礼拜的损耗", "last_week"),
    ("这礼拜卖得最好的", "this_week"), ("旧年的周转", "last_year"),
    ("best sellers last weak", "last_week"),
])
def test_dialect_period_words(text: str, period: str) -> None:
    found = parse_period(text, datetime(2026, 12, 5, 12, tzinfo=UTC))
    assert found is not None and found.key == period, found


def test_a_follow_up_to_a_question_asked_back_asks_it_again_for_the_new_value(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    first, then = _talk(assistant, actors["manager"], "戒指库存多少", "手镯呢")
    if first.get("error") != "ambiguous":
        pytest.skip("the first question is no longer asked back")
    assert then.get("error") == "ambiguous", then
    assert [c["intent"] for c in then["choices"]] == [c["intent"] for c in first["choices"]]


def test_a_choice_picked_after_an_ask_back_keeps_the_values_asked_about(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    first, _then, picked = _talk(assistant, actors["manager"], "戒指库存多少", "手镯呢", "库存数量")
    if first.get("error") != "ambiguous":
        pytest.skip("the first question is no longer asked back")
    assert picked["intent"] == "count_stock" and picked["slots"] == {"category": "bangle"}, picked


def test_an_ask_back_read_by_similarity_names_no_product_called_stock(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    from assistant.entities.resolve import extract_slots
    slots = extract_slots("戒指库存多少", "count_stock", resolver_for(assistant, actors["manager"]))
    assert slots == {"category": "ring"}


@pytest.mark.parametrize("text", ["open orders in the vault", "金库里的待处理订单"])
def test_open_orders_by_place_say_a_place_narrows_nothing(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    (reply,) = _talk(assistant, actors["manager"], text)
    assert reply["intent"] == "pending_orders" and reply["slots"].get("zone") == "VLT", reply
    assert "VLT" in reply["answer"], reply["answer"]
