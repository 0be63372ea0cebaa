"""Round 29's kinds of miss (issue 18): Mandarin typed in pinyin ('you duo shao jie zhi',
'shang zhou picker 的拣货 xiao lv'), input-method slips (库纯 for 库存, 皮次 for 批次), a draft
asked as 'one purchase order' (一个采购单 is no quantity of one), a Chinese question closed in
Portuguese ('por favor', 'obrigado'), and these speakers' yes, no
and hold-on (Macau Portuguese 'sim, pode', Hebrew 'ken' / 'rega', Amharic 'awo' / 'koy',
Finnish 'joo' / 'hetki', Hungarian 'igen' / 'nem')."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer
from assistant.actions.slots import changed_quantity
from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask, assert_answered


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("zu jin shou zhuo hai you ji ge", "count_stock", {"purity": "Au999", "category": "bangle"}),
    ("hai you na xie ding dan mei fa huo", "pending_orders", {}),
    ("shang ge yue mai de zui hao de", "best_sellers", {"period": "last_month"}),
    ("G-2311 zhao hui de hua she ji na xie ke hu", "recall_preview", {"lot": "G-2311"}),
    ("今年 mai de man 的 xiang lian 有哪些", "slow_movers",
     {"period": "this_year", "category": "necklace"}),
    ("zui jin 30 tian 有没有 yi chang 调整", "anomalies", {"period": "last_30_days"}),
    # slips of a pinyin keyboard
    ("项连的周转率怎么样", "stock_turnover", {"category": "necklace"}),
    # a Chinese question closed in Portuguese
    ("項鍊的賬面價值，por favor", "stock_value", {"category": "necklace"}),
    ("本週閉路電視有甚麼警報？por favor", "camera_alerts", {"period": "this_week"}),
    ("本季渡最畅销的借指", "best_sellers", {"period": "this_quarter", "category": "ring"}),
])
def test_pinyin_and_slips_are_read_as_the_characters_meant(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str,
    slots: dict[str, str]
) -> None:
    assert_answered(assistant, actors["manager"], text, intent, slots)


@pytest.mark.parametrize("text", ["jin tian tian qi zen me yang", "ni jiao shen me ming zi"])
def test_a_general_question_in_pinyin_is_still_refused(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["error"] == "out-of-scope", reply


def test_a_pinyin_answer_answers_a_waiting_action(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    """'deng yi xia' holds the waiting count, 'bu yong le' then cancels it (a yes would start
    the count on the demo the other tests share)."""
    manager, conversation = actors["manager"], "pinyin-yes"
    asked = ask(assistant, manager, "bang wo kai yi ge jin ku de pan dian dan", conversation)
    assert (asked["intent"], asked["slots"]) == ("start_cycle_count", {"zone": "VLT"}), asked
    held = ask(assistant, manager, "deng yi xia", conversation)
    assert held["intent"] == "wait", held
    done = ask(assistant, manager, "bu yong le", conversation)
    assert done["intent"] == "deny" and done["error"] is None, done


@pytest.mark.parametrize("text", ["按补货建议做一个草稿采购单", "按补货建议开一个新的采购单"])
def test_one_purchase_order_is_no_quantity(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == "draft_purchase_order" and reply["error"] is None, reply
    assert reply["slots"]["quantity"] != "1", reply
    assert changed_quantity(text) is None


@pytest.mark.parametrize(("reply", "waiting", "answer"), [
    ("好的,开吧", "start_cycle_count", "confirm"),  # 'hao de, kai ba' as the chat reads it
    ("sim, pode", None, "confirm"), ("ok ok, sim", None, "confirm"),
    ("sim, obrigado", None, "confirm"), ("ken, do it", None, "confirm"),
    ("beseder, ken", None, "confirm"), ("awo, release it", "release_lot", "confirm"),
    ("joo, do it", None, "confirm"), ("kyllä, go", None, "confirm"),
    ("igen, start it", "start_cycle_count", "confirm"),
    ("não", None, "deny"), ("nem", None, "deny"), ("ei kiitos", None, "deny"),
    ("rega rega", None, "wait"), ("koy koy", None, "wait"), ("hetki", None, "wait"),
    ("espera", None, "wait"), ("egy pillanat", None, "wait"),
])
def test_their_yes_no_and_hold_on_answer_a_waiting_action(
    reply: str, waiting: str | None, answer: str | None
) -> None:
    assert short_answer(reply, waiting) == answer
