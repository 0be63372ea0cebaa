"""The chat's slot classes of blind round 11 (issue 18, helper chatS2): the back shelves
(后排货架, 後面貨架, 'the back') are the reserve for zones and for the reports' place filter;
'pick-face' with a hyphen is the pick face; days written short ('7d', 'l30d') are rolling
periods; a template that reads 'today' as 'now' still gives open orders their period; a
politeness clause is no reason; the 'me' who is told the answer, 'we', and the Chinese asker
('帮我', '俾我睇') name nobody."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from assistant.actions import ACTIONS, action_slots
from assistant.chat import Assistant, _with_zone
from assistant.entities.periods import parse_period
from assistant.intents.matcher import IntentMatch
from core import Actor
from tests.assistant.chat.slot_reading import read_slots, resolver_for


def _fill(chat: Assistant, actor: Actor, text: str, intent: str) -> dict[str, str]:
    """The slots the chat fills once it has read ``intent`` (zone word and action slots too)."""
    res = resolver_for(chat, actor)
    slots = read_slots(chat, actor, text, intent)
    match = _with_zone(IntentMatch(intent, slots, 1.0, "embedding", "en"), text, res)
    if intent in ACTIONS:
        return action_slots(intent, text, match.slots, res)
    return dict(match.slots)


def _ask(chat: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return chat.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize(("intent", "text", "zone"), [
    ("start_cycle_count", "請啟動後排貨架區的盤點。", "RES"),
    ("camera_alerts", "后面货架区的监控报警有哪些？", "RES"),
    ("slotting_advice", "后面货架区的货要不要重新摆放，有没有建议？", "RES"),
    ("count_stock", "後面貨架還有幾多條手鏈", "RES"),
    ("count_stock", "how many chains in the back", "RES"),
    ("count_stock", "後倉有幾多戒指", "RES"),
    ("anomalies", "後排有冇異常", "RES"),
    ("slow_movers", "倉庫後面嘅滯銷貨", "RES"),
    ("acknowledge_alert", "acknowledge the alert on the back shelves", "RES"),
    ("slotting_advice", "Which slow lines are taking up prime pick-face bins and ought to go "
                        "to the back?", "PICK"),
])
def test_the_back_shelves_are_the_reserve_and_pick_face_with_a_hyphen_the_pick_face(
    assistant: Assistant, actors: dict[str, Actor], intent: str, text: str, zone: str
) -> None:
    assert _fill(assistant, actors["manager"], text, intent).get("zone") == zone


@pytest.mark.parametrize(("intent", "text"), [
    ("dead_stock", "dead stock on the back shelves, last 30 days"),
    ("stock_value", "後排貨架的貨值多少"),
    ("slow_movers", "slow movers at the back"),
])
def test_a_report_on_the_back_shelves_is_filtered_to_the_reserve_bins(
    assistant: Assistant, actors: dict[str, Actor], intent: str, text: str
) -> None:
    res = resolver_for(assistant, actors["manager"])
    place = _fill(assistant, actors["manager"], text, intent).get("location")
    assert place is not None and res.index.zone_of(place) == "RES"


def test_at_the_back_of_another_place_is_not_the_reserve(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    slots = _fill(assistant, actors["manager"], "how many rings at the back of the vault",
                  "count_stock")
    assert slots.get("zone") != "RES"


@pytest.mark.parametrize(("words", "key"), [
    ("top sellers 7d", "last_7_days"), ("slow movers 30d", "last_30_days"),
    ("dead stock l90d", "last_90_days"), ("last 90d", "last_90_days"),
    ("近30d的销量", "last_30_days"),
    ("best sellers mtd", "this_month"), ("shrinkage qtd", "this_quarter"),
    ("size 7", None), ("a7d", None), ("last 2 deliveries", None),
])
def test_days_written_short_are_a_rolling_period(words: str, key: str | None) -> None:
    period = parse_period(words, datetime(2026, 11, 25, 17, tzinfo=UTC))
    assert (period.key if period else None) == key


def test_short_days_and_open_orders_today_keep_their_period_in_the_chat(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "top sellers 7d")
    assert reply["intent"] == "best_sellers" and reply["slots"]["period"] == "last_7_days"
    reply = _ask(assistant, actors["manager"], "open orders today")
    assert reply["intent"] == "pending_orders" and reply["slots"].get("period") == "today"
    reply = _ask(assistant, actors["manager"], "open orders right now?")
    assert reply["intent"] == "pending_orders" and "period" not in reply["slots"]


@pytest.mark.parametrize(("intent", "text", "reason"), [
    ("recall_lot", "Could you pull G-5921 off the shelves, please?", None),
    ("hold_lot", "Put G-5921 on hold, please.", None),
    ("hold_lot", "把G-5921冻结，谢谢。", None),
    ("hold_lot", "hold G-6428, customer complaint about clasps", "customer complaint about clasps"),
    # a clause that repeats the command is no reason; politeness before a reason is dropped
    ("acknowledge_alert", "the dock alert is fine, acknowledge it", "the dock alert is fine"),
    ("recall_lot", "Recall G-2128, please - the assay came back wrong.",
     "the assay came back wrong."),
    ("release_lot", "G-9106检查完了，帮我放行吧。", "G-9106检查完了"),
])
def test_a_politeness_clause_is_no_reason(
    assistant: Assistant, actors: dict[str, Actor], intent: str, text: str, reason: str | None
) -> None:
    assert _fill(assistant, actors["manager"], text, intent).get("reason") == reason


@pytest.mark.parametrize(("intent", "text", "person"), [
    ("shrinkage", "Could you tell me how much stock has gone missing, please?", None),
    ("shrinkage", "去年我们的损耗率是多少？", None),
    ("traced_variances", "近30日盤點差異嘅原因分析俾我睇下。", None),
    ("anomalies", "帮我查一下本月有没有异常", None),
    # the user still names themself
    ("shrinkage", "show me the shortages on my counts", "manager"),
    ("anomalies", "帮我看看我这个月的异常", "manager"),
])
def test_the_asker_told_the_answer_is_not_a_person_filter(
    assistant: Assistant, actors: dict[str, Actor], intent: str, text: str, person: str | None
) -> None:
    assert _fill(assistant, actors["manager"], text, intent).get("person") == person
