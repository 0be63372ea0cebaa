"""Round 23's kinds of miss (issue 18): Taglish questions (Tagalog words in English) and
Taglish, Australian and regional Chinese yes and no to a waiting action."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize(("reply", "answer"), [
    ("sige po, go", "confirm"), ("ok go po", "confirm"), ("opo", "confirm"),
    ("no worries, go for it", "confirm"), ("yeah righto do it", "confirm"),
    ("好额", "confirm"), ("nah yeah", "confirm"),
    ("wait lang", "deny"), ("teka lang po", "deny"), ("huwag muna", "deny"),
    ("yeah nah hang on", "deny"), ("yeah nah", "deny"), ("等一歇", "deny"),
    ("拉倒吧 先不确认", "deny"),
    # a reply mixing a yes and a no, or saying something else, is no answer
    ("sige pero teka", None), ("好 不要了", None), ("po", None), ("now", None),
    # an action's verb is no yes to whatever waits (放 to a waiting hold is no confirmation)
    ("放", None), ("中 召吧", None),
])
def test_regional_yes_and_no_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply) == answer


@pytest.mark.parametrize(("text", "words"), [
    ("ilan ang stock natin galing kay AREZZO", "how many stock our from arezzo"),
    ("sino po ang nag-pick ng FC0000120", "who picked fc0000120"),
    ("pakicheck ng mga CCTV alerts kahapon", "please check cctv alerts yesterday"),
    # English is left alone: 'may' and 'PO' are English words too
    ("may I ask where G-2311 is", "may i ask where g-2311 is"),
    ("make PO to VALENZA pls", "make po to valenza pls"),
])
def test_tagalog_words_read_as_english(text: str, words: str) -> None:
    assert normalise_text(text) == words


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("saan nakalagay ang ST0009-S925W po", "locate", {"sku": "ST0009-S925W"}),
    ("ilan pa po ang open orders na hindi pa na-ship", "pending_orders", {}),
    ("kumusta po ang performance ng mga picker ngayong araw", "picker_performance",
     {"period": "today"}),
    ("ilan po ang nawala or na-write off this year", "shrinkage", {"period": "this_year"}),
    ("ilan pa po ang naka-order na hindi pa dumadating", "stock_on_order", {}),
])
def test_a_taglish_question_gets_its_report(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] is None and reply["intent"] == intent, reply
    assert slots.items() <= reply["slots"].items()
