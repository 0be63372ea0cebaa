"""ABC cycle counting: bins classed by stock value, a schedule per class, and a calendar.

Bins are ranked by the value they hold (on hand x unit price). Those making up the first
``a_share`` of the warehouse's stock value are class A, up to ``b_share`` class B, the rest
(and empty bins) class C. Each class is counted every so many days (A weekly, B monthly, C
quarterly by default); a vault bin (kind vault, a secure security level, or under a vault
zone) is counted every ``vault_days`` (daily by default) whatever its class. A bin's counts
fall on days spread by its code, so a class's bins do not all come due on the same day.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.db import pairs
from core.errors import ValidationFailed
from core.ledger.models import Balance
from core.locations.models import Kind, Location, Tier
from core.locations.presence import SECURE_LEVEL
from core.settings import CoreSettings

__all__ = [
    "MAX_CALENDAR_DAYS",
    "BinClass",
    "CountDay",
    "CountDayRead",
    "DueBinRead",
    "CountSchedule",
    "bin_classes",
    "classify",
    "count_calendar",
    "due_counts",
    "is_due",
]

#: The longest calendar asked for at once (a year and a day).
MAX_CALENDAR_DAYS = 366
#: Kinds of bin that hold stock for keeps (transit places such as docks are not cycle counted).
COUNTED_KINDS = frozenset({Kind.PICK_FACE, Kind.RESERVE, Kind.VAULT})
AbcClass = Literal["A", "B", "C"]


@dataclass(frozen=True)
class CountSchedule:
    """Value shares that bound classes A and B, and days between counts per class."""

    a_share: float = 0.8
    b_share: float = 0.95
    a_days: int = 7
    b_days: int = 30
    c_days: int = 91
    vault_days: int = 1

    @classmethod
    def from_settings(cls, settings: CoreSettings) -> CountSchedule:
        """The schedule the core settings configure (``FACET_COUNT_*``)."""
        return cls(settings.count_a_share, settings.count_b_share, settings.count_a_days,
                   settings.count_b_days, settings.count_c_days, settings.count_vault_days)

    def every(self, abc: AbcClass, vault: bool) -> int:
        """Days between two counts of a bin of this class."""
        if vault:
            return self.vault_days
        return {"A": self.a_days, "B": self.b_days, "C": self.c_days}[abc]


@dataclass(frozen=True)
class BinClass:
    """A bin's value, ABC class, whether it is a vault bin, and its counting rhythm."""

    location: str
    value: Decimal
    abc: AbcClass
    vault: bool
    every_days: int


@dataclass(frozen=True)
class CountDay:
    """The bins due for a count on one day."""

    day: date
    bins: tuple[str, ...]


def classify(
    values: Mapping[str, Decimal], *, a_share: float, b_share: float
) -> dict[str, AbcClass]:
    """ABC class per key by cumulative share of value, highest value first (pure).

    A key is A while the value before it is under ``a_share`` of the total, so the most
    valuable bin is A even when it alone holds more than that share.

    >>> classify({"x": Decimal(80), "y": Decimal(15), "z": Decimal(5), "e": Decimal(0)},
    ...          a_share=0.8, b_share=0.95)
    {'x': 'A', 'y': 'B', 'z': 'C', 'e': 'C'}
    """
    if not 0 < a_share <= b_share <= 1:
        raise ValidationFailed("Shares must satisfy 0 < a_share <= b_share <= 1.",
                               code="bad-abc-shares")
    total = sum(values.values(), Decimal(0))
    out: dict[str, AbcClass] = {}
    before = Decimal(0)
    for key, value in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
        share = before / total if total > 0 else Decimal(1)
        if value <= 0:
            out[key] = "C"
        elif share < Decimal(str(a_share)):
            out[key] = "A"
        elif share < Decimal(str(b_share)):
            out[key] = "B"
        else:
            out[key] = "C"
        before += value
    return {k: out[k] for k in values}


def is_due(bin_class: BinClass, day: date) -> bool:
    """Whether a bin is due on ``day``: every ``every_days``, on a phase set by its code."""
    every = bin_class.every_days
    phase = zlib.crc32(bin_class.location.encode()) % every
    return day.toordinal() % every == phase


def _vault_ids(rows: Sequence[tuple[int, int | None, str, int]]) -> set[int]:
    """Locations that are vaults or secure, or lie under one."""
    parent = {lid: pid for lid, pid, _, _ in rows}
    secure = {lid for lid, _, kind, level in rows if kind == Kind.VAULT or level >= SECURE_LEVEL}
    out: set[int] = set()
    for lid in parent:
        node: int | None = lid
        while node is not None:
            if node in secure:
                out.add(lid)
                break
            node = parent.get(node)
    return out


def bin_classes(session: Session, schedule: CountSchedule) -> list[BinClass]:
    """Every active bin that holds stock for keeps, with its value and class, by code."""
    rows = session.execute(
        select(Location.id, Location.parent_id, Location.kind, Location.security_level)
    ).all()
    vaults = _vault_ids([(r[0], r[1], str(r[2]), r[3] or 0) for r in rows])
    bins: dict[int, str] = pairs(session, select(Location.id, Location.code).where(
        Location.tier == Tier.BIN, Location.active.is_(True),
        Location.kind.in_([str(k) for k in COUNTED_KINDS]),
    ))
    values: dict[str, Decimal] = defaultdict(Decimal)
    for lid, value in session.execute(
        select(Balance.location_id, func.sum(Balance.on_hand * Sku.price))
        .join(Sku, Sku.id == Balance.sku_id)
        .where(Balance.location_id.in_(list(bins)), Balance.on_hand > 0)
        .group_by(Balance.location_id)
    ):
        values[bins[lid]] = Decimal(value or 0)
    worth = {code: values.get(code, Decimal(0)) for code in bins.values()}
    abc = classify(worth, a_share=schedule.a_share, b_share=schedule.b_share)
    return sorted(
        (BinClass(code, worth[code], abc[code], lid in vaults,
                  schedule.every(abc[code], lid in vaults)) for lid, code in bins.items()),
        key=lambda b: b.location,
    )


def due_counts(
    session: Session, day: date, schedule: CountSchedule | None = None
) -> list[BinClass]:
    """The bins due for a cycle count on ``day``, by code."""
    return [b for b in bin_classes(session, schedule or CountSchedule()) if is_due(b, day)]


def count_calendar(
    session: Session, start: date, days: int, schedule: CountSchedule | None = None
) -> list[CountDay]:
    """The bins due on each of ``days`` days from ``start`` (classes read once)."""
    if not 1 <= days <= MAX_CALENDAR_DAYS:
        raise ValidationFailed(
            f"A calendar spans 1 to {MAX_CALENDAR_DAYS} days; asked for {days}.",
            code="bad-calendar-span",
        )
    classes = bin_classes(session, schedule or CountSchedule())
    return [
        CountDay(day, tuple(b.location for b in classes if is_due(b, day)))
        for day in (start + timedelta(days=n) for n in range(days))
    ]


class DueBinRead(BaseModel):
    """A bin due for a count over HTTP; its value is null for roles that count blind."""

    location: str
    abc: AbcClass
    vault: bool
    every_days: int
    value: Decimal | None

    @classmethod
    def of(cls, b: BinClass, *, blind: bool) -> DueBinRead:
        """The HTTP view of a bin's class."""
        return cls(location=b.location, abc=b.abc, vault=b.vault, every_days=b.every_days,
                   value=None if blind else b.value)


class CountDayRead(BaseModel):
    """One day of the count calendar over HTTP."""

    day: date
    bins: list[str]
