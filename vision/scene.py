"""Per-camera memory between frames: track dwell and stillness, debounced shelf states."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from vision.domain import ShelfState, TrackedObject
from vision.rules import SceneView, ShelfView, TrackView
from vision.shelf import ShelfReading
from vision.zones import Zone

__all__ = ["SceneMemory"]


@dataclass
class _TrackMemory:
    first_seen: datetime
    last_seen: datetime
    anchor: tuple[float, float]
    still_since: datetime
    entered: dict[str, datetime] = field(default_factory=dict)


@dataclass
class _ShelfMemory:
    stable: ShelfState | None = None
    previous: ShelfState | None = None
    changed_at: datetime | None = None
    candidate: ShelfState | None = None
    count: int = 0
    score: float = 0.0
    pieces: int | None = None  # the believed count of trays/pieces, when the zone counts
    pieces_candidate: int | None = None
    pieces_streak: int = 0


@dataclass
class SceneMemory:
    """Remembers one camera's tracks and shelf readings and turns frames into scene views."""

    camera: str
    zones: Sequence[Zone]
    still_tolerance: float = 0.15
    forget_seconds: float = 5.0
    shelf_stable_frames: int = 3
    _tracks: dict[int, _TrackMemory] = field(default_factory=dict)
    _shelves: dict[str, _ShelfMemory] = field(default_factory=dict)

    def update(
        self,
        now: datetime,
        tracks: Sequence[TrackedObject],
        readings: Sequence[ShelfReading] = (),
    ) -> SceneView:
        """Fold one frame into memory and return what the rules should see now."""
        views = tuple(self._track(now, obj) for obj in tracks)
        self._forget(now)
        for reading in readings:
            self._shelf(now, reading)
        shelves = tuple(
            ShelfView(name, m.stable, m.previous, m.changed_at, m.score, m.pieces)
            for name, m in self._shelves.items()
            if m.stable is not None
        )
        return SceneView(self.camera, now, views, shelves)

    def _track(self, now: datetime, obj: TrackedObject) -> TrackView:
        centre = obj.box.center
        memory = self._tracks.get(obj.track_id)
        if memory is None:
            memory = _TrackMemory(now, now, centre, now)
            self._tracks[obj.track_id] = memory
        memory.last_seen = now
        moved = math.dist(centre, memory.anchor)
        if moved > self.still_tolerance * max(obj.box.diagonal, 1.0):
            memory.anchor, memory.still_since = centre, now
        inside = tuple(z.name for z in self.zones if z.contains_box(obj.box))
        # Leaving a zone restarts its dwell clock.
        memory.entered = {name: memory.entered.get(name, now) for name in inside}
        return TrackView(obj, inside, memory.first_seen, dict(memory.entered), memory.still_since)

    def _forget(self, now: datetime) -> None:
        stale = [
            track_id
            for track_id, memory in self._tracks.items()
            if (now - memory.last_seen).total_seconds() > self.forget_seconds
        ]
        for track_id in stale:
            del self._tracks[track_id]

    def _shelf(self, now: datetime, reading: ShelfReading) -> None:
        if reading.occluded or reading.state is ShelfState.UNKNOWN:
            return  # a hand or a body in the way says nothing about the shelf
        memory = self._shelves.setdefault(reading.zone, _ShelfMemory())
        memory.score = reading.score
        if reading.count is not None:
            self._count(memory, reading.count)
        if reading.state is memory.stable:
            memory.candidate, memory.count = None, 0
            return
        if reading.state is memory.candidate:
            memory.count += 1
        else:
            memory.candidate, memory.count = reading.state, 1
        if memory.count >= self.shelf_stable_frames:
            if memory.stable is not None:
                memory.previous, memory.changed_at = memory.stable, now
            memory.stable, memory.candidate, memory.count = reading.state, None, 0

    def _count(self, memory: _ShelfMemory, seen: int) -> None:
        # A count is believed, like a state, once it agreed over shelf_stable_frames readings:
        # a hand reaching in or a missed detection in one frame is not a missing piece.
        if seen == memory.pieces:
            memory.pieces_candidate, memory.pieces_streak = None, 0
            return
        if seen == memory.pieces_candidate:
            memory.pieces_streak += 1
        else:
            memory.pieces_candidate, memory.pieces_streak = seen, 1
        if memory.pieces_streak >= self.shelf_stable_frames:
            memory.pieces, memory.pieces_candidate, memory.pieces_streak = seen, None, 0

    def reset(self) -> None:
        """Forget all tracks (after a reconnect track ids start again)."""
        self._tracks.clear()
