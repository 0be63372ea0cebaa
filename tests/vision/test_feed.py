"""Detect and view roles: decode-time downscale, boxes mapped back, batching, JPEG on demand."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from tests.vision.conftest import needs_weights
from vision.config import CameraConfig, CamerasFile
from vision.detectors import FakeDetector, YoloDetector, detect_all
from vision.domain import Box, Detection
from vision.feed import CameraFeed, Capture, downscale, map_detections
from vision.images import decode_jpeg, read_image
from vision.messages import FrameReport, WorkerConfig
from vision.protocols import MemoryAlertSink
from vision.settings import DetectorConfig, VisionSettings
from vision.supervisor import VisionSupervisor
from vision.synthetic import ultralytics_asset
from vision.worker import GroupRunner

MAGENTA = (255, 0, 255)
# The marker stands at x 1500-1600, y 700-1000 of the 1920x1080 main stream.
MARKER = (1500, 700, 1600, 1000)
ZONE_1080 = {
    "name": "vault",
    "kind": "vault",
    "restricted": True,
    "polygon": [[1400, 600], [1920, 600], [1920, 1080], [1400, 1080]],
}


def write_video(path: Path, size: tuple[int, int], frames: int, *, marker: bool) -> Path:
    """A grey video of ``size``, with the magenta marker (scaled to ``size``) when asked."""
    width, height = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 8.0, size)
    sx, sy = width / 1920, height / 1080
    for _ in range(frames):
        image = np.full((height, width, 3), 90, dtype=np.uint8)
        if marker:
            x1, y1, x2, y2 = MARKER
            cv2.rectangle(
                image, (int(x1 * sx), int(y1 * sy)), (int(x2 * sx), int(y2 * sy)), MAGENTA, -1
            )
        writer.write(image)
    writer.release()
    return path


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def polled(feed: CameraFeed, into: list[Capture]) -> list[Capture]:
    """Poll once, keep what came, return all so far."""
    capture = feed.poll()
    if capture is not None:
        into.append(capture)
    return into


def test_downscale_keeps_aspect_and_never_enlarges() -> None:
    image = np.zeros((1080, 1920, 3), dtype=np.uint8)
    assert downscale(image, 640).shape == (360, 640, 3)
    assert downscale(image, 0) is image
    assert downscale(image, 4000) is image


def test_boxes_map_from_detect_resolution_back_to_camera_pixels() -> None:
    found = [Detection("person", 0.9, Box(500, 233.3, 533.3, 333.3), 0)]
    (mapped,) = map_detections(found, (3.0, 3.0))
    assert mapped.box.as_list() == [1500.0, 699.9, 1599.9, 999.9]
    assert (mapped.label, mapped.confidence, mapped.class_id) == ("person", 0.9, 0)


def test_single_stream_is_scaled_at_decode_and_boxes_land_in_camera_zones(
    tmp_path: Path, settings: VisionSettings
) -> None:
    video = write_video(tmp_path / "main.mp4", (1920, 1080), 4, marker=True)
    camera = CameraConfig.model_validate(
        {"name": "c", "source": str(video), "fps": None, "zones": [ZONE_1080]}
    )
    outbox: queue.Queue[Any] = queue.Queue()
    config = WorkerConfig(
        group="g",
        cameras=[camera],
        detector=DetectorConfig(type="fake"),
        settings=settings.model_dump(),
    )
    runner = GroupRunner(config, outbox)  # type: ignore[arg-type]
    assert runner.setup()
    feed = runner.cameras[0].feed
    captures: list[Capture] = []
    assert wait_for(lambda: bool(polled(feed, captures)), timeout=10)
    capture = captures[0]
    assert capture.detect.shape == (360, 640, 3)
    assert capture.size == (1920, 1080) and capture.scale == (3.0, 3.0)
    assert wait_for(lambda: runner.step() > 0)
    report = next(m for m in iter(outbox.get_nowait, None) if isinstance(m, FrameReport))
    (track,) = report.tracks or [None]  # type: ignore[list-item]
    x1, y1, x2, y2 = track.box
    assert abs(x1 - 1500) < 12 and abs(y1 - 700) < 12 and abs(x2 - 1600) < 12
    assert (report.width, report.height) == (1920, 1080)
    assert (report.image.width, report.image.height) == (640, 360)  # nobody watches
    zone = camera.zone_list()[0]
    assert zone.contains_box(track.to_tracked().box)
    runner.close()


def test_detect_substream_learns_main_size_then_leaves_main_closed(tmp_path: Path) -> None:
    main = write_video(tmp_path / "main.mp4", (1920, 1080), 20, marker=True)
    sub = write_video(tmp_path / "sub.mp4", (640, 360), 20, marker=True)
    feed = CameraFeed(
        CameraConfig(name="c", source=str(main), detect_source=str(sub), fps=None),
        detect_width=640,
        view_width=960,
    )
    assert feed.view is not None
    captures: list[Capture] = []
    assert wait_for(lambda: len(polled(feed, captures)) >= 3, timeout=10)
    assert all(c.size == (1920, 1080) for c in captures)
    assert captures[0].detect.shape == (360, 640, 3)
    assert feed.view._source is None  # size known, nobody watching: main stream closed
    feed.watched = True
    assert wait_for(lambda: any(c.main is not None for c in polled(feed, captures)), timeout=10)
    watched = next(c for c in captures if c.main is not None)
    assert watched.main is not None and watched.main.shape == (1080, 1920, 3)
    feed.stop()


def test_batch_detection_equals_one_by_one_with_fake_detector(tmp_path: Path) -> None:
    images = [np.full((120, 160, 3), 40, dtype=np.uint8) for _ in range(3)]
    cv2.rectangle(images[0], (10, 10), (40, 60), MAGENTA, -1)
    cv2.rectangle(images[2], (90, 20), (140, 100), MAGENTA, -1)
    detector = FakeDetector()
    assert detect_all(detector, images) == [detector.detect(i) for i in images]
    assert [len(d) for d in detector.detect_batch(images)] == [1, 0, 1]


class OldDetector:
    """A detector written before batching: detect only."""

    def detect(self, image: np.ndarray) -> list[Detection]:
        return [Detection("person", 0.5, Box(0, 0, 1, 1))]


def test_detect_all_loops_for_detectors_without_a_batch() -> None:
    assert len(detect_all(OldDetector(), [np.zeros((4, 4, 3), np.uint8)] * 2)) == 2  # type: ignore[arg-type]


@needs_weights
def test_yolo_batch_equals_one_by_one_on_real_images(yolo_detector: YoloDetector) -> None:
    images = [read_image(ultralytics_asset("bus.jpg")), read_image(ultralytics_asset("zidane.jpg"))]
    batched = yolo_detector.detect_batch(images)
    single = [yolo_detector.detect(image) for image in images]
    assert [len(b) for b in batched] == [len(s) for s in single] and len(batched[0]) >= 4
    for got, want in zip(batched, single, strict=True):
        for a, b in zip(got, want, strict=True):
            assert a.label == b.label and a.box.iou(b.box) > 0.99


def _supervisor(
    tmp_path: Path, settings: VisionSettings, video: Path
) -> tuple[VisionSupervisor, MemoryAlertSink]:
    cameras = CamerasFile.model_validate(
        {
            "cameras": [
                {"name": "c", "source": str(video), "fps": 20, "loop": True, "zones": [ZONE_1080]}
            ]
        }
    )
    sink = MemoryAlertSink()
    fast = settings.model_copy(update={"watch_seconds": 30.0, "preview_max_width": 960})
    return VisionSupervisor(fast, cameras, sink=sink), sink


def test_no_jpeg_while_nobody_watches_then_one_per_frame_watched(
    tmp_path: Path, settings: VisionSettings
) -> None:
    video = write_video(tmp_path / "empty.mp4", (1920, 1080), 8, marker=False)
    supervisor, _ = _supervisor(tmp_path, settings, video)
    with supervisor:
        assert wait_for(lambda: supervisor.stats.frames >= 10)
        assert supervisor.stats.jpeg_encoded == 0
        assert (supervisor.latest("c") or pytest.fail()).image.width == 640  # detect-sized
        frames_seen = set()
        for _ in range(40):  # asked far more often than frames come: one encode per frame
            frames_seen.add((supervisor.latest("c") or pytest.fail()).seq)
            assert supervisor.annotated_jpeg("c") is not None
        frames_seen.add((supervisor.latest("c") or pytest.fail()).seq)
        # (+1: a frame can come between reading its number and the encode)
        assert 1 <= supervisor.stats.jpeg_encoded <= len(frames_seen) + 1
        assert "c" in supervisor.watched()
        assert wait_for(lambda: (supervisor.latest("c") or pytest.fail()).image.width == 960)
        assert decode_jpeg(supervisor.annotated_jpeg("c") or b"").shape == (540, 960, 3)


def test_alert_of_an_unwatched_camera_still_carries_its_snapshot(
    tmp_path: Path, settings: VisionSettings
) -> None:
    video = write_video(tmp_path / "marker.mp4", (1920, 1080), 8, marker=True)
    supervisor, sink = _supervisor(tmp_path, settings, video)
    with supervisor:
        assert wait_for(lambda: bool(sink.alerts))
        assert wait_for(lambda: supervisor.stats.frames >= 10)
        encoded = supervisor.stats.jpeg_encoded
    (alert,) = sink.alerts  # one marker, one track, cooldown: one alert
    assert (alert.zone, alert.rule) == ("vault", "unauthorised-presence")
    assert decode_jpeg(alert.snapshot_jpeg).shape == (360, 640, 3)  # the detect image
    assert encoded == 1  # only the alerting frame was encoded
    assert supervisor.watched() == set()
