"""Staff performance: per person and shift, pick lines, pieces, accuracy and picks per hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import as_utc
from core.documents.models import DocKind, Document, DocumentLine
from core.people.models import User
from core.reports._sql import bucket
from core.reports.filters import ReportFilter

__all__ = ["SHIFTS", "shift_of", "staff_performance"]

# (first hour, last hour + 1, name); hours are UTC.
SHIFTS = ((6, 14, "early"), (14, 22, "late"))
MIN_HOURS = 0.25


def shift_of(hour: int) -> str:
    """The shift an hour of the day (UTC) belongs to: early 06-14, late 14-22, else night."""
    for first, end, name in SHIFTS:
        if first <= hour < end:
            return name
    return "night"


@dataclass
class _Shift:
    lines: int = 0
    pieces: int = 0
    short: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def add(self, lines: int, pieces: int, short: int, first: datetime, last: datetime) -> None:
        self.lines += lines
        self.pieces += pieces
        self.short += short
        self.first = first if self.first is None else min(self.first, first)
        self.last = last if self.last is None else max(self.last, last)


def staff_performance(
    session: Session, f: ReportFilter, *, by_day: bool = False
) -> list[dict[str, object]]:
    """Closed pick lines per person and shift in the period (per day too when ``by_day``).

    Hours are from a person's first to last pick in each shift of each day; picks per hour are
    left out below a quarter of an hour. Accuracy is the share of lines taken in full.
    """
    since, until = f.period()
    day, hour = (bucket(session, DocumentLine.done_at, "day"),
                 bucket(session, DocumentLine.done_at, "hour"))
    stmt = (
        select(User.username, User.full_name, day, hour, func.count(DocumentLine.id),
               func.coalesce(func.sum(DocumentLine.done_quantity), 0),
               func.count(DocumentLine.id).filter(DocumentLine.status == "short"),
               func.min(DocumentLine.done_at), func.max(DocumentLine.done_at))
        .join(Document, Document.id == DocumentLine.document_id)
        .join(User, User.id == DocumentLine.done_by_id)
        .where(Document.kind == DocKind.PICK.value, DocumentLine.status.in_(("done", "short")),
               DocumentLine.done_at >= since, DocumentLine.done_at < until)
        .group_by(User.username, User.full_name, day, hour)
    )
    stmt = f.stock(stmt, sku=DocumentLine.sku_id, lot=DocumentLine.lot_id,
                   location=DocumentLine.from_location_id)
    shifts: dict[tuple[str, str, str, str], _Shift] = {}
    for user, name, d, h, lines, pieces, short, first, last in session.execute(stmt):
        key = (str(user), str(name), shift_of(int(h)), str(d))
        shifts.setdefault(key, _Shift()).add(int(lines), int(pieces), int(short),
                                             as_utc(first), as_utc(last))
    return _rows(shifts, by_day)


def _rows(shifts: dict[tuple[str, str, str, str], _Shift], by_day: bool) -> list[dict[str, Any]]:
    merged: dict[tuple[str, ...], list[Any]] = {}
    for (user, name, shift, day), s in sorted(shifts.items()):
        key = (user, name, shift, day) if by_day else (user, name, shift)
        hours = (s.last - s.first).total_seconds() / 3600 if s.first and s.last else 0.0
        cell = merged.setdefault(key, [0, 0, 0, 0.0, 0])
        cell[0] += s.lines
        cell[1] += s.pieces
        cell[2] += s.short
        cell[3] += hours
        cell[4] += 1
    rows = []
    for key, (lines, pieces, short, hours, days) in merged.items():
        row: dict[str, Any] = {"person": key[0], "name": key[1], "shift": key[2]}
        if by_day:
            row["day"] = key[3]
        row.update({"days": days, "lines": lines, "pieces": pieces, "short_lines": short,
                    "accuracy": round((lines - short) / lines, 4) if lines else None,
                    "hours": round(hours, 2),
                    "picks_per_hour": round(lines / hours, 1) if hours >= MIN_HOURS else None,
                    "pieces_per_hour": round(pieces / hours, 1) if hours >= MIN_HOURS else None})
        rows.append(row)
    return rows
