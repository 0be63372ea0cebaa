"""Round 38's kinds of miss, read after its recorded first run (issue 18): West Country, Shona
and Jin / Fuzhou replies to a waiting action ('proper job, go on', 'ehe, do it shamwari',
'zvakanaka, go ahead', 'mira, let me check something', 行了，闹哇, 会使，弄去), Fuzhou 若夥 (how
many), Jin 夜来 (yesterday), 大号 / 中号 as a size, and requests nothing does (scrapping a piece,
cancelling an order said code-first)."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import assert_answered, assert_not_supported


@pytest.mark.parametrize(("reply", "answer"), [
    ("proper job, go on", "confirm"), ("aye, do it my lover", "confirm"), ("lush, yes", "confirm"),
    ("ehe, do it shamwari", "confirm"), ("zvakanaka, go ahead", "confirm"),
    ("alright, go on ahead", "confirm"), ("好，就按这样做", "confirm"), ("会使，弄去", "confirm"),
    ("行了，闹哇", "confirm"), ("mira, let me check something", "wait"), ("hang on a mo", "wait"),
    ("等一阵阵", "wait"),
    # Shona 'aiwa' (no) is Arabic 'aiwa' (yes): said with 'leave it' it is neither
    ("aiwa, leave it", None),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply, "recall_lot") == answer


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("ST0013-Au750W还有若夥？", "count_stock", {"sku": "ST0013-Au750W"}),
    ("picker2夜来的拣货效率咋样", "picker_performance",
     {"person": "picker2", "period": "yesterday"}),
    ("大号手镯还剩几个，数一数库存", "count_stock", {"category": "bangle", "size": "L"}),
    ("中号的手镯有若夥个？", "count_stock", {"category": "bangle", "size": "M"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize("text", ["把FC0000010那件报废了哇", "WEB-261125-06272这单取消掉"])
def test_requests_nothing_does_are_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert_not_supported(assistant, actors["manager"], text)
