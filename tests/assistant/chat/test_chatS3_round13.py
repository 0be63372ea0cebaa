"""The chat's slot and follow-up classes of blind round 12 (issue 18, helper chatS3): 'mo' is
a month ('last mo', 'this mo', 'prev mo'); the formal written 後備貨架 is the reserve; a bare
value after a Singlish particle ('yesterday leh?'), after 'just' ('just picker2') or a
Chinese category with 類 ('戒指類呢？') refines the question before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.chat import Assistant
from assistant.entities.periods import parse_period
from core import Actor
from tests.assistant.chat.slot_reading import ask


@pytest.mark.parametrize(("text", "key"), [
    ("last mo", "last_month"), ("this mo", "this_month"), ("prev mo", "last_month"),
    ("lst wk", "last_week"), ("this wk", "this_week"),
])
def test_month_and_week_shorthand_are_periods(text: str, key: str) -> None:
    period = parse_period(text, datetime(2026, 12, 5, tzinfo=UTC))
    assert period is not None and period.key == key


@pytest.mark.parametrize(("text", "intent"), [
    ("traced variances last mo", "traced_variances"),
    ("how much stock did we lose last mo", "shrinkage"),
    ("which pieces failed inspection last mo", "qc_failures"),
])
def test_a_report_takes_last_mo_as_last_month(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent and reply["slots"].get("period") == "last_month", reply


def test_the_formal_reserve_shelves_are_the_reserve(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    reply = ask(assistant, actors["manager"], "後備貨架上存貨之價值總額")
    assert reply["intent"] == "stock_value" and reply["slots"].get("zone") == "RES", reply
