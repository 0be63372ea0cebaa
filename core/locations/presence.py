"""Who is signed on to which zone: the camera rules' answer to "is this person allowed here?".

A secure zone (a vault) runs on the two-person rule, as jewellery vaults do: a sign-on there is
countersigned by a second, different, active person who also holds ``presence:vault``, either
at the door (their name and password, checked by :func:`verify_witness`) or already signed on
inside. Both names go into the sign-on's audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.audit import service as audit
from core.clock import now
from core.errors import ConflictError, PermissionDenied, ValidationFailed
from core.locations.models import Kind, Location, Tier
from core.orm import Base
from core.people.models import User
from core.people.permissions import allowed
from core.people.security import Actor, burn_password_check, check_password


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


@dataclass(frozen=True)
class Witness:
    """A second person whose password was checked at the vault door (see `verify_witness`)."""

    user_id: int
    username: str


def _may_witness(user: User | None, actor: Actor) -> bool:
    """An active person, not the actor, whose role carries ``presence:vault`` (and whose
    password is their own: not a temporary or published one still to be changed)."""
    return (
        user is not None
        and user.active
        and not user.must_change_password
        and user.id != actor.id
        and allowed(Actor(id=user.id, username=user.username, role=user.role), "presence:vault")
    )


def verify_witness(session: Session, *, actor: Actor, username: str, password: str) -> Witness:
    """Check a countersigning person's password (one Argon2 check, even for unknown names).

    Raises PermissionDenied ``witness-refused`` when the name or password is wrong, or the
    person is the actor, inactive, or may not enter a vault. Run it before the write
    transaction: the hash check is slow.
    """
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        burn_password_check(password)  # as long as a real check: names do not leak
    if user is None or not check_password(user.password_hash, password):
        raise PermissionDenied(
            "The witness's name or password is wrong; the second person signs with their own "
            "name and password.",
            code="witness-refused",
        )
    if not _may_witness(user, actor):
        raise PermissionDenied(
            f"{username} cannot countersign: the witness must be a second, active person whose "
            "role may enter the vault (admin, manager or security).",
            code="witness-refused",
        )
    return Witness(user_id=user.id, username=user.username)


def _open_rows(
    session: Session, zone: str, *, lock: bool = False
) -> list[tuple[ZonePresence, User]]:
    """Open sign-ons of ``zone`` with their people; ``lock``: a witness's sign-off waits."""
    stmt = (
        select(ZonePresence, User)
        .join(User, User.id == ZonePresence.user_id)
        .where(ZonePresence.zone == zone, ZonePresence.signed_off_at.is_(None))
        .order_by(ZonePresence.signed_on_at)
    )
    if lock:  # PostgreSQL row locks; SQLite writers are serialised already
        stmt = stmt.with_for_update(of=ZonePresence)
    rows = session.execute(stmt).all()
    return [(row[0], row[1]) for row in rows]


def _countersign(
    session: Session, *, actor: Actor, zone: str, witness: Witness | str | None
) -> dict[str, str]:
    """The second person of a secure zone's sign-on, for its audit entry; 403 without one."""
    if isinstance(witness, Witness):  # password checked before the transaction: re-read state
        if not _may_witness(session.get(User, witness.user_id), actor):
            raise PermissionDenied(
                f"{witness.username} can no longer countersign.", code="witness-refused"
            )
        return {"witness": witness.username, "witnessed_by": "password"}
    open_rows = _open_rows(session, zone, lock=True)
    inside = [user for _, user in open_rows if _may_witness(user, actor)]
    if witness is not None:
        inside = [user for user in inside if user.username == witness]
        if not inside:
            raise PermissionDenied(
                f"{witness} is not signed on to {zone}: a witness outside the vault gives "
                "their password (witness_password).",
                code="witness-refused",
            )
    if not inside:
        raise PermissionDenied(
            f"{zone} is a vault: a second person who may enter it countersigns your sign-on "
            "(witness and witness_password), or is already signed on inside.",
            code="witness-required",
        )
    return {"witness": inside[0].username, "witnessed_by": "signed-on"}


def sign_on(
    session: Session, *, actor: Actor, zone: str, witness: Witness | str | None = None
) -> ZonePresence:
    """Sign the actor on to ``zone`` (a zone location's code).

    A secure zone (a vault: see `is_secure_zone`) accepts only roles with
    ``presence:vault`` (a sign-on there silences its camera's alert for people), and only
    countersigned: ``witness`` is a :class:`Witness` whose password was checked, the name of a
    person already signed on inside, or None for anyone authorised who is inside.
    """
    found = session.execute(select(Location.id, Location.tier).where(Location.code == zone)).first()
    if found is None or found.tier != Tier.ZONE:
        raise ValidationFailed(f"'{zone}' is not a zone of the warehouse.", code="unknown-zone")
    secure = is_secure_zone(session, found.id)
    if secure and not allowed(actor, "presence:vault"):
        raise PermissionDenied(
            f"{zone} is a secure zone: your role ({actor.role}) may not sign on to it; a "
            "manager or security officer signs on and accompanies you.",
            code="zone-not-permitted",
        )
    _check_not_signed_on(session, actor=actor, zone=zone)
    detail = _countersign(session, actor=actor, zone=zone, witness=witness) if secure else {}
    row = ZonePresence(user_id=actor.id, zone=zone, signed_on_at=now())
    session.add(row)
    session.flush()
    audit.record(session, actor=actor.username, action="zone.sign_on", entity=zone, detail=detail)
    return row


def _check_not_signed_on(session: Session, *, actor: Actor, zone: str) -> None:
    open_row = session.scalar(
        select(ZonePresence.id).where(
            ZonePresence.user_id == actor.id,
            ZonePresence.zone == zone,
            ZonePresence.signed_off_at.is_(None),
        )
    )
    if open_row is not None:
        raise ConflictError(f"You are already signed on to {zone}.", code="already-signed-on")


def sign_off(session: Session, *, actor: Actor, zone: str) -> ZonePresence:
    """Sign the actor off ``zone``; the audit entry names who is still signed on there.

    Signing off is never refused (nobody is kept in a vault), but a vault left with fewer
    people than its camera zone's ``min_signed_on`` raises the camera's alert again.
    """
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
    remaining = [user.username for _, user in _open_rows(session, zone) if user.active]
    audit.record(
        session,
        actor=actor.username,
        action="zone.sign_off",
        entity=zone,
        detail={"remaining": remaining},
    )
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
