"""Zones for the camera module, drawn from the twin's layout into one camera's image.

The floor areas of the layout (the vault, each aisle) are cut to what the camera sees of
them (:func:`twin.coverage.view_polygon`: its field of view less the racks' shadows), then
projected into the camera's image with a pinhole model: the camera at ``height`` metres,
looking along ``direction`` and ``tilt`` degrees down, with the horizontal field of view
``fov`` across the image width. The result is a list of zone mappings in the format of the
vision module's zones files (``name``, ``kind``, ``polygon`` in pixels, ``restricted``...).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid

from twin.coverage import rack_footprints, view_polygon
from twin.errors import CameraError
from twin.layout import Camera, Layout

__all__ = ["camera_tilt", "floor_areas", "project_to_image", "camera_zones"]

_NEAR = 0.05  # metres in front of the lens below which nothing is drawn
_MIN_AREA_PX = 4.0


def camera_tilt(camera: Camera) -> float:
    """The camera's tilt below the horizon in degrees: its own, or aimed half way along range.

    Examples
    --------
    >>> round(camera_tilt(Camera("c", 0, 0, direction=0, fov=60, range=6, height=3)), 1)
    45.0
    """
    if camera.tilt is not None:
        return camera.tilt
    height = _height(camera)
    return math.degrees(math.atan2(height, camera.range / 2))


def _height(camera: Camera) -> float:
    if camera.height is None:
        raise CameraError(
            f"camera {camera.name} has no height: its zones cannot be drawn in its image"
        )
    return camera.height


def _axes(camera: Camera) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward, right and up unit vectors of the camera in floor coordinates (z up)."""
    d, t = math.radians(camera.direction), math.radians(camera_tilt(camera))
    forward = np.array([math.cos(t) * math.cos(d), math.cos(t) * math.sin(d), -math.sin(t)])
    right = np.array([math.sin(d), -math.cos(d), 0.0])
    return forward, right, np.cross(right, forward)


def project_to_image(
    camera: Camera, points: np.ndarray, size: tuple[int, int]
) -> np.ndarray:
    """Pixel coordinates of floor points ``(n, 2)`` in the camera's ``size`` (width, height).

    Points must lie in front of the lens (as everything of a view polygon does).

    Examples
    --------
    >>> cam = Camera("c", 0, 0, direction=0, fov=90, range=6, height=3, tilt=45)
    >>> project_to_image(cam, np.array([[3.0, 0.0]]), (640, 480)).round(1).tolist()
    [[320.0, 240.0]]
    """
    if not 0 < camera.fov < 180:
        raise CameraError(f"camera {camera.name}: a {camera.fov} degree lens cannot be drawn")
    width, height = size
    focal = (width / 2) / math.tan(math.radians(camera.fov) / 2)
    forward, right, up = _axes(camera)
    rel = np.column_stack(
        [points[:, 0] - camera.x, points[:, 1] - camera.y, np.full(len(points), -_height(camera))]
    )
    depth = rel @ forward
    if np.any(depth < _NEAR / 2):
        raise CameraError(f"camera {camera.name}: a point behind the lens cannot be drawn")
    px = width / 2 + focal * (rel @ right) / depth
    py = height / 2 - focal * (rel @ up) / depth
    return np.column_stack([px, py])


def floor_areas(layout: Layout) -> list[tuple[str, str, Polygon]]:
    """The layout's watchable floor: ``(name, kind, polygon)`` for the vault and each aisle.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> [(n, k) for n, k, _ in floor_areas(generate_layout(aisles=2, bays=2, vault_aisles=1))]
    [('vault', 'vault'), ('aisle-A01', 'aisle'), ('aisle-A02', 'aisle')]
    """
    areas: list[tuple[str, str, Polygon]] = []
    if layout.vault is not None:
        v = layout.vault
        areas.append((v.name, "vault", box(v.x_min, v.y_min, v.x_max, v.y_max)))
    for aisle in layout.aisles:
        half = aisle.width / 2
        shape = box(aisle.x - half, aisle.y_start, aisle.x + half, aisle.y_end)
        areas.append((f"aisle-{aisle.id}", "aisle", shape))
    return areas


def _in_front(camera: Camera) -> Polygon:
    """The floor in front of the lens by at least :data:`_NEAR` metres (a large half-plane)."""
    forward, _right, _up = _axes(camera)
    fx, fy, fz = forward
    horizontal = math.hypot(fx, fy)
    # depth = fx*dx + fy*dy - fz*height >= near  <=>  along >= (near + fz*height) / horizontal
    start = (_NEAR + fz * _height(camera)) / horizontal
    ux, uy = fx / horizontal, fy / horizontal
    far = camera.range * 10 + 100
    ox, oy = camera.x + ux * start, camera.y + uy * start
    corners = [
        (ox - uy * far, oy + ux * far),
        (ox + uy * far, oy - ux * far),
        (ox + uy * far + ux * far, oy - ux * far + uy * far),
        (ox - uy * far + ux * far, oy + ux * far + uy * far),
    ]
    return Polygon(corners)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    return [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon) and not g.is_empty]


def camera_zones(
    layout: Layout,
    camera: Camera,
    *,
    size: tuple[int, int],
    vault_name: str | None = None,
    vault_min_signed_on: int = 2,
) -> list[dict[str, Any]]:
    """Zones of the vision module's format for what ``camera`` sees of the layout's floor.

    The vault zone (named ``vault_name``, default the layout's vault name) is restricted and
    needs ``vault_min_signed_on`` people signed on; aisles are ``aisle-<id>``. A floor area cut
    in two by a rack's shadow gives two zones (``name``, ``name-2``). Areas the camera does not
    see are left out.

    Examples
    --------
    >>> from twin.generate import generate_layout
    >>> layout = generate_layout(aisles=2, bays=4, levels=1)
    >>> cam = Camera("c", layout.aisles[0].x, 0.5, direction=90, fov=60, range=10, height=3)
    >>> [(z["name"], z["kind"]) for z in camera_zones(layout, cam, size=(640, 480))]
    [('aisle-A01', 'aisle')]
    """
    width, height = _check_size(size)
    if not 1 <= vault_min_signed_on <= 10:
        raise CameraError("vault_min_signed_on must be between 1 and 10")
    view = view_polygon(camera, rack_footprints(layout)).intersection(_in_front(camera))
    frame = box(0, 0, width, height)
    zones: list[dict[str, Any]] = []
    for name, kind, area in floor_areas(layout):
        if kind == "vault" and vault_name:
            name = vault_name
        parts = []
        for floor in _polygons(area.intersection(view)):
            ring = np.asarray(floor.exterior.coords, dtype=float)
            pixels = Polygon(project_to_image(camera, ring, (width, height)))
            parts += _polygons(make_valid(pixels).intersection(frame))
        parts = sorted((p for p in parts if p.area >= _MIN_AREA_PX), key=lambda p: -p.area)
        for i, part in enumerate(parts):
            zone: dict[str, Any] = {
                "name": name if i == 0 else f"{name}-{i + 1}",
                "kind": kind,
                "polygon": [[round(x, 1), round(y, 1)] for x, y in part.exterior.coords[:-1]],
                "restricted": kind == "vault",
            }
            if kind == "vault":
                zone["min_signed_on"] = vault_min_signed_on
            zones.append(zone)
    return zones


def _check_size(size: tuple[int, int]) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError) as exc:
        raise CameraError(f"image size must be (width, height) in pixels, got {size!r}") from exc
    if not (16 <= width <= 16384 and 16 <= height <= 16384):
        raise CameraError(f"image size {width}x{height} is out of range (16 to 16384 pixels)")
    return width, height
