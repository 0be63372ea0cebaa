"""A question shaped like a follow-up with no question before it that it refines."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.chat import Assistant
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("size 8 rings in stock?", "count_stock", {"category": "ring", "size": "8"}),
    ("華倫薩供應商品質點樣", "supplier_quality", {"supplier": "VALENZA"}),
])
def test_a_whole_question_that_looks_like_a_follow_up_is_answered(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str],
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] is None and reply["intent"] == intent, reply["answer"]
    assert {k: reply["slots"].get(k) for k in slots} == slots


@pytest.mark.parametrize("text", ["only bangles", "and last week?", "just the earrings"])
def test_a_refinement_alone_still_asks_for_the_question(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert _ask(assistant, actors["manager"], text)["error"] == "no-context"
