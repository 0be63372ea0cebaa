"""Round 30's kinds of miss, read after its recorded first run (issue 18): Teochew and Hakka
words in Mandarin (只个月 this month, 若多 how many, 乜个 what, 𠊎 I, 阮 we, 昨晡日 yesterday,
许件 that one, 扣住先 hold it for now), Trinidadian English ("las' mont'", 'wha', 'tief', 'we eh
ship'), Maltese English ('kemm', "x'ġara"), codes typed with spaces inside ('FC 0000 412',
'A01 02', 'BOU 261125 35830的订单'), a dictated code taken back ('G 3273 不对 是G 3237'),
follow-ups with 换做 / 换 / 那个 and a smaller quantity said as enough ('25件就够了')."""

from __future__ import annotations

import pytest

from assistant.actions.slots import changed_quantity
from assistant.chat import Assistant
from assistant.entities.codes import corrected_codes, normalise_text
from assistant.intents.hant import min_hakka_mandarin
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered


@pytest.mark.parametrize(("text", "mandarin"), [
    ("只个月卖上多个是乜个物件", "这个月卖得最多个是什么东西"),
    ("阮有若多黄金", "我们有多少黄金"),
    ("fc0000476许件在底位", "fc0000476那件在哪里"),
    ("毋爱恁多20只就够", "不要那么多20只就够"),
    ("g-7769爱召回吗", "g-7769要召回吗"),
    # Mandarin's own 只 (only), 许多 (many) and 月底 (month end) stay
    ("只有三个", "只有三个"), ("许多订单", "许多订单"), ("这个月底几款", "这个月底几款"),
])
def test_teochew_and_hakka_words_read_as_mandarin(text: str, mandarin: str) -> None:
    assert min_hakka_mandarin(text) == mandarin


@pytest.mark.parametrize(("text", "english"), [
    ("boss it have order dat pass de promise date las' mont'?",
     "boss is there order that pass the promise date last month"),
    ("wha we lose las' week, tief or damage?", "what we lose last week theft or damage"),
    ("wha orders we eh ship yet?", "what orders we have not ship yet"),
    ("overdue orders las' 90 days", "overdue orders last 90 days"),
    ("start a count in de reserve, de whole zone", "start a count in the reserve the whole zone"),
    ("kemm hemm ST0013-Au750R? jekk jogħġbok", "how many are there st0013-au750r please"),
    ("anything odd yesterday? tell me, x'ġara", "anything odd yesterday"),
    # Spanish 'de' stays
    ("las piezas de oro", "the pieces de gold"),
])
def test_trinidadian_and_maltese_words_read_as_english(text: str, english: str) -> None:
    assert normalise_text(text) == english


@pytest.mark.parametrize(("text", "meant"), [
    ("那个G 3273 不对 是G 3237 那批扣住", "那个G 3237 那批扣住"),
    ("hold FC0000476 sorry FC0000467", "hold FC0000467"),
    ("lot G-2311, I mean G-2312", "lot G-2312"),
    # two codes of different kinds are both meant
    ("G-2311 不是 FC0000001", "G-2311 不是 FC0000001"),
])
def test_a_code_taken_back_is_replaced_by_the_one_meant(text: str, meant: str) -> None:
    assert corrected_codes(text) == meant


@pytest.mark.parametrize(("reply", "quantity"), [
    ("不用那么多 25件就够了", "25"), ("毋爱恁多，20只就够", "20"), ("too many, 25 will do", "25"),
    ("just 25 is enough", "25"), ("那就够了", None), ("G-2311就行", None),
])
def test_a_smaller_quantity_said_as_enough_changes_a_draft(
    reply: str, quantity: str | None
) -> None:
    assert changed_quantity(reply) == quantity


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("只个月卖上多个是乜个物件？", "best_sellers", {"period": "this_month"}),
    ("只礼拜有乜个调整唔正常？", "anomalies", {"period": "this_week"}),
    ("上只禮拜揀貨區有冇貨唔見？", "shrinkage", {"period": "last_week", "zone": "PICK"}),
    ("昨晡日賣最多個係麼個？", "best_sellers", {"period": "yesterday"}),
    ("只个季度库存周转若多次？", "stock_turnover", {"period": "this_quarter"}),
    ("wha we lose las' week, tief or damage?", "shrinkage", {"period": "last_week"}),
    ("scorecard fuh all de suppliers las' mont'", "supplier_quality", {"period": "last_month"}),
    ("kemm ST0003-Au750W-6 are left?", "count_stock", {"sku": "ST0003-Au750W-6"}),
    ("FC 0000 412 的历史轨迹 帮我拉出来", "serial_history", {"serial": "FC0000412"}),
    ("A01 02 那个位置盘点差异的原因", "traced_variances", {"location": "A01-02"}),
])
def test_their_questions_are_read(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize(("text", "intent", "lot"), [
    ("G-2311这批货帮𠊎扣住先，耳环有问题", "hold_lot", "G-2311"),
    ("G-2311扣住先，等供应商回复𠊎兜", "hold_lot", "G-2311"),
    ("G9106这批货放行", "release_lot", "G-9106"),
    ("那个G 3273 不对 是G 2311 那批扣住", "hold_lot", "G-2311"),
])
def test_a_lot_action_said_lot_first_is_stated_and_waits(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str, lot: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert (reply["intent"], reply["slots"].get("lot")) == (intent, lot), reply
    assert reply["confirm"] or reply["error"], reply  # stated and waiting, or refused


@pytest.mark.parametrize(("first", "then", "slot", "value"), [
    ("倉裡有幾多隻18K個手鐲？", "換做項鍊", "category", "necklace"),
    ("上个月卖得最好的是什么", "换做这个月睇", "period", "this_month"),
    ("金库里面的货值多少钱", "那个储备区呢", "zone", "RES"),
    ("how many white gold pieces we have in de vault?", "wha 'bout yellow gold?", "colour",
     "yellow"),
])
def test_their_follow_ups_refine_the_last_question(
    assistant: Assistant, actors: dict[str, Actor], first: str, then: str, slot: str, value: str
) -> None:
    manager, conversation = actors["manager"], f"follow-{then}"
    asked = ask(assistant, manager, first, conversation)
    assert asked["error"] is None, asked
    refined = ask(assistant, manager, then, conversation)
    assert refined["intent"] == asked["intent"], refined
    assert refined["slots"].get(slot) == value, refined
