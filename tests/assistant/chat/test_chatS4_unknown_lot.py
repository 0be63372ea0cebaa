"""An action or lot question on a lot that is none of ours says it is not found, even where the
words could be two things ('recall G-7777': the recall or its preview; helper chatS4, issue 18,
round 13): asking which of two things to do to a lot that does not exist helps no one."""

from __future__ import annotations

import uuid

import pytest

from assistant.chat import Assistant
from core import Actor


@pytest.mark.parametrize(("text", "intent"), [
    ("recall G-7777", "recall_lot"), ("recall G-7777?", "recall_lot"),
    ("召回 G-7777", "recall_lot"), ("hold G-7777", "hold_lot")])
def test_an_unknown_lot_is_not_found_rather_than_asked_back(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    conversation = str(uuid.uuid4())
    reply = assistant.ask(text, actor=actors["manager"], conversation_id=conversation).as_dict()
    assert reply["error"] == "not-found" and reply["intent"] == intent, reply
    assert reply["slots"]["lot"] == "G-7777" and reply["confirm"] is None
    # nothing waits: a "yes" after it posts nothing
    after = assistant.ask("yes", actor=actors["manager"], conversation_id=conversation).as_dict()
    assert after["confirm"] is None


def test_a_lot_of_ours_is_still_asked_back(assistant: Assistant, actors: dict[str, Actor]
                                           ) -> None:
    reply = assistant.ask("recall G-2311?", actor=actors["manager"]).as_dict()
    assert reply["error"] == "ambiguous"
    assert {c["intent"] for c in reply["choices"]} == {"recall_lot", "recall_preview"}
