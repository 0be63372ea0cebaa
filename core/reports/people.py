"""Staff performance: per person and shift, pick lines, pieces, accuracy and picks per hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.documents.models import DocKind, Document, DocumentLine, LineStatus
from core.orders.models import PickException
from core.people.models import User
from core.reports._sql import bucket
from core.reports.filters import ReportFilter
from core.reports.traced import TRACE_DAYS, traced_variances

__all__ = ["SHIFTS", "pick_accuracy", "shift_of", "staff_performance"]

# (first hour, last hour + 1, name); hours are UTC.
SHIFTS = ((6, 14, "early"), (14, 22, "late"))
MIN_HOURS = 0.25

Key = tuple[str, str, str, str]  # person, name, shift, day


def shift_of(hour: int) -> str:
    """The shift an hour of the day (UTC) belongs to: early 06-14, late 14-22, else night."""
    for first, end, name in SHIFTS:
        if first <= hour < end:
            return name
    return "night"


def pick_accuracy(lines: int, short: int, wrong: int, traced: int) -> float | None:
    """Share of pick attempts that were right: ``(lines - short - traced) / (lines + wrong)``.

    Attempts are the lines closed plus the confirmations refused as wrong picks; wrong ones
    are the refusals, the short lines and the lines a later variance was traced to.
    """
    attempts = lines + wrong
    if not attempts:
        return None
    return round(max(0, lines - short - traced) / attempts, 4)


@dataclass
class _Shift:
    lines: int = 0
    pieces: int = 0
    short: int = 0
    wrong: int = 0
    traced: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def add(self, lines: int, pieces: int, short: int, first: datetime, last: datetime) -> None:
        self.lines += lines
        self.pieces += pieces
        self.short += short
        self.first = first if self.first is None else min(self.first, first)
        self.last = last if self.last is None else max(self.last, last)


def staff_performance(
    session: Session, f: ReportFilter, *, by_day: bool = False, trace_days: int = TRACE_DAYS
) -> list[dict[str, object]]:
    """Closed pick lines per person and shift in the period (per day too when ``by_day``).

    Hours are from a person's first to last pick in each shift of each day; picks per hour are
    left out below a quarter of an hour. ``accuracy`` is the share of lines taken in full;
    ``wrong_picks_caught`` counts confirmations refused for wrong check digits or a wrong piece
    (by when they were refused), ``variances_traced`` the count and adjustment variances traced
    to the person's picks (by when the pick was made; see :mod:`core.reports.traced`), and
    ``pick_accuracy`` weighs all three (see :func:`pick_accuracy`).
    """
    shifts: dict[Key, _Shift] = {}
    _add_picks(session, f, shifts)
    _add_exceptions(session, f, shifts)
    for v in traced_variances(session, f, window_days=trace_days):
        assert v.picked_at is not None and v.picker is not None
        key = (v.picker, str(v.picker_name), shift_of(v.picked_at.hour),
               v.picked_at.date().isoformat())
        shifts.setdefault(key, _Shift()).traced += 1
    return _rows(shifts, by_day)


def _add_picks(session: Session, f: ReportFilter, shifts: dict[Key, _Shift]) -> None:
    since, until = f.period()
    day, hour = (bucket(session, DocumentLine.done_at, "day"),
                 bucket(session, DocumentLine.done_at, "hour"))
    stmt = (
        select(User.username, User.full_name, day, hour, func.count(DocumentLine.id),
               func.coalesce(func.sum(DocumentLine.done_quantity), 0),
               func.count(DocumentLine.id).filter(DocumentLine.status == LineStatus.SHORT.value),
               func.min(DocumentLine.done_at), func.max(DocumentLine.done_at))
        .join(Document, Document.id == DocumentLine.document_id)
        .join(User, User.id == DocumentLine.done_by_id)
        .where(Document.kind == DocKind.PICK.value,
               DocumentLine.status.in_((LineStatus.DONE.value, LineStatus.SHORT.value)),
               DocumentLine.done_at >= since, DocumentLine.done_at < until)
        .group_by(User.username, User.full_name, day, hour)
    )
    stmt = f.stock(stmt, sku=DocumentLine.sku_id, lot=DocumentLine.lot_id,
                   location=DocumentLine.from_location_id)
    for user, name, d, h, lines, pieces, short, first, last in session.execute(stmt):
        key = (str(user), str(name), shift_of(int(h)), str(d))
        shifts.setdefault(key, _Shift()).add(int(lines), int(pieces), int(short),
                                             as_utc(first), as_utc(last))


def _add_exceptions(session: Session, f: ReportFilter, shifts: dict[Key, _Shift]) -> None:
    """Wrong picks caught, by the person and the shift and day they were refused in."""
    since, until = f.period()
    day, hour = bucket(session, PickException.at, "day"), bucket(session, PickException.at, "hour")
    stmt = (
        select(User.username, User.full_name, day, hour, func.count(PickException.id))
        .join(User, User.id == PickException.user_id)
        .where(PickException.at >= since, PickException.at < until)
        .group_by(User.username, User.full_name, day, hour)
    )
    stmt = f.stock(stmt, sku=PickException.sku_id, lot=PickException.lot_id,
                   location=PickException.location_id)
    for user, name, d, h, count in session.execute(stmt):
        shifts.setdefault((str(user), str(name), shift_of(int(h)), str(d)), _Shift()).wrong += int(
            count)


def _rows(shifts: dict[Key, _Shift], by_day: bool) -> list[dict[str, Any]]:
    merged: dict[tuple[str, ...], list[Any]] = {}
    for (user, name, shift, day), s in sorted(shifts.items()):
        key: tuple[str, ...] = (user, name, shift, day) if by_day else (user, name, shift)
        hours = (s.last - s.first).total_seconds() / 3600 if s.first and s.last else 0.0
        cell = merged.setdefault(key, [0, 0, 0, 0, 0, 0.0, 0])
        for i, value in enumerate((s.lines, s.pieces, s.short, s.wrong, s.traced, hours,
                                   1 if s.lines else 0)):
            cell[i] += value
    rows = []
    for key, (lines, pieces, short, wrong, traced, hours, days) in merged.items():
        row: dict[str, Any] = {"person": key[0], "name": key[1], "shift": key[2]}
        if by_day:
            row["day"] = key[3]
        row.update({"days": days, "lines": lines, "pieces": pieces, "short_lines": short,
                    "wrong_picks_caught": wrong, "variances_traced": traced,
                    "accuracy": round((lines - short) / lines, 4) if lines else None,
                    "pick_accuracy": pick_accuracy(lines, short, wrong, traced),
                    "hours": round(hours, 2),
                    "picks_per_hour": round(lines / hours, 1) if hours >= MIN_HOURS else None,
                    "pieces_per_hour": round(pieces / hours, 1) if hours >= MIN_HOURS else None})
        rows.append(row)
    return rows
