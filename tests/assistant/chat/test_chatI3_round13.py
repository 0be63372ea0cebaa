"""The chat's intent decision after the twelfth blind round (issue 18, helper chatI3): a count
approved, an order shipped at once or its packing skipped, a supplier's payment terms changed,
someone's leave arranged and a camera turned off are refused as unsupported (no action does
them), while the reports and actions whose words are near them are not."""

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
    "please approve count CNT-000002", "sign off the stocktake of aisle A02",
    "ship order WEB-261125-03524 right away", "dispatch BOU-261125-35830 today",
    "skip the packing for WEB-261125-06272", "change VALENZA's payment terms to 90 days",
    "extend the credit terms for ANTWERP", "arrange annual leave for the picker next month",
    "give the pickers a day off on Friday", "switch off the camera in aisle A01",
    "disable the vault cctv tonight", "批核盘点 CNT-000002", "马上发货 WEB-261125-03524",
    "唔使包装，直接寄出", "把 VALENZA 的账期改成 90 天", "幫我安排阿明下個月放年假",
    "关掉保险库的摄像头", "金庫嘅鏡頭熄咗佢"])
def test_a_request_no_action_does_is_refused_as_unsupported(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert any(rule.search(normalise_text(text)) for rule in _rules()), text
    reply = _ask(assistant, actors["manager"], text)
    assert reply["error"] == "not-supported" and reply["intent"] is None, reply
    assert reply["confirm"] is None


@pytest.mark.parametrize("text", [
    "start a count of aisle 7", "which counts are open", "how many orders shipped today",
    "orders still not shipped?", "supplier quality for VALENZA", "picker performance last week",
    "camera alerts today", "acknowledge the vault alert", "when can I leave today",
    "盘点差异", "今天发了多少货", "供应商质量", "上周 picker 拣了多少", "今日嘅镜头警报",
    "确认一下盘点结果"])
def test_words_near_the_round13_rules_are_not_caught(text: str) -> None:
    assert not any(rule.search(normalise_text(text)) for rule in _rules()), text
