"""Close phrasings (``close_phrasings`` in the scope examples): phrasings the question writers
use for either intent of a pair are asked back between the two, whatever the close-call model
makes of them; a question that says none of them is answered as before."""

from __future__ import annotations

import re

import pytest

from assistant.chat import Assistant
from assistant.intents.data import load_intents
from assistant.intents.scope import load_close_phrasings
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_asked_back


def test_every_phrasing_names_a_pair_of_known_intents() -> None:
    phrasings = load_close_phrasings(("en", "zh"))
    assert phrasings, "no close phrasings loaded"
    known = set(load_intents("en").examples) & set(load_intents("zh").examples)
    for pair, patterns in phrasings.items():
        assert len(pair) == 2 and pair <= known, pair
        assert all(isinstance(p, re.Pattern) for p in patterns)


@pytest.mark.parametrize(("text", "pair"), [
    ("who's been picking this week?", {"picker_performance", "who_picked"}),
    ("上周是哪些拣货员在拣？", {"picker_performance", "who_picked"}),
    ("what's selling fastest this month?", {"best_sellers", "stock_turnover"}),
    ("这个季度什么货走得最快", {"best_sellers", "stock_turnover"}),
    ("how did Arezzo do on QC?", {"qc_failures", "supplier_quality"}),
    ("where'd lot G-2311 go?", {"locate", "recall_preview"}),
    ("how many ST0013-Au750W have we got and where are they?", {"count_stock", "locate"}),
    ("ST0017-Au750W-M 还有几多件，放在哪个格子", {"count_stock", "locate"}),
    ("can you count A01-03 please", {"count_stock", "start_cycle_count"}),
    ("A01-01盘点一下", {"count_stock", "start_cycle_count"}),
    ("阿雷佐那边的采购情况怎么样了", {"reorder_advice", "stock_on_order"}),
    ("老批次压了多少钱？", {"stock_ageing", "stock_value"}),
])
def test_a_close_phrasing_is_asked_back(
    assistant: Assistant, actors: dict[str, Actor], text: str, pair: set[str]
) -> None:
    assert_asked_back(assistant, actors["manager"], text, pair)


@pytest.mark.parametrize(("text", "intent", "slots"), [
    # its words settle it: no close phrasing is said
    ("which picker was fastest this week?", "picker_performance", {"period": "this_week"}),
    ("best sellers this month", "best_sellers", {"period": "this_month"}),
    ("G-2311这批追溯一下，发到哪些客户了？", "recall_preview", {"lot": "G-2311"}),
])
def test_a_question_without_one_is_answered(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize(("text", "slots"), [
    ("start a cycle count of aisle A01", {"location": "A01"}),
    # 'count' with more than a place: a cycle count given to someone
    ("count R03-02, to be completed by picker2", {"location": "R03-02", "person": "picker2"}),
])
def test_a_count_said_in_full_is_the_cycle_count(
    assistant: Assistant, actors: dict[str, Actor], text: str, slots: dict[str, str]
) -> None:
    # read as the cycle count, not asked back (the core may refuse it if the bins are being
    # counted already: the tests share one demo)
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == "start_cycle_count" and reply["error"] != "ambiguous", reply
    assert slots.items() <= reply["slots"].items()
