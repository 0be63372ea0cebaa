"""Round 24's kinds of miss (issue 18): Malay and Indonesian words in English questions, Yorkshire
and Northern English words, Tianjin and Jianghuai Mandarin, and the yes, no and hold-on of those
speakers to a waiting action."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_refined


@pytest.mark.parametrize(("reply", "answer"), [
    ("aye, go on", "confirm"), ("reyt, do it", "confirm"), ("ya, boleh", "confirm"),
    ("ok boleh, proceed", "confirm"), ("對，弄", "confirm"), ("da", "confirm"),
    ("tak nak, cancel", "deny"), ("jangan", "deny"), ("甭弄了", "deny"), ("nay", "deny"),
    ("tunggu sekejap", "wait"), ("tunggu dulu", "wait"), ("Stand by.", "wait"),
    ("hold your horses", "wait"), ("您内先等会儿", "wait"),
    # a yes with a word it does not know is no yes ('jangan' is no; 'tak' is Malay no and Polish
    # yes, so it is neither)
    ("ya, jangan", None), ("tak", None), ("ok tak", None),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply) == answer


@pytest.mark.parametrize(("text", "words"), [
    ("berapa barang hilang in pick area?", "how many lost in pick area"),
    ("order yang belum shipped ada berapa?", "order not shipped yet how many"),
    ("camera alert semalam ada?", "camera alert yesterday"),
    # English is left alone: 'ada', 'mana' and 'hari' alone are English words or names too
    ("is ada in the vault today", "is ada in the vault today"),
    ("the hari krishna order", "the hari krishna order"),
])
def test_malay_words_read_as_english(text: str, words: str) -> None:
    assert normalise_text(text) == words


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("picker performance bulan lalu, siapa paling laju?", "picker_performance",
     {"period": "last_month"}),
    ("supplier quality ranking bulan ini", "supplier_quality", {"period": "this_month"}),
    ("barang apa paling laku yesterday?", "best_sellers", {"period": "yesterday"}),
    ("berapa nilai stock for pendants?", "stock_value", {"category": "pendant"}),
    ("order yang belum shipped ada berapa?", "pending_orders", {}),
    ("Unshipped SOs?", "pending_orders", {}),
    ("owt still waiting to ship?", "pending_orders", {}),
    ("G-2311召回", "recall_lot", {"lot": "G-2311"}),
    ("berapa kali stock rotate this year for S925?", "stock_turnover", {"period": "this_year"}),
])
def test_a_round_24_question_gets_its_answer(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


def test_do_it_now_after_a_recall_is_no_reason(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """'G-2311召回，马上给办了': the clause after the command repeats it (do it at once), so the
    recall is stated with the default reason, not with 'do it at once' as its reason."""
    reply = ask(assistant, actors["manager"], "G-2311召回，马上给办了")
    assert reply["intent"] == "recall_lot" and reply["confirm"], reply
    assert "reason" not in reply["slots"]


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("turnover this quarter?", "same for last quarter, ta", {"period": "last_quarter"}),
    ("shrinkage this month?", "what about the reserve, like", {"zone": "RES"}),
])
def test_a_northern_follow_up_refines(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str,
    slots: dict[str, str]
) -> None:
    """A Northern 'ta' (thanks) or 'like' ending a follow-up says nothing of its value."""
    assert_refined(assistant, actors["manager"], first, then, slots)
