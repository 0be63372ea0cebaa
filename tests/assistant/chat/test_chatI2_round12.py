"""The chat's intent decision after the eleventh blind round (issue 18, helper chatI2): an
order refunded or cancelled, a purchase order cancelled, a certificate reprinted and a lot moved
are refused as unsupported (no action does them) while the words near them are not; 'no sales
at all' and 完全没有动销 are dead stock, 动销慢 stays slow movers; a recall asked as a
condition (召回 X 的话 ...) previews it; a lot's remaining count is a count; industry benchmarks
are general questions (some still are not: "what inventory turnover do jewellery companies
usually have" is answered as the stock turnover)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from assistant.intents.scope import load_unsupported
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


def _rules() -> tuple[re.Pattern[str], ...]:
    return load_unsupported(("en", "zh"))


@pytest.mark.parametrize("text", [
    "refund order WEB-261124-22117", "please issue a refund for WEB-261125-03524",
    "cancel PO-000003", "could you cancel purchase order PO-000002",
    "reprint the certificate for lot G-5188", "move G-3509 to the vault",
    "please move lot G-2311 into aisle A02", "帮我把订单WEB-261125-03524退款",
    "把采购单PO-000002取消", "幫我取消採購單PO-000003", "补打G-5188的证书",
    "G-2311的证书重新打印一份", "将G-1068搬到保险库", "把這批G-3237放到後排貨架"])
def test_a_refund_cancellation_reprint_or_move_is_refused_as_unsupported(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert any(rule.search(normalise_text(text)) for rule in _rules()), text
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "not-supported" and reply["intent"] is None, reply
    assert reply["confirm"] is None


@pytest.mark.parametrize("text", [
    "how many refunds last month", "cancel the hold on G-2311", "put lot G-2311 on hold",
    "take G-5921 off the shelves", "which lots are missing certificates",
    "hold g-6253 pending the certificate check", "how do I cancel my order on eBay",
    "when will my refund arrive", "取消G-2311的暂扣", "哪些订单取消了", "京东的订单怎么取消",
    "把两件G-5921留给订单W-1042", "G-4917 hold 一下，证书有问题", "拼多多退款要几天",
    "把G-5921从货架上撤下来", "什么是GIA证书"])
def test_words_near_the_refund_cancel_certificate_and_move_rules_are_not_caught(
    text: str
) -> None:
    assert not any(rule.search(normalise_text(text)) for rule in _rules()), text


@pytest.mark.parametrize(("text", "intent"), [
    ("which bangles have had no sales whatsoever this year", "dead_stock"),
    ("pendants with zero sales at all this quarter", "dead_stock"),
    ("完全没有动销的戒指有没有", "dead_stock"),
    ("动销慢的项链有哪些", "slow_movers"),
    ("召回G-2311的话，已经卖出去几件", "recall_preview"),
    ("G-1068这一批还剩几件了", "count_stock")])
def test_dead_stock_a_conditional_recall_and_a_lots_count(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent, reply
    assert not reply["confirm"]


def test_a_recall_commanded_outright_is_still_the_recall(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "召回G-2311吧")
    assert reply["intent"] == "recall_lot" and reply["confirm"], reply


@pytest.mark.parametrize("text", [
    "what is the average shrinkage rate in the retail industry",
    "珠宝公司的库存周转率一般是多少", "零售业平均的库存损耗率一般是多少"])
def test_an_industry_benchmark_is_a_general_question(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "out-of-scope" and reply["intent"] is None, reply
