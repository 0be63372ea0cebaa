"""Round 16's slot misses (helper chatS7, issue 18): zones said in traditional and Cantonese
Chinese ('後面架上' is the back shelves, 撿貨區 the pick face), a role word that is also a
username ('picker performance') naming no one, and an alert acknowledged by its zone."""

from __future__ import annotations

import uuid

import pytest

from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from core import Actor
from tests.assistant.chat.slot_reading import ask, read_slots


@pytest.mark.parametrize(("text", "intent", "zone"), [
    ("後面架上嘅貨放咗几耐", "stock_ageing", "RES"),
    ("后边货架的货放了多久", "stock_ageing", "RES"),
    ("後尾架有冇異常", "anomalies", "RES"),
    ("撿貨區的警報確認", "acknowledge_alert", "PICK"),
    ("撿貨區的警報確認 誤報", "acknowledge_alert", "PICK"),
    ("揀貨區有冇異常", "anomalies", "PICK"),
    ("捡货区今天有没有警报", "camera_alerts", "PICK"),
    ("夾萬有冇異常", "anomalies", "VLT"),
])
def test_a_zone_said_in_traditional_or_cantonese_chinese(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str, zone: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent and reply["slots"].get("zone") == zone, reply


def test_pick_up_said_with_the_traditional_character_reads_as_picking() -> None:
    assert normalise_text("撿貨區") == "拣货区"
    assert normalise_text("是誰撿的貨") == "是谁拣的货"
    assert normalise_text("捡货员") == "拣货员"


@pytest.mark.parametrize("text", [
    "picker performance this week", "error rate per picker this quarter",
    "picker error rate this quarter", "邊個 picker 今個禮拜最勤力", "琴日啲 picker 做成點",
    "每个picker这周拣了多少",
])
def test_a_role_word_before_a_noun_or_after_per_names_no_one(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    assert "person" not in read_slots(assistant, actors["manager"], text, "picker_performance")


@pytest.mark.parametrize(("text", "person"), [
    ("how is picker doing this week", "picker"), ("picker2 performance this week", "picker2"),
    ("picker's lines today", "picker"), ("上个月picker拣了多少", "picker"),
])
def test_a_username_named_bare_is_still_the_person(
    assistant: Assistant, actors: dict[str, Actor], text: str, person: str
) -> None:
    assert read_slots(assistant, actors["manager"], text,
                      "picker_performance").get("person") == person


def test_no_after_a_refused_recall_posts_nothing(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    conversation = str(uuid.uuid4())
    first = ask(assistant, actors["manager"], "abeg recall P-5708", conversation)
    assert first["intent"] in ("recall_lot", None) and first["confirm"] is None
    reply = ask(assistant, actors["manager"], "nope", conversation)
    assert reply["confirm"] is None
