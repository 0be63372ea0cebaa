"""Round 39's kinds of miss, read after its recorded first run (issue 18): Ghanaian, Sri Lankan,
Cockney, Henan, Wenzhou and Malaysian replies to a waiting action ('ampa, do it', 'ow, do it
ehema', 'sorted', 中，恁弄吧, 好的，弄爻它, 好啦，酱紫做; 'chale, hold on small', 慢慢，我问下先,
wait 一下下 lah，我看看), a yes with nothing waiting (好，确认 after a refused release is no
acknowledgement of an alert), Wenzhou 几许 / 好猛 / 何乜, Henan 木有 and 清早到现在, sales words
that decide the report (卖得少, 死货, 库存天数, 空bin, 靠近包装台, 'barely shifted'), a shelf
level (V04-01-4) as a place, and follow-ups naming a zone ('what about reserve, mate?',
收发货区的呢) or closed by 咋样."""

from __future__ import annotations

import uuid

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_refined


@pytest.mark.parametrize(("reply", "answer"), [
    ("ampa, do it", "confirm"), ("ampa, go ahead", "confirm"), ("ow, do it ehema", "confirm"),
    ("ok, do it paa", "confirm"), ("sorted, do it guv", "confirm"), ("中，恁弄吧", "confirm"),
    ("好的，弄爻它", "confirm"), ("好啦，酱紫做", "confirm"), ("可以，确认掉", "confirm"),
    ("chale, hold on small", "wait"), ("慢慢，我问下先", "wait"), ("等一会儿，我瞅瞅", "wait"),
    ("wait 一下下 lah，我看看", "wait"), ("hang about, mate", "wait"),
    # a pained 'ow' is no yes
    ("ow! that hurt", None),
])
def test_their_yes_and_hold_on_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply, "hold_lot") == answer


@pytest.mark.parametrize("reply", ["好，确认", "中，确认吧", "ampa, do it", "yes"])
def test_a_yes_with_nothing_waiting_does_nothing(
    assistant: Assistant, actors: dict[str, Actor], reply: str
) -> None:
    conversation = str(uuid.uuid4())
    refused = ask(assistant, actors["manager"], "release lot G-9999", conversation)
    assert refused["confirm"] is None
    answer = ask(assistant, actors["manager"], reply, conversation)
    assert answer["error"] == "nothing-pending" and answer["confirm"] is None, answer


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("最近7天项链卖得少的", "slow_movers", {"period": "last_7_days", "category": "necklace"}),
    ("储备区卖不出一件的死货 lah", "dead_stock", {"zone": "RES"}),
    ("安特卫普最近90天的库存天数", "stock_turnover", {"supplier": "ANTWERP"}),
    ("储备区有哪些空bin可以放快销货", "slotting_advice", {"zone": "RES"}),
    ("哪些卖得快的吊坠应该拿去靠近包装台？", "slotting_advice", {"category": "pendant"}),
    ("上季度卖得好猛的是哪些款？", "best_sellers", {"period": "last_quarter"}),
    ("which 14ct pieces have barely shifted this year? sold a couple at most", "slow_movers",
     {"purity": "Au585", "period": "this_year"}),
    ("盘点差异追溯到拣货的，清早到现在有木有", "traced_variances", {"period": "today"}),
    ("V04-01-4这一层开个循环盘点", "start_cycle_count", {"location": "V04-01-4"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("how many pieces are in the vault", "what about reserve, mate?", {"zone": "RES"}),
    ("上个月的延误订单", "这周的咋样？", {"period": "this_week"}),
    ("储备区的库存金额", "收发货区的呢？", {"zone": "OPS"}),
])
def test_their_follow_ups_refine_the_question_before(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str,
    slots: dict[str, str]
) -> None:
    assert_refined(assistant, actors["manager"], first, then, slots)
