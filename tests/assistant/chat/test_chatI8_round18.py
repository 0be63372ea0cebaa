"""Round 18 intent work (round 17's dev misses): zero sales is dead stock, a supplier we can
rely on is supplier quality, and a question saying only words a count and a value share
('how much silver') is asked back at a lower bar of the close-call model."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.chat import Assistant
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize("text", ["零销量嘅货，今年", "今年零销量的款有哪些"])
def test_zero_sales_is_dead_stock(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == "dead_stock", reply


@pytest.mark.parametrize("text", ["which of our vendors can we count on the most",
                                  "which suppliers can we rely on"])
def test_a_supplier_to_rely_on_is_supplier_quality(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == "supplier_quality", reply


@pytest.mark.parametrize("text", ["how much silver have we got", "how much gold stock do we have"])
def test_how_much_of_a_metal_is_asked_back(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "ambiguous", reply
    assert {c["intent"] for c in reply["choices"]} == {"count_stock", "stock_value"}


@pytest.mark.parametrize(("text", "intent"), [
    ("how much is the vault stock worth", "stock_value"),
    ("how many silver pendants have we got", "count_stock"),
    ("best selling suppliers this month", "best_sellers"),
])
def test_a_word_that_settles_it_is_answered(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent, reply
