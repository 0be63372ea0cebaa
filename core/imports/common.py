"""What every kind's validator shares: the rejects, pydantic errors as reasons, set lookups."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from core.fields import FIRST_DAY, LAST_DAY
from core.imports.reader import MAX_CELL, Row
from core.imports.schemas import RejectedRow

__all__ = ["CHUNK", "Rejects", "by_chunks", "check_model", "parse_date", "parse_money"]

CHUNK = 500
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
_TRUE = frozenset({"yes", "y", "true", "1", "是", "x"})
_FALSE = frozenset({"no", "n", "false", "0", "否"})


@dataclass
class Rejects:
    """Every reason a row was refused, and the lines refused."""

    reasons: list[RejectedRow] = field(default_factory=list)
    lines: set[int] = field(default_factory=set)

    def add(self, line: int, column: str | None, code: str, message: str) -> None:
        """Refuse the row on ``line`` for one more reason."""
        self.reasons.append(RejectedRow(line=line, column=column, code=code, message=message))
        self.lines.add(line)

    def long_cells(self, rows: Iterable[Row]) -> None:
        """Refuse rows with a cell longer than any column takes (before anything reads it)."""
        for row in rows:
            for name, value in row.values.items():
                if len(value) > MAX_CELL:
                    self.add(
                        row.line,
                        name,
                        "too-long",
                        f"{len(value):,} characters; at most {MAX_CELL:,}.",
                    )

    def sorted(self) -> list[RejectedRow]:
        """The reasons by line, then column."""
        return sorted(self.reasons, key=lambda r: (r.line, r.column or ""))


def _code(kind: str) -> str:
    if kind in ("missing", "string_too_short"):
        return "required"
    if kind == "string_too_long":
        return "too-long"
    if kind == "string_pattern_mismatch":
        return "bad-format"
    if kind.startswith(("greater_than", "less_than", "decimal_max", "finite_number")):
        return "out-of-range"
    if kind in ("enum", "literal_error"):
        return "unknown-value"
    if kind.startswith(("int_", "float_", "decimal_")):
        return "not-a-number"
    if kind.startswith("date"):
        return "not-a-date"
    if kind.startswith("bool"):
        return "not-a-boolean"
    return "bad-value"


def check_model(
    model: type[M], data: dict[str, Any], row: Row, rejects: Rejects, columns: dict[str, str]
) -> M | None:
    """``data`` as ``model``, or None with each field error refused under its column's name."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            rejects.add(row.line, columns.get(name, name) or None, _code(err["type"]), err["msg"])
        return None


def as_bool(value: str) -> bool | str:
    """yes/no, true/false, 1/0, 是/否 as a bool; anything else unchanged (the model refuses)."""
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return value


def parse_date(row: Row, column: str, rejects: Rejects) -> date | None:
    """The date in ``column`` (YYYY-MM-DD, or YYYY/MM/DD), or None and a reason."""
    text = row.get(column).replace("/", "-").split(" ", 1)[0]
    try:
        value = date.fromisoformat(text)
    except ValueError:
        rejects.add(
            row.line, column, "not-a-date", f"'{row.get(column)[:40]}' is not a date (YYYY-MM-DD)."
        )
        return None
    if not FIRST_DAY <= value <= LAST_DAY:
        rejects.add(row.line, column, "out-of-range", f"{value} is not a plausible date.")
        return None
    return value


def parse_money(row: Row, column: str, rejects: Rejects) -> Decimal | None:
    """A non-negative amount with at most 2 decimals in ``column`` (None when empty)."""
    text = row.get(column)
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        rejects.add(row.line, column, "not-a-number", f"'{text[:40]}' is not an amount.")
        return None
    if not value.is_finite() or value < 0 or value >= Decimal(10) ** 10:
        rejects.add(row.line, column, "out-of-range", f"{text[:40]} is not a plausible amount.")
        return None
    return value.quantize(Decimal("0.01"))


def by_chunks(
    session: Session,
    make: Callable[[Sequence[T]], Any],
    values: Iterable[T],
) -> list[Any]:
    """Rows of ``make(chunk)`` for every chunk of ``values`` (IN lists of at most 500)."""
    items = list(dict.fromkeys(values))
    found: list[Any] = []
    for start in range(0, len(items), CHUNK):
        found.extend(session.execute(make(items[start : start + CHUNK])).all())
    return found


def in_chunks(column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values`` (a chunk)."""
    return column.in_(values)


def first_lines(
    rows: Iterable[Row], key: Callable[[Row], object], rejects: Rejects, column: str, what: str
) -> None:
    """Refuse every row whose ``key`` an earlier row already had (a duplicate in the file)."""
    seen: dict[object, int] = {}
    for row in rows:
        value = key(row)
        if value in ("", None):
            continue
        if value in seen:
            rejects.add(
                row.line,
                column,
                "duplicate-in-file",
                f"{what} {value} is also on line {seen[value]}.",
            )
        else:
            seen[value] = row.line
