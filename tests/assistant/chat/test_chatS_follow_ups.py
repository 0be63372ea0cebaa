"""A value named alone after an answer ('AREZZO?', 'platinum?', 'last month?') refines the
question before when that question takes such a value (helper chatS, issue 18); with nothing
before it, or after a question that takes no such value, it is read as before."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from assistant.chat import Assistant
from assistant.entities.resolve import FOLLOW_UP_SLOTS, bare_refinement
from core import Actor
from tests.assistant.chat.slot_reading import resolver_for


def _ask(assistant: Assistant, actor: Actor, text: str,
         conversation: str | None = None) -> dict[str, Any]:
    return assistant.ask(text, actor=actor, conversation_id=conversation).as_dict()


@pytest.mark.parametrize(("first", "then", "intent", "slot", "value"), [
    ("how reliable is VALENZA", "AREZZO?", "supplier_quality", "supplier", "AREZZO"),
    ("how reliable is VALENZA", "arezzo", "supplier_quality", "supplier", "AREZZO"),
    ("best sellers this month", "JAIPUR?", "best_sellers", "supplier", "JAIPUR"),
    ("best sellers this month", "platinum?", "best_sellers", "purity", "Pt950"),
    ("dead stock in rings", "bangles?", "dead_stock", "category", "bangle"),
    ("slow movers this quarter", "last month?", "slow_movers", "period", "last_month"),
    ("how many 18K rings do we have", "14K?", "count_stock", "purity", "Au585"),
    ("上周卖得最好的戒指", "VALENZA？", "best_sellers", "supplier", "VALENZA"),
    # with a particle, 'just' or 類 around it (round 13)
    ("best sellers last mo", "what about this mo", "best_sellers", "period", "this_month"),
    ("camera alerts today", "yesterday leh?", "camera_alerts", "period", "yesterday"),
    ("camera alerts today", "yesterday lah", "camera_alerts", "period", "yesterday"),
    ("picker performance this wk", "just picker2", "picker_performance", "person", "picker2"),
    ("補貨建議", "戒指類呢？", "reorder_advice", "category", "ring"),
    # with 'and' ('n'), 'also', 'too', 'how' or 也看看 / 那…呢 around it (round 13)
    ("qc fails last week", "n this wk", "qc_failures", "period", "this_week"),
    ("shrinkage this quarter", "last quarter how", "shrinkage", "period", "last_quarter"),
    ("kindly share total inventory value for rings", "pendants also", "stock_value",
     "category", "pendant"),
    ("best sellers this month", "rings too", "best_sellers", "category", "ring"),
    ("dead stock in rings", "also bangles", "dead_stock", "category", "bangle"),
    ("上周卖得最好的戒指", "吊坠也看看", "best_sellers", "category", "pendant"),
    ("上周卖得最好的戒指", "那上个月呢", "best_sellers", "period", "last_month"),
    ("picker performance this wk", "picker2呢?", "picker_performance", "person", "picker2"),
    ("slow movers this quarter", "rings instead", "slow_movers", "category", "ring"),
    ("slow movers this quarter", "how bout last month", "slow_movers", "period", "last_month"),
    ("上周卖得最好的戒指", "换成上个月", "best_sellers", "period", "last_month"),
    ("本月滞销的款", "戒指就好", "slow_movers", "category", "ring"),
    # dialect period words and speech-to-text karats alone (round 14, helper chatS5)
    ("本周的损耗", "上礼拜呢", "shrinkage", "period", "last_week"),
    ("今天的摄像头告警", "昨儿个呢", "camera_alerts", "period", "yesterday"),
    ("how many 18K rings do we have", "fourteen carrot?", "count_stock", "purity", "Au585"),
    # 'the … ones', Gen-Z filler, Italian 'e' (and), 只算…的 and emoji (round 15, chatS6)
    ("reorder advice", "just the platinum ones", "reorder_advice", "purity", "Pt950"),
    ("how many necklaces", "14K ones", "count_stock", "purity", "Au585"),
    ("turnover this year fr", "last year tho", "stock_turnover", "period", "last_year"),
    ("stock on order from Valenza", "e Arezzo?", "stock_on_order", "supplier", "AREZZO"),
    ("库存值好多钱", "只算保险库的", "stock_value", "zone", "VLT"),
    ("slow movers this quarter", "last month ngl", "slow_movers", "period", "last_month"),
    ("dead stock in rings", "bangles rn 💀", "dead_stock", "category", "bangle"),
    # a person alone, 'on his own' (round 16, chatS7)
    ("picker performance this week", "and picker2 alone?", "picker_performance", "person",
     "picker2"),
    ("picker performance this week", "picker2 on his own", "picker_performance", "person",
     "picker2"),
    ("best sellers this month", "just the 18K ones", "best_sellers", "purity", "Au750"),
    # the formal 'the same for X' (round 17, chatS8)
    ("Please provide the dead stock report for this quarter.",
     "Please provide the same for the last quarter.", "dead_stock", "period", "last_quarter"),
    ("烦请提供本季度异常检测结果。", "烦请同样提供上季度的结果。", "anomalies", "period",
     "last_quarter"),
    ("qc failures for VALENZA", "and ANTWERP?", "qc_failures", "supplier", "ANTWERP"),
])
def test_a_value_named_alone_refines_the_question_before(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str, intent: str,
    slot: str, value: str
) -> None:
    conversation = str(uuid.uuid4())
    before = _ask(assistant, actors["manager"], first, conversation)
    assert before["intent"] == intent, before
    reply = _ask(assistant, actors["manager"], then, conversation)
    assert reply["error"] is None and reply["intent"] == intent, reply
    assert reply["slots"][slot] == value
    # the rest of the question before is kept
    kept = {k: v for k, v in before["slots"].items() if k != slot}
    assert {k: reply["slots"].get(k) for k in kept} == kept


def test_a_value_the_question_before_does_not_take_is_no_refinement(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    resolver = resolver_for(assistant, actors["manager"])
    # who picked an order takes an order or a serial, not a supplier or a period
    relevant = FOLLOW_UP_SLOTS["who_picked"]
    assert bare_refinement("AREZZO?", relevant, resolver) is None
    assert bare_refinement("last month?", relevant, resolver) is None
    # a question with more to it than a value is no bare value
    assert bare_refinement("quality of AREZZO this year please",
                           FOLLOW_UP_SLOTS["supplier_quality"], resolver) is None
    assert bare_refinement("AREZZO?", FOLLOW_UP_SLOTS["supplier_quality"], resolver) == {
        "supplier": "AREZZO"}
    assert bare_refinement("AREZZO?", frozenset(), resolver) is None


def test_a_value_named_alone_after_an_action_waits_is_no_refinement(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    conversation = str(uuid.uuid4())
    plan = _ask(assistant, actors["manager"], "hold lot G-2311", conversation)
    assert plan["confirm"] is not None
    reply = _ask(assistant, actors["manager"], "AREZZO?", conversation)
    assert reply["intent"] != "hold_lot" and reply["confirm"] is None
