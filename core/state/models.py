"""Shared state: small JSON values that every process and host reads (chat follow-ups, pickers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base


class SharedValue(Base):
    """One JSON value under (namespace, key); gone for readers once ``expires_at`` has passed."""

    __tablename__ = "shared_state"

    namespace: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON text: portable across SQLite and PostgreSQL
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Indexed for the retention job, which deletes expired rows.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
