"""The chat's intent decision after the fifteenth blind round (issue 18, helper chatI6), by class:
Sichuanese and Chongqing words are read as their Mandarin ones (莫得, 啥子, 咋个, 拿给; 好多 as
多少 only where Mandarin's 'many' cannot stand; 开起/做起 ending a request as 'do it'); 'cancel
the hold' (取消暂扣, 取消锁定) releases a lot rather than holding it; a supplier's rejects
compared with the other suppliers' is supplier quality; informal slotting and anomaly asks; chat
slang's fillers (ngl, lol, bhai, fr) are hesitations. Every question here is new wording, none
copied from a dev set."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from assistant.intents.hant import mandarin, simplified
from assistant.intents.prepare import without_hesitations
from core import Actor
from tests.assistant.chat.slot_reading import ask


@pytest.mark.parametrize(("text", "standard"), [
    ("仓库头莫得货了", "仓库头没有货了"),
    ("啥子戒指卖得好", "什么戒指卖得好"),
    ("手镯咋个还没到", "手镯怎么还没到"),
    ("手镯值好多", "手镯值多少"),
    ("丢了好多件项链", "丢了多少件项链"),
    ("好多货卖不出去", "好多货卖不出去"),  # 'many goods' stays
    ("调拨单做起", "调拨单做一下"),
    ("做起来很累", "做起来很累"),  # Mandarin's 做起来 stays
])
def test_sichuanese_words_are_read_as_mandarin(text: str, standard: str) -> None:
    assert mandarin(text) == standard
    assert simplified(text) == standard


@pytest.mark.parametrize(("text", "intent"), [
    ("G-2311 咋个不见了，放哪儿的", "locate"),
    ("手镯现在值好多钱", "stock_value"),
    ("which pieces should change bin depending on how fast they sell", "slotting_advice"),
    ("anything sus with the adjustments this week", "anomalies"),
    ("Antwerp rejects vs the other suppliers", "supplier_quality"),
])
def test_regional_and_informal_questions_read_as_their_intent(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent, reply
    assert not reply["choices"] and not reply["confirm"], reply


@pytest.mark.parametrize("text", ["G-4410 这批取消暂扣", "把 G-4410 的锁定取消"])
def test_cancelling_a_hold_releases_the_lot(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == "release_lot", reply


@pytest.mark.parametrize(("words", "kept"), [
    ("how many rings got lost this month ngl", "how many rings got lost this month"),
    ("bhai which lots are on hold", "which lots are on hold"),
    ("bro what sold best lol", "what sold best"),
    ("lol", "lol"),  # a question of nothing else is kept
])
def test_chat_slang_fillers_are_hesitations(words: str, kept: str) -> None:
    assert without_hesitations(words) == kept
