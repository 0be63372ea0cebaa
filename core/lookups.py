"""Resolve codes people type or scan (SKU, lot, location, serial, user) to rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.db import Prepared
from core.errors import NotFoundError, SerialError, ValidationFailed
from core.locations.models import VIRTUAL_CODES, Kind, Location, Tier
from core.lots.models import Lot, Serial, Supplier
from core.lots.qr import serial_code
from core.people.models import User

K = TypeVar("K")
V = TypeVar("V")


def pairs(session: Session, stmt: Select[tuple[K, V]]) -> dict[K, V]:
    """A two-column query as a dict, such as ids to codes for a page of API views.

    ``dict(result)`` would treat the result as a mapping (it has ``keys()``): hand it the rows.
    """
    return dict(session.execute(stmt).all())  # type: ignore[arg-type]


def sku_by_code(session: Session, code: str) -> Sku:
    """The SKU with ``code``; NotFoundError (code ``unknown-sku``) otherwise."""
    sku = session.scalar(select(Sku).where(Sku.code == code))
    if sku is None:
        raise NotFoundError(f"No SKU with code '{code}'.", code="unknown-sku")
    return sku


def lot_by_code(session: Session, code: str) -> Lot:
    """The lot with ``code`` (case-insensitive); NotFoundError otherwise."""
    lot = session.scalar(select(Lot).where(Lot.code == code.strip().upper()))
    if lot is None:
        raise NotFoundError(f"No lot with code '{code}'.", code="unknown-lot")
    return lot


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
    location = session.scalar(
        select(Location)
        .where(Location.kind == Kind.QUARANTINE, Location.tier == Tier.BIN)
        .order_by(Location.id)
        .limit(1)
    )
    if location is None:
        raise NotFoundError("The warehouse has no quarantine bin.", code="no-quarantine")
    return location


def supplier_by_code(session: Session, code: str) -> Supplier:
    """The supplier with ``code``; NotFoundError otherwise."""
    supplier = session.scalar(select(Supplier).where(Supplier.code == code))
    if supplier is None:
        raise NotFoundError(f"No supplier with code '{code}'.", code="unknown-supplier")
    return supplier


def user_by_name(session: Session, username: str) -> User:
    """The user named ``username``; NotFoundError otherwise."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"No user named '{username}'.", code="unknown-user")
    return user


def serials_by_codes(session: Session, values: Sequence[str]) -> list[Serial]:
    """Serials for codes or QR payloads, in the order given; every one must exist, once."""
    codes = [serial_code(v) for v in values]
    if len(set(codes)) != len(codes):
        raise SerialError("The same serial is named twice.", code="duplicate-serial")
    found: dict[str, Serial] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(
            (s.code, s) for s in session.scalars(select(Serial).where(Serial.code.in_(chunk)))
        )
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFoundError(
            f"Unknown serial(s): {', '.join(missing[:5])}" + ("..." if len(missing) > 5 else ""),
            code="unknown-serial",
        )
    return [found[c] for c in codes]


_SERIAL_ROWS = select(
    Serial.id, Serial.code, Serial.sku_id, Serial.lot_id, Serial.location_id
).where(Serial.code.in_(bindparam("codes", expanding=True)))


_P_SERIAL_ROW = Prepared(
    select(Serial.id, Serial.code, Serial.sku_id, Serial.lot_id, Serial.location_id).where(
        Serial.code == bindparam("code")
    )
)


def serial_rows_by_codes(session: Session, values: Sequence[str]) -> list[Any]:
    """Like :func:`serials_by_codes` but plain rows (id, code, sku_id, lot_id, location_id)."""
    codes = [serial_code(v) for v in values]
    if len(set(codes)) != len(codes):
        raise SerialError("The same serial is named twice.", code="duplicate-serial")
    session.flush()
    if len(codes) == 1:  # a pick confirmation: prepared, on the raw cursor
        found = {r.code: r for r in _P_SERIAL_ROW.rows(session, {"code": codes[0]})}
    else:
        found = {
            r.code: r
            for start in range(0, len(codes), 500)
            for r in session.connection().execute(
                _SERIAL_ROWS, {"codes": codes[start : start + 500]}
            )
        }
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFoundError(
            f"Unknown serial(s): {', '.join(missing[:5])}" + ("..." if len(missing) > 5 else ""),
            code="unknown-serial",
        )
    return [found[c] for c in codes]
