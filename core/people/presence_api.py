"""Signing on to and off zones."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from core.api_deps import Writer, allow, read_session, writer
from core.people import presence
from core.people.security import Actor

router = APIRouter(tags=["people"])


class ZoneBody(BaseModel):
    """A zone by its location code."""

    zone: str = Field(min_length=1, max_length=48)


class PresenceRead(BaseModel):
    """A sign-on."""

    zone: str
    signed_on_at: datetime
    signed_off_at: datetime | None


def _read(row: presence.ZonePresence) -> PresenceRead:
    return PresenceRead(
        zone=row.zone, signed_on_at=row.signed_on_at, signed_off_at=row.signed_off_at
    )


@router.post("/presence/sign-on", response_model=PresenceRead, status_code=201)
def sign_on(body: ZoneBody, w: Annotated[Writer, Depends(writer("read"))]) -> object:
    """Sign yourself on to a zone (cameras then treat you as authorised there)."""
    return w.run(
        lambda s: _read(presence.sign_on(s, actor=w.actor, zone=body.zone)), status_code=201
    )


@router.post("/presence/sign-off", response_model=PresenceRead)
def sign_off(body: ZoneBody, w: Annotated[Writer, Depends(writer("read"))]) -> object:
    """Sign yourself off a zone."""
    return w.run(lambda s: _read(presence.sign_off(s, actor=w.actor, zone=body.zone)))


@router.get("/presence")
def who_is_where(
    _: Annotated[Actor, Depends(allow("read"))],
    session: Annotated[Session, Depends(read_session)],
    zone: str | None = None,
) -> dict[str, Any]:
    """Who is signed on now, per zone."""
    return {"items": presence.present(session, zone=zone)}
