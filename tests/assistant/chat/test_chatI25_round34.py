"""Round 34's kinds of miss, read after its recorded first run (issue 18): the replies of
Newfoundland, Gujarati, Pforzheim, Gan and Fujian speakers to a waiting action ("yes b'y, go
ahead", 'yes me son, fire away', 'yes, chalo, go ahead', '可以，弄下去', '可以可以，安排',
'不搞了嘞'), their words of address in a follow-up ("and what about this year, b'y?", 'And last
year, bitte?'), a lot-first recall closed with a southern particle ('G-2311 召回咯'), requests
nothing does (splitting a lot, scrapping a piece, a refund, cancelling an order in a clause of
its own), a length in 公分, and how exact an answer need be ('Ballpark is fine')."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered


@pytest.mark.parametrize(("reply", "answer"), [
    ("yes b'y, go ahead", "confirm"), ("yes me son, fire away", "confirm"),
    ("yes, chalo, go ahead", "confirm"), ("yes, genau, do it", "confirm"),
    ("yes please, do the needful", "confirm"), ("yes, go on and do it", "confirm"),
    ("yes, that is correct, make it", "confirm"), ("yes, go ahead the once", "confirm"),
    ("可以，弄下去", "confirm"), ("可以可以，安排", "confirm"), ("好咯，就搞", "confirm"),
    ("no b'y, leave it", "deny"), ("不搞了嘞", "deny"), ("歹势，不要弄了", "deny"),
    ("hold on now b'y", "wait"), ("moment please, wait", "wait"),
    # a changed quantity is no yes: the draft is stated again with it
    ("make it 40 pieces instead, b'y", None),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply, "hold_lot") == answer


def test_a_newfoundland_yes_posts_the_waiting_action(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """G-9106 is on hold in the demo; another test of the session may have released it, so
    the lot is put back on hold when it cannot be released."""
    manager = actors["manager"]
    for text in ("Release lot G-9106, the clasps are all checked b'y",
                 "Put lot G-9106 on hold b'y, the clasps need another look"):
        first = ask(assistant, manager, text)
        if first["confirm"]:
            break
    assert first["intent"] in ("release_lot", "hold_lot") and first["confirm"], first
    then = ask(assistant, manager, "yes b'y, go ahead", first["conversation_id"])
    assert then["intent"] == "confirm" and then["error"] is None, then


@pytest.mark.parametrize(("question", "follow_up", "intent", "period"), [
    ("What were the top sellers last month?", "and what about this year, b'y?", "best_sellers",
     "this_year"),
    ("Which lots failed the QC this year?", "And last year, bitte?", "qc_failures",
     "last_year"),
])
def test_a_follow_up_with_a_word_of_address_refines_the_question(
    assistant: Assistant, actors: dict[str, Actor], question: str, follow_up: str, intent: str,
    period: str
) -> None:
    first = ask(assistant, actors["manager"], question)
    assert first["intent"] == intent, first
    then = ask(assistant, actors["manager"], follow_up, first["conversation_id"])
    assert then["intent"] == intent and then["slots"].get("period") == period, then


def test_a_lot_first_recall_with_a_southern_particle_is_the_recall(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"], "G-2311 召回咯，成色冇达标")
    assert reply["intent"] == "recall_lot" and reply["confirm"], reply
    assert reply["slots"].get("reason") == "成色冇达标"


@pytest.mark.parametrize("text", [
    "G-2311 这批帮我拆成两批", "把这件货标成报废吧 掉地上摔坏了",
    "那单客户要退货退款，帮我搞一下", "这个单子客户不要咧，给取消掉",
])
def test_requests_nothing_does_are_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["error"] == "not-supported" and reply["confirm"] is None, reply


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("银的项链45公分的还有几件，晓不得还够不够", "count_stock",
     {"metal": "silver", "category": "necklace", "size": "45cm"}),
    ("What's all our gold worth at cost? Ballpark is fine", "stock_value", {"metal": "gold"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


def test_an_action_whose_reason_names_a_refund_is_still_asked(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """The refund is the hold's reason, not the request: the hold's own template reads it."""
    reply = ask(assistant, actors["manager"], "G-2311 冻结一下，客户要退货退款")
    assert reply["intent"] == "hold_lot" and reply["error"] != "not-supported", reply


def test_a_question_about_refunds_is_not_refused_as_a_request(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """Only asking for a refund is refused: how many orders were returned and refunded is a
    question, not a request."""
    reply = ask(assistant, actors["manager"], "上个月退货退款的订单有多少")
    assert reply["error"] != "not-supported", reply
