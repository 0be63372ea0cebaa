"""Voice profiles over HTTP (thin routes): list them, see your own, delete one.

Profiles are stored by the voice enrolment in the assistant, which calls the service directly.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from sqlalchemy.orm import Session

from core.api_deps import Writer, allow, read_session, writer
from core.people.security import Actor
from core.voice import service
from core.voice.schemas import VoiceProfileDeleted, VoiceProfileList

router = APIRouter(tags=["voice"])
SignedIn = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]
# The service checks whose profile it is; any signed-in person may ask to delete their own.
Deleter = Annotated[Writer, Depends(writer("read"))]
# Bounded so a huge or negative id is refused as bad input rather than reaching the database.
ProfileId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The voice profile's id.")]


@router.get("/voice/profiles", response_model=VoiceProfileList)
def list_profiles(actor: SignedIn, session: DB) -> VoiceProfileList:
    """Everyone's voice profiles, without their data (admins, managers and security)."""
    return VoiceProfileList(items=service.list_voice_profiles(session, actor=actor))


@router.get("/voice/profiles/me", response_model=VoiceProfileList)
def my_profiles(actor: SignedIn, session: DB) -> VoiceProfileList:
    """Your own voice profiles, one per speech engine, without their data."""
    return VoiceProfileList(items=service.own_voice_profiles(session, actor=actor))


@router.delete("/voice/profiles/{profile_id}", response_model=VoiceProfileDeleted)
def delete_profile(profile_id: ProfileId, w: Deleter) -> object:
    """Delete a voice profile: your own, or anyone's for admins and managers."""

    def run(session: Session) -> VoiceProfileDeleted:
        service.delete_voice_profile(session, actor=w.actor, profile_id=profile_id)
        return VoiceProfileDeleted(id=profile_id)

    return w.run(run)
