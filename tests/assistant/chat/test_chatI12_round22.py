"""Round 22's kinds of miss (issue 18): emoji after a request, south-western sentence-final
particles after a follow-up's value, a draft from the advice asked in traditional characters,
the period of a picker's day, and a quantity of any length (never a serial 'OF9999…')."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str,
         conversation: str | None = None) -> dict[str, Any]:
    return assistant.ask(text, actor=actor, conversation_id=conversation).as_dict()


@pytest.mark.parametrize(("text", "words"), [
    ("make PO to VALENZA pls 🙏", "make po to valenza pls"),
    ("how many 💍 rings?? 👍🏻", "how many rings"), ("手链喃😅", "手链喃"),
])
def test_emoji_are_no_words_of_the_question(text: str, words: str) -> None:
    assert normalise_text(text) == words


def test_a_request_ending_in_an_emoji_is_still_the_request(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    # an auditor's draft purchase order with a 🙏 is refused as forbidden, not out of scope
    reply = _ask(assistant, actors["auditor"], "make PO to VALENZA pls 🙏")
    assert reply["intent"] == "draft_purchase_order" and reply["error"] == "forbidden"
    assert reply["confirm"] is None


@pytest.mark.parametrize(("then", "slot", "value"), [
    ("手链喃", "category", "bracelet"), ("昨天的哈", "period", "yesterday"),
    ("银的嘛", "metal", "silver"), ("上周的咯", "period", "last_week"),
])
def test_a_follow_up_ending_in_a_particle_refines_the_question_before(
    assistant: Assistant, actors: dict[str, Actor], then: str, slot: str, value: str
) -> None:
    conversation = str(uuid.uuid4())
    first = _ask(assistant, actors["manager"], "上个月卖得最好的戒指", conversation)
    assert first["intent"] == "best_sellers"
    reply = _ask(assistant, actors["manager"], then, conversation)
    assert reply["error"] is None and reply["intent"] == "best_sellers", reply
    assert reply["slots"][slot] == value


def test_a_draft_from_the_advice_in_traditional_characters_names_its_supplier(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "按補貨建議開採購單草稿")
    assert reply["intent"] == "draft_purchase_order" and reply["error"] is None, reply
    assert reply["slots"].get("source") == "reorder_advice" and reply["slots"].get("supplier")
    assert reply["confirm"]  # planned, waiting for a yes


@pytest.mark.parametrize(("text", "period"), [
    ("how's pia getting on so far today", "today"), ("how is picker doing today", "today"),
    ("how is picker doing", None),
])
def test_a_pickers_day_said_is_the_period(
    assistant: Assistant, actors: dict[str, Actor], text: str, period: str | None
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == "picker_performance", reply
    assert reply["slots"].get("period") == period


@pytest.mark.parametrize(("text", "period"), [
    ("how many times we rotate the stock of S925 in 90 days", "last_90_days"),
    ("best sellers in 30 days", "last_30_days"),
    # the days to come are no period of a report
    ("which rings will run out in 30 days", None),
])
def test_in_n_days_ending_a_question_about_the_past_is_the_days_just_gone(
    assistant: Assistant, actors: dict[str, Actor], text: str, period: str | None
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["slots"].get("period") == period, reply
