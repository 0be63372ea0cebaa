"""Round 40's kinds of miss, read after its recorded first run (issue 18): Luganda, Xinjiang,
Shuibei, Appalachian, Bajan and Guyanese replies to a waiting action ('kale ssebo, do it',
歹得很，弄吧, 好，出吧, 好的，弄掉, 'reckon so, do it', 'cool, do it nuh', 'awright, do it'; 'mpola,
let me first check', "hol' on a second", 稍等，我问下老板; 'naw, hold off on that' is a no, not a
hold), 'wuh about Antwerp' as a follow-up, 走货最多 / 出得快 as best sellers, 是不是该召回 a close
call, a letter size before bangles ('how many large bangles'), and approving a count's result or
changing an order's price said object-first refused as not supported."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import (
    assert_answered,
    assert_asked_back,
    assert_not_supported,
    assert_refined,
)


@pytest.mark.parametrize(("reply", "answer"), [
    ("kale ssebo, do it", "confirm"), ("kale, proceed", "confirm"), ("歹得很，弄吧", "confirm"),
    ("好，出吧", "confirm"), ("好的，弄掉", "confirm"), ("reckon so, do it", "confirm"),
    ("cool, do it nuh", "confirm"), ("awright, do it", "confirm"),
    ("yes, go ahead nyabo", "confirm"), ("mpola, let me first check", "wait"),
    ("hol' on a second", "wait"), ("wait a bit ssebo", "wait"), ("稍等，我问下老板", "wait"),
    ("naw, hold off on that", "deny"),
    # the patois 'nuh' alone is still a no
    ("nuh badda", "deny"),
])
def test_their_replies_answer_a_waiting_action(reply: str, answer: str) -> None:
    assert short_answer(reply, "recall_lot") == answer


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("阿雷佐的货今年哪几款走货最多", "best_sellers", {"supplier": "AREZZO", "period": "this_year"}),
    ("how many large bangles from Arezzo do we have in stock", "count_stock",
     {"size": "L", "category": "bangle", "supplier": "AREZZO"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize(("text", "pair"), [
    ("G-2311是不是该召回了，你看呢", {"recall_lot", "recall_preview"}),
    ("足金哪些款出得快", {"best_sellers", "stock_turnover"}),
])
def test_their_close_calls_are_asked_back(
    assistant: Assistant, actors: dict[str, Actor], text: str, pair: set[str]
) -> None:
    assert_asked_back(assistant, actors["manager"], text, pair)


def test_wuh_about_refines_the_question_before(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    assert_refined(assistant, actors["manager"], "QC failures from Arezzo this year",
                   "wuh about Antwerp", {"supplier": "ANTWERP"})


@pytest.mark.parametrize("text", [
    "上次的盘点结果帮老板批一下", "WEB-261125-06272的价格改一下，打九折",
])
def test_requests_nothing_does_are_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert_not_supported(assistant, actors["manager"], text)
