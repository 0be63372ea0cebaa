"""The chat's intent decision after the sixteenth blind round (issue 18, helper chatI7), by class:
West African and Kenyan pidgin's function words are read as their English meaning (abeg, wetin,
wey, no dey, never land, sharp sharp); radio's closing 'over' is dropped; what never sells (at
all, 完全卖不出) is dead stock, a longer contrast cue overriding the shorter one it holds. Every
question here is new wording, none copied from a dev set."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from assistant.intents.prepare import pidgin_english, without_sign_off
from core import Actor
from tests.assistant.chat.slot_reading import ask


@pytest.mark.parametrize(("words", "english"), [
    ("abeg which necklaces no dey sell", "please which necklaces don't sell"),
    ("wetin we buy from jaipur wey never reach", "what we buy from jaipur that has not arrived"),
    ("the shortages wetin make am", "the shortages what caused it"),
    ("hold g-1234 sharp sharp", "hold g-1234 immediately"),
    ("which bangles are deyond", "which bangles are deyond"),  # only whole words
    ("how many rings in stock", "how many rings in stock"),
])
def test_pidgin_words_are_read_as_english(words: str, english: str) -> None:
    assert pidgin_english(words) == english


@pytest.mark.parametrize(("words", "kept"), [
    ("value of the vault over", "value of the vault"),
    ("late orders over and out", "late orders"),
    ("how quickly do bracelets turn over", "how quickly do bracelets turn over"),
    ("earrings over 3 grams", "earrings over 3 grams"),
    ("over", "over"),
])
def test_radio_over_ends_a_message(words: str, kept: str) -> None:
    assert without_sign_off(words) == kept


@pytest.mark.parametrize(("text", "intent"), [
    ("abeg which brooches dem never sell at all", "dead_stock"),
    ("完全卖不掉的手镯", "dead_stock"),
    ("abeg wetin we still dey wait for from AREZZO", "stock_on_order"),
    ("bracelets on hand in the vault, over", "count_stock"),
    # the spelling fix reads 'effect' as 'affect' (a preview's word); the words as typed win
    ("kindly recall G-2128 with immediate effect", "recall_lot"),
    ("recall G-2128 what would it effect", "recall_preview"),
])
def test_pidgin_radio_and_never_selling_questions_read_as_their_intent(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent, reply
    assert not reply["choices"], reply

