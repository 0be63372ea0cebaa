"""Shelf counts: trays/pieces seen per bin region against the ledger's count of the bin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from vision.alerts import AlertPipeline
from vision.config import load_cameras
from vision.detectors import FakeDetector
from vision.domain import Box, Detection, Frame, Severity, ShelfState, TrackedObject
from vision.errors import ZoneConfigError
from vision.messages import ShelfReadingMessage
from vision.pipeline import CameraPipeline, build_shelf_classifiers
from vision.protocols import MemoryAlertSink, Providers, StaticLedger, StaticSchedule
from vision.rules import RULE_SHELF_COUNT, RULE_SHELF_MISMATCH
from vision.settings import VisionSettings
from vision.shelf import DetectionShelfClassifier, ShelfReading
from vision.zones import Zone, parse_zones

T0 = datetime(2026, 12, 4, 10, tzinfo=UTC)
BIN = "V11-01-2L"
BIN_SPEC: dict[str, Any] = {
    "name": BIN,
    "kind": "shelf",
    "polygon": [[100, 100], [300, 100], [300, 200], [100, 200]],
    "shelf_classifier": "detector",
    "occupied_labels": ["piece"],
    "count": True,
}


def _zone(**changes: Any) -> Zone:
    return parse_zones([{**BIN_SPEC, **changes}])[0]


def _pieces(n: int, *, x0: float = 110, label: str = "piece") -> list[Detection]:
    return [
        Detection(label, 0.8, Box(x0 + 15 * i, 140, x0 + 15 * i + 10, 150)) for i in range(n)
    ]


def _run(
    settings: VisionSettings,
    counts: Sequence[int | None],
    ledger: int,
    zone: Zone | None = None,
    *,
    picking: bool = False,
) -> MemoryAlertSink:
    """Feed one reading a frame (None: occluded) and return what the alert pipeline stored."""
    zone = zone or _zone()
    sink = MemoryAlertSink()
    providers = Providers(
        ledger=StaticLedger(counts={BIN: ledger}),
        schedule=StaticSchedule.of([BIN] if picking else []),
    )
    alerts = AlertPipeline(settings, {"shelf": [zone]}, sink=sink, providers=providers)
    for i, seen in enumerate(counts):
        if seen is None:
            reading = ShelfReading(BIN, ShelfState.UNKNOWN, 0.0, occluded=True)
        else:
            state = ShelfState.OCCUPIED if seen else ShelfState.EMPTY
            reading = ShelfReading(BIN, state, 0.8, count=seen)
        now = T0 + timedelta(seconds=i)
        alerts.process("shelf", now, [], [reading], lambda _f: b"jpeg")
    return sink


def test_the_classifier_counts_the_pieces_whose_centre_is_in_the_region() -> None:
    found = [
        *_pieces(3),
        Detection("piece", 0.9, Box(400, 140, 410, 150)),  # another bin
        Detection("person", 0.9, Box(120, 100, 200, 200)),  # not a counted label
    ]
    reading = DetectionShelfClassifier(_zone()).classify(found)
    assert (reading.state, reading.count) == (ShelfState.OCCUPIED, 3)
    uncounted = DetectionShelfClassifier(_zone(count=False)).classify(found)
    assert uncounted.count is None
    trays_only = DetectionShelfClassifier(_zone(count_labels=["tray"])).classify(
        [*_pieces(2), *_pieces(1, x0=200, label="tray")]
    )
    assert (trays_only.state, trays_only.count) == (ShelfState.OCCUPIED, 1)
    empty = DetectionShelfClassifier(_zone()).classify([])
    assert (empty.state, empty.count) == (ShelfState.EMPTY, 0)


def test_a_bin_counted_equal_to_the_ledger_raises_nothing(settings: VisionSettings) -> None:
    assert _run(settings, [4] * 10, ledger=4).alerts == []


def test_a_bin_one_short_raises_an_alert_naming_it_with_seen_and_expected(
    settings: VisionSettings,
) -> None:
    alerts = _run(settings, [3] * 10, ledger=4).alerts
    assert len(alerts) == 1  # then the cooldown holds it back
    alert = alerts[0]
    assert (alert.zone, alert.rule, alert.severity) == (BIN, RULE_SHELF_COUNT, Severity.HIGH)
    assert alert.message == f"bin {BIN!r}: camera counts 3, ledger expects 4 (1 short)"


def test_a_bin_holding_more_than_the_ledger_is_a_warning(settings: VisionSettings) -> None:
    alert = _run(settings, [6] * 10, ledger=4).alerts[0]
    assert alert.severity is Severity.WARNING
    assert "camera counts 6, ledger expects 4 (2 over)" in alert.message


def test_a_difference_within_the_zone_tolerance_is_accepted(settings: VisionSettings) -> None:
    zone = _zone(count_tolerance=1)
    assert _run(settings, [3] * 10, ledger=4, zone=zone).alerts == []
    assert len(_run(settings, [2] * 10, ledger=4, zone=zone).alerts) == 1


def test_a_bin_with_an_open_pick_or_putaway_is_not_judged(settings: VisionSettings) -> None:
    # The picker took the piece; the ledger drops it when the line is confirmed.
    assert _run(settings, [3] * 10, ledger=4, picking=True).alerts == []


def test_a_count_must_persist_before_it_alerts(settings: VisionSettings) -> None:
    # A hand or a missed box for a frame or two is not a missing piece.
    flicker = [4, 4, 4, 3, 3, 4, 3, 4, 4, 3, 3, 4]
    assert _run(settings, flicker, ledger=4).alerts == []
    # Believed at its third reading, which is the first of the finding's three frames.
    assert _run(settings, [3] * 4, ledger=4).alerts == []
    assert len(_run(settings, [3] * 5, ledger=4).alerts) == 1


def test_an_occluded_bin_raises_nothing(settings: VisionSettings) -> None:
    assert _run(settings, [None] * 10, ledger=4).alerts == []
    # Believed equal, then a person stands in front: the count is kept, not re-read.
    assert _run(settings, [4, 4, 4, *([None] * 10)], ledger=4).alerts == []


class _NoTracker:
    def update(self, detections: Sequence[Detection], size: tuple[int, int]) -> list[TrackedObject]:
        return []

    def reset(self) -> None:
        return None


def test_a_person_in_front_of_the_bin_hides_the_missing_pieces(
    settings: VisionSettings,
) -> None:
    zone = _zone()
    person = Detection("person", 0.9, Box(150, 60, 260, 400))
    detector = FakeDetector(script=[[*_pieces(2), person]])  # 2 of 4 pieces visible past them
    camera = CameraPipeline(
        "shelf",
        [zone],
        detector,
        tracker=_NoTracker(),  # type: ignore[arg-type]
        shelf_classifiers=build_shelf_classifiers([zone], threshold=0.02),
    )
    sink = MemoryAlertSink()
    alerts = AlertPipeline(
        settings,
        {"shelf": [zone]},
        sink=sink,
        providers=Providers(ledger=StaticLedger(counts={BIN: 4})),
    )
    image = np.zeros((480, 640, 3), dtype=np.uint8)
    for i in range(10):
        frame = Frame("shelf", image, T0 + timedelta(seconds=i), i)
        result = camera.analyse(frame)
        assert result.shelves[0].occluded
        alerts.process("shelf", frame.captured_at, [], result.shelves, lambda _f: b"jpeg")
    assert sink.alerts == []


def test_a_counting_zone_raises_the_count_alert_not_also_the_state_one(
    settings: VisionSettings,
) -> None:
    alerts = _run(settings, [2] * 10, ledger=0).alerts
    assert [a.rule for a in alerts] == [RULE_SHELF_COUNT]
    plain = _zone(name=BIN, count=False)
    sink = MemoryAlertSink()
    pipeline = AlertPipeline(
        settings,
        {"shelf": [plain]},
        sink=sink,
        providers=Providers(ledger=StaticLedger(counts={BIN: 0})),
    )
    for i in range(6):
        reading = ShelfReading(BIN, ShelfState.OCCUPIED, 0.8)
        pipeline.process("shelf", T0 + timedelta(seconds=i), [], [reading], lambda _f: b"j")
    assert [a.rule for a in sink.alerts] == [RULE_SHELF_MISMATCH]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "aisle"}, "zone-count-not-shelf"),
        ({"shelf_classifier": "reference", "reference": "empty.png"}, "zone-count-needs-model"),
        ({"occupied_labels": []}, "zone-count-no-labels"),
        ({"count_tolerance": -1}, "invalid-zone-config"),
        ({"count": "lots"}, "invalid-zone-config"),
    ],
)
def test_count_set_up_errors_carry_codes(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(ZoneConfigError) as caught:
        _zone(**changes)
    assert caught.value.code == code
    assert caught.value.to_dict()["code"] == code


def test_a_cameras_file_keeps_the_code_of_a_zone_error(tmp_path: Path) -> None:
    spec = {**BIN_SPEC, "shelf_classifier": "reference"}
    path = tmp_path / "cameras.yaml"
    path.write_text(yaml.safe_dump({"cameras": [{"name": "s", "source": 0, "zones": [spec]}]}))
    with pytest.raises(ZoneConfigError) as caught:
        load_cameras(path)
    assert caught.value.code == "zone-count-needs-model"
    assert "camera s" in caught.value.message


def test_a_model_zone_without_labels_is_refused_with_a_code() -> None:
    zone = _zone(count=False, occupied_labels=[])
    with pytest.raises(ZoneConfigError) as caught:
        DetectionShelfClassifier(zone)
    assert caught.value.code == "shelf-model-no-labels"


def test_the_count_travels_in_the_worker_message() -> None:
    reading = ShelfReading(BIN, ShelfState.OCCUPIED, 0.8, count=7)
    message = ShelfReadingMessage.of(reading)
    again = ShelfReadingMessage.model_validate_json(message.model_dump_json())
    assert again.to_reading() == reading
    assert ShelfReadingMessage.of(ShelfReading(BIN, ShelfState.EMPTY, 0.0)).count is None


def test_the_static_ledger_derives_a_state_from_a_count() -> None:
    ledger = StaticLedger(counts={"a": 2, "b": 0})
    assert (ledger.expected_count("a"), ledger.expected_state("a")) == (2, ShelfState.OCCUPIED)
    assert ledger.expected_state("b") is ShelfState.EMPTY
    assert (ledger.expected_count("c"), ledger.expected_state("c")) == (None, None)


def test_the_synthetic_shelf_dataset_is_a_valid_training_set(tmp_path: Path) -> None:
    import cv2

    from vision.shelf_dataset import write_shelf_dataset
    from vision.train import prepare_dataset

    written = write_shelf_dataset(tmp_path / "ds", images=4, seed=3)
    summary = prepare_dataset(written.root, val_fraction=0.25)
    assert summary.names == ("piece",)
    assert summary.boxes == written.boxes == sum(sum(c.values()) for c in written.counts.values())
    # Every label box sits on a drawn (gold) piece.
    image = cv2.imread(str(written.root / "images" / "shelf-0000.jpg"))
    assert image is not None
    height, width = image.shape[:2]
    for line in (written.root / "labels" / "shelf-0000.txt").read_text().splitlines():
        _, cx, cy, _, _ = (float(v) for v in line.split())
        b, g, r = (int(v) for v in image[round(cy * height), round(cx * width)])
        assert r > b + 60 and g > b + 40, line
