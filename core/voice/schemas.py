"""Response shapes of voice profiles: metadata only, never the adaptation bytes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class VoiceProfileRead(BaseModel):
    """A voice profile's metadata: whose it is, which engine, and what it was made from."""

    id: int
    user_id: int
    username: str
    operator_id: str | None = Field(description="The digits the person speaks to sign on.")
    active: bool = Field(description="False when the person's account is switched off.")
    engine: str = Field(description="The speech engine the adaptation is for.")
    sample_rate: int = Field(description="The band of the enrolment audio: 8000 or 16000 Hz.")
    utterances: int = Field(description="How many enrolment utterances it was made from.")
    size: int = Field(description="Size of the adaptation data in bytes.")
    details: dict[str, Any] | None = Field(description="Figures measured at enrolment.")
    created_at: datetime
    created_by: str = Field(description="Who ran the enrolment.")


class VoiceProfileList(BaseModel):
    """Voice profiles, by username then engine."""

    items: list[VoiceProfileRead]


class VoiceProfileDeleted(BaseModel):
    """The answer to deleting a voice profile."""

    id: int
    deleted: bool = True
