"""Camera sources: files, folders with corrupt images, broken streams, reconnect backoff."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.config import CameraConfig
from vision.errors import CameraOfflineError
from vision.sources import CameraState, ManagedCamera


class FlakySource:
    """Fails to open a number of times, then delivers frames."""

    def __init__(self, failures: list[int]) -> None:
        self.failures = failures

    def open(self) -> None:
        if self.failures[0] > 0:
            self.failures[0] -= 1
            raise CameraOfflineError("no route to camera")

    def read(self) -> np.ndarray | None:
        return np.zeros((4, 4, 3), dtype=np.uint8)

    def close(self) -> None:
        pass


def test_reconnect_with_exponential_backoff() -> None:
    now = [0.0]
    failures = [3]
    camera = ManagedCamera(
        CameraConfig(name="c", source="rtsp://x", fps=10),
        backoff_min=1,
        backoff_max=3,
        factory=lambda cfg: FlakySource(failures),
        clock=lambda: now[0],
    )
    assert camera.poll() is None and camera.status.state is CameraState.OFFLINE
    assert camera.status.code == "camera-offline" and camera.status.retry_in == 1
    now[0] = 0.5
    assert camera.poll() is None and failures == [2]  # still waiting
    now[0] = 1.0
    assert camera.poll() is None and camera.status.retry_in == 2
    now[0] = 3.0
    assert camera.poll() is None and camera.status.retry_in == 3  # capped at max
    now[0] = 6.0
    frame = camera.poll()
    assert frame is not None and camera.status.state is CameraState.ONLINE
    assert camera.poll() is None  # next frame only after 1/fps
    now[0] = 6.1
    assert camera.poll() is not None and camera.status.frames == 2


def test_broken_stream_goes_offline() -> None:
    camera = ManagedCamera(CameraConfig(name="c", source="rtsp://127.0.0.1:9/none"))
    assert camera.config.source_kind() == "stream"
    assert camera.poll() is None
    assert camera.status.state is CameraState.OFFLINE
    assert camera.status.code == "camera-offline" and "127.0.0.1" in camera.status.message


def test_folder_with_corrupt_image_keeps_going(tmp_path: Path) -> None:
    for name in ("a.png", "c.png"):
        cv2.imwrite(str(tmp_path / name), np.full((8, 8, 3), 100, dtype=np.uint8))
    (tmp_path / "b.png").write_bytes(b"\x89PNG broken")
    camera = ManagedCamera(CameraConfig(name="f", source=str(tmp_path), fps=None))
    assert camera.config.source_kind() == "folder"
    got = [camera.poll() for _ in range(4)]
    assert [f is not None for f in got] == [True, False, True, False]
    assert camera.status.errors == 1
    assert camera.status.state is CameraState.ENDED


def test_video_file_sampled_at_camera_rate(walk_video: Path) -> None:
    camera = ManagedCamera(CameraConfig(name="v", source=str(walk_video), fps=4))  # file: 8 fps
    camera._due = 0.0
    frames = []
    while camera.status.state is not CameraState.ENDED:
        camera._due = 0.0  # do not wait in real time
        frame = camera.poll()
        if frame is not None:
            frames.append(frame)
    assert len(frames) == 12 and frames[0].size == (640, 480)


@pytest.mark.parametrize("source", ["0", 0])
def test_usb_index_is_usb(source: str | int) -> None:
    assert CameraConfig(name="u", source=source).source_kind() == "usb"
