"""Round 32's kinds of miss, read after its recorded first run (issue 18): Birmingham English
('ow many', 'ave', 'on old', 'ay sellin'', 'where am they'), words of address ('bab', 'aper',
'Sayama', 'jefe'), semi-classical Chinese (几何, 何处, 列之, 者, 之), a handwriting pad's
look-alike characters (贷 for 货, 厍 for 库, 吊队 for 吊坠), Spanish words in Chinese ('este mes',
'caja fuerte', 'pedidos'), and these speakers' yes, no and hold-on ('ar, goo on', 'ayo', 'hoke-ta',
可, 准, 'vale'; 'che', 'ma-lo-bu', 作罢; 'khana saunt'), with a reason after a no or a hold-on."""

from __future__ import annotations

import pytest

from assistant.actions.answers import leading_answer, short_answer
from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from assistant.entities.filters import KIND_WORDS, VAULT_WORDS
from assistant.entities.numbers import alert_number
from assistant.entities.resolve import ZONE_WORDS
from assistant.intents.hant import written_mandarin
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_refined


@pytest.mark.parametrize(("text", "english"), [
    ("'Ow many rings 'ave we got in size 8?", "how many rings have we got in size 8"),
    ("What orders 'ave we got that ay gone out yet?",
     "what orders have we got that not gone out yet"),
    ("Which earrings ay sellin'?", "which earrings not selling"),
    ("'Ow many ST0004-Au750Y 'ave we got an' where am they?",
     "how many st0004-au750y have we got and where are they"),
    # English 'old', 'am' and 'ow' stay without a Birmingham word beside them
    ("show me old stock", "show me old stock"), ("where am I", "where am i"),
    ("how old is the stock", "how old is the stock"),
])
def test_birmingham_words_read_as_english(text: str, english: str) -> None:
    assert normalise_text(text) == english


@pytest.mark.parametrize(("text", "mandarin"), [
    ("上月所售最多者何物？", "上月卖得最多的什么"),
    ("金厍的贷植多少钱", "金库的货值多少钱"),
    ("阿雷佐所供之货，验货未过者列之。", "阿雷佐所供的货质检没通过的列出来"),
    ("铂金首饰中，有无从未售出者？", "铂金首饰中有没有从来没卖过的"),
    ("白银首饰库在金额是多少", "白银首饰库存金额是多少"),
    ("G-2311 这比货召回", "g-2311这批货召回"),
    ("G-2311 批，召回之。", "g-2311批召回"),
    ("este mes 有哪些 pedidos 超过承诺发货时间了", "这个月有哪些订单超过承诺发货时间了"),
    # words the slips and the classical words must leave alone: 贷款, 之前, 或者, 金库在哪
    ("之前的贷款或者", "之前的贷款或者"), ("金库在哪", "金库在哪"), ("百分之十", "百分之十"),
    ("这比上月多吗", "这比上月多吗"), ("仓库设有几个区", "仓库设有几个区"),
])
def test_classical_words_look_alikes_and_spanish_read_as_mandarin(
    text: str, mandarin: str
) -> None:
    assert written_mandarin(normalise_text(text)) == mandarin


@pytest.mark.parametrize(("reply", "answer"), [
    ("ar, goo on", "confirm"), ("ar, crack on", "confirm"), ("bostin', do it", "confirm"),
    ("ayo go", "confirm"), ("ha, lav, do it", "confirm"), ("hoke-keh Sayama, go ahead", "confirm"),
    ("hoke-ta, confirm", "confirm"), ("可。", "confirm"), ("准。", "confirm"),
    ("甚好，即办。", "confirm"), ("vale", "confirm"), ("venga", "confirm"), ("好旳", "confirm"),
    ("che che", "deny"), ("ma-lo-bu", "deny"), ("作罢。", "deny"), ("voch", "deny"),
    ("khana saunt", "wait"), ("且慢。", "wait"), ("espera 我问一下", "wait"),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(reply: str, answer: str) -> None:
    assert short_answer(reply) == answer


@pytest.mark.parametrize(("reply", "answer"), [
    ("che, leave it for security", "deny"), ("ma-lo-bu, customer not pay yet", "deny"),
    ("no ta, leave it till Monday", "deny"), ("khana, I check with Ko Min first", "wait"),
    # a yes with more words, a reply naming a code or a number, or no opening answer: none
    ("ayo, but hold G-9106 instead", None), ("no, make it 10", None),
    ("no, recall it instead", None), ("不要，改成召回", None),
    ("leave it for security", None), ("che", None),
])
def test_a_no_or_a_hold_on_with_its_reason_after_it(reply: str, answer: str | None) -> None:
    assert leading_answer(reply) == answer


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("What orders 'ave we got that ay gone out yet?", "pending_orders", {}),
    ("上月所售最多者何物？", "best_sellers", {"period": "last_month"}),
    ("铂金首饰中，有无从未售出者？", "dead_stock", {"metal": "platinum"}),
    ("el mes pasado ventas 最好的胸针是哪几款", "best_sellers",
     {"period": "last_month", "category": "brooch"}),
    ("上个月卖得最少但还在卖的吊队", "slow_movers",
     {"period": "last_month", "category": "pendant"}),
    ("G-2311 批现存何处？", "locate", {"lot": "G-2311"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


def test_a_hold_with_a_word_of_address_keeps_its_reason_and_a_no_with_a_reason_cancels_it(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    manager = actors["manager"]
    first = ask(assistant, manager, "Sayama, please put lot G-2311 on hold, the clasp is loose")
    assert (first["intent"], first["slots"].get("lot")) == ("hold_lot", "G-2311"), first
    assert first["slots"].get("reason") == "the clasp is loose" and first["confirm"], first
    then = ask(assistant, manager, "che, leave it for security", first["conversation_id"])
    assert then["intent"] == "deny" and then["error"] is None, then


@pytest.mark.parametrize(("text", "normalised"), [
    ("a  b\t金 c", "a b金c"), ("  金库  有 多少 ", "金库有多少"), (" " * 100_000, ""),
])
def test_spaces_are_collapsed_before_those_around_chinese_are_dropped(
    text: str, normalised: str
) -> None:
    """The same text as before the reordering (which made a long run of spaces quadratic)."""
    assert normalise_text(text) == normalised


@pytest.mark.parametrize(("text", "normalised"), [
    ("叁号警报，标为已处理。", "三号警报标为已处理"), ("改为贰拾件。", "改为二十件"),
    ("貳拾件", "二十件"), ("參號警報", "三号警报"),
    # 陆 and 拾 in words: land transport, tidy up
    ("陆运的货", "陆运的货"), ("收拾一下", "收拾一下"),
])
def test_numbers_in_financial_characters_read_as_ordinary_ones(
    text: str, normalised: str
) -> None:
    assert normalise_text(text) == normalised


def test_an_alert_named_in_financial_characters(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"], "叁号警报，标为已处理。")
    assert (reply["intent"], reply["slots"].get("alert")) == ("acknowledge_alert", "3"), reply


@pytest.mark.parametrize(("text", "number"), [
    ("la alerta número 2 确认一下 ya está", "2"), ("alerta 5", "5"), ("alarma nº 3", "3"),
    ("alert number 4", "4"),
])
def test_an_alert_named_in_spanish(text: str, number: str) -> None:
    assert alert_number(normalise_text(text)) == number


@pytest.mark.parametrize(("text", "mandarin"), [
    ("P-5708 批，解其扣留。", "p-5708批解除扣留"), ("解其冻结", "解除冻结"),
])
def test_a_hold_undone_in_written_chinese(text: str, mandarin: str) -> None:
    assert written_mandarin(normalise_text(text)) == mandarin


def test_a_lots_hold_undone_in_written_chinese_is_a_release(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"], "G-9106 批，解其扣留。")
    assert (reply["intent"], reply["slots"].get("lot")) == ("release_lot", "G-9106"), reply


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("补货建议，烦列之。", "仅瓦伦扎者。", {"supplier": "VALENZA"}),
    ("瓦伦扎的补货建议", "限阿雷佐", {"supplier": "AREZZO"}),
    ("本季盘点差异追溯至拣货者，列之。", "限 V04 一排。", {"location": "V04"}),
    ("拣货区现在一共有几件货", "y la caja fuerte?", {"location": "V04"}),
])
def test_written_chinese_and_spanish_follow_ups_narrow_the_question_before(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str,
    slots: dict[str, str]
) -> None:
    assert_refined(assistant, actors["manager"], first, then, slots)


@pytest.mark.parametrize("words", ["vault", "strong room", "safe room", "金库", "caja fuerte"])
def test_every_word_for_the_vault_is_one_list(words: str) -> None:
    """The report filter, the zone slot and the camera zone read the same words."""
    assert words in VAULT_WORDS and KIND_WORDS[words] == "vault" and ZONE_WORDS[words] == "vault"
