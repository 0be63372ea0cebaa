"""The chat's intent decision after the tenth blind round (helper chatI), in other words than
that round's: the intent models read a question written in traditional characters (and a few
Cantonese words) as its simplified Mandarin form, English without hesitations; words that
settle an intent count in traditional characters, and a recall commanded in such words is not
asked back, nor is a question that asks about an alert asked back as acknowledging it; an
order's address changed, an invoice issued and prices changed are refused as unsupported, and
words near those rules are not caught."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.chat import _ASKS, Assistant
from assistant.entities.codes import normalise_text
from assistant.intents.hant import simplified
from assistant.intents.prepare import example_code_kind, without_hesitations
from assistant.intents.scope import load_unsupported
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


def _rules() -> tuple[re.Pattern[str], ...]:
    return load_unsupported(("en", "zh"))


@pytest.mark.parametrize(("traditional", "simple"), [
    ("請幫我暫停", "请帮我暂停"), ("監控錄影", "监控录影"), ("執行盤點", "执行盘点"),
    ("建議補貨", "建议补货"), ("關於這個供應商", "关于这个供应商")])
def test_traditional_characters_are_read_as_simplified(traditional: str, simple: str) -> None:
    assert simplified(traditional) == simple
    assert Assistant._prepare(traditional, "zh", example_code_kind) == \
        Assistant._prepare(simple, "zh", example_code_kind)


def test_a_chain_stays_a_chain_and_english_and_codes_are_left_alone() -> None:
    # 鍊 is a chain (链) in a jewellery warehouse; the transform's 炼 (to smelt) is left out
    assert simplified("金鍊") == "金鍊"
    assert "链" in Assistant._prepare("金鍊有幾多", "zh", example_code_kind)
    assert Assistant._prepare("where is G-2311", "en", example_code_kind) == "where is lot"
    assert Assistant._prepare("G-2311 喺邊", "zh", example_code_kind).startswith("lot")


@pytest.mark.parametrize(("cantonese", "mandarin"), [
    ("使唔使再訂貨", "需不需要再订货"), ("我諗要補貨", "我想要补货"), ("幾時到貨", "什么时候到货")])
def test_cantonese_words_are_read_as_mandarin(cantonese: str, mandarin: str) -> None:
    assert Assistant._prepare(cantonese, "zh", example_code_kind) == \
        Assistant._prepare(mandarin, "zh", example_code_kind)


@pytest.mark.parametrize("text", [
    "what's the stock value of gold rings", "did any brand raise prices this month",
    "which orders are still waiting for delivery", "show the price of ST0007-S925W",
    "invoice totals are not in the warehouse", "上个月降价的款卖得怎么样", "这张订单的地址在哪",
    "百分之十五的折扣原价两千是多少", "滞销的戒指要不要打折", "每件涨价8%总额多了多少"])
def test_words_near_the_address_invoice_and_price_rules_are_not_caught(text: str) -> None:
    assert not any(rule.search(normalise_text(text)) for rule in _rules()), text


@pytest.mark.parametrize(("spoken", "read"), [
    ("so yeah what is collecting dust on the shelves", "what is collecting dust on the shelves"),
    ("um anything late going out today", "anything late going out today"),
    ("ok so how many of the uh gold chains", "how many of the gold chains"),
    ("hmm, which orders are late?", "which orders are late")])
def test_hesitations_and_opening_fillers_are_not_read_for_the_intent(spoken: str,
                                                                    read: str) -> None:
    assert Assistant._prepare(spoken, "en", example_code_kind) == read
    # words that only start like a hesitation stay, and so does a question of nothing else
    assert without_hesitations("sort the errors by umbrella") == "sort the errors by umbrella"
    assert without_hesitations("ok") == "ok"


def test_words_that_settle_an_intent_count_in_traditional_characters_too(
    assistant: Assistant
) -> None:
    assert assistant._settled("recall_lot", normalise_text("請執行 P-5708 召回"))
    assert assistant._settled("recall_lot", normalise_text("G-2128 即刻召回"))
    assert not assistant._settled("recall_lot", normalise_text("G-2128 召回"))


@pytest.mark.parametrize(("text", "other", "settled"), [
    ("請執行 P-5708 召回", "recall_preview", True), ("G-2128 即刻 recall", "recall_preview", True),
    ("G-2128 即刻 recall?", "recall_preview", False),  # asked, not commanded
    ("G-2128 召回", "recall_preview", False),  # no word settles it: the model may ask
    ("立即召回 G-2128 会影响哪些客户", "recall_preview", False)])  # the preview is settled too
def test_an_action_commanded_in_words_that_settle_it_is_not_asked_back(
    assistant: Assistant, text: str, other: str, settled: bool
) -> None:
    words = normalise_text(text)
    assert assistant._settled_command("recall_lot", other, text, words) is settled
    assert not assistant._settled_command("locate", "recall_preview", "G-2128 即刻", words)
    # a hold or a count settled by its own verb is left to the close-call model
    assert not assistant._settled_command("hold_lot", "recall_lot", "stop G-2128",
                                          normalise_text("stop G-2128"))


@pytest.mark.parametrize(("text", "asks"), [
    ("show me alert 2", True), ("what is alert number 4 about", True), ("告警2是什么", True),
    ("do we have an alert in the vault", True), ("alert 2", False), ("the vault alarm", False),
    ("金库报警", False), ("do the recall on G-2128", False), ("WHO-261125-90672 留3件", False)])
def test_a_question_that_asks_something_is_told_from_a_bare_request(text: str,
                                                                    asks: bool) -> None:
    assert bool(_ASKS.search(normalise_text(text))) is asks


def test_a_question_about_an_alert_is_not_asked_back_as_acknowledging_it(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = _ask(assistant, actors["manager"], "show me alert 2")
    assert reply["error"] != "ambiguous" and reply["intent"] == "camera_alerts", reply
