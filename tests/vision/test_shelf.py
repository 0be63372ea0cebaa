"""Shelf-state classification on generated trays, with and without pieces, under new lighting."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.domain import ShelfState
from vision.errors import ZoneConfigError
from vision.shelf import ReferenceShelfClassifier, change_score
from vision.synthetic import make_tray, relight
from vision.zones import parse_zones

LIGHTING = [
    pytest.param({}, id="same"),
    pytest.param({"gain": 0.5, "offset": -10}, id="dim"),
    pytest.param({"gain": 1.3, "offset": 15}, id="bright"),
    pytest.param({"gradient": 0.4}, id="side-light"),
    pytest.param({"gain": 0.7, "offset": 25, "gradient": 0.25}, id="mixed"),
]


def frame_with(tray: np.ndarray) -> np.ndarray:
    """A 640x480 camera frame with the tray at (200, 150)."""
    frame = np.full((480, 640, 3), 90, dtype=np.uint8)
    frame[150:310, 200:440] = tray
    return frame


ZONE = parse_zones(
    [
        {
            "name": "tray-7",
            "kind": "shelf",
            "reference": "empty.png",
            "polygon": [[200, 150], [440, 150], [440, 310], [200, 310]],
        }
    ]
)[0]


@pytest.fixture
def classifier() -> ReferenceShelfClassifier:
    return ReferenceShelfClassifier(ZONE, relight(frame_with(make_tray(False)), seed=99))


@pytest.mark.parametrize("light", LIGHTING)
def test_empty_tray_reads_empty_under_any_light(classifier, light) -> None:  # type: ignore[no-untyped-def]
    reading = classifier.classify(relight(frame_with(make_tray(False)), seed=1, **light))
    assert reading.state is ShelfState.EMPTY, reading


@pytest.mark.parametrize("light", LIGHTING)
def test_tray_with_pieces_reads_occupied_under_any_light(classifier, light) -> None:  # type: ignore[no-untyped-def]
    reading = classifier.classify(relight(frame_with(make_tray(True)), seed=2, **light))
    assert reading.state is ShelfState.OCCUPIED, reading


def test_raw_intensity_would_have_failed() -> None:
    empty, dim = make_tray(False), relight(make_tray(False), gain=0.5, offset=-10, seed=3)
    raw = float(np.mean(np.abs(empty.astype(float) - dim.astype(float))))
    assert raw > 40  # raw difference is huge...
    assert change_score(empty, dim) < 0.01  # ...the structural one is not


def test_one_piece_is_enough() -> None:
    one = make_tray(False)
    cv2.circle(one, (40, 40), 14, (40, 200, 230), 3)
    assert change_score(make_tray(False), relight(one, gain=0.8, seed=4)) > 0.02


def test_occluded_region_is_unknown(classifier) -> None:  # type: ignore[no-untyped-def]
    reading = classifier.classify(frame_with(make_tray(True)), occluded=True)
    assert reading.state is ShelfState.UNKNOWN and reading.occluded


def test_reference_may_be_a_crop_and_loaded_from_disk(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "empty.png"), make_tray(False))
    zone = parse_zones(
        [
            {
                "name": "t",
                "kind": "shelf",
                "reference": "empty.png",
                "polygon": [[200, 150], [440, 150], [440, 310], [200, 310]],
            }
        ],
        base_dir=tmp_path,
    )[0]
    loaded = ReferenceShelfClassifier.from_zone(zone)
    assert loaded.classify(frame_with(make_tray(True))).state is ShelfState.OCCUPIED
    assert loaded.classify(frame_with(make_tray(False))).state is ShelfState.EMPTY
    (tmp_path / "empty.png").write_bytes(b"not a png")
    with pytest.raises(ZoneConfigError, match="cannot decode"):
        ReferenceShelfClassifier.from_zone(zone)


def test_occupied_reference_decides_close_calls() -> None:
    empty, full = frame_with(make_tray(False)), frame_with(make_tray(True))
    both = ReferenceShelfClassifier(ZONE, empty, occupied_reference=full)
    assert both.classify(relight(full, gain=0.6, seed=5)).state is ShelfState.OCCUPIED
    assert both.classify(relight(empty, gain=0.6, seed=6)).state is ShelfState.EMPTY
