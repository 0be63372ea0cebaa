"""The declarative base every core table derives from, and its constraint naming convention.

It sits below the domains' ``models.py`` files and imports none of them; ``core.models`` (loaded
by the ``core`` package) registers every table on this base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

__all__ = ["NAMING", "Base"]

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
