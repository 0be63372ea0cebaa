"""Round 20 intent work (round 19's dev misses): the assistant's name that wakes it is no part of
the question, a close call's other reading is one the question's words allow, and "yes" to a
question asked back takes its first choice."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.intents.prepare import (
    after_discourse_marker,
    without_formal_closers,
    without_wake_word,
)
from core import Actor
from tests.assistant.chat.slot_reading import ask as _ask


@pytest.mark.parametrize(("text", "kept"), [
    ("hey Facet, where's G-6428", "where's G-6428"),
    ("OK Facet what sold best", "what sold best"),
    ("Facet: any alerts today", "any alerts today"),
    ("小F，FC0000087的履历", "FC0000087的履历"),
    ("你好 Facet，昨天卖得最好的是什么", "昨天卖得最好的是什么"),
    ("facet cut rings in stock", "facet cut rings in stock"),  # a jeweller's word
    ("hey Facet", "hey Facet"),  # nothing else: kept
])
def test_the_wake_word_is_dropped(text: str, kept: str) -> None:
    assert without_wake_word(text) == kept


@pytest.mark.parametrize(("text", "intent", "serial"), [
    ("小F，FC0000087的履历", "serial_history", "FC0000087"),
    ("小F，FC0000309是哪个拣货员拿的", "who_picked", "FC0000309"),
])
def test_the_wake_word_joins_no_code(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str, serial: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent and reply["slots"].get("serial") == serial


def test_a_wake_word_keeps_a_general_question_refused(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "小F，80的15%是多少")
    assert reply["intent"] is None and reply["error"] == "out-of-scope"


def test_the_numbers_are_no_stock_on_order(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "what about the numbers")
    if reply["error"] == "ambiguous":
        assert "stock_on_order" not in {c["intent"] for c in reply["choices"]}
    else:
        assert reply["intent"] != "stock_on_order"


def test_yes_to_a_question_asked_back_takes_its_first_choice_and_still_waits(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    first = _ask(assistant, actors["manager"], "count V04-01")
    if first["error"] != "ambiguous":
        pytest.skip("read without asking back")
    yes = _ask(assistant, actors["manager"], "yes", first["conversation_id"])
    assert yes["intent"] == first["choices"][0]["intent"]
    assert yes["error"] is None and yes["slots"].get("location") == "V04-01"
    assert yes["confirm"] is not None  # stated, waiting for its own "yes" (a "no" drops it)
    no = _ask(assistant, actors["manager"], "no", first["conversation_id"])
    assert no["intent"] == "deny" and no["error"] is None


@pytest.mark.parametrize(("text", "kept"), [
    ("请查明批次G-8078目前存放的具体库位，烦请核实。", "请查明批次G-8078目前存放的具体库位"),
    ("A02的库存是多少？妥否，请批示。", "A02的库存是多少"),
    ("上月损耗情况，特此报告。", "上月损耗情况"),
    ("请核实批次G-1234的数量", "请核实批次G-1234的数量"),  # the question itself asks to check
    ("烦请核实。", "烦请核实。"),  # nothing else: kept
])
def test_official_closing_formulas_are_dropped(text: str, kept: str) -> None:
    assert without_formal_closers(text) == kept


@pytest.mark.parametrize("text", ["同意，请予以执行。", "准予执行", "同意。请照办"])
def test_an_official_approval_is_a_yes(text: str) -> None:
    assert short_answer(text) == "confirm"


def test_an_official_closer_is_no_reason_to_act(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "请查明批次G-8078目前存放的具体库位，烦请核实。")
    assert reply["intent"] == "locate" and "reason" not in reply["slots"]


@pytest.mark.parametrize(("text", "kept"), [
    ("so the courier came late again and the boss is upset, anyway, how many orders haven't "
     "gone out yet?", "how many orders haven't gone out yet?"),
    ("客户又催了，老板也不高兴，总之，这周还有多少单没发", "这周还有多少单没发"),
    ("what sold best anyway", "what sold best anyway"),  # no story before it
    ("which rings, anyway?", "which rings, anyway?"),  # nothing after the marker
])
def test_a_story_before_the_question_is_left_out(text: str, kept: str) -> None:
    assert after_discourse_marker(text) == kept


@pytest.mark.parametrize(("text", "intent"), [
    ("so the courier came late again and the boss is upset, anyway, how many orders haven't "
     "gone out yet?", "pending_orders"),  # the story's 'late' makes no late orders
    ("so the scale in the vault is drifting again, anyway, can you recalibrate it?", None),
])
def test_the_question_after_the_story_is_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str | None
) -> None:
    assert _ask(assistant, actors["manager"], text)["intent"] == intent
