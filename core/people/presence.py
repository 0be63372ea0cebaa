"""Who is signed on to which zone: the camera rules' answer to "is this person allowed here?"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.audit import service as audit
from core.clock import now
from core.db import Base
from core.errors import ConflictError, ValidationFailed
from core.locations.models import Location, Tier
from core.people.models import User
from core.people.security import Actor


class ZonePresence(Base):
    """A person signed on to a zone (for instance the vault) until they sign off."""

    __tablename__ = "zone_presence"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    zone: Mapped[str] = mapped_column(String(48), index=True)
    signed_on_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


def sign_on(session: Session, *, actor: Actor, zone: str) -> ZonePresence:
    """Sign the actor on to ``zone`` (a zone location's code)."""
    tier = session.scalar(select(Location.tier).where(Location.code == zone))
    if tier != Tier.ZONE:
        raise ValidationFailed(f"'{zone}' is not a zone of the warehouse.", code="unknown-zone")
    open_row = session.scalar(
        select(ZonePresence).where(
            ZonePresence.user_id == actor.id,
            ZonePresence.zone == zone,
            ZonePresence.signed_off_at.is_(None),
        )
    )
    if open_row is not None:
        raise ConflictError(f"You are already signed on to {zone}.", code="already-signed-on")
    row = ZonePresence(user_id=actor.id, zone=zone, signed_on_at=now())
    session.add(row)
    session.flush()
    audit.record(session, actor=actor.username, action="zone.sign_on", entity=zone, detail={})
    return row


def sign_off(session: Session, *, actor: Actor, zone: str) -> ZonePresence:
    """Sign the actor off ``zone``."""
    row = session.scalar(
        select(ZonePresence).where(
            ZonePresence.user_id == actor.id,
            ZonePresence.zone == zone,
            ZonePresence.signed_off_at.is_(None),
        )
    )
    if row is None:
        raise ConflictError(f"You are not signed on to {zone}.", code="not-signed-on")
    row.signed_off_at = now()
    session.flush()
    audit.record(session, actor=actor.username, action="zone.sign_off", entity=zone, detail={})
    return row


def present(
    session: Session, *, zone: str | None = None, at: datetime | None = None
) -> list[dict[str, object]]:
    """Who is signed on (to ``zone``, or anywhere) at ``at`` (default now), with their role."""
    moment = at or now()
    stmt = (
        select(
            ZonePresence.zone, User.username, User.full_name, User.role, ZonePresence.signed_on_at
        )
        .join(User, User.id == ZonePresence.user_id)
        .where(
            ZonePresence.signed_on_at <= moment,
            (ZonePresence.signed_off_at.is_(None)) | (ZonePresence.signed_off_at > moment),
            User.active.is_(True),
        )
        .order_by(ZonePresence.zone, User.username)
    )
    if zone is not None:
        stmt = stmt.where(ZonePresence.zone == zone)
    return [
        {"zone": z, "username": u, "full_name": f, "role": r, "since": since}
        for z, u, f, r, since in session.execute(stmt)
    ]
