"""Tracking with ultralytics' ByteTrack, fed with our own detections, so one person is one track."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from vision.detectors import prepare_ultralytics, require_ultralytics
from vision.domain import Detection, TrackedObject

__all__ = ["ObjectTracker"]


class ObjectTracker:
    """ByteTrack over one camera's detections; returns tracked objects with stable ids."""

    def __init__(
        self,
        *,
        config_dir: Path,
        track_buffer: int = 30,
        high_thresh: float = 0.25,
        low_thresh: float = 0.1,
        new_track_thresh: float = 0.25,
        match_thresh: float = 0.8,
    ) -> None:
        """A fresh tracker; ultralytics is imported here, after it has been kept offline."""
        require_ultralytics()
        prepare_ultralytics(config_dir)
        from ultralytics.engine.results import Boxes
        from ultralytics.trackers.byte_tracker import BYTETracker
        from ultralytics.utils import IterableSimpleNamespace

        args = IterableSimpleNamespace(
            tracker_type="bytetrack",
            track_high_thresh=high_thresh,
            track_low_thresh=low_thresh,
            new_track_thresh=new_track_thresh,
            track_buffer=track_buffer,
            match_thresh=match_thresh,
            fuse_score=True,
        )
        self._tracker: Any = BYTETracker(args)
        self._boxes_type: Any = Boxes

    def update(
        self, detections: Sequence[Detection], image_size: tuple[int, int]
    ) -> list[TrackedObject]:
        """Feed one frame's detections; returns the objects tracked in this frame."""
        width, height = image_size
        rows = [
            [d.box.x1, d.box.y1, d.box.x2, d.box.y2, d.confidence, float(d.class_id)]
            for d in detections
        ]
        data = np.asarray(rows, dtype=np.float32).reshape(-1, 6)
        boxes = self._boxes_type(data, (height, width)).cpu().numpy()
        out = self._tracker.update(boxes)
        tracked = []
        for row in np.asarray(out).reshape(-1, 8).tolist():
            track_id, score, idx = row[4], row[5], row[7]
            source = detections[int(idx)]
            tracked.append(
                TrackedObject(
                    track_id=int(track_id),
                    label=source.label,
                    confidence=float(score),
                    box=source.box,  # the observed box, not the Kalman prediction
                    class_id=source.class_id,
                )
            )
        return tracked

    def reset(self) -> None:
        """Forget every track (e.g. after a camera reconnects)."""
        self._tracker.reset()
