"""Round 41's kinds of miss, read after its recorded first run (issue 18): Zambian, Guyanese,
Fijian and live-stream replies to a waiting action ('eya, do it bane', 'yes bai, do it', 'io,
do it vinaka', 冲，弄起来, 行，确认上; 'wait mada', 先等等，我看下后台), 'how is buying from X
going' as a close call, a piece's 履历 and where it has been as its history (几次 is no count of
stock), 卖得不多 as slow movers, 报损 as shrinkage, and printing a packing slip or a certificate
and moving a piece to a shelf said without 把 refused as not supported."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import (
    assert_answered,
    assert_asked_back,
    assert_not_supported,
)


@pytest.mark.parametrize(("reply", "answer"), [
    ("eya, do it bane", "confirm"), ("yes bai, do it", "confirm"), ("io, do it vinaka", "confirm"),
    ("io mada, proceed", "confirm"), ("ok iwe, do it", "confirm"), ("冲，弄起来", "confirm"),
    ("行，确认上", "confirm"), ("wait mada", "wait"), ("先等等，我看下后台", "wait"),
])
def test_their_replies_answer_a_waiting_action(reply: str, answer: str) -> None:
    assert short_answer(reply, "hold_lot") == answer


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("FC0000189的履历，经手过几次，都在哪儿待过", "serial_history", {"serial": "FC0000189"}),
    ("最近30天铂金卖得不多的款", "slow_movers", {"metal": "platinum", "period": "last_30_days"}),
    ("QC-01那边有报损吗", "shrinkage", {"location": "QC-01"}),
    ("今天有无报损", "shrinkage", {"period": "today"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


def test_how_buying_from_a_supplier_goes_is_asked_back(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    assert_asked_back(assistant, actors["manager"], "how is buying from Antwerp going?",
                      {"reorder_advice", "stock_on_order"})


@pytest.mark.parametrize("text", [
    "WEB-261125-06272的装箱单帮我印出来", "给FC0000028打一张证书",
    "主播要的FC0000552调到直播间货架上",
])
def test_requests_nothing_does_are_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert_not_supported(assistant, actors["manager"], text)
