"""The chat with its trained intent classifier: phrasings unlike any example, general questions
refused, a close pair asked back, and leaving a writer out of the training data."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.chat import Assistant
from assistant.intents.training import load_training, training_sources
from core import Actor


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    return assistant.ask(text, actor=actor).as_dict()


@pytest.mark.parametrize(("text", "intent"), [
    # English, in words no example uses
    ("which of our vendors can we count on the most", "supplier_quality"),
    ("what's all the jewellery on our shelves worth in money terms", "stock_value"),
    ("anything odd or out of pattern in the last few days' movements", "anomalies"),
    # Chinese, likewise
    ("有没有什么异常的操作记录", "anomalies"),
])
def test_unseen_phrasings_get_their_intent(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent, reply["error"]


@pytest.mark.parametrize("text", [
    "can you recommend a podcast about ancient Rome",
    "how long should I boil an egg",
    "帮我订一张去上海的机票",
    "这周末有什么好看的电影",
])
def test_general_questions_are_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str,
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "out-of-scope"
    assert reply["intent"] is None


@pytest.mark.parametrize(("text", "pair"), [
    ("FC0000010 who?", {"who_picked", "serial_history"}),
])
def test_a_close_pair_is_asked_back(
    assistant: Assistant, actors: dict[str, Actor], text: str, pair: set[str],
) -> None:
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "ambiguous"
    assert pair <= {c["intent"] for c in reply["choices"]}


def test_whose_goods_keep_failing_is_the_scorecard_or_asked_back_never_the_failures_alone(
    assistant: Assistant, actors: dict[str, Actor],
) -> None:
    # 'whose goods keep failing inspection': the writers label it the suppliers' scorecard
    # (round 22: 哪个供应商的货质检不过的多) or a close call with the QC failures; the failures
    # list alone answers no 'whose'
    reply = _ask(assistant, actors["manager"], "哪家供货商的东西老是验不过")
    if reply["error"] == "ambiguous":
        assert {"supplier_quality", "qc_failures"} <= {c["intent"] for c in reply["choices"]}
    else:
        assert reply["error"] is None and reply["intent"] == "supplier_quality", reply


def test_a_writer_left_out_is_not_trained_on(assistant: Assistant) -> None:
    source = training_sources()[-1]
    kept = load_training(exclude=(source,))
    assert kept and all(item.source != source for item in kept)
    assert assistant.classifier is not None
    assert len(assistant.training) > len(kept)
