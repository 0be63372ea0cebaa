"""Round 27's kinds of miss (issue 18), and what exporting rounds 25 and 26 to the training
data turned: a lot's age asked in Chinese or English ('G-2311放了多久', 'how old is lot G-2311')
is its ageing, not a recall's reach or where it is."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import assert_answered


@pytest.mark.parametrize(("text", "slots"), [
    ("G-2311放了多久", {"lot": "G-2311"}),
    ("G-2311放了多少天", {"lot": "G-2311"}),
    # Cantonese 几多 read first leaves 多少日: Hakka and Cantonese 几多日 is still 多少天
    ("G-2311在金库放了几多日", {"lot": "G-2311", "zone": "VLT"}),
    ("how old is lot G-2311", {"lot": "G-2311"}),
])
def test_a_lots_age_is_its_ageing(
    assistant: Assistant, actors: dict[str, Actor], text: str, slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, "stock_ageing", slots)


@pytest.mark.parametrize(("text", "intent"), [
    ("where is G-2311", "locate"), ("G-2311召回会影响哪些订单", "recall_preview"),
])
def test_where_a_lot_is_and_a_recalls_reach_stay_so(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    assert assistant.ask(text, actor=actors["manager"]).as_dict()["intent"] == intent
