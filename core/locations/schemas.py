"""Request and response shapes for locations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.fields import MAX_INT32, Coordinate, Text
from core.locations.models import Kind, Tier


class LocationCreate(BaseModel):
    """A new location in the tree."""

    model_config = ConfigDict(extra="forbid")

    code: Text = Field(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
    name: Text = Field(default="", max_length=128)
    parent: Text | None = Field(default=None, max_length=48,
                               description="Code of the parent location.")
    tier: Tier
    kind: Kind = Kind.VIEW
    aisle: Text | None = Field(default=None, max_length=8)
    bay: Text | None = Field(default=None, max_length=8)
    level: Text | None = Field(default=None, max_length=8)
    x: Coordinate = 0.0
    y: Coordinate = 0.0
    z: Coordinate = 0.0
    capacity: int | None = Field(default=None, gt=0, le=MAX_INT32)
    check_digits: str | None = Field(default=None, pattern=r"^[0-9]{2,3}$")
    security_level: int = Field(default=0, ge=0, le=3)


class LocationUpdate(BaseModel):
    """Fields of a location that may change."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(default=None, max_length=128)
    capacity: int | None = Field(default=None, gt=0, le=MAX_INT32)
    check_digits: str | None = Field(default=None, pattern=r"^[0-9]{2,3}$")
    security_level: int | None = Field(default=None, ge=0, le=3)
    active: bool | None = None


class LocationRead(BaseModel):
    """A location."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    parent_id: int | None
    tier: str
    kind: str
    aisle: str | None
    bay: str | None
    level: str | None
    x: float
    y: float
    z: float
    capacity: int | None
    check_digits: str | None
    security_level: int
    active: bool


class TreeNodeRead(BaseModel):
    """A node above the bins: the bins below it (any depth) and their summed capacity."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    tier: str
    kind: str
    parent: str | None
    active: bool
    bins: int
    capacity: int = Field(description="Summed capacity of the bins below (0 where unset).")
