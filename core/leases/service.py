"""Take, keep and give back named leases; the database decides who wins, never a Python lock.

A lease is free, expired, or held. :func:`try_acquire` takes it in one conditional statement
(an ``UPDATE ... WHERE holder = me OR expires_at < now``, else an ``INSERT ... ON CONFLICT DO
NOTHING``), so two processes racing for it get one winner on SQLite (its write lock) and on
PostgreSQL (the row lock; the loser's ``WHERE`` is re-checked against the winner's row).
Expiry uses the clock of the process that asks: hosts sharing leases keep their clocks in step
(NTP), as with any time-based lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.orm import Session

from core.clock import as_utc, now
from core.errors import ValidationFailed
from core.leases.models import Lease
from core.orm import insert_for, rowcount

__all__ = ["LeaseInfo", "holder_of", "leases", "release", "renew", "try_acquire"]


@dataclass(frozen=True)
class LeaseInfo:
    """A lease as its readers see it."""

    name: str
    holder: str
    expires_at: datetime
    acquired_at: datetime


def _check(name: str, holder: str, ttl_s: float) -> None:
    if not name or len(name) > 128:
        raise ValidationFailed("A lease name has 1 to 128 characters.", code="bad-lease-name")
    if not holder or len(holder) > 200:
        raise ValidationFailed("A lease holder has 1 to 200 characters.", code="bad-lease-holder")
    if ttl_s <= 0:
        raise ValidationFailed("A lease lasts a positive number of seconds.", code="bad-lease-ttl")


def try_acquire(
    session: Session, *, name: str, holder: str, ttl_s: float, at: datetime | None = None
) -> bool:
    """Take ``name`` for ``ttl_s`` seconds when it is free, expired or already ``holder``'s."""
    _check(name, holder, ttl_s)
    at = at or now()
    expires = at + timedelta(seconds=ttl_s)
    taken = session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < at))
        .values(
            holder=holder,
            expires_at=expires,
            # Still ours: keep when we first took it (a takeover is a new acquisition).
            acquired_at=case((Lease.holder == holder, Lease.acquired_at), else_=at),
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(taken) == 1:
        return True
    inserted = session.execute(
        insert_for(session)(Lease)
        .values(name=name, holder=holder, expires_at=expires, acquired_at=at)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(Lease.name)  # psycopg reports no rowcount for an ORM insert
    )
    return inserted.scalar() is not None


def renew(
    session: Session, *, name: str, holder: str, ttl_s: float, at: datetime | None = None
) -> bool:
    """Extend ``holder``'s lease by ``ttl_s`` from now; False when another process holds it."""
    _check(name, holder, ttl_s)
    at = at or now()
    # An expired lease nobody took meanwhile is still ours: the holder never changed, so no
    # other process ran what it guards.
    result = session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .values(expires_at=at + timedelta(seconds=ttl_s))
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def release(session: Session, *, name: str, holder: str) -> bool:
    """Give ``name`` back (only ``holder`` can); False when it was not held by ``holder``."""
    result = session.execute(
        delete(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def _info(lease: Lease) -> LeaseInfo:
    return LeaseInfo(
        name=lease.name,
        holder=lease.holder,
        expires_at=as_utc(lease.expires_at),
        acquired_at=as_utc(lease.acquired_at),
    )


def holder_of(session: Session, *, name: str, at: datetime | None = None) -> LeaseInfo | None:
    """The live lease ``name`` (None when free or expired)."""
    at = at or now()
    lease = session.scalar(select(Lease).where(Lease.name == name, Lease.expires_at >= at))
    return _info(lease) if lease is not None else None


def leases(session: Session, *, prefix: str = "", at: datetime | None = None) -> list[LeaseInfo]:
    """Every live lease whose name starts with ``prefix``, by name."""
    at = at or now()
    stmt = select(Lease).where(Lease.expires_at >= at).order_by(Lease.name)
    if prefix:
        stmt = stmt.where(Lease.name.startswith(prefix, autoescape=True))
    return [_info(lease) for lease in session.scalars(stmt)]
