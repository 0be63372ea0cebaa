"""Slot rules that hold for any phrasing: zones named by a word, SKU codes and people in the
reports whose rows name them, suppliers by their city in Chinese, Cantonese and traditional
characters read as Mandarin, and an irreversible action named bare asked back."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from assistant.entities.resolve import zone_slot
from assistant.handlers.analytics import narrowed
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize(("text", "zone"), [
    ("how many pieces sit in the strong room", "VLT"),
    ("the reserve zone's ageing", "RES"),
    ("slotting for the pick area", "PICK"),
    ("cameras over goods in and out", "OPS"),
    ("备货区的库存", "RES"),
    ("收发区有什么告警", "OPS"),
    ("保险库里的货值多少", "VLT"),
    ("玫瑰金库存值多少", None),  # rose gold's stock (金 + 库存), not the vault
    ("reserve two pieces for order 12", None),
])
def test_a_zone_word_gives_the_zone_code(assistant: Assistant, text: str, zone: str) -> None:
    with assistant.db.read() as session:
        index, _ = assistant._catalogue(session)
    assert zone_slot(text, index) == zone


def test_report_and_count_questions_carry_the_zone_they_name(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "what is the stock in the strong room worth")
    assert reply["intent"] == "stock_value" and reply["slots"]["zone"] == "VLT"
    # the vault's bins still filter the report
    assert reply["slots"]["location"] == "V04" and reply["report"]["filters"]["location"] == "V04"


def test_a_cycle_count_of_a_zone_named_by_a_word_plans_the_zone(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "start a cycle count of the strong room")
    assert reply["intent"] == "start_cycle_count" and reply["slots"]["zone"] == "VLT"
    assert reply["confirm"] is not None and "VLT" in reply["answer"]


def test_cantonese_and_traditional_characters_read_as_mandarin() -> None:
    assert normalise_text("G-2311 喺边度？") == "g-2311在哪里"
    assert normalise_text("仲有边啲單未出貨") == "还有哪些单没出货"
    assert normalise_text("呢啲貨冇郁过") == "这些货没有动过"
    assert normalise_text("那A通道的呢") == "那a通道的呢"  # Mandarin's 呢 stays


def test_sku_prefixes_suppliers_by_chinese_city_and_rows_by_person(
    assistant: Assistant,
) -> None:
    with assistant.db.read() as session:
        index, _ = assistant._catalogue(session)
    full = next(iter(index.skus.values()))
    style_part = full.rsplit("-", 1)[0]
    assert index.sku_prefix(full.lower()) == full
    assert index.sku_prefix(style_part.lower()) == style_part
    assert index.sku_prefix(style_part[:-1].lower()) is None  # not cut at a dash
    assert index.supplier_in("安特卫普那家的货") == "ANTWERP"
    assert index.supplier_in("深圳那家") is None  # no such supplier
    rows = [{"sku": "ST1-A-7", "person": "picker"}, {"sku": "ST1-A-8", "person": "clerk"},
            {"sku": "ST2-B-7", "person": "picker"}]
    assert narrowed(rows, {"sku": "ST1-A"}) == rows[:2]
    assert narrowed(rows, {"sku": "ST1-A", "person": "picker"}) == rows[:1]
    assert narrowed(rows, {"person": "pick"}) == []  # a person is named whole
    assert narrowed([{"supplier": "X"}], {"person": "picker"}) == [{"supplier": "X"}]


def test_report_questions_name_a_sku_or_a_person(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    with assistant.db.read() as session:
        index, _ = assistant._catalogue(session)
    sku = next(iter(index.skus.values()))
    reply = _ask(assistant, actors["manager"], f"reorder advice for {sku.lower()}")
    assert reply["intent"] == "reorder_advice" and reply["slots"]["sku"] == sku
    assert all(str(r["sku"]).startswith(sku) for r in reply["data"])
    reply = _ask(assistant, actors["manager"], "shrinkage booked by clerk this year")
    assert reply["intent"] == "shrinkage" and reply["slots"]["person"] == "clerk"
    assert all(r["person"] == "clerk" for r in reply["data"])


def test_a_recall_asked_is_asked_back_and_a_recall_commanded_is_planned(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    asked = _ask(assistant, actors["manager"], "recall G-2311?")
    assert asked["error"] == "ambiguous"
    assert {c["intent"] for c in asked["choices"]} == {"recall_lot", "recall_preview"}
    bare = _ask(assistant, actors["manager"], "recall G-2311")  # a command: planned, not posted
    assert bare["intent"] == "recall_lot" and bare["confirm"] is not None
    named = _ask(assistant, actors["manager"], "recall lot G-2311")
    assert named["intent"] == "recall_lot" and named["confirm"] is not None
    settled = _ask(assistant, actors["manager"], "recall G-2311, plating failed, do it")
    assert settled["intent"] == "recall_lot" and settled["confirm"] is not None


# Close calls are asked back by the learnt close-call model (assistant/intents/closecall.py),
# no longer by hand-written vague words: 'which bracelets are not moving' and 'which products
# are not selling' are now answered as slow movers (the model, chosen by cross-validation over
# the untuned writers, does not find them close enough to dead stock).
@pytest.mark.parametrize(("text", "pair"), [
    ("how much silver have we got", {"count_stock", "stock_value"}),
    # once answered by a silent guess (tests/assistant/chat/test_intents.py): a count or a value
    ("how much 24K gold do we have", {"count_stock", "stock_value"}),
    ("old stock", {"dead_stock", "stock_ageing"}),
    ("老货有哪些", {"dead_stock", "stock_ageing"}),
    ("losses", {"shrinkage", "traced_variances"}),
    ("alerts", {"camera_alerts", "anomalies"}),
    ("卡住的订单", {"pending_orders", "late_orders"}),
])
def test_words_both_close_intents_may_mean_are_asked_back(
    assistant: Assistant, actors: dict[str, Actor], text: str, pair: set[str]
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "ambiguous" and {c["intent"] for c in reply["choices"]} == pair


@pytest.mark.parametrize(("text", "intent"), [
    ("which bracelets sold slowest this quarter", "slow_movers"),
    ("dead stock in bracelets, nothing is moving", "dead_stock"),
    ("how much is our silver stock worth", "stock_value"),
])
def test_a_word_that_settles_one_of_them_is_answered(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    assert _ask(assistant, actors["manager"], text)["intent"] == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("go", "confirm"), ("ok, let's do it", "confirm"), ("好，搞掂", "confirm"),
    ("是的，下吧", "confirm"),
    ("nah, not yet", "deny"), ("hang on", "wait"), ("等一下", "wait"),
])
def test_everyday_yes_and_no(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    # nothing waits: said so, nothing done (a hold-on is read as one, not as a no)
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent and reply["error"] == "nothing-pending"


def test_a_follow_up_naming_another_zone_replaces_the_zone(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    conversation = uuid.uuid4().hex
    first = assistant.ask("dead stock in the strong room", actor=actors["manager"],
                          conversation_id=conversation).as_dict()
    assert first["slots"]["zone"] == "VLT"
    then = assistant.ask("and the reserve zone?", actor=actors["manager"],
                         conversation_id=conversation).as_dict()
    assert then["intent"] == "dead_stock" and then["slots"]["zone"] == "RES"


def test_a_colour_keeps_the_rows_of_skus_of_that_colour(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    with assistant.db.read() as session:
        index, _ = assistant._catalogue(session)
    reply = _ask(assistant, actors["manager"], "best sellers in rose gold this year")
    assert reply["intent"] == "best_sellers" and reply["slots"]["colour"] == "rose"
    assert reply["data"] and all(index.sku_colours[r["sku"]] == "rose" for r in reply["data"])
    assert narrowed([{"sku": "A"}, {"sku": "B"}], {"colour": "rose"}, {"A": "rose"}) == [
        {"sku": "A"}]
