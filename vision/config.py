"""The cameras file (``cameras.yaml``): cameras, their sources, zones and detector groups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vision.errors import VisionConfigError, VisionError, ZoneConfigError
from vision.settings import DetectorConfig, VisionSettings
from vision.zones import Zone, ZoneSpec, load_zones, zones_from_specs

__all__ = [
    "CameraConfig",
    "CameraPlacement",
    "CamerasFile",
    "GroupConfig",
    "SourceKind",
    "load_cameras",
]

SourceKind = Literal["auto", "stream", "usb", "file", "folder"]
_STREAM_PREFIXES = ("rtsp://", "rtsps://", "rtmp://", "http://", "https://", "udp://", "tcp://")


class CameraPlacement(BaseModel):
    """Where a camera hangs on the warehouse floor plan (read by the twin's coverage map)."""

    model_config = ConfigDict(extra="forbid")

    x: float = Field(allow_inf_nan=False, description="Floor position x, metres.")
    y: float = Field(allow_inf_nan=False, description="Floor position y, metres.")
    height: float | None = Field(
        default=None, gt=0, le=50, allow_inf_nan=False, description="Mounting height, metres."
    )
    direction: float = Field(
        ge=-360,
        le=360,
        allow_inf_nan=False,
        description="Where the lens points, degrees counter-clockwise from +x (90: along +y).",
    )
    fov: float = Field(gt=0, le=360, allow_inf_nan=False, description="Horizontal field of view.")
    range: float = Field(gt=0, le=1000, allow_inf_nan=False, description="How far it sees, m.")
    tilt: float | None = Field(
        default=None,
        gt=0,
        lt=90,
        allow_inf_nan=False,
        description="Degrees below the horizon; unset: aimed at the floor half way along range.",
    )


class CameraConfig(BaseModel):
    """One camera: where frames come from, how often, which group detects, and its zones."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Camera name, unique, used in URLs."
    )
    source: str | int = Field(
        description="RTSP/HTTP URL, USB device index, video file or image folder."
    )
    kind: SourceKind = Field(default="auto", description="Source kind; auto guesses it.")
    detect_source: str | int | None = Field(
        default=None,
        description="Detect role: a low-resolution substream (or file) the detector reads; "
        "source is then the record/view (main) stream, decoded only while someone watches. "
        "Unset: source is decoded once and scaled down for detection.",
    )
    detect_width: int | None = Field(
        default=None,
        ge=0,
        description="Width the detect image is scaled to after decoding; unset: the vision "
        "settings' detect_width; 0: no scaling.",
    )
    view_width: int | None = Field(
        default=None,
        ge=64,
        description="Width of live-view and snapshot frames; unset: preview_max_width.",
    )
    size: tuple[int, int] | None = Field(
        default=None,
        description="Width and height of the main stream, the pixels zones are drawn in. "
        "Only needed with a detect_source; unset: read from the main stream once.",
    )
    fps: float | None = Field(
        default=5.0, gt=0, description="Frames per second to analyse; null: as fast as possible."
    )
    loop: bool = Field(default=False, description="Files and folders start again at the end.")
    group: str = Field(default="default", description="Detector worker group of the camera.")
    zones: list[ZoneSpec] = Field(default_factory=list, description="Zones of the camera image.")
    zones_file: str | None = Field(default=None, description="Or a zones file (YAML or JSON).")
    enabled: bool = Field(default=True, description="Disabled cameras are not started.")
    placement: CameraPlacement | None = Field(
        default=None, description="Position on the floor plan, for the twin's coverage map."
    )

    @field_validator("source", "detect_source")
    @classmethod
    def _source_not_blank(cls, value: str | int | None) -> str | int | None:
        if isinstance(value, str) and not value.strip():
            raise ValueError("source must not be empty")
        return value

    def source_kind(self) -> Literal["stream", "usb", "file", "folder"]:
        """The resolved kind of the source."""
        if self.kind != "auto":
            return self.kind
        return _kind_of(self.source)

    def detect_role(self) -> CameraConfig:
        """This camera as its detect-role source (itself when it has no detect_source)."""
        if self.detect_source is None:
            return self
        return self.model_copy(
            update={"source": self.detect_source, "kind": _kind_of(self.detect_source)}
        )

    def view_role(self) -> CameraConfig | None:
        """The main stream read for viewing when a detect_source is set, else None."""
        if self.detect_source is None:
            return None
        # Read as fast as it comes: the detect role paces the camera, the view follows it.
        return self.model_copy(update={"detect_source": None, "fps": None})

    def zone_list(self) -> list[Zone]:
        """The camera's zones (inline ones, or those of its zones file)."""
        if self.zones_file is not None:
            return load_zones(self.zones_file)
        return zones_from_specs(self.zones, source=f"camera {self.name}")


def _kind_of(source: str | int) -> Literal["stream", "usb", "file", "folder"]:
    if isinstance(source, int) or str(source).isdigit():
        return "usb"
    if str(source).lower().startswith(_STREAM_PREFIXES):
        return "stream"
    return "folder" if Path(source).is_dir() else "file"


class GroupConfig(BaseModel):
    """A detector worker group: one process, one detector, several cameras."""

    model_config = ConfigDict(extra="forbid")

    detector: DetectorConfig | None = Field(
        default=None, description="Detector of the group; default: from the vision settings."
    )
    shelf_detector: DetectorConfig | None = Field(
        default=None, description="Custom shelf model for zones using shelf_classifier=detector."
    )


class CamerasFile(BaseModel):
    """The whole cameras file."""

    model_config = ConfigDict(extra="forbid")

    cameras: list[CameraConfig] = Field(min_length=1, description="The cameras to run.")
    groups: dict[str, GroupConfig] = Field(
        default_factory=dict, description="Per-group detector overrides."
    )
    settings: dict[str, Any] = Field(
        default_factory=dict, description="Vision settings overriding environment values."
    )

    @model_validator(mode="after")
    def _unique_names(self) -> CamerasFile:
        names = [c.name for c in self.cameras]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate camera names {duplicates}")
        return self

    def vision_settings(self, base: VisionSettings) -> VisionSettings:
        """``base`` (the app's settings) with this file's overrides applied."""
        try:
            return VisionSettings(**{**base.model_dump(), **self.settings})
        except ValidationError as exc:
            raise VisionConfigError(f"cameras file settings: {exc}") from exc

    def groups_of(self) -> dict[str, list[CameraConfig]]:
        """Enabled cameras by group name."""
        out: dict[str, list[CameraConfig]] = {}
        for camera in self.cameras:
            if camera.enabled:
                out.setdefault(camera.group, []).append(camera)
        return out


def _absolute(value: str, base: Path) -> str:
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def _resolve_paths(camera: CameraConfig, base: Path) -> CameraConfig:
    update: dict[str, Any] = {}
    if camera.source_kind() in ("file", "folder") and isinstance(camera.source, str):
        update["source"] = _absolute(camera.source, base)
    detect = camera.detect_source
    if isinstance(detect, str) and _kind_of(detect) in ("file", "folder"):
        update["detect_source"] = _absolute(detect, base)
    if camera.zones_file is not None:
        update["zones_file"] = _absolute(camera.zones_file, base)
    zones = []
    for spec in camera.zones:
        refs = {
            k: _absolute(v, base)
            for k in ("reference", "occupied_reference")
            if (v := getattr(spec, k)) is not None
        }
        zones.append(spec.model_copy(update=refs))
    update["zones"] = zones
    return camera.model_copy(update=update)


def load_cameras(path: str | Path) -> CamerasFile:
    """Read and validate a cameras file; relative paths are taken from the file's folder."""
    file = Path(path)
    if not file.is_file():
        raise VisionConfigError(f"cameras file not found: {file}", code="cameras-not-found")
    try:
        text = file.read_text(encoding="utf-8")
        data = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
        parsed = CamerasFile.model_validate(data)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise VisionConfigError(f"{file}: {exc}") from exc
    base = file.parent.resolve()
    cameras = [_resolve_paths(c, base) for c in parsed.cameras]
    for camera in cameras:
        try:
            camera.zone_list()
        except VisionError as exc:
            raise ZoneConfigError(f"camera {camera.name}: {exc.message}", code=exc.code) from exc
    return parsed.model_copy(update={"cameras": cameras})
