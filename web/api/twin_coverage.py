"""The cameras of the cameras file on the twin's floor plan: coverage and generated zones.

The cameras file (``FACET_WEB_CAMERAS_FILE``, the one the vision module runs) is the one
list of cameras; each camera's optional ``placement`` puts it on the floor plan. This module
turns those placements into :class:`twin.layout.Camera` objects for the twin's coverage map
(``GET /api/twin/coverage``) and for ``facet twin zones``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from twin.camera_zones import camera_zones
from twin.coverage import coverage
from twin.errors import CameraError
from twin.layout import Camera, Layout
from vision.config import CameraConfig, load_cameras
from vision.errors import VisionError

__all__ = ["CoverageUnavailable", "camera_of", "coverage_answer", "placed_cameras", "zones_for"]


class CoverageUnavailable(CameraError):
    """The cameras file cannot be read, or a camera is not on the floor plan."""

    code = "coverage-unavailable"


def _configs(cameras_file: Path) -> list[CameraConfig]:
    try:
        return list(load_cameras(cameras_file).cameras)
    except VisionError as exc:
        raise CoverageUnavailable(f"cameras file: {exc.message}") from exc


def camera_of(config: CameraConfig) -> Camera | None:
    """The twin camera of one camera's ``placement``; None when it has none."""
    place = config.placement
    if place is None:
        return None
    return Camera(
        config.name,
        place.x,
        place.y,
        place.direction,
        place.fov,
        place.range,
        place.height,
        place.tilt,
        config.enabled,
    )


def placed_cameras(cameras_file: Path | None, *, enabled_only: bool = False) -> list[Camera]:
    """The cameras of ``cameras_file`` that have a placement (none without a file)."""
    if cameras_file is None:
        return []
    cameras = [c for c in (camera_of(cfg) for cfg in _configs(cameras_file)) if c is not None]
    return [c for c in cameras if c.enabled or not enabled_only]


def coverage_answer(
    layout: Layout,
    cameras_file: Path | None,
    *,
    vault_min_cameras: int = 2,
    enabled_only: bool = False,
) -> dict[str, Any]:
    """Coverage of ``layout`` by the placed cameras of ``cameras_file``, as JSON-ready data."""
    cameras = placed_cameras(cameras_file, enabled_only=enabled_only)
    result = coverage(layout, cameras, vault_min_cameras=vault_min_cameras)
    return {
        "layout": layout.name,
        "cameras_file": None if cameras_file is None else str(cameras_file),
        "enabled_only": enabled_only,
        **result.to_dict(),
    }


def zones_for(
    layout: Layout,
    cameras_file: Path,
    camera: str,
    *,
    size: tuple[int, int] | None = None,
    vault_name: str | None = None,
    vault_min_signed_on: int | None = None,
) -> list[dict[str, Any]]:
    """Zones for camera ``camera`` drawn from ``layout`` in the vision module's format.

    ``size`` (width, height of the camera image) defaults to the camera's own ``size``; the
    vault zone keeps the name and the people signed on of the camera's own vault zone (the
    name is the zone code sign-ons use, such as ``VLT``), else the layout's name and 2.
    """
    configs = {c.name: c for c in _configs(cameras_file)}
    config = configs.get(camera)
    if config is None:
        raise CoverageUnavailable(
            f"no camera {camera!r} in {cameras_file} (cameras: {', '.join(sorted(configs))})"
        )
    placed = camera_of(config)
    if placed is None:
        raise CoverageUnavailable(f"camera {camera!r} has no placement on the floor plan")
    image = size or config.size
    if image is None:
        raise CoverageUnavailable(f"camera {camera!r} has no size: give the image size")
    own = next((z for z in config.zone_list() if z.kind == "vault"), None)
    return camera_zones(
        layout,
        placed,
        size=image,
        vault_name=vault_name or (own.name if own is not None else None),
        vault_min_signed_on=vault_min_signed_on or (own.min_signed_on if own else 2),
    )
