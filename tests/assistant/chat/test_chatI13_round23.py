"""Round 23's kinds of miss (issue 18): Taglish questions (Tagalog words in English) and
Taglish, Australian and regional Chinese yes and no to a waiting action."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from core import Actor, Database
from core.orders.models import OrderStatus, SalesOrder
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_refined


@pytest.mark.parametrize(("reply", "answer"), [
    ("sige po, go", "confirm"), ("ok go po", "confirm"), ("opo", "confirm"),
    ("no worries, go for it", "confirm"), ("yeah righto do it", "confirm"),
    ("好额", "confirm"), ("nah yeah", "confirm"),
    ("huwag muna", "deny"), ("yeah nah", "deny"), ("拉倒吧 先不确认", "deny"),
    # a hold-on keeps the action waiting (a later yes carries it out)
    ("wait lang", "wait"), ("teka lang po", "wait"), ("yeah nah hang on", "wait"),
    ("等一歇", "wait"),
    # a reply mixing a yes and a no, or saying something else, is no answer
    ("sige pero teka", None), ("好 不要了", None), ("po", None), ("now", None),
    # an action's verb is no yes to whatever waits (放 to a waiting hold is no confirmation)
    ("放", None), ("中 召吧", None),
])
def test_regional_yes_and_no_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply) == answer


@pytest.mark.parametrize(("reply", "waiting", "answer"), [
    ("中 召吧", "recall_lot", "confirm"), ("好额 召回", "recall_lot", "confirm"),
    ("yes hold it", "hold_lot", "confirm"), ("ok release it", "release_lot", "confirm"),
    # the verb alone is no yes; another action's verb colours nothing
    ("召回", "recall_lot", None), ("中 召吧", "hold_lot", None),
    ("ok release it", "hold_lot", None), ("不 召回了", "recall_lot", "deny"),
])
def test_the_waiting_actions_own_verb_colours_a_yes(
    reply: str, waiting: str, answer: str | None
) -> None:
    assert short_answer(reply, waiting) == answer


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
    ("may paparating pa po bang ST0012-Au585Y", "stock_on_order", {"sku": "ST0012-Au585Y"}),
])
def test_a_taglish_question_gets_its_report(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("picker performance this month", "picker2 lang po", {"person": "picker2"}),
    ("best sellers", "14K lang", {"purity": "Au585"}),
    ("咱库里戒指有多少件", "光要7号的", {"category": "ring", "size": "7"}),
])
def test_a_follow_up_with_only_in_taglish_or_chinese_refines(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str,
    slots: dict[str, str]
) -> None:
    """'lang' (Taglish: only) and 光要 (only) around a follow-up's value say nothing of it."""
    assert_refined(assistant, actors["manager"], first, then, slots)


def test_an_order_said_digit_by_digit_is_no_quantity(
    assistant: Assistant, actors: dict[str, Actor], demo_db: Database
) -> None:
    """Dictated 'order B O U dash two six … three zero': its digits are the order's, so the
    reservation asks for what the order needs (it had read 'three' as 3 pieces and refused)."""
    with demo_db.read() as session:
        code = session.scalars(select(SalesOrder.external_id).where(
            SalesOrder.status == OrderStatus.OPEN).order_by(SalesOrder.id)).first()
    assert code is not None and re.fullmatch(r"[A-Z]+-\d+-\d+", code)
    said = " ".join(_SAID.get(c, c) for c in code)
    reply = ask(assistant, actors["manager"], f"allocate stock to order {said}")
    assert reply["intent"] == "reserve_for_order" and reply["slots"]["order"] == code, reply
    assert "quantity" not in reply["slots"] and reply["error"] != "quantity-mismatch", reply


_SAID = {"-": "dash", **{str(n): w for n, w in enumerate(
    "zero one two three four five six seven eight nine".split())}}
