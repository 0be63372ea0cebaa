"""Round 37's kinds of miss, read after its recorded first run (issue 18): Geordie, Sylheti and
Boston replies to a waiting action ('wey aye, gan on', 'thik ase bhai, do it', 'wicked good, go
ahead'), Wuhan and Hefei ones (好，搞撒, 冇得问题，搞, 照，就这么搞, 不照), their words closing a
follow-up ('what about last week, pet?', "just Arezzo's", 'just the medium ones'), Wuhan 么斯
(what), Boston 'quahta', the reserve said 'for reserve', and requests nothing does (printing a
certificate, changing an order's address)."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_not_supported


@pytest.mark.parametrize(("reply", "answer"), [
    ("wey aye, gan on", "confirm"), ("aye pet, gan ahead", "confirm"),
    ("aye, howay, do it", "confirm"), ("yeah, do it, kid", "confirm"),
    ("thik ase bhai, do it", "confirm"), ("accha, yes go ahead", "confirm"),
    ("ha apa, confirm it", "confirm"), ("yup, go for it guy", "confirm"),
    ("wicked good, go ahead", "confirm"), ("好，搞撒", "confirm"), ("可以，搞快点撒", "confirm"),
    ("冇得问题，搞", "confirm"), ("照，搞吧", "confirm"), ("照照照，弄", "confirm"),
    ("行，就这么搞", "confirm"), ("不照", "deny"), ("冇得", "deny"), ("no kid, leave it", "deny"),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str) -> None:
    assert short_answer(reply, "hold_lot") == answer


@pytest.mark.parametrize(("question", "follow_up", "intent", "slot", "value"), [
    ("Show us the late orders this week", "what about last week, pet?", "late_orders", "period",
     "last_week"),
    ("Slow movers in rings this quarter", "just Arezzo's", "slow_movers", "supplier", "AREZZO"),
    ("How many bangles are there in the vault?", "just the medium ones", "count_stock", "size",
     "M"),
])
def test_a_follow_up_in_their_words_refines_the_question(
    assistant: Assistant, actors: dict[str, Actor], question: str, follow_up: str, intent: str,
    slot: str, value: str
) -> None:
    first = ask(assistant, actors["manager"], question)
    assert first["intent"] == intent, first
    then = ask(assistant, actors["manager"], follow_up, first["conversation_id"])
    assert then["intent"] == intent and then["slots"].get(slot) == value, then


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("FC0000010在么斯地方？", "locate", {"serial": "FC0000010"}),
    ("How'd the pickers do last quahta, picks per hour?", "picker_performance",
     {"period": "last_quarter"}),
    ("Shrinkage for reserve this year, kid", "shrinkage", {"zone": "RES", "period": "this_year"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize("text", [
    "把FC0000010的证书打印一份出来", "WEB-261125-06272的收货地址改一下",
])
def test_requests_nothing_does_are_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert_not_supported(assistant, actors["manager"], text)
