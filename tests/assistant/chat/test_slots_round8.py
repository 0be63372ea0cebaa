"""Slots the chat read but could not use, and slots the actions missed (issue 18, after the
seventh blind round): a supplier and a place left out in a stock count, a lot in the reports
over stock, mistyped or spaced lots in an action, counts and alert numbers however written,
Cantonese 'last year' and 'picker two'."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.actions import action_slots
from assistant.chat import Assistant
from assistant.entities.resolve import Resolver, extract_slots
from assistant.intents.matcher import Matcher
from core import Actor


def _resolver(assistant: Assistant, actor: Actor) -> Resolver:
    with assistant.db.read() as session:
        index, products = assistant._catalogue(session)
    return Resolver(index, products, actor.username, assistant.clock())


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("how many pieces from Jaipur do we have", "count_stock", {"supplier": "JAIPUR"}),
    ("how many JAIPUR pieces are we holding", "count_stock", {"supplier": "JAIPUR"}),
    ("Valenza 嘅貨仲有幾多件", "count_stock", {"supplier": "VALENZA"}),
    ("how many bangles not in the vault", "count_stock",
     {"category": "bangle", "outside": "V04"}),
    ("不在金库的手镯有几个", "count_stock", {"category": "bangle", "outside": "V04"}),
    ("what is lot G-2311 worth", "stock_value", {"lot": "G-2311"}),
    ("G-2311 呢批值幾多", "stock_value", {"lot": "G-2311"}),
    ("how long has lot G 2311 been in stock", "stock_ageing", {"lot": "G-2311"}),
    ("舊年賣得最好嘅係咩", "best_sellers", {"period": "last_year"}),
    ("how did picker two do last week", "picker_performance",
     {"person": "picker2", "period": "last_week"}),
])
def test_question_slots(assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
                        slots: dict[str, str]) -> None:
    tier: Matcher = "ngram" if any("\u3400" <= ch <= "\u9fff" for ch in text) else "embedding"
    assert Assistant._slots(text, intent, tier, _resolver(assistant, actors["manager"])) == slots


def test_a_place_set_aside_for_another_is_still_no_exclusion(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    found = extract_slots("how many necklaces not in the vault but in the pick zone",
                          "count_stock", _resolver(assistant, actors["manager"]))
    assert "outside" not in found and found.get("location") != "V04"


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("recall G-9999", "recall_lot", {"lot": "G-9999"}),
    ("把G-9999冻结了", "hold_lot", {"lot": "G-9999"}),
    ("hold lot G 2311", "hold_lot", {"lot": "G-2311"}),
    ("um can you freeze lot G two three one one", "hold_lot", {"lot": "G-2311"}),
    ("reserve 6 x ST0003-Au750Y-9 for order 12", "reserve_for_order", {"quantity": "6"}),
    ("reserve x6 of these", "reserve_for_order", {"quantity": "6"}),
    ("earmark 1x ST0009-S925W", "reserve_for_order", {"quantity": "1"}),
    ("预留二十件", "reserve_for_order", {"quantity": "20"}),
    ("預留兩件", "reserve_for_order", {"quantity": "2"}),
    ("预留十五件", "reserve_for_order", {"quantity": "15"}),
    ("reserve a couple for that order", "reserve_for_order", {"quantity": "2"}),
    ("order 4 more ST0006-Au999Y-50cm from Antwerp, just a draft", "draft_purchase_order",
     {"quantity": "4", "supplier": "ANTWERP"}),
    ("acknowledge #2", "acknowledge_alert", {"alert": "2"}),
    ("ack alert no. 2", "acknowledge_alert", {"alert": "2"}),
    ("確認第二個警報", "acknowledge_alert", {"alert": "2"}),
    ("确认第2个警报", "acknowledge_alert", {"alert": "2"}),
    ("acknowledge the alert with id 4", "acknowledge_alert", {"alert": "4"}),
    ("ack alert number five", "acknowledge_alert", {"alert": "5"}),
    ("acknowledge number 21 alert", "acknowledge_alert", {"alert": "21"}),
    ("警報十號已處理", "acknowledge_alert", {"alert": "10"}),
    ("第11個警示確認", "acknowledge_alert", {"alert": "11"}),
    ("1號 alert ack 咗佢", "acknowledge_alert", {"alert": "1"}),
    ("确认最近3天的告警", "acknowledge_alert", {"alert": None}),  # days, no alert's number
    ("acknowledge the alert, it was a false alarm", "acknowledge_alert", {"zone": None}),
    ("make up a PO for twenty ST0005-Au750W-M", "draft_purchase_order", {"quantity": "20"}),
    ("keep a pair of these back", "reserve_for_order", {"quantity": "2"}),
])
def test_action_slots(assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
                      slots: dict[str, str | None]) -> None:
    found = action_slots(intent, text, {}, _resolver(assistant, actors["manager"]))
    assert {k: found.get(k) for k in slots} == slots


def test_a_count_narrows_to_a_supplier_and_a_zone(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    manager = actors["manager"]
    everything = _ask(assistant, manager, "how many pieces do we have in stock")
    jaipur = _ask(assistant, manager, "how many pieces from Jaipur do we have")
    assert jaipur["intent"] == "count_stock" and jaipur["slots"]["supplier"] == "JAIPUR"
    assert "JAIPUR" in jaipur["answer"]
    total = sum(int(r["on_hand"]) for r in everything["data"])
    assert 0 < sum(int(r["on_hand"]) for r in jaipur["data"]) < total
    inside = _ask(assistant, manager, "how many bangles in the vault")
    outside = _ask(assistant, manager, "how many bangles not in the vault")
    assert outside["slots"].get("outside") == "V04" and "V04" in outside["answer"]
    bangles = _ask(assistant, manager, "how many bangles do we have")
    counted = [sum(int(r["on_hand"]) for r in reply["data"])
               for reply in (inside, outside, bangles)]
    assert counted[0] > 0 and counted[1] > 0 and counted[0] + counted[1] == counted[2]


def test_a_lots_value_is_that_lots_and_an_unknown_lot_is_not_found(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    manager = actors["manager"]
    one = _ask(assistant, manager, "what is lot G-2311 worth")
    everything = _ask(assistant, manager, "what is all our stock worth")
    assert one["intent"] == "stock_value" and one["slots"]["lot"] == "G-2311"
    assert one["report"]["filters"]["lot"] == "G-2311"
    units = sum(int(r["units"]) for r in one["data"])
    assert 0 < units < sum(int(r["units"]) for r in everything["data"])
    missing = _ask(assistant, manager, "what is lot G-9999 worth")
    assert missing["error"] == "not-found" and "G-9999" in missing["answer"]
