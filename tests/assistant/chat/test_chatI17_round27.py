"""Round 27's kinds of miss (issue 18): Hawaiian Pidgin and London words ('get any pendants dat
nevah sell', 'best sellers this week bruv'), these speakers' yes, no and hold-on (shoots,
garans, endaxi, 没麻达, 亚克西 / allow it, ochi, 算咯 / mia stigmi, wait little bit, 等下子),
Chinese holds said as 锁货 or 封货, a draft's quantity changed in the reply ('唔係，改做40件'); and
what exporting rounds 25 and 26 to the training data turned: a lot's age asked in Chinese or
English ('G-2311放了多久', 'how old is lot G-2311') is its ageing, not a recall's reach or where
it is."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_refined


@pytest.mark.parametrize(("text", "slots"), [
    ("G-2311放了多久", {"lot": "G-2311"}),
    ("G-2311放了多少天", {"lot": "G-2311"}),
    # Cantonese 几多 read first leaves 多少日: Hakka and Cantonese 几多日 is still 多少天
    ("G-2311在金库放了几多日", {"lot": "G-2311", "zone": "VLT"}),
    ("how old is lot G-2311", {"lot": "G-2311"}),
])
def test_a_lots_age_is_its_ageing(
    assistant: Assistant, actors: dict[str, Actor], text: str, slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, "stock_ageing", slots)


@pytest.mark.parametrize(("text", "intent"), [
    ("where is G-2311", "locate"), ("G-2311召回会影响哪些订单", "recall_preview"),
])
def test_where_a_lot_is_and_a_recalls_reach_stay_so(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    assert assistant.ask(text, actor=actors["manager"]).as_dict()["intent"] == intent


@pytest.mark.parametrize(("text", "words"), [
    ("get any pendants dat nevah sell even one?", "get any pendants that never sell even one"),
    ("count differences an' da reasons fo' um", "count differences and the reasons for them"),
    ("only da reserve", "only the reserve"), ("an' last month?", "and last month"),
    # without a Pidgin word 'da' and 'an' are left alone (Italian 'da', the article 'an')
    ("rings da Arezzo", "rings da arezzo"), ("is an order late", "is an order late"),
])
def test_pidgin_is_read_as_english(text: str, words: str) -> None:
    assert normalise_text(text) == words


@pytest.mark.parametrize(("reply", "answer"), [
    ("shoots", "confirm"), ("garans, do um", "confirm"), ("say less", "confirm"),
    ("endaxi", "confirm"), ("malista", "confirm"), ("没麻达", "confirm"), ("亚克西", "confirm"),
    ("可以咯，搞嘛", "confirm"), ("冲啦", "confirm"),
    ("allow it", "deny"), ("ochi", "deny"), ("算咯", "deny"),
    ("mia stigmi", "wait"), ("wait little bit", "wait"), ("one sec bruv", "wait"),
    ("等下子", "wait"), ("歇一哈", "wait"),
    # Greek 'nai' (yes) is Hindi 'nai' (no): neither
    ("nai", None),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply) == answer


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("get any pendants dat nevah sell even one?", "dead_stock", {"category": "pendant"}),
    ("camera alerts from da reserve brah", "camera_alerts", {"zone": "RES"}),
    ("best sellers this week bruv", "best_sellers", {"period": "this_week"}),
    ("G-2311那批货锁起来，莫卖了", "hold_lot", {"lot": "G-2311"}),
    ("周转率按供应商AREZZO看一哈", "stock_turnover", {"supplier": "AREZZO"}),
    # a supplier's Chinese city fills a follow-up's slot only when it says nothing else
    ("安特卫普的货库龄咋样", "stock_ageing", {"supplier": "ANTWERP"}),
])
def test_their_questions_are_answered(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


def test_a_word_of_address_is_no_product(assistant: Assistant, actors: dict[str, Actor]) -> None:
    reply = ask(assistant, actors["manager"], "how many pieces we have in stock, re")
    assert (reply["intent"], reply["error"], reply["slots"]) == ("count_stock", None, {})


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("dead stock list innit", "just the AREZZO stuff", {"supplier": "AREZZO"}),
    ("shrinkage this year brah", "only da reserve", {"zone": "RES"}),
    ("qc failures this month brah", "an' last month?", {"period": "last_month"}),
])
def test_their_follow_ups_refine_the_question(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str, slots: dict[str, str]
) -> None:
    assert_refined(assistant, actors["manager"], first, then, slots)


def test_weighing_a_piece_is_not_supported(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"], "weigh da piece FC0000300 fo' me brah")
    assert (reply["intent"], reply["error"]) == (None, "not-supported")


@pytest.mark.parametrize("change", ["唔係，改做40件", "no, make it 40"])
def test_another_quantity_said_to_a_waiting_draft_is_refused_and_ends_it(
    assistant: Assistant, actors: dict[str, Actor], change: str
) -> None:
    manager, conversation = actors["manager"], f"change-{change}"
    asked = ask(assistant, manager, "按建议落张草稿采购单", conversation)
    assert asked["intent"] == "draft_purchase_order" and asked["confirm"], asked
    changed = ask(assistant, manager, change, conversation)
    assert changed["intent"] == "draft_purchase_order"
    assert changed["slots"]["quantity"] == "40" and changed["error"] == "quantity-not-advised"
    assert ask(assistant, manager, "yes", conversation)["error"] == "nothing-pending"
