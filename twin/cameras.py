"""Cameras on the floor plan: where each hangs, where it looks, how wide and how far it sees.

A layout carries its cameras (:attr:`twin.layout.Layout.cameras`); :mod:`twin.coverage` works
out what they see and :mod:`twin.camera_zones` draws the floor into one camera's image.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twin.errors import CameraError

__all__ = ["Camera", "camera_from_dict", "camera_to_dict"]


@dataclass(frozen=True)
class Camera:
    """A camera on the floor plan, in metres and degrees.

    ``direction`` is where the lens points, counter-clockwise from the ``+x`` axis (0 looks
    along ``+x``, 90 along ``+y``); ``fov`` is the horizontal field of view and ``range`` how
    far it usefully sees. ``height`` (mounting height) and ``tilt`` (degrees below the horizon)
    are only needed to draw the camera's zones in its image; unset, ``tilt`` aims the lens at
    the floor half way along the range.

    Examples
    --------
    >>> Camera("door", 1.0, 2.0, direction=90, fov=60, range=12).height is None
    True
    """

    name: str
    x: float
    y: float
    direction: float
    fov: float
    range: float
    height: float | None = None
    tilt: float | None = None
    enabled: bool = True

    def __post_init__(self) -> None:
        _validate_camera(self)


def _validate_camera(camera: Camera) -> None:
    """Raise :class:`CameraError` unless the camera's numbers make a usable view."""
    if not isinstance(camera.name, str) or not camera.name.strip():
        raise CameraError("a camera needs a name")
    where = f"camera {camera.name}"
    numbers = (camera.x, camera.y, camera.direction, camera.fov, camera.range)
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in numbers):
        raise CameraError(f"{where}: position, direction, fov and range must be finite numbers")
    if not 0 < camera.fov <= 360:
        raise CameraError(f"{where}: fov must be above 0 and at most 360 degrees")
    if not 0 < camera.range <= 1000:
        raise CameraError(f"{where}: range must be above 0 and at most 1000 m")
    if camera.height is not None and not (math.isfinite(camera.height) and camera.height > 0):
        raise CameraError(f"{where}: height must be a positive number of metres")
    if camera.tilt is not None and not (math.isfinite(camera.tilt) and 0 < camera.tilt < 90):
        raise CameraError(f"{where}: tilt must be between 0 and 90 degrees below the horizon")


def camera_to_dict(camera: Camera) -> dict[str, Any]:
    """A camera as plain data (the keys of :func:`camera_from_dict`)."""
    return vars(camera).copy()


def camera_from_dict(data: Mapping[str, Any]) -> Camera:
    """Build a camera from a mapping with ``name``, ``x``, ``y``, ``direction``, ``fov``,
    ``range`` and optional ``height``, ``tilt`` and ``enabled``; raise :class:`CameraError`.

    Examples
    --------
    >>> camera_from_dict({"name": "c", "x": 0, "y": 0, "direction": 0, "fov": 90,
    ...                   "range": 10}).fov
    90.0
    """
    if not isinstance(data, Mapping):
        raise CameraError(f"a camera must be a mapping, got {data!r}")
    unknown = set(data) - set(Camera.__dataclass_fields__)
    if unknown:
        raise CameraError(f"camera {data.get('name')!r}: unknown keys {sorted(unknown)}")
    try:
        height, tilt = data.get("height"), data.get("tilt")
        return Camera(
            str(data["name"]),
            float(data["x"]),
            float(data["y"]),
            float(data["direction"]),
            float(data["fov"]),
            float(data["range"]),
            None if height is None else float(height),
            None if tilt is None else float(tilt),
            bool(data.get("enabled", True)),
        )
    except KeyError as exc:
        raise CameraError(f"camera {data.get('name')!r} lacks {exc.args[0]!r}") from exc
    except (TypeError, ValueError) as exc:
        raise CameraError(f"camera {data.get('name')!r}: {exc}") from exc
