"""Camera coverage of a layout: what each camera sees, the blind spots and a score.

A camera's view is the sector of its field of view cut at its range, less the shadows the
racks cast: racks are the footprints of :func:`twin.graph.rack_boxes` seen from above and
block the line of sight whatever their height. A bin is seen when its face point (the middle
of its rack face, a hand's width into the aisle) lies in a view. The walkable network's aisle
and cross-aisle centre lines give the aisle metres each camera covers. Geometry is shapely's.

Everything here is pure: layouts and cameras in, a :class:`Coverage` out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from twin.errors import CameraError
from twin.graph import network, rack_boxes
from twin.layout import Camera, Layout

__all__ = [
    "FACE_OFFSET",
    "BlindSegment",
    "CameraCoverage",
    "Coverage",
    "coverage",
    "coverage_delta",
    "face_points",
    "rack_footprints",
    "view_polygon",
    "walk_lines",
]

#: How far into the aisle a bin's face point sits (m): a camera must see the front of the bin.
FACE_OFFSET = 0.05
_ARC_STEP_DEG = 3.0


@dataclass(frozen=True)
class CameraCoverage:
    """One camera: its view polygon, the bins it sees and the aisle metres in its view."""

    camera: Camera
    view: BaseGeometry
    bins: tuple[str, ...]
    aisle_metres: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; ``view`` is a list of polygons' outer rings."""
        return {
            "name": self.camera.name,
            "enabled": self.camera.enabled,
            "x": self.camera.x,
            "y": self.camera.y,
            "direction": self.camera.direction,
            "fov": self.camera.fov,
            "range": self.camera.range,
            "bins_seen": len(self.bins),
            "bins": list(self.bins),
            "aisle_metres": round(self.aisle_metres, 3),
            "view": _rings(self.view),
        }


@dataclass(frozen=True)
class BlindSegment:
    """A stretch of an aisle (``aisle`` id) or cross aisle (``cross-<k>``) no camera sees."""

    line: str
    start: tuple[float, float]
    end: tuple[float, float]
    length: float


@dataclass(frozen=True)
class Coverage:
    """Coverage of a layout by its cameras.

    ``seen_by`` maps every bin to the cameras that see it; ``blind_bins`` are seen by none;
    ``vault_short`` are vault bins seen by fewer than ``vault_min_cameras`` cameras. The
    ``score`` (0 to 1) is the mean of the share of bins seen, the share of aisle metres seen
    and, when the layout has vault bins, the share of them that meet the vault rule.
    """

    cameras: tuple[CameraCoverage, ...]
    seen_by: Mapping[str, tuple[str, ...]]
    blind_bins: tuple[str, ...]
    vault_bins: tuple[str, ...]
    vault_short: tuple[str, ...]
    vault_min_cameras: int
    aisle_metres: float
    aisle_metres_seen: float
    blind_segments: tuple[BlindSegment, ...]

    @property
    def bins_seen_share(self) -> float:
        """Share of bins at least one camera sees."""
        total = len(self.seen_by)
        return (total - len(self.blind_bins)) / total if total else 1.0

    @property
    def aisle_share(self) -> float:
        """Share of aisle and cross-aisle metres in some camera's view."""
        return self.aisle_metres_seen / self.aisle_metres if self.aisle_metres else 1.0

    @property
    def vault_share(self) -> float | None:
        """Share of vault bins seen by at least ``vault_min_cameras``; None without a vault."""
        if not self.vault_bins:
            return None
        return 1 - len(self.vault_short) / len(self.vault_bins)

    @property
    def score(self) -> float:
        """The coverage score, 0 (nothing watched) to 1 (everything, the vault as its rule)."""
        parts = [self.bins_seen_share, self.aisle_share]
        if self.vault_share is not None:
            parts.append(self.vault_share)
        return sum(parts) / len(parts)

    def summary(self) -> dict[str, Any]:
        """The headline figures, without per-camera detail."""
        vault = self.vault_share
        return {
            "score": round(self.score, 4),
            "bins": len(self.seen_by),
            "bins_seen": len(self.seen_by) - len(self.blind_bins),
            "blind_bins": len(self.blind_bins),
            "aisle_metres": round(self.aisle_metres, 3),
            "aisle_metres_seen": round(self.aisle_metres_seen, 3),
            "vault_bins": len(self.vault_bins),
            "vault_short": len(self.vault_short),
            "vault_share": None if vault is None else round(vault, 4),
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the summary, per-camera coverage and every blind spot."""
        return {
            **self.summary(),
            "vault_min_cameras": self.vault_min_cameras,
            "cameras": [c.to_dict() for c in self.cameras],
            "blind": list(self.blind_bins),
            "vault_under_watched": list(self.vault_short),
            "blind_segments": [
                {
                    "line": s.line,
                    "start": [round(v, 3) for v in s.start],
                    "end": [round(v, 3) for v in s.end],
                    "length": round(s.length, 3),
                }
                for s in self.blind_segments
            ],
        }


def _rings(geometry: BaseGeometry) -> list[list[list[float]]]:
    polygons = getattr(geometry, "geoms", [geometry])
    return [
        [[round(x, 3), round(y, 3)] for x, y in p.exterior.coords]
        for p in polygons
        if isinstance(p, Polygon) and not p.is_empty
    ]


def rack_footprints(layout: Layout) -> list[Polygon]:
    """The racks seen from above, one rectangle per aisle side holding locations.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> [r.bounds for r in rack_footprints(generate_layout(aisles=1, bays=2, levels=1))]
    [(0.0, 2.0, 0.6, 4.0), (1.8, 2.0, 2.4, 4.0)]
    """
    return [box(r.x0, r.y0, r.x1, r.y1) for r in rack_boxes(layout)]


def _sector(camera: Camera) -> Polygon:
    """The field of view cut at the camera's range (a disc for a 360-degree camera)."""
    cx, cy, r = camera.x, camera.y, camera.range
    if camera.fov >= 360:
        return Point(cx, cy).buffer(r, quad_segs=32)
    steps = max(2, math.ceil(camera.fov / _ARC_STEP_DEG))
    start = math.radians(camera.direction - camera.fov / 2)
    angles = start + np.linspace(0.0, math.radians(camera.fov), steps + 1)
    arc = [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in angles]
    return Polygon([(cx, cy), *arc])


def _shadow(camera: Camera, obstacle: Polygon) -> Polygon:
    """The obstacle and everything behind it as seen from the camera, well past the range.

    For a convex obstacle the obstacle with its shadow is the convex hull of its corners and
    their projections far along the rays from the camera.
    """
    cx, cy = camera.x, camera.y
    far = camera.range * 1e4  # past the range even for an obstacle almost beside the lens
    corners: list[tuple[float, float]] = [(x, y) for x, y in obstacle.exterior.coords[:-1]]
    projected: list[tuple[float, float]] = []
    for x, y in corners:
        dx, dy = x - cx, y - cy
        norm = math.hypot(dx, dy)
        projected.append((cx + dx / norm * far, cy + dy / norm * far))
    hull = shapely.MultiPoint(corners + projected).convex_hull
    assert isinstance(hull, Polygon)
    return hull


def view_polygon(camera: Camera, obstacles: Sequence[Polygon]) -> BaseGeometry:
    """What ``camera`` sees of the floor: its sector less the shadows of ``obstacles``.

    Raises :class:`CameraError` when the camera stands inside an obstacle.

    Examples
    --------
    >>> cam = Camera("c", 0, 0, direction=0, fov=90, range=10)
    >>> wall = box(4, -1, 5, 1)
    >>> view = view_polygon(cam, [wall])
    >>> view.contains(Point(3, 0)), view.contains(Point(8, 0)), view.contains(Point(8, 5))
    (True, False, True)
    """
    here = Point(camera.x, camera.y)
    sector = _sector(camera)
    shadows = []
    for obstacle in obstacles:
        if obstacle.contains(here):
            raise CameraError(f"camera {camera.name} stands inside a rack at {obstacle.bounds}")
        if obstacle.exterior.distance(here) < 1e-6:  # mounted on the rack: a hair off its face
            shrunk = obstacle.buffer(-1e-3, join_style="mitre")
            if not isinstance(shrunk, Polygon) or shrunk.is_empty:
                continue
            obstacle = shrunk
        if obstacle.intersects(sector):
            shadows.append(_shadow(camera, obstacle))
    if not shadows:
        return sector
    return sector.difference(unary_union(shadows))


def face_points(layout: Layout) -> dict[str, tuple[float, float]]:
    """Each location's face point: its rack face, nudged :data:`FACE_OFFSET` into the aisle.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> face_points(generate_layout(aisles=1, bays=1, levels=1))["A01-L01-1"]
    (0.65, 2.5)
    """
    half = layout.rack_depth / 2 + FACE_OFFSET
    points = {}
    for loc in layout.locations:
        centre = layout.aisle_by_id[loc.aisle].x
        if abs(centre - loc.x) > 1e-9:
            toward = math.copysign(1.0, centre - loc.x)
        else:  # a rack standing on the centre line faces the side it is recorded on
            toward = 1.0 if loc.side == "left" else -1.0
        points[loc.code] = (round(loc.x + toward * half, 9), loc.y)
    return points


def walk_lines(layout: Layout) -> dict[str, LineString]:
    """The walkable network's centre lines: one per aisle, one per cross aisle (``cross-k``).

    The lines hold exactly the aisle and cross-aisle edges of :func:`twin.graph.network`.
    """
    lines: dict[str, LineString] = {}
    for aisle in layout.aisles:
        lines[aisle.id] = LineString([(aisle.x, aisle.y_start), (aisle.x, aisle.y_end)])
    xs: dict[int, list[float]] = {}
    graph = network(layout)
    for u, v, data in graph.edges(data=True):
        if data.get("kind") == "cross":
            k = int(data["cross"])
            xs.setdefault(k, []).extend(graph.nodes[n]["pos"][0] for n in (u, v))
    for k, values in sorted(xs.items()):
        y = layout.cross_aisles[k].y
        lines[f"cross-{k}"] = LineString([(min(values), y), (max(values), y)])
    return lines


def _check_min(vault_min_cameras: int) -> None:
    if not isinstance(vault_min_cameras, int) or isinstance(vault_min_cameras, bool):
        raise CameraError("vault_min_cameras must be an integer")
    if not 1 <= vault_min_cameras <= 10:
        raise CameraError("vault_min_cameras must be between 1 and 10")


def coverage(
    layout: Layout,
    cameras: Iterable[Camera] | None = None,
    *,
    vault_min_cameras: int = 2,
) -> Coverage:
    """The coverage of ``layout`` by ``cameras`` (default: the layout's own cameras).

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=2, bays=4, levels=1)
    >>> cam = Camera("a1", layout.aisles[0].x, 0.5, direction=90, fov=60, range=10)
    >>> cov = coverage(layout, [cam])
    >>> len(cov.cameras[0].bins), len(cov.blind_bins), round(cov.aisle_metres_seen, 2)
    (8, 8, 7.0)
    """
    _check_min(vault_min_cameras)
    chosen = tuple(layout.cameras if cameras is None else cameras)
    names = [c.name for c in chosen]
    if not all(isinstance(c, Camera) for c in chosen) or len(set(names)) != len(names):
        raise CameraError("cameras must be Camera objects with unique names")
    obstacles = rack_footprints(layout)
    faces = face_points(layout)
    codes = list(faces)
    xy = np.array([faces[c] for c in codes], dtype=float).reshape(-1, 2)
    lines = walk_lines(layout)
    per_camera, views = [], []
    seen: dict[str, list[str]] = {c: [] for c in codes}
    for camera in chosen:
        view = view_polygon(camera, obstacles)
        views.append(view)
        inside = shapely.intersects_xy(view, xy[:, 0], xy[:, 1])
        bins = tuple(codes[i] for i in np.flatnonzero(inside))
        for code in bins:
            seen[code].append(camera.name)
        metres = sum(line.intersection(view).length for line in lines.values())
        per_camera.append(CameraCoverage(camera, view, bins, float(metres)))
    return _assemble(layout, per_camera, views, seen, lines, vault_min_cameras)


def _assemble(
    layout: Layout,
    per_camera: list[CameraCoverage],
    views: list[BaseGeometry],
    seen: dict[str, list[str]],
    lines: dict[str, LineString],
    vault_min_cameras: int,
) -> Coverage:
    union = unary_union(views) if views else Polygon()
    total = sum(line.length for line in lines.values())
    blind_segments: list[BlindSegment] = []
    seen_metres = 0.0
    for name, line in lines.items():
        seen_metres += line.intersection(union).length
        blind_segments += _segments(name, line.difference(union))
    vault = tuple(loc.code for loc in layout.locations if loc.kind == "vault")
    return Coverage(
        cameras=tuple(per_camera),
        seen_by={code: tuple(names) for code, names in seen.items()},
        blind_bins=tuple(code for code, names in seen.items() if not names),
        vault_bins=vault,
        vault_short=tuple(c for c in vault if len(seen[c]) < vault_min_cameras),
        vault_min_cameras=vault_min_cameras,
        aisle_metres=float(total),
        aisle_metres_seen=float(seen_metres),
        blind_segments=tuple(blind_segments),
    )


def _segments(name: str, rest: BaseGeometry, min_length: float = 1e-3) -> list[BlindSegment]:
    if rest.is_empty:
        return []
    parts = rest.geoms if isinstance(rest, MultiLineString) else [rest]
    out = []
    for part in parts:
        if isinstance(part, LineString) and part.length > min_length:
            (x0, y0), (x1, y1) = part.coords[0], part.coords[-1]
            out.append(BlindSegment(name, (x0, y0), (x1, y1), float(part.length)))
    return out


def coverage_delta(before: Coverage, after: Coverage) -> dict[str, Any]:
    """What a change of cameras or layout did: bins newly seen or newly blind, score change.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=1, bays=3, levels=1)
    >>> cam = Camera("c", layout.aisles[0].x, 0.5, direction=90, fov=60, range=10)
    >>> delta = coverage_delta(coverage(layout, []), coverage(layout, [cam]))
    >>> delta["blind_bins"], len(delta["newly_seen"])
    (-6, 6)
    """
    was_blind, now_blind = set(before.blind_bins), set(after.blind_bins)
    was_short, now_short = set(before.vault_short), set(after.vault_short)
    return {
        "score": round(after.score - before.score, 4),
        "blind_bins": len(now_blind) - len(was_blind),
        "aisle_metres_seen": round(after.aisle_metres_seen - before.aisle_metres_seen, 3),
        "newly_seen": sorted(was_blind - now_blind),
        "newly_blind": sorted(now_blind - was_blind),
        "vault_fixed": sorted(was_short - now_short),
        "vault_broken": sorted(now_short - was_short),
    }
