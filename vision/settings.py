"""Settings of the vision package, read from ``FACET_VISION_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from vision.domain import ZoneKind

__all__ = ["DetectorConfig", "VisionSettings"]

DetectorType = Literal["yolo", "fake"]


class DetectorConfig(BaseModel):
    """Which detector a camera group runs and how."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: DetectorType = Field(default="yolo", description="yolo (ultralytics) or fake (tests).")
    weights: Path | None = Field(
        default=None,
        description="Ultralytics weights: .pt, .onnx or an OpenVINO model folder; none: look "
        "in models_dir, then download if download_weights.",
    )
    models_dir: Path = Field(
        default=Path("models"), description="Folder searched for weights when none is named."
    )
    download_weights: bool = Field(
        default=False, description="Download the pinned YOLO11n weights when none are found."
    )
    imgsz: int = Field(default=640, ge=32, description="Inference image size in pixels.")
    confidence: float = Field(default=0.35, ge=0, le=1, description="Minimum detection score.")
    iou: float = Field(default=0.5, ge=0, le=1, description="Non-maximum suppression IoU.")
    device: str = Field(default="cpu", description="Inference device (cpu, cuda:0, ...).")
    keep_labels: list[str] = Field(
        default_factory=list, description="Only keep these labels; empty keeps all."
    )
    openvino_throughput: bool = Field(
        default=True,
        description="OpenVINO models on the CPU run in OpenVINO's throughput mode with several "
        "asynchronous requests (the frames of a worker's cameras in flight at once), "
        "not through ultralytics' one synchronous request per frame.",
    )
    fake_color: tuple[int, int, int] = Field(
        default=(255, 0, 255), description="Fake detector: BGR marker colour that means a person."
    )
    fake_label: str = Field(default="person", description="Fake detector: label of markers.")


class VisionSettings(BaseSettings):
    """Detector, rules, storage and camera-handling policy of the vision pipeline."""

    model_config = SettingsConfigDict(
        env_prefix="FACET_VISION_", extra="forbid", populate_by_name=True
    )

    detector_type: DetectorType = Field(
        default="yolo", description="Detector behind the Detector protocol: yolo or fake."
    )
    weights: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("FACET_VISION_WEIGHTS", "FACET_YOLO_WEIGHTS"),
        description="Ultralytics weights (.pt, .onnx, OpenVINO folder); env FACET_YOLO_WEIGHTS "
        "or FACET_VISION_WEIGHTS. Unset: models_dir is searched (see vision.weights).",
    )
    models_dir: Path = Field(
        default=Path("models"),
        description="The project's models folder, searched for known weights when none is set.",
    )
    download_weights: bool = Field(
        default=False,
        description="With internet: download YOLO11n into models_dir when no weights are found, "
        "kept only if its SHA-256 matches the pinned one.",
    )
    imgsz: int = Field(default=640, ge=32, description="Inference image size in pixels.")
    confidence: float = Field(default=0.35, ge=0, le=1, description="Minimum detection score.")
    device: str = Field(default="cpu", description="Inference device for ultralytics.")
    openvino_throughput: bool = Field(
        default=True,
        description="Run OpenVINO models in throughput mode with asynchronous requests "
        "(false: through ultralytics, one synchronous request per frame).",
    )
    var_dir: Path = Field(
        default=Path("var") / "vision", description="Folder for snapshots and alert logs."
    )
    ultralytics_config_dir: Path = Field(
        default=Path("var") / "ultralytics",
        description="YOLO_CONFIG_DIR given to ultralytics, so it never writes to $HOME.",
    )
    snapshot_max_count: int = Field(default=2000, ge=1, description="Snapshots kept at most.")
    snapshot_max_age_hours: float = Field(
        default=24 * 30, gt=0, description="Snapshots older than this are deleted."
    )
    persistence_frames: int = Field(
        default=3, ge=1, description="Consecutive frames a finding must hold before it alerts."
    )
    cooldown_seconds: float = Field(
        default=60.0, ge=0, description="Quiet time after an alert for the same track and zone."
    )
    loiter_seconds: float = Field(
        default=120.0, gt=0, description="Dwell in one zone before a loitering alert."
    )
    loiter_zone_kinds: list[ZoneKind] = Field(
        default_factory=lambda: [ZoneKind.VAULT, ZoneKind.DOCK],
        description="Zone kinds watched for loitering (zones may also set loiter_seconds).",
    )
    object_left_seconds: float = Field(
        default=60.0, gt=0, description="How long an object may stand still in an aisle."
    )
    still_tolerance: float = Field(
        default=0.15,
        gt=0,
        description="Movement (fraction of box diagonal) still counted as still.",
    )
    left_object_labels: list[str] = Field(
        default_factory=lambda: ["backpack", "handbag", "suitcase", "chair", "bench"],
        description="Labels of objects that must not stand in aisles.",
    )
    person_label: str = Field(default="person", description="Detector label of a person.")
    track_forget_seconds: float = Field(
        default=5.0, gt=0, description="A track unseen this long is forgotten by the rules."
    )
    track_buffer_frames: int = Field(
        default=30, ge=1, description="ByteTrack: frames a lost track is kept for re-matching."
    )
    shelf_threshold: float = Field(
        default=0.02,
        gt=0,
        lt=1,
        description="Reference classifier: fraction of a region changed that means occupied.",
    )
    shelf_stable_frames: int = Field(
        default=3, ge=1, description="Agreeing readings before a shelf state is believed."
    )
    shelf_change_hold_seconds: float = Field(
        default=30.0, gt=0, description="How long an unscheduled shelf change stays alertable."
    )
    timezone: str = Field(default="UTC", description="IANA time zone of zone schedules.")
    reconnect_min_seconds: float = Field(
        default=1.0, gt=0, description="First wait before reconnecting a dropped camera."
    )
    reconnect_max_seconds: float = Field(
        default=30.0, gt=0, description="Longest wait between reconnection attempts."
    )
    jpeg_quality: int = Field(default=75, ge=10, le=100, description="JPEG quality of frames.")
    preview_max_width: int = Field(
        default=960, ge=64, description="Preview and snapshot JPEGs are scaled down to this."
    )
    mjpeg_fps: float = Field(default=5.0, gt=0, description="MJPEG stream frame rate.")
    detect_width: int = Field(
        default=640,
        ge=0,
        description="Frames are scaled down to this width right after decoding, before the "
        "detector sees them (Frigate's detect resolution); boxes are mapped back to the "
        "camera's own pixels. 0 keeps the decoded size. Cameras may set their own.",
    )
    detect_batch: bool = Field(
        default=True,
        description="Detect the due frames of a worker's cameras in one batched call.",
    )
    watch_seconds: float = Field(
        default=10.0,
        gt=0,
        description="A camera counts as watched this long after its last MJPEG frame or "
        "snapshot request; only watched cameras get view-sized frames (and JPEG encoding).",
    )
    start_method: Literal["spawn", "forkserver", "fork"] = Field(
        default="spawn", description="multiprocessing start method of detector workers."
    )

    def detector_config(self) -> DetectorConfig:
        """The default detector of camera groups built from these settings."""
        return DetectorConfig(
            type=self.detector_type,
            weights=self.weights,
            models_dir=self.models_dir,
            download_weights=self.download_weights,
            imgsz=self.imgsz,
            confidence=self.confidence,
            device=self.device,
            openvino_throughput=self.openvino_throughput,
        )

    def snapshot_dir(self) -> Path:
        """Where alert snapshots are kept."""
        return self.var_dir / "snapshots"
