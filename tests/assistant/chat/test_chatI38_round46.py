"""Round 46's kinds of miss, read after its recorded first run (issue 18): Philadelphia, Tok
Pisin, Mauritian Kreol and custody officers' replies to a waiting action ('yep, confirm that
jawn', 'yes, do it. tenkyu', 'dakor, go ahead', 'ok em nau, confirm', 核对无误，同意执行,
確認，執行吧 in traditional characters); open orders 'late or not'; a shelf level as a place
('R03-01-4'); 'reserve stuff'; lot counts in Chinese that are no recall's reach; follow-ups
('same thing for the reserve', 'and this week so far?', 改为收发货区); a lot's count narrowed
to the goods named ('how many necklaces from lot G-9106'); a whole question after another that
names a zone is no follow-up (金库库存值多少钱 after the anomalies); one lot, one anomaly."""

from __future__ import annotations

import pytest

from assistant.actions.answers import leading_answer, short_answer
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered, assert_refined, read_slots


@pytest.mark.parametrize(("reply", "answer"), [
    ("yep, confirm that jawn", "confirm"), ("yes, do it. tenkyu", "confirm"),
    ("dakor, go ahead", "confirm"), ("dakor, do it now", "confirm"),
    ("em nau, yes go ahead", "confirm"), ("ok em nau, confirm", "confirm"),
    ("確認，執行吧", "confirm"), ("可以的老板，确认", "confirm"),
    ("双人复核无误，确认办理", "confirm"), ("核对无误，同意执行", "confirm"),
    ("nah, not that jawn", None),
])
def test_their_replies_answer_a_waiting_action(reply: str, answer: str | None) -> None:
    assert short_answer(reply, "recall_lot") == answer


@pytest.mark.parametrize("reply", ["wait liklik, mi check the paper first",
                                   "稍候，待双人复核后再定"])
def test_their_hold_ons_keep_the_action_waiting(reply: str) -> None:
    assert leading_answer(reply, "hold_lot") == "wait"


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("what orders ain't shipped out yet, late or not?", "pending_orders", {}),
    ("unshipped ring orders, late or on time", "pending_orders", {"category": "ring"}),
    ("the count variances at R03-01-4, which picks caused them?", "traced_variances",
     {"location": "R03-01-4"}),
    ("what reserve stuff sells quick enough to earn a better bin?", "slotting_advice",
     {"zone": "RES"}),
    ("G-7769這批現在還剩幾件在庫？", "count_stock", {"lot": "G-7769"}),
    ("is Colin's adjusting outta line compared to everybody else?", "anomalies",
     {"person": "clerk"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize(("first", "then", "slots"), [
    ("what's all the vault stock worth at cost?", "same thing for the reserve",
     {"zone": "RES"}),
    ("how many picks an hour did Pia do last week?", "and this week so far?",
     {"period": "this_week"}),
    ("库存价值", "金库那边呢", {"zone": "VLT"}),
    ("请列示金库近7天的监控报警。", "改为收发货区。", {"zone": "OPS"}),
])
def test_their_follow_ups_refine(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str,
    slots: dict[str, str]
) -> None:
    assert_refined(assistant, actors["manager"], first, then, slots)


def test_a_whole_question_naming_a_zone_is_no_follow_up(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    asked = ask(assistant, actors["manager"], "异常报表", "zone-after-anomalies")
    assert asked["intent"] == "anomalies", asked
    reply = ask(assistant, actors["manager"], "金库库存值多少钱", "zone-after-anomalies")
    assert reply["error"] is None and reply["intent"] == "stock_value", reply
    assert reply["slots"].get("zone") == "VLT"


def test_one_lot_and_one_anomaly_are_said_in_the_singular(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    for text, one, many in (("what is lot G-2311 worth", " in 1 lot,", " lots,"),
                            ("anomalies", " 1 anomaly ", " anomalies ")):
        reply = ask(assistant, actors["manager"], text)
        assert reply["error"] is None, reply
        assert one in reply["answer"] or many in reply["answer"], reply["answer"]
        assert "1 lots" not in reply["answer"] and "1 anomalies" not in reply["answer"]


def test_a_lots_count_takes_the_goods_named(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    slots = read_slots(assistant, actors["manager"],
                       "how many rings from lot G-2311 do we still have, tenkyu", "count_stock")
    assert slots.get("lot") == "G-2311" and slots.get("category") == "ring", slots
