"""Refusing general-assistant questions, asking back on close calls, Chinese look-ups."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant, _compatible
from assistant.intents.data import LANGUAGES, load_intents
from assistant.intents.matcher import Ranking
from assistant.intents.scope import (
    domain_cues,
    load_code_kinds,
    load_confusable,
    load_negatives,
)
from core import Actor, Database
from core.reports import pending_orders


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict:
    return assistant.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize("text", [
    "which company has gone up the most today", "how fast am I going",
    "what is the cheapest new car this year", "will it snow in Oslo on Friday",
    "what's 45 divided by 9", "how do I make lasagne", "who won the football yesterday",
    "write a python function that reverses a list", "book me a flight to Lisbon",
    "今天哪家公司的股票涨得最多", "明天广州会不会下雨", "我现在车速多少",
])
def test_general_questions_are_refused_saying_what_the_chat_can_do(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "out-of-scope" and reply["intent"] is None
    can_do = assistant.data[reply["language"]].responses["scope.can_do"]
    assert reply["answer"].endswith(can_do) and reply["data"] == []


def test_template_questions_are_never_refused(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    # every template the demo can fill is answered, whatever the out-of-scope model thinks
    for text in ("where is lot G-2311", "what are the best sellers this month",
                 "how many orders are pending", "批次G-2311在哪里", "畅销品有哪些"):
        reply = _ask(assistant, actors["manager"], text)
        assert reply["matcher"] == "template" and reply["error"] is None


def test_a_code_keeps_a_question_in_scope(assistant: Assistant, actors: dict[str, Actor]) -> None:
    # a question naming a lot is about the warehouse even if it reads like small talk
    reply = _ask(assistant, actors["manager"], "tell me a story about G-2311")
    assert reply["error"] != "out-of-scope"
    assert domain_cues("tell me a story about lot", "en", ["lot"]) == ["lot"]
    assert domain_cues("how is the stock market doing", "en") == []


def test_unclear_warehouse_question_is_not_understood(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "what about the rest")
    assert reply["error"] == "not-understood" and len(reply["data"]) == 3


@pytest.mark.parametrize("text", [
    "delete the supplier Valenza from the inventory", "please rename supplier Jaipur",
    "could you remove lot G-2311 from the system", "edit lot G-2311", "把供应商VALENZA删掉",
    "批次G-2311改个名"])
def test_a_request_to_delete_or_edit_records_is_refused_saying_what_it_can_do(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "not-supported" and reply["intent"] is None
    assert reply["confirm"] is None  # nothing stated, nothing waiting for a "yes"
    assert ("put a lot on hold" in reply["answer"]) or ("冻结批次" in reply["answer"])


@pytest.mark.parametrize(("text", "intent"), [
    ("remove the hold on G-2311", "release_lot"), ("take G-8248 off hold", "release_lot"),
    ("who edited lot G-2311", None)])
def test_words_near_an_unsupported_request_are_not_refused_as_one(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str | None
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] != "not-supported"
    if intent is not None:
        assert reply["intent"] == intent


def test_scope_negatives_and_pairs_load() -> None:
    for language in LANGUAGES:
        topics = load_negatives(language)
        assert {"finance", "travel", "small_talk", "weather", "maths", "news"} <= set(topics)
        # a negative is never also an intent's example
        examples = {s.lower() for ss in load_intents(language).examples.values() for s in ss}
        assert not examples & {s.lower() for ss in topics.values() for s in ss}
    assert frozenset({"who_picked", "serial_history"}) in load_confusable(LANGUAGES)


def test_close_call_asks_back_with_choices_that_resolve(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    # "G-2311 recall": recall it now, or first see what a recall would reach? ("where did lot
    # G-2311 end up" is never a recall preview by itself: where the lot is, or asked back
    # between the two, as the training writers label such questions)
    reply = _ask(assistant, actors["manager"], "G-2311 recall")
    assert reply["error"] == "ambiguous" and reply["intent"] is None
    assert {c["intent"] for c in reply["choices"]} == {"recall_lot", "recall_preview"}
    ended = _ask(assistant, actors["manager"], "where did lot G-2311 end up")
    assert ended["intent"] == "locate" or (ended["error"] == "ambiguous" and "locate" in {
        c["intent"] for c in ended["choices"]})
    assert reply["answer"].startswith("Did you mean")
    for choice in reply["choices"]:
        assert choice["label"] in reply["answer"]
    # the question's choice names the lot, and clicking it asks that question
    preview = next(c for c in reply["choices"] if c["intent"] == "recall_preview")
    assert "G-2311" in preview["text"]
    picked = _ask(assistant, actors["manager"], preview["text"])
    assert picked["intent"] == "recall_preview" and picked["error"] is None


def test_every_choice_text_resolves_to_its_intent(
    assistant: Assistant, actors: dict[str, Actor], demo_db: Database
) -> None:
    with demo_db.read() as session:
        order = str(pending_orders(session)[0]["order"])
    codes = {"lot": "G-2311", "serial": "FC0000010", "sku": "ST0001-Au750Y", "order": order}
    for language in LANGUAGES:
        phrases = assistant.data[language].responses
        for key, wording in phrases.items():
            parts = key.split(".")
            if parts[0] != "choice" or parts[-1] == "label":
                continue
            text = wording.format(code=codes.get(parts[2], "")) if len(parts) == 3 else wording
            match = assistant.ask(text, actor=actors["manager"]).run.match
            assert match is not None and match.intent == parts[1], (key, text)


@pytest.mark.parametrize("text", ["帮我查查G-2311这个批次放哪了", "看一下批次G-2311存在什么地方",
                                  "还有没有批次G-2311，在哪里"])
def test_chinese_lookups_beyond_the_templates(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == "locate" and reply["error"] is None
    # the answer says both whether there is stock (how many pieces) and where
    assert "件" in reply["answer"] and reply["data"]


def test_an_intent_is_not_guessed_for_a_kind_of_code_it_cannot_answer() -> None:
    # a question naming only an order is no piece history, however its words read
    kinds = load_code_kinds(LANGUAGES)
    ranking = Ranking((("serial_history", 0.9), ("who_picked", 0.8), ("locate", 0.5)))
    assert _compatible(ranking, ["order"], kinds).best[0] == "who_picked"
    assert _compatible(ranking, ["serial"], kinds).best[0] == "serial_history"
    assert _compatible(ranking, [], kinds) == ranking
