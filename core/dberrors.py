"""The database failures callers outside the core tell apart, and which of them mean "busy".

The core runs on SQLAlchemy; the packages above it (the web app's error handlers, the voice
backend) must tell a constraint collision from a refused value from an outage without
importing SQLAlchemy themselves, so the exception types they need are named here.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.errors import DatabaseBusy

__all__ = ["DBAPIError", "DataError", "IntegrityError", "PoolTimeout", "is_busy"]

#: PostgreSQL states that mean "a lock was not had in time": lock_not_available,
#: query_canceled (statement_timeout) and deadlock_detected; a retry can succeed.
_PG_BUSY = frozenset({"55P03", "57014", "40P01"})


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` means the database stayed locked or its pool full: retry shortly."""
    if isinstance(exc, DatabaseBusy | PoolTimeout):
        return True
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(original, sqlite3.OperationalError):
        return "locked" in str(original) or "busy" in str(original)
    return getattr(original, "sqlstate", None) in _PG_BUSY
