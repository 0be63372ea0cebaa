"""Leases: a named right (run camera group X) held by one process until it expires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base


class Lease(Base):
    """Who holds a named lease, until when, and since when it has held it."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
