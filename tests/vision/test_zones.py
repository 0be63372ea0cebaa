"""Zones: parsing, validation, schedules and point-in-polygon tests."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path

import pytest

from vision.domain import Box, ZoneKind
from vision.errors import ZoneConfigError
from vision.zones import TimeWindow, load_zones, parse_zones, zones_containing

SQUARE = [[0, 0], [100, 0], [100, 100], [0, 100]]


def test_parse_zone_fields() -> None:
    (zone,) = parse_zones(
        [
            {
                "name": "v",
                "kind": "vault",
                "polygon": SQUARE,
                "restricted": True,
                "required_roles": ["security"],
                "schedule": [{"start": "19:00", "end": "07:00"}],
            }
        ]
    )
    assert zone.kind is ZoneKind.VAULT
    assert zone.restricted and zone.required_roles == {"security"}
    assert zone.bounds == (0, 0, 100, 100)


def test_contains_box_uses_bottom_centre() -> None:
    (zone,) = parse_zones([{"name": "a", "kind": "aisle", "polygon": SQUARE}])
    assert zone.contains_box(Box(40, -50, 60, 50))  # feet inside, head outside
    assert not zone.contains_box(Box(40, 50, 60, 150))  # feet outside
    assert zones_containing([zone], Box(0, 0, 10, 100)) == [zone]  # on the edge counts


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([{"name": "a", "kind": "aisle", "polygon": [[0, 0], [1, 1]]}], "polygon"),
        ([{"name": "a", "kind": "garden", "polygon": SQUARE}], "kind"),
        ([{"name": "a", "kind": "aisle", "polygon": SQUARE, "colour": "red"}], "colour"),
        (
            [{"name": "a", "kind": "aisle", "polygon": [[0, 0], [10, 10], [10, 0], [0, 10]]}],
            "self-intersecting",
        ),
        (
            [
                {"name": "a", "kind": "aisle", "polygon": SQUARE},
                {"name": "a", "kind": "dock", "polygon": SQUARE},
            ],
            "duplicate",
        ),
    ],
)
def test_bad_zones_are_refused_with_a_reason(data: object, fragment: str) -> None:
    with pytest.raises(ZoneConfigError) as info:
        parse_zones(data)
    assert info.value.code == "invalid-zone-config"
    assert fragment in info.value.message


def test_load_yaml_and_json(tmp_path: Path) -> None:
    yaml_file = tmp_path / "z.yaml"
    yaml_file.write_text(
        "- name: v\n  kind: vault\n  polygon: [[0,0],[9,0],[9,9]]\n"
        "  restricted: true\n  reference: ref.png\n"
    )
    json_file = tmp_path / "z.json"
    json_file.write_text(
        json.dumps([{"name": "d", "kind": "dock", "polygon": SQUARE, "restricted": False}])
    )
    assert load_zones(yaml_file)[0].reference == tmp_path / "ref.png"
    assert load_zones(json_file)[0].kind is ZoneKind.DOCK
    with pytest.raises(ZoneConfigError) as info:
        load_zones(tmp_path / "missing.yaml")
    assert info.value.code == "zones-not-found"
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ZoneConfigError):
        load_zones(tmp_path / "bad.json")


def test_time_window_wraps_midnight() -> None:
    after_hours = TimeWindow(time(19), time(7), frozenset({4}))  # Friday night
    friday, saturday = datetime(2024, 5, 3), datetime(2024, 5, 4)
    assert after_hours.contains(friday.replace(hour=22))
    assert after_hours.contains(saturday.replace(hour=3))  # still Friday's window
    assert not after_hours.contains(saturday.replace(hour=8))
    assert not after_hours.contains(friday.replace(hour=12))
    assert not after_hours.contains(saturday.replace(hour=22))  # Saturday not listed


def test_zone_armed_only_in_schedule() -> None:
    (zone,) = parse_zones(
        [
            {
                "name": "v",
                "kind": "vault",
                "polygon": SQUARE,
                "restricted": True,
                "schedule": [{"start": "19:00", "end": "07:00"}],
            }
        ]
    )
    assert zone.armed(datetime(2024, 5, 3, 23))
    assert not zone.armed(datetime(2024, 5, 3, 12))
    (always,) = parse_zones([{"name": "v", "kind": "vault", "polygon": SQUARE}])
    assert always.armed(datetime(2024, 5, 3, 12))
