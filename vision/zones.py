"""Named polygon zones per camera: parsing zones files, schedules and point-in-zone tests."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from shapely.geometry import Point, Polygon
from shapely.geometry import box as shapely_box

from vision.domain import Box, ZoneKind
from vision.errors import ZoneConfigError

__all__ = [
    "DAY_NAMES",
    "ScheduleSpec",
    "TimeWindow",
    "Zone",
    "ZoneSpec",
    "load_zones",
    "parse_zones",
    "zones_containing",
    "zones_from_specs",
]

DAY_NAMES: tuple[DayName, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A weekly time window in site-local time; ``end`` before ``start`` wraps past midnight."""

    start: time
    end: time
    days: frozenset[int] = frozenset(range(7))

    def contains(self, moment: datetime) -> bool:
        """Whether a site-local moment falls inside the window."""
        clock = moment.timetz().replace(tzinfo=None)
        day = moment.weekday()
        if self.start <= self.end:
            return day in self.days and self.start <= clock < self.end
        if clock >= self.start:
            return day in self.days
        # After midnight of a window that started the day before.
        return (day - 1) % 7 in self.days and clock < self.end


@dataclass(frozen=True)
class Zone:
    """A named polygon of one camera image with its kind, restrictions and schedule."""

    name: str
    kind: ZoneKind
    polygon: tuple[tuple[float, float], ...]
    restricted: bool = False
    required_roles: frozenset[str] = frozenset()
    min_signed_on: int = 1
    schedule: tuple[TimeWindow, ...] = ()
    loiter_seconds: float | None = None
    reference: Path | None = None
    occupied_reference: Path | None = None
    shelf_classifier: str = "reference"
    occupied_labels: frozenset[str] = field(default_factory=frozenset)
    count: bool = False
    count_labels: frozenset[str] = field(default_factory=frozenset)
    count_tolerance: int = 0

    @property
    def counted_labels(self) -> frozenset[str]:
        """Labels whose detections are counted: ``count_labels``, else ``occupied_labels``."""
        return self.count_labels or self.occupied_labels

    @cached_property
    def shape(self) -> Polygon:
        """The polygon as a shapely geometry."""
        return Polygon(self.polygon)

    @cached_property
    def bounds(self) -> tuple[int, int, int, int]:
        """Integer bounding rectangle ``(x1, y1, x2, y2)`` of the polygon."""
        x1, y1, x2, y2 = self.shape.bounds
        return int(x1), int(y1), int(round(x2)), int(round(y2))

    def armed(self, local_moment: datetime) -> bool:
        """Whether the zone's schedule is active at a site-local moment (no schedule: always)."""
        return not self.schedule or any(w.contains(local_moment) for w in self.schedule)

    def contains_point(self, x: float, y: float) -> bool:
        """Whether a pixel point lies inside or on the edge of the polygon."""
        return bool(self.shape.intersects(Point(x, y)))

    def contains_box(self, box: Box) -> bool:
        """Whether a box's bottom-centre (its footprint on the floor) lies in the zone."""
        return self.contains_point(*box.bottom_center)

    def overlap(self, box: Box) -> float:
        """Fraction of the zone's area covered by a box."""
        area = self.shape.area
        if area <= 0:
            return 0.0
        return (
            float(self.shape.intersection(shapely_box(box.x1, box.y1, box.x2, box.y2)).area) / area
        )


def zones_containing(zones: Iterable[Zone], box: Box) -> list[Zone]:
    """The zones whose polygon contains the box's footprint."""
    return [z for z in zones if z.contains_box(box)]


class ScheduleSpec(BaseModel):
    """A weekly window in which a zone is armed, e.g. after hours ``19:00``-``07:00``."""

    model_config = ConfigDict(extra="forbid")

    start: time = Field(description="Start of the window, site-local HH:MM.")
    end: time = Field(description="End of the window, site-local HH:MM; before start wraps.")
    days: list[DayName] = Field(
        default_factory=lambda: list(DAY_NAMES), description="Days the window starts on."
    )

    def to_window(self) -> TimeWindow:
        """The schedule as a :class:`TimeWindow`."""
        return TimeWindow(self.start, self.end, frozenset(DAY_NAMES.index(d) for d in self.days))


class ZoneSpec(BaseModel):
    """A zone as written in a zones file or a cameras file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description="Zone name, unique per camera.")
    kind: ZoneKind = Field(description="vault, aisle, packing, dock or shelf.")
    polygon: list[tuple[float, float]] = Field(
        min_length=3, description="Corners [[x, y], ...] in pixels of the camera image."
    )
    restricted: bool = Field(
        default=False, description="A person here needs an authorised person signed on."
    )
    required_roles: list[str] = Field(
        default_factory=list, description="Roles that authorise presence; empty: any signed on."
    )
    min_signed_on: int = Field(
        default=1,
        ge=1,
        le=10,
        description="Restricted zones: authorised people who must be signed on for a person "
        "there not to raise an alert; 2 for a vault under the two-person rule.",
    )
    schedule: list[ScheduleSpec] = Field(
        default_factory=list, description="Windows when restrictions apply; empty: always."
    )
    loiter_seconds: float | None = Field(
        default=None, gt=0, description="Dwell time before a loitering alert; default: settings."
    )
    reference: str | None = Field(
        default=None, description="Shelf zones: image of the region empty (same camera view)."
    )
    occupied_reference: str | None = Field(
        default=None, description="Shelf zones: optional image of the region occupied."
    )
    shelf_classifier: Literal["reference", "detector"] = Field(
        default="reference", description="Shelf zones: compare with references or use a model."
    )
    occupied_labels: list[str] = Field(
        default_factory=list, description="Shelf zones with a model: labels meaning occupied."
    )
    count: bool = Field(
        default=False,
        description="Shelf zones with a model: compare the number of trays/pieces seen with "
        "the ledger's count of the bin (the zone is named after the bin).",
    )
    count_labels: list[str] = Field(
        default_factory=list,
        description="Shelf zones that count: labels counted, one detection one ledger unit; "
        "empty: occupied_labels.",
    )
    count_tolerance: int = Field(
        default=0,
        ge=0,
        le=10000,
        description="Shelf zones that count: difference from the ledger's count still accepted.",
    )

    @field_validator("polygon")
    @classmethod
    def _valid_polygon(cls, value: list[tuple[float, float]]) -> list[tuple[float, float]]:
        shape = Polygon(value)
        if not shape.is_valid or shape.area <= 0:
            raise ValueError("polygon must be a simple, non-self-intersecting shape with area")
        return value

    def to_zone(self, base_dir: Path | None = None) -> Zone:
        """The spec as a :class:`Zone`, resolving reference images against ``base_dir``."""
        return Zone(
            name=self.name,
            kind=self.kind,
            polygon=tuple((float(x), float(y)) for x, y in self.polygon),
            restricted=self.restricted,
            required_roles=frozenset(self.required_roles),
            min_signed_on=self.min_signed_on,
            schedule=tuple(s.to_window() for s in self.schedule),
            loiter_seconds=self.loiter_seconds,
            reference=_resolve(self.reference, base_dir),
            occupied_reference=_resolve(self.occupied_reference, base_dir),
            shelf_classifier=self.shelf_classifier,
            occupied_labels=frozenset(self.occupied_labels),
            count=self.count,
            count_labels=frozenset(self.count_labels),
            count_tolerance=self.count_tolerance,
        )

    def check_count(self, source: str) -> None:
        """Refuse counting set up where it cannot work (each problem with its own code)."""
        if not self.count:
            return
        where = f"{source}: zone {self.name!r}"
        if self.kind is not ZoneKind.SHELF:
            raise ZoneConfigError(
                f"{where} is a {self.kind} zone; only shelf zones can count",
                code="zone-count-not-shelf",
            )
        if self.shelf_classifier != "detector":
            raise ZoneConfigError(
                f"{where} counts, which needs shelf_classifier: detector (a model's boxes), "
                "not reference images",
                code="zone-count-needs-model",
            )
        if not (self.count_labels or self.occupied_labels):
            raise ZoneConfigError(
                f"{where} counts but names no labels to count (count_labels or occupied_labels)",
                code="zone-count-no-labels",
            )


def _resolve(path: str | None, base_dir: Path | None) -> Path | None:
    if path is None:
        return None
    candidate = Path(path).expanduser()
    if not candidate.is_absolute() and base_dir is not None:
        candidate = base_dir / candidate
    return candidate


_SPECS = TypeAdapter(list[ZoneSpec])


def parse_zones(data: Any, *, source: str = "zones", base_dir: Path | None = None) -> list[Zone]:
    """Validate a list of zone mappings (or ``{"zones": [...]}``) into zones."""
    if isinstance(data, dict) and set(data) == {"zones"}:
        data = data["zones"]
    try:
        specs = _SPECS.validate_python(data)
    except ValidationError as exc:
        raise ZoneConfigError(f"{source}: {_first_error(exc)}") from exc
    return zones_from_specs(specs, source=source, base_dir=base_dir)


def zones_from_specs(
    specs: Sequence[ZoneSpec], *, source: str = "zones", base_dir: Path | None = None
) -> list[Zone]:
    """Turn validated specs into zones, refusing duplicate names."""
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ZoneConfigError(f"{source}: duplicate zone names {duplicates}")
    for spec in specs:
        spec.check_count(source)
    return [s.to_zone(base_dir) for s in specs]


def load_zones(path: str | Path) -> list[Zone]:
    """Read a zones file (YAML or JSON): a list of zones with name, kind, polygon, restricted."""
    file = Path(path)
    if not file.is_file():
        raise ZoneConfigError(f"zones file not found: {file}", code="zones-not-found")
    try:
        text = file.read_text(encoding="utf-8")
        data = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ZoneConfigError(f"{file}: cannot parse zones file: {exc}") from exc
    return parse_zones(data if data is not None else [], source=str(file), base_dir=file.parent)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else str(err["msg"])
