"""The chat's intent decision after the fourteenth blind round (issue 18, helper chatI5), by class:
Shanghainese (Wu) and Northeastern words are read as their Mandarin ones (侬, 啥, 辣 as 在, 伐 as
吗, 卖脱, 辰光, 搁 as 在), 讲讲 and 说说 ask as 看看 does, and speech-to-text's homophones of
question words ('wear is', 'witch rings', 'hoo picked') are read as where, which and who; a loss
nobody can explain is shrinkage, not a traced variance. Every
question here is new wording, none copied from a dev set."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from assistant.intents.hant import mandarin, simplified
from assistant.intents.prepare import spoken_homophones
from core import Actor
from tests.assistant.chat.slot_reading import ask


@pytest.mark.parametrize(("text", "standard"), [
    ("侬晓得G-2311摆辣啥地方伐", "你知道G-2311摆在什么地方吗"),
    ("手镯压辣仓库里多少辰光了", "手镯压在仓库里多少时间了"),
    ("FC0000045搁哪了", "FC0000045在哪了"),
    ("麻辣烫哪家好吃", "麻辣烫哪家好吃"),  # 辣 is 在 only by a verb of putting or a place
    ("砍伐森林的后果", "砍伐森林的后果"),  # 伐 is 吗 only at a question's end
])
def test_dialect_words_are_read_as_mandarin(text: str, standard: str) -> None:
    assert mandarin(text) == standard
    assert simplified(text) == standard


@pytest.mark.parametrize(("text", "standard"), [
    ("wear is serial fc0000045", "where is serial fc0000045"),
    ("witch bangles sold best", "which bangles sold best"),
    ("hoo picked fc0000045", "who picked fc0000045"),
    ("what should i wear tonight", "what should i wear tonight"),
    ("they were done early", "they were done early"),
])
def test_speech_homophones_of_question_words(text: str, standard: str) -> None:
    assert spoken_homophones(text) == standard


@pytest.mark.parametrize(("text", "intent"), [
    ("侬晓得G-2311辣啥地方伐", "locate"),
    ("FC0000045现在搁哪嘞", "locate"),
    ("侬讲讲上个月啥卖得最好", "best_sellers"),
    ("侬帮我看看手镯压辣仓库里多少辰光了", "stock_ageing"),
    ("侬算算手镯值几钿", "stock_value"),
    ("wear is lot G-2311 right now", "locate"),
    ("wear's serial FC0000045", "locate"),
])
def test_dialect_and_spoken_questions_read_as_their_intent(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent, reply
    assert not reply["choices"] and not reply["confirm"], reply


@pytest.mark.parametrize(("text", "intent"), [
    ("bangle losses that nobody can explain", "shrinkage"),
    ("count shortfalls with no cause found, vault", "shrinkage"),
    ("查不到原因的盘亏有哪些", "shrinkage"),
    ("which variances were traced to a pick", "traced_variances"),
])
def test_a_loss_nobody_can_explain_is_shrinkage_not_a_traced_variance(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent, reply
    assert not reply["choices"] and not reply["confirm"], reply
