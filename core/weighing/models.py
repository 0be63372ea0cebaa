"""Scale readings of serialised pieces, weight holds, and the tolerance per category."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.orm import Base


class Weighing(Base):
    """One reading of one piece on a scale at a custody change (pick, pack, vault...)."""

    __tablename__ = "weighings"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_id: Mapped[int] = mapped_column(ForeignKey("serials.id"), index=True)
    event: Mapped[str] = mapped_column(String(24))
    measured_g: Mapped[float]
    # None: the piece had no weight of its own yet; this reading became it.
    expected_g: Mapped[float | None]
    tolerance_g: Mapped[float]
    within: Mapped[bool]
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    reference: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class WeightHold(Base):
    """A piece held after a weighing outside tolerance (or by hand); open until released."""

    __tablename__ = "weight_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_id: Mapped[int] = mapped_column(ForeignKey("serials.id"), index=True)
    weighing_id: Mapped[int | None] = mapped_column(ForeignKey("weighings.id"))
    reason: Mapped[str] = mapped_column(String(256))
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    held_by: Mapped[str] = mapped_column(String(64))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    release_reason: Mapped[str | None] = mapped_column(String(512))


class WeightTolerance(Base):
    """How far (grams, either way) a reading may be from the piece's weight, per category."""

    __tablename__ = "weight_tolerances"

    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    tolerance_g: Mapped[float]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
