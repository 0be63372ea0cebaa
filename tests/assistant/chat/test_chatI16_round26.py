"""Round 26's kinds of miss (issue 18): questions typed as queries by power users
('best_sellers period=last_7_days cat=bangle', 'SELECT picker WHERE serial=FC0000449'), and the
yes, no and hold-on of Southern, Sri Lankan, Nepali, Arabic-speaking and Shanxi staff."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from core import Actor
from tests.assistant.chat.slot_reading import assert_answered


@pytest.mark.parametrize(("text", "words"), [
    ("best_sellers period=last_7_days cat=bangle", "best sellers last 7 days bangle"),
    ("SELECT * FROM alerts WHERE period=today AND zone=PICK", "alerts today in zone pick"),
    ("reorder_advice supplier=ANTWERP", "reorder advice from antwerp"),
    ("count(*) on_hand WHERE location=R03-02", "count on hand at r03-02"),
    # a question with no filter and no SELECT is left alone, sums and all
    ("what is 2+2", "what is 2+2"), ("select the best rings", "select the best rings"),
    ("orders > 5 days late and open", "orders > 5 days late and open"),
])
def test_a_query_is_read_as_plain_words(text: str, words: str) -> None:
    assert normalise_text(text) == words


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("best_sellers period=last_7_days cat=bangle", "best_sellers",
     {"period": "last_7_days", "category": "bangle"}),
    ("SELECT picker WHERE serial=FC0000001", "who_picked", {"serial": "FC0000001"}),
    ("qc_failures supplier=AREZZO period=this_year", "qc_failures",
     {"supplier": "AREZZO", "period": "this_year"}),
    ("camera_alerts zone=RES period=last_week", "camera_alerts",
     {"zone": "RES", "period": "last_week"}),
    ("SELECT SUM(value) WHERE cat=ring", "stock_value", {"category": "ring"}),
])
def test_a_query_gets_its_report(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize(("reply", "answer"), [
    ("yessir", "confirm"), ("ow machan do it", "confirm"), ("hajur, go ahead dai", "confirm"),
    ("yes commit", "confirm"), ("得劲，弄吧", "confirm"), ("ok lor 做吧", "confirm"),
    ("不了，先别弄", "deny"), ("hoina", "deny"),
    ("istanna shwaya", "wait"), ("等一哈哈", "wait"), ("pause", "wait"),
    # 'hold on machan' to a waiting recall is a hold-on, not a request to hold the lot
    ("hold on machan", "wait"),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str) -> None:
    assert short_answer(reply) == answer

