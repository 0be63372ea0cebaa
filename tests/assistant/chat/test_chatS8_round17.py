"""Round 17's slot and confirmation misses (helper chatS8, issue 18): a yes or no to a stated
action in Taiwanese and Cantonese (對啦, 好喔, 係呀, 冇問題; 唔好, 先不要), never a yes from a
reply that also says no; 'in 90 days' after a no ("hasn't sold in 90 days") is the last 90
days; a camera alert's zone named by its word ('the reserve area', 'the pick face') is that
zone, not also the aisle the word stands for; 'ok, recall it, purity deviation' after a
recall preview is the recall of that lot, asked first; a count names who is to count."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from assistant.actions.answers import short_answer
from assistant.chat import Assistant
from assistant.entities.periods import none_in_period
from core import Actor
from tests.assistant.chat.slot_reading import ask, read_slots, resolver_for


@pytest.mark.parametrize("text", [
    "對啦", "對", "好喔", "好啊", "嗯嗯", "係呀", "係", "得", "好呀", "冇問題", "没有问题",
])
def test_a_taiwanese_or_cantonese_yes_confirms(text: str) -> None:
    assert short_answer(text) == "confirm"


@pytest.mark.parametrize("text", ["唔好", "不要", "先不要", "先不要喔"])
def test_a_taiwanese_or_cantonese_no_denies(text: str) -> None:
    assert short_answer(text) == "deny"


@pytest.mark.parametrize("text", ["好喔 不要", "對啦，不要", "係唔係", "對不對", "好喔，G-2311 呢"])
def test_a_reply_that_also_says_no_or_more_is_no_yes(text: str) -> None:
    assert short_answer(text) is None


def test_a_traditional_yes_carries_out_the_action_once(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    conversation = str(uuid.uuid4())
    plan = ask(assistant, actors["manager"], "盤點 A01-02", conversation)
    assert plan["intent"] == "start_cycle_count" and plan["confirm"] is not None, plan
    done = ask(assistant, actors["manager"], "好喔", conversation)
    assert done["intent"] == "confirm" and done["error"] is None, done
    again = ask(assistant, actors["manager"], "對啦", conversation)
    # the count is not opened twice: a second yes says it was done already, with the same count
    opened = set(re.findall(r"CNT-\d+", done["answer"]))
    assert again["intent"] != "confirm" or again["error"] == "nothing-pending" or (
        again["error"] is None and set(re.findall(r"CNT-\d+", again["answer"])) == opened
        and "已经执行过" in again["answer"]), again


def test_ok_recall_it_with_a_reason_after_a_preview_is_the_recall_asked_first(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    conversation = str(uuid.uuid4())
    preview = ask(assistant, actors["manager"], "what would recalling G-2311 hit?", conversation)
    assert preview["intent"] == "recall_preview", preview
    plan = ask(assistant, actors["manager"], "ok, recall it, purity deviation", conversation)
    assert plan["intent"] == "recall_lot" and plan["confirm"] is not None, plan
    assert plan["slots"] == {"lot": "G-2311", "reason": "purity deviation"}
    dropped = ask(assistant, actors["manager"], "no", conversation)
    assert dropped["intent"] == "deny" and dropped["error"] is None, dropped


@pytest.mark.parametrize(("text", "person"), [
    ("Please open a cycle count for the reserve zone, to be completed by picker2.", "picker2"),
    ("count the vault, picker to do it", "picker"),
    ("盤點 V04，給 picker2 做", "picker2"),
])
def test_a_count_names_who_is_to_count(
    assistant: Assistant, actors: dict[str, Actor], text: str, person: str
) -> None:
    conversation = str(uuid.uuid4())
    plan = ask(assistant, actors["manager"], text, conversation)
    assert plan["intent"] == "start_cycle_count" and plan["slots"]["person"] == person, plan
    assert person in plan["confirm"]["summary"]
    ask(assistant, actors["manager"], "no", conversation)


def test_a_count_for_me_names_no_one_else(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    plan = ask(assistant, actors["manager"], "count aisle R03 for me")
    assert "person" not in plan["slots"], plan


@pytest.mark.parametrize(("text", "key", "said"), [
    ("what hasn't sold a single piece in 90 days?", "last_90_days", "in 90 days"),
    ("no sale in 90 days", "last_90_days", "in 90 days"),
    ("nothing moved within sixty days", "last_60_days", "within sixty days"),
    ("not sold in the vault in 2 weeks", "last_14_days", "in 2 weeks"),
])
def test_in_n_days_after_a_no_is_the_days_gone_by(text: str, key: str, said: str) -> None:
    found = none_in_period(text, datetime(2026, 12, 1, tzinfo=UTC))
    assert found is not None
    period, start, end = found
    assert period.key == key and text[start:end] == said


@pytest.mark.parametrize("text", ["rings that will run out in 30 days", "no, stock in 30 days"])
def test_in_n_days_without_a_no_before_it_is_no_past_period(text: str) -> None:
    assert none_in_period(text, datetime(2026, 12, 1, tzinfo=UTC)) is None


def test_dead_stock_in_90_days_reads_the_period(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    slots = read_slots(assistant, actors["manager"],
                       "what hasn't sold a single piece in 90 days?", "dead_stock")
    assert slots == {"period": "last_90_days"}


@pytest.mark.parametrize(("text", "intent", "zone"), [
    ("Please provide a summary of all security camera alerts raised in the reserve area "
     "during the past week.", "camera_alerts", "RES"),
    ("pick face alerts", "camera_alerts", "PICK"),
])
def test_a_zone_named_by_its_word_is_the_zone_alone(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str, zone: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent and reply["slots"].get("zone") == zone, reply
    assert "location" not in reply["slots"], reply


def test_a_place_the_writers_name_stays_with_its_zone(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    # the dock is one place (DOCK-01), and stock counts read a place by its code
    reply = ask(assistant, actors["manager"], "camera warnings at the dock")
    assert reply["slots"].get("location") == "DOCK-01", reply
    slots = read_slots(assistant, actors["manager"], "how many rings in the vault", "count_stock")
    assert slots.get("location") == "V04"


def test_the_same_for_a_zone_refines_the_question_before(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    conversation = str(uuid.uuid4())
    before = ask(assistant, actors["manager"],
                 "Please provide the ageing analysis for the vault zone.", conversation)
    assert before["intent"] == "stock_ageing" and before["slots"]["zone"] == "VLT", before
    reply = ask(assistant, actors["manager"], "Please provide the same for the reserve zone.",
                conversation)
    assert reply["intent"] == "stock_ageing" and reply["slots"]["zone"] == "RES", reply
    assert assistant_zone(assistant, actors["manager"], reply["slots"].get("location")) in (
        None, "RES")


def assistant_zone(assistant: Assistant, actor: Actor, location: str | None) -> str | None:
    """The zone a location read by the chat lies in (None for no location)."""
    if location is None:
        return None
    return resolver_for(assistant, actor).index.zone_of(location)


@pytest.mark.parametrize(("text", "lead"), [
    ("open orders in the vault", "Served from"), ("金库的待处理订单", "从"),
])
def test_open_orders_asked_by_place_are_those_served_from_it(
    assistant: Assistant, actors: dict[str, Actor], text: str, lead: str
) -> None:
    every = ask(assistant, actors["manager"], "open orders")
    there = ask(assistant, actors["manager"], text)
    assert there["intent"] == "pending_orders" and there["slots"].get("zone") == "VLT", there
    orders = [r for r in there["data"] if r["kind"] == "order"]
    assert 0 < len(orders) < len([r for r in every["data"] if r["kind"] == "order"])
    assert there["answer"].startswith(lead)


def test_a_count_given_to_someone_is_assigned_to_them_on_yes(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    from sqlalchemy import select

    from core.documents.counts import get_count
    from core.people.models import User

    conversation = str(uuid.uuid4())
    plan = ask(assistant, actors["manager"], "count R03-02, to be completed by picker2",
               conversation)
    assert plan["slots"].get("person") == "picker2" and plan["confirm"] is not None, plan
    done = ask(assistant, actors["manager"], "yes", conversation)
    assert done["intent"] == "confirm" and done["error"] is None, done
    number = str(done["data"][0]["document"])
    with assistant.db.read() as session:
        doc = get_count(session, number=number)
        assert session.scalar(select(User.username).where(User.id == doc.assignee_id)) \
            == "picker2"
