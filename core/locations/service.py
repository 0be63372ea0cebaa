"""Location verbs: the tree, the virtual locations, and check digits."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.db import Database
from core.errors import CheckDigitsError, ConflictError, NotFoundError, ValidationFailed
from core.events import PENDING_KEY, LocationsChanged, record
from core.locations.models import VIRTUAL_CODES, Kind, Location, Tier
from core.locations.schemas import LocationCreate, LocationUpdate
from core.people.security import Actor

_PARENT_TIER = {
    Tier.ZONE: {Tier.WAREHOUSE},
    Tier.AISLE: {Tier.ZONE},
    Tier.BAY: {Tier.AISLE},
    Tier.LEVEL: {Tier.BAY},
    Tier.BIN: {Tier.LEVEL, Tier.ZONE},
}


def ensure_virtual_locations(session: Session) -> None:
    """Create the supplier, customer, adjustment and scrap locations if missing."""
    existing = set(session.scalars(select(Location.code).where(Location.tier == Tier.VIRTUAL)))
    for kind, code in VIRTUAL_CODES.items():
        if code not in existing:
            session.add(
                Location(code=code, name=f"{kind.value} (virtual)", tier=Tier.VIRTUAL, kind=kind)
            )
    session.flush()


def create_location(session: Session, *, actor: Actor, data: LocationCreate) -> Location:
    """Add a location under its parent; bins need check digits."""
    if data.tier == Tier.VIRTUAL:
        raise ValidationFailed("Virtual locations are built in.", code="virtual-location")
    if session.scalar(select(Location.id).where(Location.code == data.code)) is not None:
        raise ConflictError(f"Location {data.code} already exists.", code="location-exists")
    parent_id = None
    if data.parent:
        parent = location_by_code(session, data.parent)
        allowed = _PARENT_TIER.get(data.tier, set())
        if parent.tier not in allowed:
            raise ValidationFailed(
                f"A {data.tier} cannot sit under a {parent.tier}.", code="bad-parent"
            )
        parent_id = parent.id
    elif data.tier != Tier.WAREHOUSE:
        raise ValidationFailed(f"A {data.tier} needs a parent.", code="bad-parent")
    if data.tier == Tier.BIN and not data.check_digits:
        raise ValidationFailed("A bin needs check digits (2-3 digits).", code="check-digits")
    location = Location(**data.model_dump(exclude={"parent"}), parent_id=parent_id)
    session.add(location)
    session.flush()
    _changed(session, actor)
    audit.record(
        session,
        actor=actor.username,
        action="location.create",
        entity=data.code,
        detail=data.model_dump(mode="json"),
    )
    return location


def update_location(session: Session, *, actor: Actor, code: str, data: LocationUpdate) -> Location:
    """Change a location's name, capacity, check digits, security level or active flag."""
    location = location_by_code(session, code)
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(location, key, value)
    session.flush()
    _changed(session, actor)
    audit.record(
        session, actor=actor.username, action="location.update", entity=code, detail=changes
    )
    return location


def _changed(session: Session, actor: Actor) -> None:
    """Tell listeners (the live twin) that locations changed: once per transaction, however
    many (the demo creates hundreds of bins in one)."""
    if not any(isinstance(e, LocationsChanged) for e in session.info.get(PENDING_KEY, ())):
        record(session, LocationsChanged(actor=actor.username))


def locations_version(session: Session) -> tuple[int, int, int]:
    """A cheap fingerprint of the bins: how many, the newest id, the sum of the active ids.

    It changes whenever a bin is added or (de)activated, also by a process that published no
    event, so a cached layout can check itself against it.
    """
    row = session.execute(
        select(func.count(), func.coalesce(func.max(Location.id), 0),
               func.coalesce(func.sum(case((Location.active.is_(True), Location.id), else_=0)), 0))
        .where(Location.tier == Tier.BIN)
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def list_locations(
    session: Session,
    *,
    q: str | None = None,
    kind: str | None = None,
    tier: str | None = None,
    parent: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Location], int]:
    """A page of locations with filters."""
    stmt = select(Location)
    if q:
        stmt = stmt.where(Location.code.ilike(f"%{q}%") | Location.name.ilike(f"%{q}%"))
    if kind:
        stmt = stmt.where(Location.kind == kind)
    if tier:
        stmt = stmt.where(Location.tier == tier)
    if parent:
        stmt = stmt.where(Location.parent_id == location_by_code(session, parent).id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return list(session.scalars(stmt.order_by(Location.code).limit(limit).offset(offset))), total


def check_location(session: Session, *, code: str, digits: str) -> Location:
    """The location when ``digits`` are its check digits; CheckDigitsError otherwise."""
    location = location_by_code(session, code)
    if not location.check_digits or digits.strip() != location.check_digits:
        raise CheckDigitsError(f"Check digits {digits!r} do not match location {code}.")
    return location


def bin_records(session: Session) -> list[dict[str, object]]:
    """Every active bin as a plain record (code, kind, aisle, bay, level, x, y, z)."""
    rows = session.execute(
        select(
            Location.code,
            Location.kind,
            Location.aisle,
            Location.bay,
            Location.level,
            Location.x,
            Location.y,
            Location.z,
        )
        .where(Location.tier == Tier.BIN, Location.active.is_(True))
        .order_by(Location.code)
    )
    return [
        {
            "code": code,
            "kind": kind,
            "aisle": aisle,
            "bay": int(bay) if bay and bay.isdigit() else None,
            "level": int(level) if level and level.isdigit() else None,
            "x": x,
            "y": y,
            "z": z,
        }
        for code, kind, aisle, bay, level, x, y, z in rows
    ]


def warehouse_bins(db: Database) -> list[dict[str, object]]:
    """:func:`bin_records` in a read transaction of its own (for the twin)."""
    with db.read() as session:
        return bin_records(session)


def location_by_code(session: Session, code: str) -> Location:
    """The location with ``code``; NotFoundError otherwise."""
    location = session.scalar(select(Location).where(Location.code == code))
    if location is None:
        raise NotFoundError(f"No location with code '{code}'.", code="unknown-location")
    return location


def virtual_location(session: Session, kind: Kind) -> Location:
    """The virtual supplier, customer, adjustment or scrap location."""
    return location_by_code(session, VIRTUAL_CODES[kind])


def quarantine_bin(session: Session, code: str | None = None) -> Location:
    """The quarantine bin named ``code``, or the warehouse's first one."""
    if code:
        location = location_by_code(session, code)
        if location.kind != Kind.QUARANTINE or location.tier != Tier.BIN:
            raise ValidationFailed(
                f"{code} is a {location.kind} {location.tier}, not a quarantine bin.",
                code="not-quarantine",
            )
        return location
    first = session.scalar(
        select(Location)
        .where(Location.kind == Kind.QUARANTINE, Location.tier == Tier.BIN)
        .order_by(Location.id)
        .limit(1)
    )
    if first is None:
        raise NotFoundError("The warehouse has no quarantine bin.", code="no-quarantine")
    return first
