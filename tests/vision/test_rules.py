"""Rules, scene memory and the alert gate on synthetic detections (no model)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from vision.alerts import AlertGate, AlertPipeline
from vision.domain import Box, Severity, ShelfState, TrackedObject
from vision.protocols import (
    MemoryAlertSink,
    Providers,
    SignedOn,
    StaticAuthorisation,
    StaticLedger,
    StaticSchedule,
)
from vision.rules import (
    RULE_LOITERING,
    RULE_OBJECT_LEFT,
    RULE_SHELF_CHANGE,
    RULE_SHELF_MISMATCH,
    RULE_UNAUTHORISED,
    Finding,
    RuleConfig,
    SceneView,
    ShelfView,
    TrackView,
    evaluate_rules,
    loitering_rule,
    object_left_rule,
    shelf_change_rule,
    shelf_mismatch_rule,
    unauthorised_presence_rule,
)
from vision.scene import SceneMemory
from vision.settings import VisionSettings
from vision.shelf import ShelfReading
from vision.zones import parse_zones

T0 = datetime(2024, 5, 3, 12, 0, tzinfo=UTC)  # a Friday noon
ZONES = parse_zones(
    [
        {
            "name": "vault",
            "kind": "vault",
            "polygon": [[0, 0], [100, 0], [100, 100], [0, 100]],
            "restricted": True,
            "required_roles": ["vault-picker", "security"],
        },
        {
            "name": "aisle-1",
            "kind": "aisle",
            "polygon": [[100, 0], [300, 0], [300, 100], [100, 100]],
        },
        {"name": "dock", "kind": "dock", "polygon": [[0, 100], [300, 100], [300, 200], [0, 200]]},
        {
            "name": "tray-7",
            "kind": "shelf",
            "polygon": [[300, 0], [400, 0], [400, 50], [300, 50]],
            "reference": "unused.png",
        },
    ]
)
CONFIG = RuleConfig()


def person(track_id: int, x: float, y: float, label: str = "person") -> TrackedObject:
    return TrackedObject(track_id, label, 0.9, Box(x - 10, y - 40, x + 10, y))


def view(
    obj: TrackedObject,
    zones: tuple[str, ...],
    *,
    entered: datetime = T0,
    still: datetime | None = None,
) -> TrackView:
    return TrackView(obj, zones, entered, dict.fromkeys(zones, entered), still or entered)


def test_unauthorised_person_in_restricted_zone() -> None:
    scene = SceneView("cam", T0, (view(person(1, 50, 50), ("vault",)),))
    (finding,) = unauthorised_presence_rule(scene, ZONES, CONFIG, Providers())
    assert (finding.rule, finding.zone, finding.severity, finding.track_id) == (
        RULE_UNAUTHORISED,
        "vault",
        Severity.CRITICAL,
        1,
    )


def test_authorised_person_signed_on_silences_the_zone() -> None:
    scene = SceneView("cam", T0, (view(person(1, 50, 50), ("vault",)),))
    picker = StaticAuthorisation({"vault": [SignedOn("mia", frozenset({"vault-picker"}))]})
    assert unauthorised_presence_rule(scene, ZONES, CONFIG, Providers(picker)) == []
    wrong_role = StaticAuthorisation({"vault": [SignedOn("joe", frozenset({"clerk"}))]})
    assert len(unauthorised_presence_rule(scene, ZONES, CONFIG, Providers(wrong_role))) == 1


def test_unrestricted_zone_and_objects_do_not_alert() -> None:
    scene = SceneView(
        "cam",
        T0,
        (view(person(1, 150, 50), ("aisle-1",)), view(person(2, 50, 50, "suitcase"), ("vault",))),
    )
    assert unauthorised_presence_rule(scene, ZONES, CONFIG, Providers()) == []


def test_after_hours_schedule() -> None:
    zones = parse_zones(
        [
            {
                "name": "cage",
                "kind": "packing",
                "restricted": True,
                "polygon": [[0, 0], [10, 0], [10, 10]],
                "schedule": [{"start": "19:00", "end": "07:00"}],
            }
        ]
    )
    track = (view(person(1, 5, 2), ("cage",)),)
    assert unauthorised_presence_rule(SceneView("c", T0, track), zones, CONFIG, Providers()) == []
    night = SceneView("c", T0.replace(hour=22), track)
    (finding,) = unauthorised_presence_rule(night, zones, CONFIG, Providers())
    assert finding.severity is Severity.HIGH


def test_loitering_after_dwell_time() -> None:
    config = RuleConfig(loiter_seconds=60)
    early = SceneView("cam", T0 + timedelta(seconds=30), (view(person(3, 50, 150), ("dock",)),))
    late = SceneView("cam", T0 + timedelta(seconds=61), (view(person(3, 50, 150), ("dock",)),))
    assert loitering_rule(early, ZONES, config, Providers()) == []
    (finding,) = loitering_rule(late, ZONES, config, Providers())
    assert (finding.rule, finding.zone, finding.severity) == (
        RULE_LOITERING,
        "dock",
        Severity.WARNING,
    )
    aisle = SceneView("cam", T0 + timedelta(hours=1), (view(person(4, 150, 50), ("aisle-1",)),))
    assert loitering_rule(aisle, ZONES, config, Providers()) == []  # aisles are not watched


def test_object_left_in_aisle() -> None:
    bag = person(5, 150, 80, "suitcase")
    config = RuleConfig(object_left_seconds=30)
    moving = SceneView(
        "cam",
        T0 + timedelta(seconds=40),
        (view(bag, ("aisle-1",), still=T0 + timedelta(seconds=35)),),
    )
    standing = SceneView("cam", T0 + timedelta(seconds=40), (view(bag, ("aisle-1",)),))
    assert object_left_rule(moving, ZONES, config, Providers()) == []
    (finding,) = object_left_rule(standing, ZONES, config, Providers())
    assert (finding.rule, finding.zone) == (RULE_OBJECT_LEFT, "aisle-1")
    walker = SceneView("cam", T0 + timedelta(seconds=40), (view(person(6, 150, 80), ("aisle-1",)),))
    assert object_left_rule(walker, ZONES, config, Providers()) == []


def test_shelf_mismatch_against_ledger() -> None:
    scene = SceneView("cam", T0, shelves=(ShelfView("tray-7", ShelfState.EMPTY),))
    ledger = StaticLedger({"tray-7": ShelfState.OCCUPIED})
    (finding,) = shelf_mismatch_rule(scene, ZONES, CONFIG, Providers(ledger=ledger))
    assert (finding.rule, finding.severity) == (RULE_SHELF_MISMATCH, Severity.HIGH)
    agree = Providers(ledger=StaticLedger({"tray-7": ShelfState.EMPTY}))
    assert shelf_mismatch_rule(scene, ZONES, CONFIG, agree) == []
    assert shelf_mismatch_rule(scene, ZONES, CONFIG, Providers()) == []  # ledger does not know


def test_unscheduled_shelf_change_is_possible_theft() -> None:
    changed = ShelfView("tray-7", ShelfState.EMPTY, ShelfState.OCCUPIED, T0)
    scene = SceneView("cam", T0 + timedelta(seconds=5), shelves=(changed,))
    (finding,) = shelf_change_rule(scene, ZONES, CONFIG, Providers())
    assert (finding.rule, finding.severity) == (RULE_SHELF_CHANGE, Severity.CRITICAL)
    picking = Providers(schedule=StaticSchedule.of(["tray-7"]))
    assert shelf_change_rule(scene, ZONES, CONFIG, picking) == []
    stale = SceneView("cam", T0 + timedelta(hours=1), shelves=(changed,))
    assert shelf_change_rule(stale, ZONES, CONFIG, Providers()) == []


def test_scene_memory_tracks_dwell_and_stillness() -> None:
    memory = SceneMemory("cam", ZONES, still_tolerance=0.1, forget_seconds=5)
    memory.update(T0, [person(1, 150, 50)])
    scene = memory.update(T0 + timedelta(seconds=10), [person(1, 50, 50)])
    (track,) = scene.tracks
    assert track.zones == ("vault",) and track.entered["vault"] == T0 + timedelta(seconds=10)
    assert track.first_seen == T0
    scene = memory.update(T0 + timedelta(seconds=20), [person(1, 51, 50)])
    assert scene.tracks[0].still_since == T0 + timedelta(seconds=10)  # 1 px is still
    memory.update(T0 + timedelta(seconds=40), [])
    scene = memory.update(T0 + timedelta(seconds=41), [person(1, 51, 50)])
    assert scene.tracks[0].first_seen == T0 + timedelta(seconds=41)  # forgotten, then new


def test_scene_memory_debounces_shelf_readings() -> None:
    memory = SceneMemory("cam", ZONES, shelf_stable_frames=2)
    occupied = ShelfReading("tray-7", ShelfState.OCCUPIED, 0.3)
    empty = ShelfReading("tray-7", ShelfState.EMPTY, 0.0)
    hidden = ShelfReading("tray-7", ShelfState.UNKNOWN, 0.0, occluded=True)
    assert memory.update(T0, [], [occupied]).shelves == ()
    (shelf,) = memory.update(T0, [], [occupied]).shelves
    assert shelf.state is ShelfState.OCCUPIED and shelf.previous is None
    memory.update(T0 + timedelta(seconds=1), [], [empty])
    memory.update(T0 + timedelta(seconds=2), [], [hidden])  # a hand in the way: ignored
    (shelf,) = memory.update(T0 + timedelta(seconds=3), [], [empty]).shelves
    assert (shelf.state, shelf.previous) == (ShelfState.EMPTY, ShelfState.OCCUPIED)
    assert shelf.changed_at == T0 + timedelta(seconds=3)


def test_gate_persistence_and_cooldown() -> None:
    gate = AlertGate(persistence_frames=3, cooldown_seconds=60)
    finding = Finding(RULE_UNAUTHORISED, "vault", Severity.CRITICAL, "x", 1)
    fired = [gate.admit("cam", [finding], T0 + timedelta(seconds=i)) for i in range(5)]
    assert [len(f) for f in fired] == [0, 0, 1, 0, 0]
    assert gate.admit("cam", [], T0 + timedelta(seconds=5)) == []  # streak broken
    later = [gate.admit("cam", [finding], T0 + timedelta(seconds=100 + i)) for i in range(3)]
    assert [len(f) for f in later] == [0, 0, 1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 30)), max_size=60))
def test_gate_never_fires_within_cooldown(steps: list[tuple[bool, int]]) -> None:
    gate = AlertGate(persistence_frames=2, cooldown_seconds=50)
    finding = Finding(RULE_LOITERING, "dock", Severity.WARNING, "x", 7)
    now, fired_at = T0, []
    for present, gap in steps:
        now += timedelta(seconds=gap)
        if gate.admit("cam", [finding] if present else [], now):
            fired_at.append(now)
    assert all((b - a).total_seconds() >= 50 for a, b in zip(fired_at, fired_at[1:], strict=False))


def test_alert_pipeline_stores_one_alert_per_track(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings_ = VisionSettings(var_dir=tmp_path, persistence_frames=2)
    sink = MemoryAlertSink()
    pipeline = AlertPipeline(settings_, {"cam": ZONES}, sink=sink)
    for i in range(10):
        pipeline.process(
            "cam", T0 + timedelta(seconds=i), [person(1, 50, 50)], [], lambda findings: b"jpeg"
        )
    (alert,) = sink.alerts
    assert (alert.camera, alert.zone, alert.rule, alert.track_id) == (
        "cam",
        "vault",
        RULE_UNAUTHORISED,
        1,
    )
    assert alert.snapshot_jpeg == b"jpeg" and alert.frame_captured_at == T0 + timedelta(seconds=1)


def test_evaluate_rules_runs_all() -> None:
    scene = SceneView(
        "cam",
        T0 + timedelta(seconds=500),
        (view(person(1, 50, 50), ("vault",)),),
        (ShelfView("tray-7", ShelfState.EMPTY, ShelfState.OCCUPIED, T0 + timedelta(seconds=499)),),
    )
    ledger = Providers(ledger=StaticLedger({"tray-7": ShelfState.OCCUPIED}))
    rules = {f.rule for f in evaluate_rules(scene, ZONES, CONFIG, ledger)}
    assert rules == {RULE_UNAUTHORISED, RULE_LOITERING, RULE_SHELF_MISMATCH, RULE_SHELF_CHANGE}
