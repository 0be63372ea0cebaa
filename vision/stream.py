"""MJPEG: multipart/x-mixed-replace chunks of JPEG frames for browser camera tiles."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator

__all__ = ["BOUNDARY", "MJPEG_MEDIA_TYPE", "mjpeg_chunk", "mjpeg_frames", "mjpeg_frames_async"]

BOUNDARY = "facetframe"
MJPEG_MEDIA_TYPE = f"multipart/x-mixed-replace; boundary={BOUNDARY}"

FrameGetter = Callable[[], bytes | None]


def mjpeg_chunk(jpeg: bytes) -> bytes:
    """One multipart part holding a JPEG frame."""
    head = (
        f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
    ).encode("ascii")
    return head + jpeg + b"\r\n"


def mjpeg_frames(
    get_frame: FrameGetter,
    *,
    fps: float = 5.0,
    max_frames: int | None = None,
    running: Callable[[], bool] = lambda: True,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[bytes]:
    """Yield multipart chunks of the latest frame at ``fps``, skipping repeats of one frame."""
    sent, last = 0, None
    period = 1.0 / fps
    while running() and (max_frames is None or sent < max_frames):
        jpeg = get_frame()
        if jpeg is not None and jpeg is not last:
            last = jpeg
            sent += 1
            yield mjpeg_chunk(jpeg)
        sleep(period)


async def mjpeg_frames_async(
    get_frame: FrameGetter,
    *,
    fps: float = 5.0,
    max_frames: int | None = None,
    running: Callable[[], bool] = lambda: True,
) -> AsyncIterator[bytes]:
    """The async form of :func:`mjpeg_frames`; frames are fetched off the event loop."""
    sent, last = 0, None
    period = 1.0 / fps
    while running() and (max_frames is None or sent < max_frames):
        jpeg = await asyncio.to_thread(get_frame)
        if jpeg is not None and jpeg is not last:
            last = jpeg
            sent += 1
            yield mjpeg_chunk(jpeg)
        await asyncio.sleep(period)
