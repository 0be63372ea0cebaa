"""Facet vision: camera -> detector -> tracker -> zones -> rules -> alerts (Frigate style).

Importing this package loads no model and does not import ultralytics; detectors and trackers
import it lazily after keeping it offline (see :func:`vision.detectors.prepare_ultralytics`).
"""

from vision.alerts import AlertGate, AlertPipeline, StoredAlert
from vision.check import check_image
from vision.config import CameraConfig, CamerasFile, GroupConfig, load_cameras
from vision.detectors import Detector, FakeDetector, YoloDetector, make_detector
from vision.domain import Box, Detection, Frame, Severity, ShelfState, TrackedObject, ZoneKind
from vision.errors import (
    CameraOfflineError,
    DetectorError,
    ImageDecodeError,
    SourceEndedError,
    TrainingError,
    VisionConfigError,
    VisionError,
    WeightsNotFoundError,
    ZoneConfigError,
)
from vision.messages import CameraStatusReport, FrameReport
from vision.protocols import (
    ActivitySchedule,
    AlertRecord,
    AlertSink,
    Authorisation,
    JsonlAlertSink,
    LedgerShelfState,
    MemoryAlertSink,
    Providers,
    SignedOn,
    StaticAuthorisation,
    StaticLedger,
    StaticSchedule,
)
from vision.rules import RULES, Finding, RuleConfig, evaluate_rules
from vision.settings import DetectorConfig, VisionSettings
from vision.shelf import ReferenceShelfClassifier, ShelfReading
from vision.snapshots import SnapshotStore
from vision.sources import CameraState
from vision.stream import MJPEG_MEDIA_TYPE, mjpeg_frames
from vision.supervisor import VisionSupervisor
from vision.zones import Zone, load_zones, parse_zones

__all__ = [
    "MJPEG_MEDIA_TYPE",
    "RULES",
    "ActivitySchedule",
    "AlertGate",
    "AlertPipeline",
    "AlertRecord",
    "AlertSink",
    "Authorisation",
    "Box",
    "CameraConfig",
    "CameraOfflineError",
    "CameraState",
    "CameraStatusReport",
    "CamerasFile",
    "Detection",
    "Detector",
    "DetectorConfig",
    "DetectorError",
    "FakeDetector",
    "Finding",
    "Frame",
    "FrameReport",
    "GroupConfig",
    "ImageDecodeError",
    "JsonlAlertSink",
    "LedgerShelfState",
    "MemoryAlertSink",
    "Providers",
    "ReferenceShelfClassifier",
    "RuleConfig",
    "Severity",
    "ShelfReading",
    "ShelfState",
    "SignedOn",
    "SnapshotStore",
    "SourceEndedError",
    "StaticAuthorisation",
    "StaticLedger",
    "StaticSchedule",
    "StoredAlert",
    "TrackedObject",
    "TrainingError",
    "VisionConfigError",
    "VisionError",
    "VisionSettings",
    "VisionSupervisor",
    "WeightsNotFoundError",
    "YoloDetector",
    "Zone",
    "ZoneConfigError",
    "ZoneKind",
    "check_image",
    "evaluate_rules",
    "load_cameras",
    "load_zones",
    "make_detector",
    "mjpeg_frames",
    "parse_zones",
]
