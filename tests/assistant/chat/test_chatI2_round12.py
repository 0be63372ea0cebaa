"""The chat's intent decision after the eleventh blind round (issue 18, helper chatI2; its
refusals of refunds, cancellations, reprints and moves are cases of test_chatC_blind9's): 'no sales
at all' and 完全没有动销 are dead stock, 动销慢 stays slow movers; a recall asked as a
condition (召回 X 的话 ...) previews it; a lot's remaining count is a count; industry benchmarks
are general questions (some still are not: "what inventory turnover do jewellery companies
usually have" is answered as the stock turnover)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.chat import Assistant
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


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
