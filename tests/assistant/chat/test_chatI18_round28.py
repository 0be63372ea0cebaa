"""Round 28's kinds of miss (issue 18): Hong Kong staff typing Cantonese in Latin letters ('A02
yau gei do gin fo', 'bin di fo yat gin dou mo maai gwo'), Gansu and Ningxia words (阿达, 胡都),
Persian, Ghanaian and South Indian words of address (lotfan, chale, 'today itself'), and these
speakers' yes, no and hold-on (seri, avunu, bale, areh, aane, 네, 对着呢, 'mo man tai' / 'm sai',
illa, daabi / 'dang dang', 'ye lahze', 'konjam wait', 'wait small', 等一哈子)."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_refined


@pytest.mark.parametrize(("text", "words"), [
    ("A02 yau gei do gin fo", "a02 how many pieces goods"),
    ("bin di fo yat gin dou mo maai gwo?", "which goods not sold a single piece"),
    ("yau gei do order jung mei ship", "how many order not yet ship"),
    # a storage bin and 'go' stay English without a Cantonese phrase
    ("where is bin A01-03", "where is bin a01-03"), ("go to the bin", "go to the bin"),
])
def test_romanised_cantonese_is_read_as_english(text: str, words: str) -> None:
    assert normalise_text(text) == words


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("A02 yau gei do gin fo", "count_stock", {"location": "A02"}),
    ("A01 yau mo fo m gin jo", "shrinkage", {"location": "A01"}),
    ("this week bin di ring maai dak ho", "best_sellers",
     {"period": "this_week", "category": "ring"}),
    ("yau gei do order jung mei ship", "pending_orders", {}),
    ("S925 ge fo jik gei do chin", "stock_value", {"purity": "S925"}),
    ("how many earrings on hand lotfan", "count_stock", {"category": "earrings"}),
])
def test_their_questions_are_answered(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize(("reply", "waiting", "answer"), [
    ("seri, do it", None, "confirm"), ("avunu, acknowledge", "acknowledge_alert", "confirm"),
    ("bale, go", None, "confirm"), ("areh, merci", None, "confirm"), ("aane aane", None, "confirm"),
    ("네 네, 召回", "recall_lot", "confirm"), ("对着呢", None, "confirm"),
    ("mo man tai, reserve", "reserve_for_order", "confirm"), ("go ahead chale", None, "confirm"),
    ("成呢，扣上", "hold_lot", "confirm"), ("네, 好的 开始", "start_cycle_count", "confirm"),
    ("m sai la", None, "deny"), ("illa", None, "deny"), ("daabi", None, "deny"),
    ("dang dang", None, "wait"), ("ye lahze", None, "wait"), ("konjam wait", None, "wait"),
    ("wait small", None, "wait"), ("等一哈子", None, "wait"), ("잠깐만요... 等一下", None, "wait"),
    # Persian 'na' (no) is a particle in Hindi and Thai: alone it answers nothing
    ("na", None, None),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(
    reply: str, waiting: str | None, answer: str | None
) -> None:
    assert short_answer(reply, waiting) == answer


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("shrinkage in the reserve this quarter", "what of the vault", {"zone": "VLT"}),
    ("how many earrings on hand lotfan", "only rose gold ones", {"colour": "rose"}),
])
def test_their_follow_ups_refine_the_question(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str, slots: dict[str, str]
) -> None:
    assert_refined(assistant, actors["manager"], first, then, slots)


@pytest.mark.parametrize("reply", ["nai", "chak", "what is the capital of peru"])
def test_a_reply_read_as_no_question_leaves_the_action_waiting(
    assistant: Assistant, actors: dict[str, Actor], reply: str
) -> None:
    """A yes or no in words the chat does not know drops nothing: it says so, nothing is done,
    and the plain no after it cancels the action that still waited."""
    manager, conversation = actors["manager"], f"unread-{reply}"
    asked = ask(assistant, manager, "hold lot G-2311, the clasps are loose", conversation)
    assert asked["intent"] == "hold_lot" and asked["confirm"], asked
    unread = ask(assistant, manager, reply, conversation)
    assert (unread["intent"], unread["error"], unread["confirm"]) == (None, "not-an-answer", None)
    assert "G-2311" in unread["answer"]
    denied = ask(assistant, manager, "no", conversation)
    assert (denied["intent"], denied["error"]) == ("deny", None)
    assert ask(assistant, manager, "yes", conversation)["error"] == "nothing-pending"


@pytest.mark.parametrize(("text", "words"), [
    ("SELECT picker WHERE serial=FC0000001", "who picked fc0000001"),
    ("select location where lot=G-2311", "where is lot g-2311"),
])
def test_a_selected_column_that_is_the_question_is_said_so(text: str, words: str) -> None:
    """Exporting rounds 27 and 28 made 'SELECT picker ...' a close call between who picked the
    piece and its history: the selected column says which."""
    assert normalise_text(text) == words
