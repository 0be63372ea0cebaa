"""The vault camera under the two-person rule (issue 13): a restricted zone with
``min_signed_on: 2`` alerts while fewer authorised people than that are signed on, such as a
person left alone in the vault after the second signed off."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vision.domain import Box, Severity, TrackedObject
from vision.errors import ZoneConfigError
from vision.protocols import Providers, SignedOn, StaticAuthorisation
from vision.rules import RULE_UNAUTHORISED, RuleConfig, SceneView, TrackView, evaluate_rules
from vision.zones import parse_zones

T0 = datetime(2024, 5, 3, 12, 0, tzinfo=UTC)
SQUARE = [[0, 0], [100, 0], [100, 100], [0, 100]]


def _zones(**extra: object) -> list:
    return parse_zones([{"name": "VLT", "kind": "vault", "polygon": SQUARE, "restricted": True,
                         **extra}])  # fmt: skip


def _scene(*track_ids: int) -> SceneView:
    tracks = tuple(
        TrackView(TrackedObject(i, "person", 0.9, Box(40, 10, 60, 50)), ("VLT",), T0)
        for i in track_ids
    )
    return SceneView("vault-door", T0, tracks)


def _signed(*people: tuple[str, str]) -> Providers:
    return Providers(
        StaticAuthorisation({"VLT": [SignedOn(p, frozenset({role})) for p, role in people]})
    )


def _findings(zones: list, scene: SceneView, providers: Providers) -> list:
    return [
        f
        for f in evaluate_rules(scene, zones, RuleConfig(), providers)
        if f.rule == RULE_UNAUTHORISED
    ]


def test_one_person_alone_in_a_two_person_vault_raises_the_alert() -> None:
    zones = _zones(min_signed_on=2)
    assert zones[0].min_signed_on == 2
    both = _signed(("mia", "manager"), ("sam", "security"))
    assert _findings(zones, _scene(1, 2), both) == []
    # sam signed off; mia is still inside: the camera still sees a person, so it alerts.
    alone = _findings(zones, _scene(1), _signed(("mia", "manager")))
    assert [(f.zone, f.severity, f.track_id) for f in alone] == [("VLT", Severity.CRITICAL, 1)]
    assert "1 of the 2 authorised people" in alone[0].message
    assert "mia" in alone[0].message and "two-person rule" in alone[0].message
    nobody = _findings(zones, _scene(1), Providers())
    assert "no authorised person signed on" in nobody[0].message


def test_people_count_once_and_only_with_a_required_role() -> None:
    zones = _zones(min_signed_on=2, required_roles=["manager", "security"])
    twice = _signed(("mia", "manager"), ("mia", "manager"))
    assert len(_findings(zones, _scene(1), twice)) == 1  # one person signed on twice is one
    with_picker = _signed(("mia", "manager"), ("pia", "picker"))
    assert len(_findings(zones, _scene(1), with_picker)) == 1
    assert _findings(zones, _scene(1), _signed(("mia", "manager"), ("sam", "security"))) == []


def test_a_zone_needs_one_person_by_default_and_a_sane_count() -> None:
    zones = _zones()
    assert zones[0].min_signed_on == 1
    assert _findings(zones, _scene(1), _signed(("mia", "manager"))) == []
    for bad in (0, 11, "two"):
        with pytest.raises(ZoneConfigError, match="min_signed_on"):
            _zones(min_signed_on=bad)


def test_the_demo_vault_camera_runs_the_two_person_rule(tmp_path) -> None:
    import yaml

    from vision import load_cameras
    from web.cli.demo_cameras import write_demo_cameras

    path = write_demo_cameras(tmp_path / "cams")
    spec = yaml.safe_load(path.read_text())["cameras"][0]["zones"][0]
    assert (spec["name"], spec["min_signed_on"]) == ("VLT", 2)
    cameras = load_cameras(path)
    vault = next(z for z in cameras.cameras[0].zone_list() if z.name == "VLT")
    assert vault.min_signed_on == 2
