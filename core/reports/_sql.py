"""Small SQL helpers shared by the reports: time buckets that work on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any, Literal

from sqlalchemy import func
from sqlalchemy.orm import Session

__all__ = ["bucket", "day_start"]

_SQLITE = {"day": "%Y-%m-%d", "hour": "%H", "month": "%Y-%m"}
_POSTGRES = {"day": "YYYY-MM-DD", "hour": "HH24", "month": "YYYY-MM"}


def bucket(session: Session, column: Any, unit: Literal["day", "hour", "month"]) -> Any:
    """``column`` (a UTC timestamp) as text naming its day, hour of day or month, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), _POSTGRES[unit])
    return func.strftime(_SQLITE[unit], column)


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time.min, tzinfo=UTC)
