"""Laboratory certificates and hallmarks, each belonging to one piece or one lot."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.orm import Base

# A certificate or hallmark names exactly one of a piece or a lot.
_ONE_TARGET = "(serial_id IS NULL) <> (lot_id IS NULL)"


class Certificate(Base):
    """A laboratory report (GIA, IGI, HRD, NGTC...) on a piece or a lot, with its grading."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("lab", "number"),
        CheckConstraint(_ONE_TARGET, name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lab: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(64), index=True)
    issued_on: Mapped[date | None] = mapped_column(Date)
    # The lab's report reference covering many pieces sent together: what a recall names.
    batch: Mapped[str | None] = mapped_column(String(64), index=True)
    carat: Mapped[float | None]
    colour: Mapped[str | None] = mapped_column(String(32))
    clarity: Mapped[str | None] = mapped_column(String(8))
    cut: Mapped[str | None] = mapped_column(String(16))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serials.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    note: Mapped[str] = mapped_column(String(256), default="", server_default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Hallmark(Base):
    """The marks an assay office struck on a piece or a lot: office, fineness, sponsor, year.

    ``mark`` is the four read together (``LON-750-JM-z``), the key a recall by hallmark names.
    """

    __tablename__ = "hallmarks"
    __table_args__ = (
        CheckConstraint(_ONE_TARGET, name="one_target"),
        Index("ix_hallmarks_serial", "serial_id", unique=True),
        Index("ix_hallmarks_lot", "lot_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mark: Mapped[str] = mapped_column(String(64), index=True)
    office: Mapped[str] = mapped_column(String(16))
    fineness: Mapped[int]
    sponsor: Mapped[str] = mapped_column(String(16))
    date_letter: Mapped[str] = mapped_column(String(4))
    serial_id: Mapped[int | None] = mapped_column(ForeignKey("serials.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
