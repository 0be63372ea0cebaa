"""Round 45's kinds of miss, read after its recorded first run (issue 18): Krio, Maritime,
Pittsburgh, Tibetan-flavoured and report-style replies to a waiting action ('na so, go ahead',
'right on, go ahead bud', "yeah, go 'head n'at", 'yes, confirm am', 哦呀阿觉啦，执行吧,
同意，按此执行，完毕, 亚古都，就这样办, 'hold on now bud, let me look first'); follow-ups closed by
a word of address or a sign-off ('and the reserve, dear?', 'same for this month, padi',
上个月的呢，阿佳？, 上月的，完毕, 阿雷佐的呢，cheers)."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import assert_refined


@pytest.mark.parametrize(("reply", "answer"), [
    ("na so, go ahead", "confirm"), ("right on, go ahead bud", "confirm"),
    ("okay padi, do it", "confirm"), ("give 'er, confirm it", "confirm"),
    ("yeah, go 'head n'at", "confirm"), ("yes dear, do it the once", "confirm"),
    ("yes, confirm am", "confirm"), ("哦呀阿觉啦，执行吧", "confirm"),
    ("同意，按此执行，完毕", "confirm"), ("收到，立即执行", "confirm"), ("明白，执行", "confirm"),
    ("亚古都，就这样办", "confirm"), ("OK mate，执行吧", "confirm"),
    ("hold on now bud, let me look first", "wait"),
])
def test_their_replies_answer_a_waiting_action(reply: str, answer: str) -> None:
    assert short_answer(reply, "start_cycle_count") == answer


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("what's the stock worth at cost in the vault?", "and the reserve, dear?", {"zone": "RES"}),
    ("shrinkage for last month", "same for this month, padi", {"period": "this_month"}),
    ("这个月的报损情况", "上个月的呢，阿佳？", {"period": "last_month"}),
    ("本月损耗报告", "上月的，完毕", {"period": "last_month"}),
    ("瓦倫扎在途的貨", "阿雷佐的呢，cheers", {"supplier": "AREZZO"}),
])
def test_a_follow_up_closed_by_a_word_of_address_or_a_sign_off_refines(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str,
    slots: dict[str, str]
) -> None:
    assert_refined(assistant, actors["manager"], first, then, slots)
