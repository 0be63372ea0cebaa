"""Periods said formally or regionally are report filters (round 17's dev misses): 'during the
past week', 'the current year', 'this arvo', 這一季."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from core import Actor
from tests.assistant.chat.slot_reading import ask


@pytest.mark.parametrize(("text", "intent", "period"), [
    ("camera alerts raised in the reserve area during the past week", "camera_alerts",
     "last_7_days"),
    ("qc failures for ANTWERP during the current year", "qc_failures", "this_year"),
    ("anything dodgy on camera this arvo", "camera_alerts", "today"),
    ("哪些款賣很慢啊？這一季的", "slow_movers", "this_quarter"),
])
def test_a_period_said_formally_or_regionally_filters_the_report(
    assistant: Assistant, actors: dict[str, Actor], text: str, intent: str, period: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["intent"] == intent, reply
    assert reply["slots"].get("period") == period, reply["slots"]


@pytest.mark.parametrize("text", ["best sellers last week", "what sold in the last month"])
def test_last_week_and_last_month_stay_calendar_periods(
    assistant: Assistant, actors: dict[str, Actor], text: str
) -> None:
    reply = ask(assistant, actors["manager"], text)
    assert reply["slots"].get("period") in ("last_week", "last_month"), reply["slots"]
