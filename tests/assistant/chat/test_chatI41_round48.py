"""Round 48's kinds of miss, read after its recorded first run (issue 18): styles named by their
names ('Thea rings', 'Rosa星星耳环', 'Pia结扣袖扣') read as the code they are written with, the
trade's K白 / K黄 / K红 (18K gold), cues for dead stock, goods on order, stock value and
variances traced to a picker, refusals of printed goods-in notes and camera footage, Norfolk and
quality-engineer replies, and follow-ups that restrict or extend ('Restrict to JAIPUR.')."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import (
    ask,
    assert_answered,
    assert_not_supported,
    assert_refined,
)


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("how many Thea rings in white, size 9, hev we got", "count_stock",
     {"sku": "ST0003-Au750W-9", "colour": "white"}),
    ("K黄的Thea 5号戒指 库里有几个", "count_stock", {"sku": "ST0003-Au750Y-5"}),
    ("how many Thea rings in white", "count_stock", {"sku": "ST0003-Au750W"}),
    ("how many Pia knot cufflinks have we got in, all the metals", "count_stock",
     {"sku": "ST0011"}),
    ("Pia结扣袖扣，18K白的，在哪个位", "locate", {"sku": "ST0011-Au750W"}),
    ("what should we be reordering on the Thea signet rings, any suggestions",
     "reorder_advice", {"sku": "ST0003"}),
    # a code in the question is what it asks about, and a person's name is no style
    ("where's that Celeste necklace lot G-2311 kept, which shelves", "locate",
     {"lot": "G-2311"}),
    ("Pia上周的拣货效率与差错率如何", "picker_performance", {"person": "picker"}),
    # and the cues of their other questions
    ("G-2311这批有没有死货", "dead_stock", {"lot": "G-2311"}),
    ("G-2311这批还有多少件在库里", "count_stock", {"lot": "G-2311"}),
    ("戒指还有多少件在路上没到库，报数", "stock_on_order", {"category": "ring"}),
    ("储备区货值报一下", "stock_value", {"zone": "RES"}),
    ("18K的哪几样最难卖", "slow_movers", {"purity": "Au750"}),
    ("Pia拣货导致的差异有几条", "traced_variances", {"person": "picker"}),
    ("FC0000028 - what's that bin through since it come in, start to finish",
     "serial_history", {"serial": "FC0000028"}),
])
def test_styles_named_by_their_names_and_their_questions(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


def test_two_styles_of_one_name_stay_both_when_nothing_tells_them_apart(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"], "how many Pia cufflinks have we got")
    assert reply["error"] is None and reply["slots"]["style"] == "ST0009,ST0011", reply


@pytest.mark.parametrize("text", ["打一张G-2311的入库单出来 我要签字",
                                  "调一下昨晚十点金库的监控录像给我看",
                                  "pull up the cctv footage from the vault last night"])
def test_printed_notes_and_footage_are_not_supported(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert_not_supported(assistant, actors["manager"], text)


@pytest.mark.parametrize(("reply", "answer"), [
    ("yis", "confirm"), ("go you on", "confirm"), ("thas right, dew it", "confirm"),
    ("yis bor", "confirm"), ("行 冻上", "confirm"), ("leave that be", "deny"),
    ("Do not proceed", "deny"), ("Rejected", "deny"), ("先搁着", "deny"),
    ("hold you hard", "wait"), ("hang fire", "wait"), ("稍等 核实", "wait"),
])
def test_their_replies_answer_a_waiting_hold(reply: str, answer: str) -> None:
    assert short_answer(reply, "hold_lot") == answer


def test_the_wholesale_one_is_no_quantity(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"],
                "get WEB-261123-46439 reserved bor, the wholesale one")
    assert reply["intent"] == "reserve_for_order" and "quantity" not in reply["slots"], reply


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("QC failure log, this quarter, all suppliers.", "Restrict to JAIPUR.",
     {"supplier": "JAIPUR"}),
    ("Picker KPIs, last week.", "Extend to the last 30 days.", {"period": "last_30_days"}),
    ("what were our best sellers last week bor", "an' what about this week up till now",
     {"period": "this_week"}),
])
def test_their_follow_ups_refine(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str,
    slots: dict[str, str]
) -> None:
    assert_refined(assistant, actors["manager"], first, then, slots)
