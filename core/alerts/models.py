"""Camera alerts stored in the core: what was seen, where, by which rule, and who acknowledged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.orm import Base


class Alert(Base):
    """An alert raised by a camera rule, with its snapshot and acknowledgement."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    camera: Mapped[str] = mapped_column(String(64), index=True)
    zone: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(String(48))
    severity: Mapped[str] = mapped_column(String(16), index=True)
    message: Mapped[str] = mapped_column(String(256))
    track_id: Mapped[int | None]
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    snapshot: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ack_note: Mapped[str | None] = mapped_column(String(512))
