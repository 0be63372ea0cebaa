"""Round 36's kinds of miss, read after its recorded first run (issue 18): New Zealand and
Filipino-American replies to a waiting action ('yes chur, go for it', 'yes do it thx'), Tianjin
and north-eastern ones (行，就介么办吧, 可以，整上), a follow-up closed with 'eh', 'so', 'la',
'cher' or Taglish 'naman' ('what about last week, eh?', 'for rings naman', 金库个呢？), a changed
quantity closed with thanks, a bangle size said 'in large', the reserve named as "Reserve's
looking chocka", and requests nothing does (printing a certificate, moving a piece from one
bin to another); round 34's Putian 'G-1068 敢可以先封货？' (a hold, not a release) and round
35's 'G-2128 如果召回的话，货在哪…' (a recall's reach, not where the lot is); 'who was picking
today' asked back between picker performance and who picked an order or piece."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.actions.slots import changed_quantity
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_not_supported


@pytest.mark.parametrize(("reply", "answer"), [
    ("yes chur, go for it", "confirm"), ("yes chur", "confirm"), ("yes do it thx", "confirm"),
    ("行，就介么办吧", "confirm"), ("可以，整上", "confirm"),
    ("nah chur, leave it", "deny"),
    # a question is no answer
    ("chur, what's in the vault?", None),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply, "draft_purchase_order") == answer


@pytest.mark.parametrize(("reply", "quantity"), [
    ("change it to 20 pieces instead, cheers", "20"), ("make it 15 pcs thx", "15"),
])
def test_a_changed_quantity_closed_with_thanks_is_read(reply: str, quantity: str) -> None:
    assert changed_quantity(reply) == quantity


@pytest.mark.parametrize(("question", "follow_up", "intent", "slot", "value"), [
    ("Late orders this week", "what about last week, eh?", "late_orders", "period",
     "last_week"),
    ("Best sellers in gold this month", "and for last month, so?", "best_sellers", "period",
     "last_month"),
    ("slow movers for earrings this month", "for rings naman", "slow_movers", "category",
     "ring"),
    ("How many pieces are in the reserve?", "and the vault, la?", "count_stock", "zone", "VLT"),
    ("What were the top sellers last month?", "how about this year, cher", "best_sellers",
     "period", "this_year"),
    ("保险库里有多少件货", "储备区个呢？", "count_stock", "zone", "RES"),
])
def test_a_follow_up_closed_with_a_particle_refines_the_question(
    assistant: Assistant, actors: dict[str, Actor], question: str, follow_up: str, intent: str,
    slot: str, value: str
) -> None:
    first = ask(assistant, actors["manager"], question)
    assert first["intent"] == intent, first
    then = ask(assistant, actors["manager"], follow_up, first["conversation_id"])
    assert then["intent"] == intent and then["slots"].get(slot) == value, then


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("How many 18k white gold bangles in large have we got?", "count_stock",
     {"purity": "Au750", "colour": "white", "category": "bangle", "size": "L"}),
    ("Reserve's looking chocka. How many pieces are actually in there?", "count_stock",
     {"zone": "RES"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize("text", [
    "打印一下G-2311的证书，客户要", "把FC0000001从A01-01-1L挪到A01-02-2R去",
])
def test_requests_nothing_does_are_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert_not_supported(assistant, actors["manager"], text)


@pytest.mark.parametrize("text", ["G-2311 敢可以先封货？", "G-2311 可以先封货吗？"])
def test_may_we_seal_a_lot_is_a_hold(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    """Round 34's Putian 'G-1068 敢可以先封货？' (may we seal it first?) asks for a hold; its
    可以…吗 had read it as a release."""
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == "hold_lot", reply


def test_where_the_goods_are_if_a_lot_were_recalled_is_the_preview(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """Round 35's 'G-2128 如果召回的话，货在哪，会波及哪些客户，只看一下' asks a recall's
    reach (whose answer lists where the goods are too), not only where the lot is."""
    text = "G-2311 如果召回的话，货在哪，会波及哪些客户，只看一下"
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == "recall_preview" and reply["confirm"] is None, reply


@pytest.mark.parametrize("text", ["Who was picking today? Tell me", "who did the picking yesterday",
                                  "昨天是谁在拣货"])
def test_who_picked_with_a_period_and_no_code_is_asked_back(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    """Rounds 33-35's writers labelled these close calls between who has been picking and who
    picked one order or piece; the chat had asked 'which order?'."""
    reply = ask(assistant, actors["manager"], text)
    assert reply["error"] == "ambiguous", reply
    assert {c["intent"] for c in reply["choices"]} == {"picker_performance", "who_picked"}


def test_who_picked_the_order_is_still_asked_which(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"], "who picked the order")
    assert reply["intent"] == "who_picked" and reply["error"] == "missing-slot", reply
