"""Slot classes found by bench/assistant_slots.py (every writer's labels, the gold intent given):
a mistyped lot is still a lot, Cantonese and traditional periods, categories, zones and
suppliers, what a question sets aside ('not the vault but the pick zone'), a platinum's stock
that is no vault, white gold written 'K白金', and letter sizes written with 码."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.chat import Assistant, _with_zone
from assistant.entities.resolve import Resolver, extract_slots
from assistant.intents.matcher import IntentMatch
from core import Actor

NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def resolver(assistant: Assistant) -> Resolver:
    with assistant.db.read() as session:
        index, products = assistant._catalogue(session)
    return Resolver(index, products, "manager", NOW)


def _slots(resolver: Resolver, text: str, intent: str) -> dict[str, str]:
    slots = extract_slots(text, intent, resolver)
    return _with_zone(IntentMatch(intent, slots, 1.0, "embedding", "en"), text, resolver).slots


@pytest.mark.parametrize(("text", "intent"), [
    ("where is lot G-9999 kept", "locate"),
    ("recall impact for g-9999", "recall_preview"),
    ("批次G-9999在哪", "locate"),
    ("G-9999这批召回会影响哪些订单", "recall_preview"),
])
def test_a_code_shaped_like_a_lot_that_does_not_exist_is_a_lot(
        resolver: Resolver, text: str, intent: str) -> None:
    assert _slots(resolver, text, intent) == {"lot": "G-9999"}


def test_a_lot_shaped_code_named_as_an_order_is_no_lot(resolver: Resolver) -> None:
    assert "lot" not in _slots(resolver, "where is order W-1042", "locate")


@pytest.mark.parametrize("text", ["where is lot G-9999 kept", "批次G-9999在哪"])
def test_an_unknown_lot_is_answered_not_found(
        assistant: Assistant, actors: dict[str, Actor], text: str) -> None:
    reply = assistant.ask(text, actor=actors["manager"]).as_dict()
    assert reply["intent"] == "locate" and reply["slots"].get("lot") == "G-9999"
    assert reply["error"] == "not-found" and "G-9999" in reply["answer"]


@pytest.mark.parametrize(("text", "intent", "period"), [
    ("上星期丢了多少件", "shrinkage", "last_week"),
    ("上季嘅貨值", "stock_value", "last_quarter"),
    ("今個禮拜邊個picker最快", "picker_performance", "this_week"),
    ("今个季度啲货周转得点样", "stock_turnover", "this_quarter"),
    ("琴晚 CCTV 有冇 alert", "camera_alerts", "yesterday"),
    ("昨晚监控有没有异常", "camera_alerts", "yesterday"),
    ("any cam alerts last night", "camera_alerts", "yesterday"),
    ("bestsellers yday", "best_sellers", "yesterday"),
    ("did the cams go off anywhere this morning", "camera_alerts", "today"),
    ("missing earrings since the start of the month", "shrinkage", "this_month"),
])
def test_cantonese_traditional_and_informal_periods(
        resolver: Resolver, text: str, intent: str, period: str) -> None:
    assert _slots(resolver, text, intent)["period"] == period


@pytest.mark.parametrize(("text", "intent", "category"), [
    ("項鍊庫存數量", "count_stock", "necklace"),
    ("仲有幾多隻手鈪", "count_stock", "bangle"),
    ("上个月链条的周转率", "stock_turnover", "chain"),
    ("邊款頸鏈就快賣斷貨要補", "reorder_advice", "necklace"),
])
def test_traditional_and_cantonese_categories(
        resolver: Resolver, text: str, intent: str, category: str) -> None:
    assert _slots(resolver, text, intent)["category"] == category


def test_supply_chain_is_no_chain(resolver: Resolver) -> None:
    assert _slots(resolver, "供应链上的戒指还有几个", "count_stock")["category"] == "ring"


@pytest.mark.parametrize(("text", "intent", "zone"), [
    ("not the vault but the pick zone, how many pieces are there", "count_stock", "PICK"),
    ("唔係金庫，係 pick zone 入面嘅 platinum bangles 有幾多", "count_stock", "PICK"),
    ("不是金库，是拣货区的戒指有几个", "count_stock", "PICK"),
    ("夾萬嗰邊 camera 有冇 alert", "camera_alerts", "VLT"),
    ("預備區的項鍊數量多少", "count_stock", "RES"),
    ("保險庫裡完全沒動過的貨", "dead_stock", "VLT"),
])
def test_zones_set_aside_or_named_in_traditional_and_cantonese(
        resolver: Resolver, text: str, intent: str, zone: str) -> None:
    slots = _slots(resolver, text, intent)
    assert slots["zone"] == zone
    assert slots.get("location") != "V04" or zone == "VLT"


@pytest.mark.parametrize(("text", "intent", "supplier"), [
    ("安特衛普仲有邊啲貨未到", "stock_on_order", "ANTWERP"),
    ("齋浦爾供應商退貨率", "supplier_quality", "JAIPUR"),
    ("斋普尔的供货质量", "supplier_quality", "JAIPUR"),
])
def test_suppliers_named_in_traditional_chinese(
        resolver: Resolver, text: str, intent: str, supplier: str) -> None:
    assert _slots(resolver, text, intent)["supplier"] == supplier


@pytest.mark.parametrize(("text", "metal"), [
    ("铂金库存的货值是多少", "platinum"),
    ("鉑金貨值幾錢", "platinum"),
])
def test_platinum_stock_is_no_vault(resolver: Resolver, text: str, metal: str) -> None:
    slots = _slots(resolver, text, "stock_value")
    assert slots["metal"] == metal and "location" not in slots


@pytest.mark.parametrize(("text", "slots"), [
    ("K白金的货哪些周转比别的慢", {"colour": "white", "metal": "gold"}),
    ("白K金胸针数量", {"colour": "white", "category": "brooch"}),
    ("足金手镯M码还剩几只", {"size": "M", "purity": "Au999"}),
    ("how many 18k white gold rings in size 6 in the pick face", {"size": "6", "colour": "white"}),
])
def test_white_gold_written_with_k_and_letter_sizes(
        resolver: Resolver, text: str, slots: dict[str, str]) -> None:
    intent = "slow_movers" if "周转" in text else "count_stock"
    got = _slots(resolver, text, intent)
    assert {k: got.get(k) for k in slots} == slots


@pytest.mark.parametrize(("text", "intent"), [
    ("should anything in A02-03 be moved nearer the front?", "slotting_advice"),
    ("A02-03的盘点差异追溯结果", "traced_variances"),
])
def test_a_bay_filters_a_report_by_its_bins(resolver: Resolver, text: str, intent: str) -> None:
    assert _slots(resolver, text, intent)["location"] == "A02-03"


@pytest.mark.parametrize(("text", "slots"), [
    ("750白金手镯有几只", {"purity": "Au750", "colour": "white"}),
    ("十八K的白色项链有几条", {"purity": "Au750", "colour": "white", "category": "necklace"}),
    ("how many eighteen carat rings", {"purity": "Au750", "category": "ring"}),
    ("白金耳环有几对", {"purity": "Pt950", "metal": "platinum"}),  # 白金 alone: platinum
])
def test_white_gold_of_a_gold_purity_and_purities_in_words(
        resolver: Resolver, text: str, slots: dict[str, str]) -> None:
    got = _slots(resolver, text, "count_stock")
    assert {k: got.get(k) for k in slots} == slots
