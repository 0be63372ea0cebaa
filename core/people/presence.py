"""Who is signed on to which zone: the camera rules' answer to "is this person allowed here?"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.audit import service as audit
from core.clock import now
from core.db import Base
from core.errors import ConflictError, PermissionDenied, ValidationFailed
from core.locations.models import Kind, Location, Tier
from core.people.models import User
from core.people.permissions import allowed
from core.people.security import Actor


class ZonePresence(Base):
    """A person signed on to a zone (for instance the vault) until they sign off."""

    __tablename__ = "zone_presence"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    zone: Mapped[str] = mapped_column(String(48), index=True)
    signed_on_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


#: A location at this security level or above counts as secure, as a vault does.
SECURE_LEVEL = 2


def is_secure_zone(session: Session, zone_id: int) -> bool:
    """True when the zone is itself a vault (or of high security), or every bin in it is."""
    secure = (Location.kind == Kind.VAULT) | (Location.security_level >= SECURE_LEVEL)
    if session.scalar(select(Location.id).where(Location.id == zone_id, secure)) is not None:
        return True
    frontier, bins = {zone_id}, []
    while frontier:  # location trees are a few levels deep: zone, aisle, bay, level, bin
        rows = session.execute(
            select(Location.id, Location.tier, secure).where(Location.parent_id.in_(frontier))
        ).all()
        bins += [flag for _, tier, flag in rows if tier == Tier.BIN]
        frontier = {row_id for row_id, _, _ in rows}
    return bool(bins) and all(bins)


def sign_on(session: Session, *, actor: Actor, zone: str) -> ZonePresence:
    """Sign the actor on to ``zone`` (a zone location's code).

    A secure zone (a vault: see `is_secure_zone`) accepts only roles with
    ``presence:vault``: a sign-on there silences its camera's alert for people.
    """
    found = session.execute(
        select(Location.id, Location.tier).where(Location.code == zone)
    ).first()
    if found is None or found.tier != Tier.ZONE:
        raise ValidationFailed(f"'{zone}' is not a zone of the warehouse.", code="unknown-zone")
    if is_secure_zone(session, found.id) and not allowed(actor, "presence:vault"):
        raise PermissionDenied(
            f"{zone} is a secure zone: your role ({actor.role}) may not sign on to it; a "
            "manager or security officer signs on and accompanies you.",
            code="zone-not-permitted",
        )
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
