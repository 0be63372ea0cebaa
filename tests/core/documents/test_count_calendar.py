"""ABC cycle counting: bins classed by value, vault bins every day, A/B/C at their rhythm."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from core.demo.layout import build_layout
from core.documents.calendar import CountSchedule, count_calendar, due_counts
from core.locations.models import Kind, Tier
from core.locations.schemas import LocationCreate
from core.locations.service import create_location
from core.people.service import system_actor
from tests.builders import Builder

START = date(2026, 3, 2)


@pytest.fixture
def valued(session: Session) -> tuple[Builder, list[str]]:
    """Bins worth 8000 (A), 1500 (B), 500 (C) and nothing (C), the VAULT-01 bin, and a vault
    zone VZ whose reserve bin VZ-01 is a vault bin by its zone."""
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    for sku, price, where in (("GEM", "8000.00", 0), ("RING", "1500.00", 1), ("PIN", "500.00", 2)):
        b.sku(sku, price=price)
        b.stock(sku, f"L-{sku}", 1, bins[where])
    create_location(session, actor=b.actor, data=LocationCreate(
        code="VZ", tier=Tier.ZONE, kind=Kind.VAULT, parent="WH"))
    create_location(session, actor=b.actor, data=LocationCreate(
        code="VZ-01", tier=Tier.BIN, kind=Kind.RESERVE, parent="VZ", check_digits="42"))
    return b, bins


def _days_of(calendar: list, code: str) -> list[date]:  # type: ignore[type-arg]
    return [d.day for d in calendar if code in d.bins]


def test_classes_by_value_and_vaults_every_day(valued) -> None:
    b, bins = valued
    classes = {c.location: (c.abc, c.vault, c.every_days)
               for c in due_counts(b.session, START, CountSchedule(a_days=1, b_days=1, c_days=1))}
    assert classes == {bins[0]: ("A", False, 1), bins[1]: ("B", False, 1),
                       bins[2]: ("C", False, 1), bins[3]: ("C", False, 1),
                       "VAULT-01": ("C", True, 1), "VZ-01": ("C", True, 1)}
    calendar = count_calendar(b.session, START, 91)
    assert all({"VAULT-01", "VZ-01"} <= set(d.bins) for d in calendar)
    for code, every, times in ((bins[0], 7, 13), (bins[1], 30, None), (bins[2], 91, 1)):
        days = _days_of(calendar, code)
        assert {(y - x).days for x, y in zip(days, days[1:], strict=False)} <= {every}
        assert len(days) == (times or len(days)) and days[0] < START + timedelta(days=every)
    assert [c.location for c in due_counts(b.session, days[0])].count(bins[2]) == 1


def test_configured_schedule_and_shares(valued) -> None:
    b, bins = valued
    # With A at 95 % of the value, the 1500 bin is A too; vault bins every other day.
    schedule = CountSchedule(a_share=0.95, b_share=0.99, a_days=2, vault_days=2)
    calendar = count_calendar(b.session, START, 10, schedule)
    assert len(_days_of(calendar, bins[1])) == 5 and len(_days_of(calendar, "VZ-01")) == 5


def test_demo_calendar_puts_every_vault_bin_on_every_day(session: Session) -> None:
    """The demo building (its small scale: the same vault zone, fewer aisles)."""
    layout = build_layout(session, system_actor(session), random.Random(7), full=False)
    assert layout.vault_bins
    calendar = count_calendar(session, START, 14)
    assert all(set(layout.vault_bins) <= set(d.bins) for d in calendar)
