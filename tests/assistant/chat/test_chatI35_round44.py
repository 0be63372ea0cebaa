"""Round 44's kinds of miss, read after its recorded first run (issue 18): Scots, Gaelic,
Gujarati, Hindi, Jamaican, Chongqing and office replies to a waiting action ('aye, on you go',
'seadh, do it', 'barabar, go ahead', 'irie, do it', 收到，执行, 可以，送出, 'wait you the now';
可以噻，确认 is a yes, not an acknowledgement asked); 'open customer orders' are pending orders,
not a customer to create; printing an order's courier waybill is refused; 项链的报废记录 is
shrinkage; an alert named with no verb is asked back."""

from __future__ import annotations

import pytest

from assistant.actions.answers import leading_answer, short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import (
    assert_answered,
    assert_asked_back,
    assert_not_supported,
)


@pytest.mark.parametrize(("reply", "answer"), [
    ("aye, on you go", "confirm"), ("seadh, do it", "confirm"), ("barabar, go ahead", "confirm"),
    ("haa bhai, chalo, do it", "confirm"), ("irie, do it", "confirm"),
    ("a suh, confirm it", "confirm"), ("aye, go ahead, tapadh leat", "confirm"),
    ("可以噻，确认", "confirm"), ("收到，执行", "confirm"), ("可以，送出", "confirm"),
    ("OK的，走流程吧", "confirm"), ("可以，搞定它", "confirm"),
    ("no man", "deny"),
])
def test_their_replies_answer_a_waiting_action(reply: str, answer: str) -> None:
    assert short_answer(reply, "recall_lot") == answer


def test_a_scots_hold_on_holds_the_action() -> None:
    assert leading_answer("wait you the now, I'll check", "release_lot") == "wait"


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("open customer orders for earrings", "pending_orders", {"category": "earrings"}),
    ("项链的报废记录", "shrinkage", {"category": "necklace"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize("text", ["帮我打印一哈G-2311的快递单", "add a new customer"])
def test_what_no_report_or_action_does_is_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert_not_supported(assistant, actors["manager"], text)


@pytest.mark.parametrize("text", ["alert 4, the one in the vault", "1號警報，金庫那個"])
def test_an_alert_named_with_no_verb_is_asked_back(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert_asked_back(assistant, actors["manager"], text, {"acknowledge_alert", "camera_alerts"})
