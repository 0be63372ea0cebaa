"""Warehouse layouts as data: aisles, cross aisles, locations, depot and vault zone.

Coordinates are metres. Aisles run along ``y``; cross aisles run along ``x``. Block ``k``
is the band between cross aisle ``k`` and cross aisle ``k + 1``: every aisle of block ``k``
starts on cross aisle ``k`` and ends on cross aisle ``k + 1``. Pickers walk on the centre
lines of aisles and cross aisles, so a location is picked from ``(aisle.x, location.y)``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from twin.cameras import Camera, camera_from_dict, camera_to_dict
from twin.errors import CameraError, LayoutError, UnknownLocationError

__all__ = [
    "Point",
    "Aisle",
    "CrossAisle",
    "Location",
    "Zone",
    "Camera",
    "Layout",
    "LOCATION_KINDS",
    "layout_to_dict",
    "layout_from_dict",
    "load_layout",
    "save_layout",
    "camera_from_dict",
    "camera_to_dict",
    "with_cameras",
]

LOCATION_KINDS = frozenset({"pick_face", "reserve", "vault"})
_TOL = 1e-6
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Point:
    """A point on the floor, in metres."""

    x: float
    y: float


@dataclass(frozen=True)
class Aisle:
    """A picking aisle of one block; ``narrow`` aisles hold one picker at a time."""

    id: str
    block: int
    x: float
    y_start: float
    y_end: float
    width: float
    narrow: bool

    @property
    def length(self) -> float:
        """Length of the aisle centre line between its two cross aisles."""
        return self.y_end - self.y_start


@dataclass(frozen=True)
class CrossAisle:
    """A cross aisle at height ``y`` running from ``x_start`` to ``x_end``."""

    index: int
    y: float
    x_start: float
    x_end: float
    width: float


@dataclass(frozen=True)
class Location:
    """A storage location (one bay face at one level) picked from its aisle."""

    code: str
    aisle: str
    x: float
    y: float
    z: float
    bay: int
    level: int
    side: str = "left"
    kind: str = "pick_face"


@dataclass(frozen=True)
class Zone:
    """An axis-aligned rectangle of the floor, such as the vault."""

    name: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    def contains(self, x: float, y: float) -> bool:
        """Tell whether ``(x, y)`` lies inside the zone (borders included)."""
        return self.x_min <= x <= self.x_max and self.y_min <= y <= self.y_max


@dataclass(frozen=True)
class Layout:
    """A complete warehouse layout; build one with :func:`layout_from_dict` or a generator.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=3, bays=4, levels=2)
    >>> (len(layout.aisles), len(layout.cross_aisles), layout.blocks)
    (3, 2, 1)
    """

    name: str
    aisles: tuple[Aisle, ...]
    cross_aisles: tuple[CrossAisle, ...]
    locations: tuple[Location, ...]
    depot: Point
    vault: Zone | None = None
    rack_depth: float = 0.6
    bay_width: float = 1.0
    level_height: float = 0.4
    packing_desks: int = 1
    cameras: tuple[Camera, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # Derived data (graphs, distance tables) memoised by other twin modules; never compared.
    cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def blocks(self) -> int:
        """Number of blocks (bands of aisles between two cross aisles)."""
        return len(self.cross_aisles) - 1

    @cached_property
    def aisle_by_id(self) -> dict[str, Aisle]:
        """Aisles keyed by id."""
        return {a.id: a for a in self.aisles}

    @cached_property
    def location_by_code(self) -> dict[str, Location]:
        """Locations keyed by code."""
        return {loc.code: loc for loc in self.locations}

    def location(self, code: str) -> Location:
        """Return the location with ``code`` or raise :class:`UnknownLocationError`."""
        try:
            return self.location_by_code[code]
        except KeyError:
            raise UnknownLocationError(
                f"location {code!r} is not in layout {self.name!r}"
            ) from None

    def pick_point(self, code: str) -> Point:
        """Where a picker stands to pick ``code``: on the aisle centre line."""
        loc = self.location(code)
        return Point(self.aisle_by_id[loc.aisle].x, loc.y)

    @cached_property
    def depot_cross_aisle(self) -> int:
        """Index of the cross aisle the depot opens onto (the nearest one in ``y``)."""
        return min(
            range(len(self.cross_aisles)),
            key=lambda k: (abs(self.cross_aisles[k].y - self.depot.y), k),
        )

    def block_aisles(self, block: int) -> tuple[Aisle, ...]:
        """Aisles of one block sorted by ``x``."""
        return tuple(sorted((a for a in self.aisles if a.block == block), key=lambda a: a.x))


def _validate(layout: Layout) -> None:
    """Check the structural rules of a layout; raise :class:`LayoutError` on the first breach."""
    _validate_cross_aisles(layout.cross_aisles)
    ids = [a.id for a in layout.aisles]
    if not ids:
        raise LayoutError("a layout needs at least one aisle")
    if len(set(ids)) != len(ids):
        raise LayoutError("aisle ids must be unique")
    for aisle in layout.aisles:
        _validate_aisle(aisle, layout.cross_aisles)
    codes = [loc.code for loc in layout.locations]
    if len(set(codes)) != len(codes):
        raise LayoutError("location codes must be unique")
    by_id = {a.id: a for a in layout.aisles}
    for loc in layout.locations:
        _validate_location(loc, by_id)
    if not all(math.isfinite(v) for v in (layout.depot.x, layout.depot.y)):
        raise LayoutError("depot coordinates must be finite")
    if layout.packing_desks < 1:
        raise LayoutError("a layout needs at least one packing desk")
    if min(layout.rack_depth, layout.bay_width, layout.level_height) <= 0:
        raise LayoutError("rack depth, bay width and level height must be positive")
    names = [c.name for c in layout.cameras]
    if len(set(names)) != len(names):
        raise CameraError("camera names must be unique")
    if not all(isinstance(c, Camera) for c in layout.cameras):
        raise CameraError("a layout's cameras must be Camera objects")


def with_cameras(layout: Layout, cameras: Iterable[Camera]) -> Layout:
    """The same layout with ``cameras`` in place of its own (validated).

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> cam = Camera("c1", 1.5, 0.5, direction=90, fov=60, range=15)
    >>> [c.name for c in with_cameras(generate_layout(aisles=2, bays=2), [cam]).cameras]
    ['c1']
    """
    return replace(layout, cameras=tuple(cameras))


def _validate_cross_aisles(cross: tuple[CrossAisle, ...]) -> None:
    if len(cross) < 2:
        raise LayoutError("a layout needs at least two cross aisles (front and back)")
    for k, ca in enumerate(cross):
        if ca.index != k:
            raise LayoutError(f"cross aisle {k} has index {ca.index}; indices must be 0..n-1")
        if ca.x_end < ca.x_start or ca.width <= 0:
            raise LayoutError(f"cross aisle {k} has an empty extent or a non-positive width")
        if k and ca.y <= cross[k - 1].y:
            raise LayoutError("cross aisles must be sorted by strictly increasing y")


def _validate_aisle(aisle: Aisle, cross: tuple[CrossAisle, ...]) -> None:
    if not 0 <= aisle.block < len(cross) - 1:
        raise LayoutError(f"aisle {aisle.id} is in block {aisle.block}, which does not exist")
    lo, hi = cross[aisle.block], cross[aisle.block + 1]
    if abs(aisle.y_start - lo.y) > _TOL or abs(aisle.y_end - hi.y) > _TOL:
        raise LayoutError(f"aisle {aisle.id} must run from cross aisle {lo.index} to {hi.index}")
    for ca in (lo, hi):
        if not ca.x_start - _TOL <= aisle.x <= ca.x_end + _TOL:
            raise LayoutError(f"aisle {aisle.id} does not meet cross aisle {ca.index}")
    if aisle.width <= 0:
        raise LayoutError(f"aisle {aisle.id} must have a positive width")


def _validate_location(loc: Location, aisles: Mapping[str, Aisle]) -> None:
    aisle = aisles.get(loc.aisle)
    if aisle is None:
        raise LayoutError(f"location {loc.code} names unknown aisle {loc.aisle!r}")
    if not aisle.y_start - _TOL <= loc.y <= aisle.y_end + _TOL:
        raise LayoutError(f"location {loc.code} lies outside the extent of aisle {aisle.id}")
    if loc.kind not in LOCATION_KINDS:
        raise LayoutError(
            f"location {loc.code} has kind {loc.kind!r}, not one of {sorted(LOCATION_KINDS)}"
        )
    if not all(math.isfinite(v) for v in (loc.x, loc.y, loc.z)):
        raise LayoutError(f"location {loc.code} has non-finite coordinates")


def layout_to_dict(layout: Layout) -> dict[str, Any]:
    """Turn a layout into plain JSON-ready data.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> data = layout_to_dict(generate_layout(aisles=2, bays=2, levels=1))
    >>> sorted(data["locations"][0])[:3], sorted(data["depot"])
    (['aisle', 'bay', 'code'], ['x', 'y'])
    """
    return {
        "format": "facet-twin-layout",
        "version": FORMAT_VERSION,
        "units": "m",
        "name": layout.name,
        "rack_depth": layout.rack_depth,
        "bay_width": layout.bay_width,
        "level_height": layout.level_height,
        "packing_desks": layout.packing_desks,
        "depot": {"x": layout.depot.x, "y": layout.depot.y},
        "vault": None if layout.vault is None else _zone_dict(layout.vault),
        "cross_aisles": [vars(ca).copy() for ca in layout.cross_aisles],
        "aisles": [vars(a).copy() for a in layout.aisles],
        "locations": [vars(loc).copy() for loc in layout.locations],
        "cameras": [camera_to_dict(c) for c in layout.cameras],
        "metadata": dict(layout.metadata),
    }


def _zone_dict(zone: Zone) -> dict[str, Any]:
    return {
        "name": zone.name,
        "x_min": zone.x_min,
        "y_min": zone.y_min,
        "x_max": zone.x_max,
        "y_max": zone.y_max,
    }


def layout_from_dict(data: Mapping[str, Any]) -> Layout:
    """Build and validate a layout from data made by :func:`layout_to_dict`.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=2, bays=2, levels=1)
    >>> layout_from_dict(layout_to_dict(layout)) == layout
    True
    """
    if not isinstance(data, Mapping):
        raise LayoutError("a layout must be a mapping")
    try:
        vault = data.get("vault")
        return Layout(
            name=str(data.get("name", "layout")),
            aisles=tuple(_aisle(a) for a in data["aisles"]),
            cross_aisles=tuple(_cross(c) for c in data["cross_aisles"]),
            locations=tuple(_location(loc) for loc in data["locations"]),
            depot=Point(float(data["depot"]["x"]), float(data["depot"]["y"])),
            vault=None
            if vault is None
            else Zone(
                str(vault.get("name", "vault")),
                float(vault["x_min"]),
                float(vault["y_min"]),
                float(vault["x_max"]),
                float(vault["y_max"]),
            ),
            rack_depth=float(data.get("rack_depth", 0.6)),
            bay_width=float(data.get("bay_width", 1.0)),
            level_height=float(data.get("level_height", 0.4)),
            packing_desks=int(data.get("packing_desks", 1)),
            cameras=tuple(camera_from_dict(c) for c in data.get("cameras") or ()),
            metadata=dict(data.get("metadata") or {}),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LayoutError(f"malformed layout data: {exc!r}") from exc


def _aisle(d: Mapping[str, Any]) -> Aisle:
    return Aisle(
        str(d["id"]),
        int(d["block"]),
        float(d["x"]),
        float(d["y_start"]),
        float(d["y_end"]),
        float(d["width"]),
        bool(d["narrow"]),
    )


def _cross(d: Mapping[str, Any]) -> CrossAisle:
    return CrossAisle(
        int(d["index"]), float(d["y"]), float(d["x_start"]), float(d["x_end"]), float(d["width"])
    )


def _location(d: Mapping[str, Any]) -> Location:
    return Location(
        str(d["code"]),
        str(d["aisle"]),
        float(d["x"]),
        float(d["y"]),
        float(d["z"]),
        int(d.get("bay", 0)),
        int(d.get("level", 0)),
        str(d.get("side", "left")),
        str(d.get("kind", "pick_face")),
    )


def load_layout(path: str | Path) -> Layout:
    """Read a layout from a ``.json``, ``.yaml`` or ``.yml`` file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LayoutError(f"cannot read layout file {path}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text) if path.suffix in {".yaml", ".yml"} else json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise LayoutError(f"layout file {path} is not valid JSON/YAML: {exc}") from exc
    return layout_from_dict(data)


def save_layout(layout: Layout, path: str | Path) -> Path:
    """Write a layout as JSON (or YAML when the suffix says so) and return the path."""
    path = Path(path)
    data = layout_to_dict(layout)
    if path.suffix in {".yaml", ".yml"}:
        text = yaml.safe_dump(data, sort_keys=False)
    else:
        text = json.dumps(data, indent=1)
    path.write_text(text, encoding="utf-8")
    return path
