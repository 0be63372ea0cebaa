"""Constrained field types for every request at the edge: ids, numbers, dates and text.

Every value a request carries is checked here before it reaches a service or the database, so
a bad value is a 422 naming the field instead of a 500 from the database driver (SQLite cannot
bind an int above 2**63-1, PostgreSQL refuses NUL characters in text, ``Infinity`` poisons every
report that averages it). The ranges are deliberately generous: they only exclude values that
cannot be meant.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(Grams).validate_python(12.5)
12.5
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

__all__ = [
    "CODE_PATTERN", "FIRST_DAY", "FREE_TEXT", "LAST_DAY", "MAX_GRAMS", "MAX_ID", "MAX_INT32",
    "Carat", "Coordinate", "DbId", "Grams", "Lookup", "Money", "Offset", "PerMille", "SaneDate",
    "SaneDateTime", "Text", "check_text",
]

MAX_ID = 2**63 - 1
"""The largest 64-bit signed integer: the largest offset (and SQLite integer) there is."""
MAX_GRAMS = 100_000.0
"""The heaviest piece a weight can describe: 100 kg (no jewellery piece weighs more)."""
MAX_INT32 = 2**31 - 1
"""The largest value of an ``Integer`` column on PostgreSQL."""
FREE_TEXT = 512
"""The cap on free text (notes, descriptions): the widest text column."""
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2100, 12, 31)
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-]*$"

DbId = Annotated[int, Field(ge=1, le=MAX_INT32)]
"""A database id: 1 to 2**31-1. The id columns are ``Integer``, 32-bit on PostgreSQL, which
refuses a larger parameter outright ("integer out of range") where SQLite fails above 2**63-1:
no row can have a larger id, so a larger one is a bad request, not a missing row."""
Offset = Annotated[int, Field(ge=0, le=MAX_ID)]
"""A row offset: 0 to 2**63-1."""
Grams = Annotated[float, Field(gt=0, le=MAX_GRAMS, allow_inf_nan=False)]
"""A weight in grams: above zero, at most 100 kg (no jewellery piece weighs more)."""
Carat = Annotated[float, Field(ge=0, le=10_000, allow_inf_nan=False)]
"""A stone weight in carats."""
Money = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
"""An amount of money as a float (prices on sales channels)."""
PerMille = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
"""A measured purity in parts per thousand."""
Coordinate = Annotated[float, Field(ge=-1e6, le=1e6, allow_inf_nan=False)]
"""A position in metres on the warehouse floor plan."""

# C0 controls but tab, newline and carriage return, and lone surrogates (not UTF-8 encodable):
# PostgreSQL refuses NUL in text and neither database can store a surrogate.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def check_text(value: str) -> str:
    """``value`` unless it holds control characters or lone surrogates (then ValueError)."""
    if _BAD_CHARS.search(value):
        raise ValueError("text must not contain control characters")
    return value


Text = Annotated[str, AfterValidator(check_text)]
"""Printable text; give its width with ``Field(max_length=...)`` (the column's ``String(n)``,
:data:`FREE_TEXT` for notes)."""


Lookup = Annotated[str, Field(max_length=128), AfterValidator(check_text)]
"""A code or search text in a path or query string: at most 128 printable characters (an
empty filter, ``?sku=``, still means no filter)."""


def _sane_date(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"date must be between {FIRST_DAY} and {LAST_DAY}")
    return value


def _sane_datetime(value: datetime) -> datetime:
    _sane_date(value.date())
    return value


SaneDate = Annotated[date, AfterValidator(_sane_date)]
"""A calendar date between 1970-01-01 and 2100-12-31."""
SaneDateTime = Annotated[datetime, AfterValidator(_sane_datetime)]
"""A moment whose date lies between 1970-01-01 and 2100-12-31."""
