"""The declarative base every core table derives from, and its constraint naming convention.

It sits below the domains' ``models.py`` files and imports none of them; ``core.models`` (loaded
by the ``core`` package) registers every table on this base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import MetaData, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import DeclarativeBase, Session

__all__ = ["NAMING", "Base", "insert_for", "rowcount"]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every core table."""

    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # Every core model maps a plain Table (no select or join), as insert() and update() need.
        __table__: ClassVar[Table]


def rowcount(result: object) -> int:
    """Rows an UPDATE or DELETE touched (``Session.execute``'s stubs type it a plain Result)."""
    return result.rowcount if isinstance(result, CursorResult) else 0


def insert_for(session: Session) -> Any:
    """The dialect's ``insert`` (with ``on_conflict_do_*``) for the database ``session`` uses."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
