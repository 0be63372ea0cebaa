"""The chat's intent decision on questions of the eighth blind round (retired to dev) that it got
wrong: a lot followed is no hold, a recall looked at first is its preview, and the close-call
model reads a pair both of whose intents the question names as a close call."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.chat import Assistant
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize("text", ["跟踪G-6253", "跟踪一下G-6253"])
def test_following_a_lot_is_no_hold(assistant: Assistant, actors: dict[str, Actor],
                                    text: str) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] != "hold_lot" and reply["confirm"] is None
    # where it is or what a recall would reach: answered as one, or asked back between them
    named = {reply["intent"], *(c["intent"] for c in reply["choices"])} - {None}
    assert named and named <= {"locate", "recall_preview"}


def test_a_recall_looked_at_first_is_its_preview(assistant: Assistant,
                                                 actors: dict[str, Actor]) -> None:
    reply = _ask(assistant, actors["manager"], "召回G-2311之前先睇下影響幾大")
    assert reply["intent"] == "recall_preview" and reply["confirm"] is None
    assert reply["slots"].get("lot") == "G-2311"


@pytest.mark.parametrize("text", ["stock of ST0003-Au750Y-7?", "total gold rings on hand"])
def test_a_stock_count_is_answered_not_asked_back(assistant: Assistant, actors: dict[str, Actor],
                                                  text: str) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] is None and reply["intent"] == "count_stock"
