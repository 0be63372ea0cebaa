"""Round 25's kinds of miss (issue 18): Jamaican patois and Hindi/Urdu words in English questions,
Zhejiang Mandarin, printing and invoice requests refused, and these speakers' yes, no and hold-on
to a waiting action."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered


@pytest.mark.parametrize(("reply", "answer"), [
    ("yeah man, gwaan", "confirm"), ("ji haan", "confirm"), ("haan, kar do bhai", "confirm"),
    ("ja graag, go ahead", "confirm"), ("affirmative. execute.", "confirm"),
    ("对的，就这么弄嘞", "confirm"), ("可以，做", "confirm"),
    ("nahi, rehne do", "deny"), ("nuh badda", "deny"), ("nej", "deny"),
    ("ruko bhai", "wait"), ("hol' on", "wait"), ("wacht even", "wait"), ("stand by one", "wait"),
    ("等一下下", "wait"),
    # 'ji' is politeness, not a yes; a yes and a no together answer nothing
    ("ji", None), ("nahi ji haan", None),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply) == answer


@pytest.mark.parametrize(("text", "words"), [
    ("how much stock wi lose to shrinkage las' year?",
     "how much stock we lose to shrinkage last year"),
    ("dead stock inna di reserve, zero sale", "dead stock in the reserve zero sale"),
    ("JAIPUR ka inventory turnover kitna hai is quarter",
     "jaipur inventory turnover how many this quarter"),
    # English is left alone: 'is', 'do', 'di' inside words and Spanish 'las' keep their reading
    ("is the vault ok", "is the vault ok"), ("do we have rings", "do we have rings"),
    ("las piezas de oro", "the pieces de gold"),
])
def test_patois_and_hindi_words_read_as_english(text: str, words: str) -> None:
    assert normalise_text(text) == words


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("how fast di stock a turn ova dis year? turnover rate", "stock_turnover",
     {"period": "this_year"}),
    ("how di pickers dem a perform dis week? picks per hour", "picker_performance",
     {"period": "this_week"}),
    ("kaun se gold items bahut dheere bik rahe hain is saal", "slow_movers",
     {"period": "this_year", "metal": "gold"}),
    ("pick area mein kitna maal gayab hua is month", "shrinkage", {"period": "this_month"}),
    ("bhai lot G-2311 kahan rakha hai?", "locate", {"lot": "G-2311"}),
    ("bhai last 7 days mein sabse zyada kya bika?", "best_sellers", {"period": "last_7_days"}),
    ("yow, how many size 8 ring dem deh pon hand?", "count_stock", {"size": "8"}),
    ("G-2311 recall kar do bhai", "recall_lot", {"lot": "G-2311"}),
])
def test_a_round_25_question_gets_its_answer(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize("text", [
    "WEB-261125-03524个發票重新印一張", "帮我打印一下A01-02的货架标签嘞",
])
def test_reprinting_an_invoice_or_a_shelf_label_is_not_supported(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    """They were read as a reservation and a cycle count (both still asked first)."""
    assert ask(assistant, actors["manager"], text)["error"] == "not-supported"
