"""Locations: a tree of physical places plus virtual ones for the outside world."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base


class Tier(enum.StrEnum):
    """Position of a location in the tree."""

    WAREHOUSE = "warehouse"
    ZONE = "zone"
    AISLE = "aisle"
    BAY = "bay"
    LEVEL = "level"
    BIN = "bin"
    VIRTUAL = "virtual"


class Kind(enum.StrEnum):
    """What a location is for; the last four are virtual (the outside world)."""

    VIEW = "view"
    PICK_FACE = "pick_face"
    RESERVE = "reserve"
    VAULT = "vault"
    PACKING = "packing"
    DOCK = "dock"
    QUARANTINE = "quarantine"
    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    ADJUSTMENT = "adjustment"
    SCRAP = "scrap"


VIRTUAL_KINDS = frozenset({Kind.SUPPLIER, Kind.CUSTOMER, Kind.ADJUSTMENT, Kind.SCRAP})
STOCK_KINDS = frozenset(
    {Kind.PICK_FACE, Kind.RESERVE, Kind.VAULT, Kind.PACKING, Kind.DOCK, Kind.QUARANTINE}
)
# Codes of the virtual locations every database has.
VIRTUAL_CODES = {
    Kind.SUPPLIER: "V-SUPPLIER",
    Kind.CUSTOMER: "V-CUSTOMER",
    Kind.ADJUSTMENT: "V-ADJUSTMENT",
    Kind.SCRAP: "V-SCRAP",
}


class Location(Base):
    """A warehouse, zone, aisle, bay, level or bin, or a virtual location."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    tier: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    aisle: Mapped[str | None] = mapped_column(String(8))
    bay: Mapped[str | None] = mapped_column(String(8))
    level: Mapped[str | None] = mapped_column(String(8))
    x: Mapped[float] = mapped_column(default=0.0)
    y: Mapped[float] = mapped_column(default=0.0)
    z: Mapped[float] = mapped_column(default=0.0)
    capacity: Mapped[int | None]
    check_digits: Mapped[str | None] = mapped_column(String(3))
    security_level: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def is_virtual(self) -> bool:
        """True for supplier, customer, adjustment and scrap."""
        return self.kind in VIRTUAL_KINDS

    @property
    def holds_stock(self) -> bool:
        """True where stock can physically lie (bins of a stock kind)."""
        return self.kind in STOCK_KINDS and self.tier == Tier.BIN
