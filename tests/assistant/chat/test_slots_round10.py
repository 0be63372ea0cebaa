"""Slots the chat reads after the ninth blind round (issue 18): everyday names for the
warehouse's places (the packing desk, receiving, the back shelves), karats and lengths said in
words, category and filler words mistyped, a spoken question's hesitations, Cantonese
cufflinks and 'this quarter', and a period the speaker corrects. Phrasings differ from the
blind round's on purpose."""

from __future__ import annotations

import pytest

from assistant.actions import action_slots
from assistant.chat import Assistant
from assistant.entities.attributes import Vocab, scan_attributes
from assistant.entities.resolve import zone_slot
from core import Actor
from tests.assistant.chat.slot_reading import read_slots, resolver_for


@pytest.mark.parametrize(("text", "intent", "slots"), [
    # karats said in words
    ("top sellers in twenty-four carat this month", "best_sellers",
     {"purity": "Au999", "metal": "gold", "period": "this_month"}),
    ("fourteen karat bangles that are not moving", "slow_movers",
     {"purity": "Au585", "category": "bangle"}),
    # a mistyped category (two letters swapped) and mistyped fillers: no product is searched
    ("how mnay chians do we hvae", "count_stock", {"category": "chain", "product": None}),
    ("pendnats left in stcok?", "count_stock", {"category": "pendant", "product": None}),
    # a leaf is a leaf, not 'left' mistyped: the product stays
    ("how many leaf pendants", "count_stock", {"category": "pendant", "product": "leaf"}),
    # a spoken question's hesitations are no product
    ("uh so erm how many white gold bangles", "count_stock",
     {"colour": "white", "metal": "gold", "category": "bangle", "product": None}),
    # Cantonese
    ("呢季邊啲袖鈕賣得最好", "best_sellers", {"period": "this_quarter", "category": "cufflinks"}),
    ("袖口鈕仲有幾多對", "count_stock", {"category": "cufflinks"}),
    # a period the speaker corrects: the last one said counts
    ("value of stock last year, no wait, this year", "stock_value", {"period": "this_year"}),
    ("上个月……唔係，呢個月嘅損耗", "shrinkage", {"period": "this_month"}),
    # two periods without a correction: the first, as before
    ("best sellers this month against last month", "best_sellers", {"period": "this_month"}),
])
def test_question_slots(assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
                        slots: dict[str, str | None]) -> None:
    found = read_slots(assistant, actors["manager"], text, intent)
    assert {k: found.get(k) for k in slots} == slots, found


@pytest.mark.parametrize(("text", "size"), [
    ("necklaces forty five centimetres", "45cm"),
    ("chains of 42 centimeters", "42cm"),
    ("rose gold chains at fifty cm", "50cm"),
])
def test_lengths_said_in_words(text: str, size: str) -> None:
    vocab = Vocab(categories=frozenset({"necklace", "chain"}),
                  sizes=frozenset({"42cm", "45cm", "50cm"}))
    assert scan_attributes(text, vocab).slots.get("size") == size


@pytest.mark.parametrize(("text", "zone"), [
    ("count what's on the packing desk", "OPS"),
    ("camera alerts at the pack station last night", "OPS"),
    ("anything flagged in receiving today", "OPS"),
    ("start a count of the back shelves", "RES"),
    ("包装区嘅告警", "OPS"),
    # goods moved nearer a place are not in it; packing errors are no place
    ("which rings should move closer to the packing area", None),
    ("packing errors by picker this week", None),
])
def test_everyday_place_names(assistant: Assistant, actors: dict[str, Actor], text: str,
                              zone: str | None) -> None:
    assert zone_slot(text, resolver_for(assistant, actors["manager"]).index) == zone


def test_an_alert_acknowledged_by_its_place(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """'the packing desk alert' is the alert in zone OPS, not a zone called 'desk'."""
    found = action_slots("acknowledge_alert", "ack the packing desk alarm, false trigger", {},
                         resolver_for(assistant, actors["manager"]))
    assert found.get("zone") == "OPS"
