"""Voice profiles: a picker's enrolment with a speech engine, kept as opaque bytes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.orm import Base


class VoiceProfile(Base):
    """One operator's speaker adaptation for one engine; enrolling again replaces it.

    The core does not read ``data``: only the engine named in ``engine`` knows its format.
    """

    __tablename__ = "voice_profiles"
    # One profile per person and engine. The constraint leads with user_id, so it also serves
    # as the index on user_id (a second index would only cost a page per write).
    __table_args__ = (UniqueConstraint("user_id", "engine"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    engine: Mapped[str] = mapped_column(String(32))
    # The band of the enrolment audio: 8000 (telephone, most headsets) or 16000 Hz.
    sample_rate: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    utterances: Mapped[int]
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
