"""A generated video through the whole pipeline: in-process, and in worker processes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.vision.conftest import VAULT_ZONE, needs_weights
from vision.alerts import AlertPipeline
from vision.config import CamerasFile
from vision.detectors import YoloDetector
from vision.domain import Frame
from vision.images import decode_jpeg, encode_jpeg
from vision.pipeline import CameraPipeline
from vision.protocols import MemoryAlertSink, Providers, SignedOn, StaticAuthorisation
from vision.settings import VisionSettings
from vision.sources import CameraState
from vision.supervisor import VisionSupervisor
from vision.zones import parse_zones
from web.api.vision import router
from web.services import camera_supervisor

T0 = datetime(2024, 5, 3, 12, tzinfo=UTC)


def video_frames(path: Path) -> Iterator[Frame]:
    capture = cv2.VideoCapture(str(path))
    seq = 0
    while True:
        ok, image = capture.read()
        if not ok:
            return
        yield Frame("cam", image, T0 + timedelta(seconds=seq / 8), seq)
        seq += 1


def run_video(
    path: Path, detector: YoloDetector, settings: VisionSettings, providers: Providers
) -> MemoryAlertSink:
    zones = parse_zones([VAULT_ZONE])
    camera = CameraPipeline("cam", zones, detector, config_dir=settings.ultralytics_config_dir)
    sink = MemoryAlertSink()
    alerts = AlertPipeline(settings, {"cam": zones}, sink=sink, providers=providers)
    for frame in video_frames(path):
        result = camera.analyse(frame)
        jpeg = encode_jpeg(frame.image)
        alerts.process(
            "cam", frame.captured_at, result.tracks, result.shelves, lambda _f, j=jpeg: j
        )
    return sink


@needs_weights
def test_person_entering_restricted_zone_raises_one_alert(
    walk_video: Path, yolo_detector: YoloDetector, settings: VisionSettings
) -> None:
    sink = run_video(walk_video, yolo_detector, settings, Providers())
    (alert,) = sink.alerts  # one person, one track, one alert - not one per frame
    assert (alert.camera, alert.zone, alert.rule, alert.severity) == (
        "cam",
        "vault",
        "unauthorised-presence",
        "critical",
    )
    assert alert.track_id is not None
    assert decode_jpeg(alert.snapshot_jpeg).shape == (480, 640, 3)


@needs_weights
def test_no_alert_when_authorised_picker_signed_on(
    walk_video: Path, yolo_detector: YoloDetector, settings: VisionSettings
) -> None:
    picker = StaticAuthorisation({"vault": [SignedOn("mia", frozenset({"picker"}))]})
    assert run_video(walk_video, yolo_detector, settings, Providers(picker)).alerts == []


def write_folder(folder: Path) -> Path:
    folder.mkdir()
    cv2.imwrite(str(folder / "1.png"), np.full((120, 160, 3), 80, dtype=np.uint8))
    (folder / "2.png").write_bytes(b"\x89PNG this is not an image")
    cv2.imwrite(str(folder / "3.png"), np.full((120, 160, 3), 90, dtype=np.uint8))
    return folder


def wait_for(predicate, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@needs_weights
def test_supervisor_workers_alert_and_survive_broken_cameras(
    tmp_path: Path, walk_video: Path, yolo_settings: VisionSettings
) -> None:
    cage = {**VAULT_ZONE, "name": "cage", "kind": "packing"}
    cameras = CamerasFile.model_validate(
        {
            "cameras": [
                {
                    "name": "vault-cam",
                    "source": str(walk_video),
                    "fps": None,
                    "zones": [VAULT_ZONE],
                },
                {"name": "cage-cam", "source": str(walk_video), "fps": None, "zones": [cage]},
                {"name": "broken", "source": "rtsp://127.0.0.1:9/none"},
                {"name": "folder", "source": str(write_folder(tmp_path / "imgs")), "fps": None},
                {"name": "misconfigured", "source": str(walk_video), "group": "bad"},
            ],
            "groups": {"bad": {"detector": {"type": "yolo", "weights": "/nowhere/yolo11n.pt"}}},
        }
    )
    sink = MemoryAlertSink()
    picker = StaticAuthorisation({"cage": [SignedOn("mia", frozenset({"picker"}))]})
    supervisor = VisionSupervisor(yolo_settings, cameras, sink=sink, providers=Providers(picker))
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[camera_supervisor] = lambda: supervisor
    with supervisor:
        state = lambda name: supervisor.status(name).state  # noqa: E731
        assert wait_for(
            lambda: (
                state("vault-cam") is CameraState.ENDED
                and state("cage-cam") is CameraState.ENDED
                and sink.alerts
            ),
            timeout=120.0,  # two YOLO cameras on a loaded 2-core CI machine
        )
        assert wait_for(lambda: state("misconfigured") is CameraState.ERROR)
        with TestClient(app) as client:
            listing = {c["camera"]: c for c in client.get("/api/vision/cameras").json()["cameras"]}
        chunk = next(supervisor.mjpeg("broken", max_frames=1))
    assert [(a.camera, a.zone, a.rule) for a in sink.alerts] == [
        ("vault-cam", "vault", "unauthorised-presence")
    ]
    assert Path(sink.alerts[0].snapshot_path or "").is_file()
    assert listing["broken"]["state"] == "offline" and listing["broken"]["code"] == "camera-offline"
    assert listing["misconfigured"]["code"] == "weights-not-found"
    assert listing["folder"]["errors"] == 1 and listing["folder"]["frames"] == 2
    assert listing["vault-cam"]["frames"] == 24
    assert supervisor.worker_failures()["bad"].code == "weights-not-found"
    assert chunk.startswith(b"--facetframe\r\nContent-Type: image/jpeg")
    assert supervisor.stats.alerts == 1 and supervisor.stats.alert_latency_ms[0] > 0
    assert not supervisor.running


def test_fake_detector_supervisor_start_stop(tmp_path: Path, settings: VisionSettings) -> None:
    frames = tmp_path / "frames"
    frames.mkdir()
    for i in range(12):
        image = np.full((240, 320, 3), 120, dtype=np.uint8)
        image[100:200, 20 + 15 * i : 60 + 15 * i] = (255, 0, 255)
        cv2.imwrite(str(frames / f"{i:02d}.png"), image)
    cameras = CamerasFile.model_validate(
        {
            "cameras": [
                {
                    "name": "door",
                    "source": str(frames),
                    "fps": None,
                    "zones": [
                        {
                            "name": "cage",
                            "kind": "vault",
                            "restricted": True,
                            "polygon": [[150, 0], [320, 0], [320, 240], [150, 240]],
                        }
                    ],
                }
            ]
        }
    )
    sink = MemoryAlertSink()
    supervisor = VisionSupervisor(settings, cameras, sink=sink)
    supervisor.start()
    try:
        assert wait_for(lambda: supervisor.status("door").state is CameraState.ENDED)
        assert supervisor.latest("door") is not None
    finally:
        supervisor.stop()
    assert supervisor.status("door").state is CameraState.STOPPED
    assert [a.zone for a in sink.alerts] == ["cage"]
