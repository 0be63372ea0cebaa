"""Round 43's kinds of miss, read after its recorded first run (issue 18): a hold-on opening a
reply with a word after it the chat does not know ('hold on jee, checking something') holds the
waiting action instead of being read as a hold of its lot; Urdu, Nepali, Nanjing and store
replies to a waiting action ('jee, go ahead', 'a moment dai', 'hunchha, confirm it', 来斯，弄吧,
没问题，提交吧, 可以，按这个执行); 做召回处理 and '卖出去的也要追回来' are the recall
(how many were sold still asks its reach); 销量少 is slow movers; 'how many are left and in
which bins' a close call; follow-ups closed by 也看一下 / 也拉一下 and '今年到现在' as this year."""

from __future__ import annotations

import pytest

from assistant.actions.answers import leading_answer, short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import (
    ask,
    assert_answered,
    assert_asked_back,
    assert_refined,
)


@pytest.mark.parametrize(("reply", "answer"), [
    ("jee, go ahead", "confirm"), ("jee haan", "confirm"), ("hunchha, confirm it", "confirm"),
    ("来斯，弄吧", "confirm"), ("没问题，提交吧", "confirm"), ("可以，按这个执行", "confirm"),
    ("a moment dai", "wait"), ("hold on jee", "wait"),
])
def test_their_replies_answer_a_waiting_action(reply: str, answer: str) -> None:
    assert short_answer(reply, "recall_lot") == answer


@pytest.mark.parametrize(("reply", "answer"), [
    ("hold on jee, checking something", "wait"), ("hold on kaka, checking something", "wait"),
    ("等一下老哥，我问问", "wait"), ("hold on G-2311, please", None),
    ("hang on, recall it instead", None),
])
def test_a_hold_on_with_a_word_after_it_still_holds_on(reply: str, answer: str | None) -> None:
    assert leading_answer(reply, "recall_lot") == answer


def test_a_hold_on_to_a_waiting_recall_is_no_hold_of_its_lot(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    first = ask(assistant, actors["manager"], "recall lot G-2311 yaar, the posts are snapping",
                "r43-hold-on")
    assert first["intent"] == "recall_lot" and first["confirm"], first
    then = ask(assistant, actors["manager"], "hold on kaka, checking something", "r43-hold-on")
    assert then["intent"] == "wait" and not then["confirm"], then


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("G-2311这一批做召回处理", "recall_lot", {"lot": "G-2311"}),
    ("G-2311召回，卖出去的也要追回来", "recall_lot", {"lot": "G-2311"}),
    ("G-2311召回，卖出去的有多少", "recall_preview", {"lot": "G-2311"}),
    ("本季度销量少的黄金款", "slow_movers", {"period": "this_quarter", "metal": "gold"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


def test_how_many_and_in_which_bins_is_asked_back(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    assert_asked_back(assistant, actors["manager"], "G-2311, how many are left and in which bins?",
                      {"count_stock", "locate"})


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("本月的迟发订单", "上个月的也看一下", {"period": "last_month"}),
    ("去年盘点差异追溯", "今年到现在的也拉一下", {"period": "this_year"}),
])
def test_their_follow_ups_refine_the_question_before(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str,
    slots: dict[str, str]
) -> None:
    assert_refined(assistant, actors["manager"], first, then, slots)
