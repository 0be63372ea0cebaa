"""What round 47's first run left, read on its retired set (issue 18): an acknowledgement whose
reason mentions a pick list, 是否逾期均列出 (every open order), 动销最弱 (slow movers), a lot's
在库件数 or 账面库存 (a count, not a recall's reach), and a new certificate or a refund asked in
Chinese refused as not supported."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_not_supported


def test_an_acknowledgement_whose_reason_names_a_pick_list(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"],
                "mark alert 3 as seen, it was only the new girl waiting for her pick list")
    assert reply["intent"] == "acknowledge_alert", reply
    assert reply["slots"]["alert"] == "3"
    assert "pick list" in reply["slots"]["reason"]


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("含耳环的未发货订单有哪些，是否逾期均列出", "pending_orders", {"category": "earrings"}),
    ("上月耳环中动销最弱的款式，自末位起排列", "slow_movers",
     {"category": "earrings", "period": "last_month"}),
    ("该批G-2311目前在库件数是多少", "count_stock", {"lot": "G-2311"}),
    ("查库前先确认：批次G-2311账面在库多少件", "count_stock", {"lot": "G-2311"}),
    ("金库在库货品按成本计值多少，请出具", "stock_value", {"zone": "VLT"}),
])
def test_their_questions_are_answered(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize("text", ["请为FC0000028出具一份新的鉴定证书",
                                  "给WEB-261123-46439外个客户退个款哇"])
def test_a_certificate_or_a_refund_is_not_supported(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert_not_supported(assistant, actors["manager"], text)
