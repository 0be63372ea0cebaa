"""What round 45 left, read after its fixes (issue 18): a SKU named without its size or metal
('where're the ST0003-Au750Y rings kept, all sizes?', 'ST0003在哪'), days of cover asked in
Chinese ('按现在的销售速度还能卖几天'), 今天 kept by the camera alerts' template and Krio 'tide'
(today); the answers' words (one location, the goods of a turnover in the question's
language)."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered


@pytest.mark.parametrize(("text", "intent", "sku"), [
    ("where're the ST0003-Au750Y rings kept, all sizes?", "locate", "ST0003-Au750Y"),
    ("where is ST0003", "locate", "ST0003"),
    ("ST0003在哪", "locate", "ST0003"),
    ("how many ST0003-Au750Y do we have", "count_stock", "ST0003-Au750Y"),
    ("ST0003-Au750Y还有多少", "count_stock", "ST0003-Au750Y"),
])
def test_the_start_of_a_skus_code_names_its_skus(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str, sku: str
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, {"sku": sku})
    reply = ask(assistant, actors["manager"], text)
    assert reply["data"] and all(str(r["sku"]).startswith(f"{sku}-") for r in reply["data"])


@pytest.mark.parametrize(("text", "intent", "slots"), [
    # days of cover asked in Chinese: the turnover
    ("足金手镯按现在的销售速度还能卖几天？", "stock_turnover",
     {"purity": "Au999", "category": "bangle"}),
    ("按现在的销售速度还能卖几天", "stock_turnover", {}),
    ("库存还够卖几天", "stock_turnover", {}),
    ("手镯还能卖多久", "stock_turnover", {"category": "bangle"}),
    # today kept by the camera alerts
    ("今天的摄像头报警", "camera_alerts", {"period": "today"}),
    ("any camera alerts for the vault tide?", "camera_alerts",
     {"period": "today", "zone": "VLT"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


def test_a_turnover_names_its_goods_in_the_questions_language(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"], "手镯还能卖多久")
    assert "手镯" in reply["answer"] and "bangle" not in reply["answer"], reply["answer"]


def test_locations_are_counted_in_the_right_number(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    said = set()
    for code in [f"ST0003-Au750{c}-{n}" for c in "YW" for n in range(5, 10)] + ["G-2311"]:
        reply = ask(assistant, actors["manager"], f"where is {code}")
        if reply["error"] is None and reply["data"]:
            count = len({r["location"] for r in reply["data"]})
            words = " in 1 location:" if count == 1 else f" in {count} locations:"
            assert words in reply["answer"], reply["answer"]
            said.add(count == 1)
    assert said == {True, False}
