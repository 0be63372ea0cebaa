"""Round 19 intent work (round 18's dev misses): a message's greeting and sign-off say nothing of
what is asked, a price changed or a supplier e-mailed is no report or action of ours, a general
question's words are not spelling slips of ours, and a supplier we can rely on is its record."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from assistant.intents.prepare import without_pleasantries
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize(("text", "kept"), [
    ("您好，请问昨天卖得最好的款式是哪些？谢谢", "昨天卖得最好的款式是哪些"),
    ("麻烦你帮我查一下 G-2311 在哪里，谢谢你", "查一下g-2311在哪里"),
    ("Hi team, which rings sold best last week? Thanks, Mei", "which rings sold best last week"),
    ("Hello, any alerts today? Cheers", "any alerts today"),
    ("Good morning, which rings sold best", "which rings sold best"),
    ("which rings sold best today", "which rings sold best today"),
    ("thanks", "thanks"),
    ("你好", "你好"),
])
def test_greeting_and_sign_off_are_dropped(text: str, kept: str) -> None:
    assert without_pleasantries(normalise_text(text)) == kept


@pytest.mark.parametrize(("text", "intent"), [
    ("您好，请问昨天卖得最好的款式是哪些？谢谢", "best_sellers"),
    ("您好，请问昨天监控系统有哪些告警？谢谢", "camera_alerts"),
    ("您好，请列出上周检测到的异常，谢谢", "anomalies"),
    ("Hi team, which rings sold best last week? Thanks, Mei", "best_sellers"),
])
def test_a_polite_question_is_answered(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent, reply


@pytest.mark.parametrize("text", ["您好，今天天气怎么样？谢谢",
                                  "Hi, what's the weather tomorrow? Thanks"])
def test_a_polite_general_question_is_still_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] is None and reply["error"] == "out-of-scope", reply


@pytest.mark.parametrize("text", ["修改 ST0003-Au750Y-7 的售价", "给供应商 JAIPUR 发一封催货邮件",
                                  "change the price of ST0003-Au750Y-7 to 300"])
def test_a_price_change_or_a_chasing_email_is_not_supported(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] is None and reply["error"] == "not-supported", reply


def test_a_general_word_is_no_spelling_slip(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "how do you spell necessary")
    assert reply["intent"] is None and reply["error"] == "out-of-scope", reply


@pytest.mark.parametrize("text", ["what's not selling this month", "这个月卖不动的货"])
def test_what_does_not_sell_in_a_period_is_slow_movers(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == "slow_movers", reply


@pytest.mark.parametrize("text", ["what's not selling", "卖不动的货"])
def test_what_does_not_sell_without_a_period_is_still_asked_back(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "ambiguous", reply
    assert {c["intent"] for c in reply["choices"]} == {"slow_movers", "dead_stock"}
