"""Round 42's kinds of miss, read after its recorded first run (issue 18): a lot or piece code
followed by a spoken-digit word or by Chinese with 一 in it ('recall lot G-5921 oh', 'release
G-5188 oh', 'FC0000315已经发出去了，复盘一下当时是谁拣的') keeps its code; Liberian, Belizean,
Bisaya, Harbin, factory and corporate replies to a waiting action ('yah, carry on oh', 'my man, do
it', 'da good, mek it happen', 'oo lagi, go', 杠杠的，整吧, 好，按流程走, OK，落地, 对齐了，推进;
'kadiyot lang'); a follow-up closed by 'bai'; 零动销 / 拉一版 lists, not drafts; 召回预览 and
走召回流程 said with the lot; 可售天数 turnover; 是否需要召回 a close call."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import (
    assert_answered,
    assert_asked_back,
    assert_refined,
)


@pytest.mark.parametrize(("reply", "answer"), [
    ("yah, carry on oh", "confirm"), ("my man, do it", "confirm"),
    ("da good, mek it happen", "confirm"), ("oo lagi, go", "confirm"),
    ("yes bwai, go ahead", "confirm"), ("杠杠的，整吧", "confirm"), ("好，按流程走", "confirm"),
    ("OK，落地", "confirm"), ("对齐了，推进", "confirm"), ("kadiyot lang", "wait"),
    ("oh no", "deny"),
])
def test_their_replies_answer_a_waiting_action(reply: str, answer: str) -> None:
    assert short_answer(reply, "hold_lot") == answer


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("recall the whole of lot G-2311 oh", "recall_lot", {"lot": "G-2311"}),
    ("FC0000150已经发出去了，复盘一下当时是谁拣的", "who_picked", {"serial": "FC0000150"}),
    ("零动销的SKU拉个清单，安特卫普的", "dead_stock", {"supplier": "ANTWERP"}),
    ("补货建议拉一版，颗粒度到SKU", "reorder_advice", {}),
    ("召回预览：G-2311，先不执行", "recall_preview", {"lot": "G-2311"}),
    ("G-2311走召回流程", "recall_lot", {"lot": "G-2311"}),
    ("瓦伦扎的库存可售天数", "stock_turnover", {"supplier": "VALENZA"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


def test_whether_a_recall_is_needed_is_asked_back(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    assert_asked_back(assistant, actors["manager"], "G-2311是否需要召回，给个判断",
                      {"recall_lot", "recall_preview"})


def test_a_follow_up_closed_by_bai_refines_the_question_before(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    assert_refined(assistant, actors["manager"], "late orders this week", "and last week, bai?",
                   {"period": "last_week"})
