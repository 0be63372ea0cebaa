"""The chat after the third retired blind set: terse questions the similarity tier reads clearly
are answered, a named sales order narrows the open orders, a role word that is also a username,
white gold in Chinese, denied cues, actions on the lot of the question before, Chinese alert
numbers, bare periods as follow-ups."""

from __future__ import annotations

import uuid

import pytest

from assistant.chat import Assistant, _negated
from assistant.entities.attributes import Vocab, scan_attributes
from assistant.entities.resolve import bare_username
from core import Actor
from core.reports import pending_orders


def _ask(assistant: Assistant, actor: Actor, text: str, conversation: str | None = None) -> dict:
    return assistant.ask(text, actor=actor, conversation_id=conversation).as_dict()


def _open_order(assistant: Assistant) -> str:
    with assistant.db.read() as session:
        return str(pending_orders(session)[0]["order"])


def test_a_terse_question_read_far_from_its_partner_is_answered(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    # 'pick progress' reads as open orders far above stock on order: no ask-back
    reply = _ask(assistant, actors["manager"], "pick progress")
    assert reply["error"] is None and reply["intent"] == "pending_orders"


def test_a_named_sales_order_narrows_the_open_orders(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    order = _open_order(assistant)
    for text in (f"has {order} been picked yet", f"what's the status of order {order}",
                 f"{order}拣到哪了"):
        reply = _ask(assistant, actors["manager"], text)
        assert reply["error"] is None and reply["intent"] == "pending_orders", text
        assert reply["slots"]["order"] == order
        assert [row["order"] for row in reply["data"]] == [order]
        assert order in reply["answer"]


def test_a_role_word_that_is_a_username_is_a_person_only_when_named_bare(
    assistant: Assistant,
) -> None:
    with assistant.db.read() as session:
        index, _ = assistant._catalogue(session)
    assert bare_username("how did picker do yesterday", index) == "picker"
    assert bare_username("numbers for picker, this week", index) == "picker"
    assert bare_username("上周picker拣了多少", index) == "picker"
    for text in ("which picker was fastest", "picker performance today",
                 "how many lines did the picker pick", "top pickers this month"):
        assert bare_username(text, index) is None, text
    assert index.person("picker") == "picker" and index.person("the picker") is None


def test_white_gold_in_chinese_is_gold_with_a_karat() -> None:
    assert scan_attributes("18k 白金 项链", Vocab()).slots == {
        "purity": "Au750", "metal": "gold", "colour": "white", "category": "necklace"}
    assert scan_attributes("白金戒指", Vocab()).slots["metal"] == "platinum"


def test_a_denied_cue_says_nothing() -> None:
    assert _negated("preview", "recall g-2311 for real, not a preview")
    assert _negated("preview", "the preview is done, recall g-2311")
    assert _negated("预览", "不要预览，直接召回g-2311")
    assert not _negated("preview", "preview the recall of g-2311")
    assert not _negated("how many", "how many pieces would a recall of g-2311 hit")


def test_a_recall_with_its_preview_denied_is_the_recall(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "recall lot G-2311 for real, not a preview")
    assert reply["intent"] == "recall_lot" and reply["confirm"] is not None


@pytest.mark.parametrize("follow", ["ok, recall it", "那就正式召回吧"])
def test_a_lot_action_takes_the_lot_of_the_question_before(
    assistant: Assistant, actors: dict[str, Actor], follow: str
) -> None:
    conversation = uuid.uuid4().hex
    first = _ask(assistant, actors["manager"], "what would a recall of G-2311 affect",
                 conversation)
    assert first["intent"] == "recall_preview"
    reply = _ask(assistant, actors["manager"], follow, conversation)
    assert reply["intent"] == "recall_lot" and reply["slots"]["lot"] == "G-2311"
    assert reply["confirm"] is not None  # stated, waiting for yes: nothing posted


def test_chinese_alert_numbers_with_a_measure_word(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "把第3条摄像头告警确认一下")
    assert reply["intent"] == "acknowledge_alert" and reply["slots"].get("alert") == "3"


def test_a_bare_period_refines_the_question_before(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    conversation = uuid.uuid4().hex
    first = _ask(assistant, actors["manager"], "best sellers last month", conversation)
    reply = _ask(assistant, actors["manager"], "this week?", conversation)
    assert reply["intent"] == first["intent"] == "best_sellers"
    assert reply["slots"]["period"] == "this_week"


def test_a_kind_of_place_filters_the_goods_and_place_words_describe_no_product(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    with assistant.db.read() as session:
        index, _ = assistant._catalogue(session)
    vault = index.kind_prefix("vault")
    reply = _ask(assistant, actors["manager"], "how many brooches are kept in the vault")
    assert reply["intent"] == "count_stock" and reply["error"] is None
    assert reply["slots"]["location"] == vault and reply["slots"]["category"] == "brooch"
    reply = _ask(assistant, actors["manager"], "which shelf are the brooches on")
    assert reply["intent"] == "locate" and "product" not in reply["slots"]


def test_a_question_about_a_count_does_not_start_one(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "how many pieces are there in aisle A02")
    assert reply["intent"] == "count_stock" and reply["confirm"] is None


def test_no_action_waiting_a_question_is_never_read_as_no(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    # '要不要' holds '不要' (no): with nothing to confirm it is a question, not a refusal
    reply = _ask(assistant, actors["manager"], "R03的货要不要挪一下位置")
    assert reply["intent"] not in ("confirm", "deny") and reply["error"] != "nothing-pending"


def test_where_a_lot_was_put_is_where_it_is(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "where did we store lot G-2311")
    assert reply["intent"] == "locate" and reply["slots"]["lot"] == "G-2311"
