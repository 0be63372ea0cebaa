"""Round 20's kinds of miss (issue 18): Spanish words in English questions, Henan and Shandong
Mandarin and Chinese internet slang, pager-style sizes, a year or a count of days as the period,
and the bare number of an alert after 'ack'."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from assistant.entities.numbers import alert_number
from assistant.entities.periods import parse_period
from assistant.entities.spanish import english_of_spanish
from assistant.intents.hant import henan_mandarin, mandarin
from core import Actor

NOW = datetime(2026, 11, 25, 17, tzinfo=UTC)


@pytest.mark.parametrize(("words", "english"), [
    ("vault tiene cuántas piezas right now", "vault has how many pieces right now"),
    ("los más vendidos de plata last 90 days", "best sellers de silver last 90 days"),
    ("órdenes tarde de la semana pasada which ones", "late orders de last week which ones"),
    ("quién sacó the piece fc0000475", "who picked the piece fc0000475"),
    ("cuantos rings talla 6 we got", "how many rings size 6 we got"),
    ("oye el lote g-2128 where did all of it go", "lot g-2128 where did all of it go"),
    ("y el año pasado", "and last year"), ("y antwerp", "and antwerp"),
    ("count a02-03 ahorita", "count a02-03"),
    # English words are left alone: 'last' is no 'las', a bare 'y' is a yes; French 'de' and
    # 'en' too
    ("slow movers chain last month", "slow movers chain last month"), ("y", "y"),
    ("oye", "oye"), ("les commandes en retard", "les commandes en retard"),
])
def test_spanish_words_read_as_english(words: str, english: str) -> None:
    assert english_of_spanish(words) == english


def test_normalised_english_reads_spanish_and_chinese_is_untouched() -> None:
    assert normalise_text("¿Dónde está el lote G-2128?") == "where is lot g-2128"
    assert normalise_text("G-2128在哪") == "g-2128在哪"


@pytest.mark.parametrize(("text", "mandarin_"), [
    ("JAIPUR来的货质量咋样 中不中", "JAIPUR来的货质量怎么样"),
    ("恁帮俺算算银饰一共值几个钱", "你帮我算算银饰一共值多少钱"),
    ("咱店里上周卖爆的是哪款 yyds", "我们店里上周卖得最好的是哪款"),
    ("俺们按建议补货 下个草稿采购单中不中", "我们按建议补货 下个草稿采购单"),
    ("kc多少", "库存多少"),
    ("中不中", "中不中"), ("中国的货", "中国的货"),  # alone a question; 中 of a word stays
])
def test_henan_words_and_slang_read_as_mandarin(text: str, mandarin_: str) -> None:
    assert henan_mandarin(mandarin(text)) == mandarin_


@pytest.mark.parametrize(("words", "key"), [
    ("how much stock went missing shrinkage 90 days", "last_90_days"),
    ("top cufflinks 2026", "this_year"), ("2025年的损耗", "last_year"),
    ("slow sellers chain last month", "last_month"),
    ("older than 90 days", None), ("sold 2026 pieces", None), ("2024 sales", None),
    ("stock in 90 days", None),
])
def test_a_year_or_a_count_of_days_ending_the_question_is_the_period(
        words: str, key: str | None) -> None:
    period = parse_period(words, NOW)
    assert (period.key if period else None) == key


@pytest.mark.parametrize(("words", "number"), [
    ("ack 1 again", "1"), ("acknowledge 3", "3"), ("ack 2 alerts", None),
    ("ack the vault one", None),
])
def test_a_bare_number_after_ack_names_the_alert(words: str, number: str | None) -> None:
    assert alert_number(words) == number


@pytest.mark.parametrize(("question", "intent", "slots"), [
    ("qty 18K rings sz7", "count_stock", {"purity": "Au750", "category": "ring", "size": "7"}),
    ("cuántos rings talla 6 we got", "count_stock", {"category": "ring", "size": "6"}),
    ("vault tiene cuántas piezas right now", "count_stock", {"zone": "VLT"}),
    ("los más vendidos de plata, last 90 days", "best_sellers",
     {"metal": "silver", "period": "last_90_days"}),
    ("órdenes tarde de la semana pasada, which ones", "late_orders", {"period": "last_week"}),
    ("quién sacó the piece FC0000475 from the shelf", "who_picked", {"serial": "FC0000475"}),
    ("how much stock went missing, la merma, 90 days", "shrinkage",
     {"period": "last_90_days"}),
    ("top cufflinks 2026", "best_sellers", {"category": "cufflinks", "period": "this_year"}),
    ("slow sellers chain, last month", "slow_movers",
     {"category": "chain", "period": "last_month"}),
    ("恁帮俺算算银饰一共值几个钱", "stock_value", {"metal": "silver"}),
    ("咱店里上周卖爆的是哪款 yyds", "best_sellers", {"period": "last_week"}),
])
def test_round20_kinds_of_question(assistant: Assistant, actors: dict[str, Actor],
                                   question: str, intent: str, slots: dict[str, str]) -> None:
    reply = assistant.ask(question, actor=actors["manager"]).as_dict()
    assert reply["intent"] == intent, (question, reply["error"], reply["choices"])
    assert {k: reply["slots"].get(k) for k in slots} == slots


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("shrinkage this year", "y el año pasado?", {"period": "last_year"}),
    ("qc failures JAIPUR", "y ANTWERP?", {"supplier": "ANTWERP"}),
])
def test_spanish_y_opens_a_follow_up(assistant: Assistant, actors: dict[str, Actor],
                                     first: str, then: str, slots: dict[str, str]) -> None:
    manager = actors["manager"]
    asked = assistant.ask(first, actor=manager).as_dict()
    follow = assistant.ask(then, actor=manager,
                           conversation_id=str(asked["conversation_id"])).as_dict()
    assert follow["intent"] == asked["intent"] and follow["error"] is None
    assert {k: follow["slots"].get(k) for k in slots} == slots


@pytest.mark.parametrize("question", ["俺要召回G-2311 中不中", "我想召回G-2311",
                                      "count vault now", "draft a PO from reorder advice"])
def test_an_auditor_asking_for_an_action_in_dialect_or_shorthand_is_refused(
        assistant: Assistant, actors: dict[str, Actor], question: str) -> None:
    reply = assistant.ask(question, actor=actors["auditor"]).as_dict()
    assert reply["error"] == "forbidden", (reply["intent"], reply["error"], reply["choices"])
