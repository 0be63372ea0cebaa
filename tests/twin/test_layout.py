"""Layouts as data: generation, validation and JSON/YAML round trips."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from twin.errors import LayoutError, UnknownLocationError
from twin.generate import NAMED_LAYOUTS, generate_layout, named_layout
from twin.layout import layout_from_dict, layout_to_dict, load_layout, save_layout


def test_generated_layout_counts_and_geometry() -> None:
    layout = generate_layout(blocks=2, aisles=5, bays=6, levels=3, aisle_width=1.0)
    assert len(layout.aisles) == 10
    assert len(layout.cross_aisles) == 3
    assert len(layout.locations) == 2 * 5 * 6 * 2 * 3
    assert all(a.narrow for a in layout.aisles)
    assert layout.depot.y == layout.cross_aisles[0].y
    assert {a.block for a in layout.aisles} == {0, 1}
    loc = layout.location("B05-R06-3")
    assert loc.aisle == "B05" and loc.level == 3 and loc.side == "right"


def test_wide_aisles_are_not_narrow() -> None:
    assert not any(a.narrow for a in generate_layout(aisles=2, bays=2, aisle_width=2.5).aisles)


def test_vault_zone_marks_locations() -> None:
    layout = generate_layout(aisles=4, bays=3, levels=1, vault_aisles=1)
    vault = [loc for loc in layout.locations if loc.kind == "vault"]
    assert layout.vault is not None
    assert {loc.aisle for loc in vault} == {"A04"}


@pytest.mark.parametrize(
    "params",
    [
        {"aisles": 0},
        {"bays": -1},
        {"bay_width": 0.0},
        {"depot": "middle"},
        {"vault_aisles": 5, "aisles": 2},
        {"colour": "red"},
    ],
)
def test_generator_rejects_bad_parameters(params: dict[str, object]) -> None:
    with pytest.raises(LayoutError):
        generate_layout(**params)


def test_json_lists_locations_and_depot(tmp_path) -> None:
    layout = generate_layout(aisles=2, bays=2, levels=2)
    path = save_layout(layout, tmp_path / "layout.json")
    data = json.loads(path.read_text())
    assert {"code", "aisle", "x", "y", "z"} <= set(data["locations"][0])
    assert set(data["depot"]) == {"x", "y"}
    assert load_layout(path) == layout


def test_yaml_round_trip(tmp_path) -> None:
    layout = generate_layout(blocks=2, aisles=2, bays=2, levels=1, vault_aisles=1)
    assert load_layout(save_layout(layout, tmp_path / "layout.yaml")) == layout


def test_invalid_data_is_refused(tmp_path) -> None:
    data = layout_to_dict(generate_layout(aisles=2, bays=2, levels=1))
    dup = json.loads(json.dumps(data))
    dup["locations"][1]["code"] = dup["locations"][0]["code"]
    with pytest.raises(LayoutError, match="unique"):
        layout_from_dict(dup)
    stray = json.loads(json.dumps(data))
    stray["locations"][0]["aisle"] = "Z99"
    with pytest.raises(LayoutError, match="unknown aisle"):
        layout_from_dict(stray)
    with pytest.raises(LayoutError, match="malformed"):
        layout_from_dict({"aisles": []})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(LayoutError):
        load_layout(bad)
    with pytest.raises(LayoutError):
        load_layout(tmp_path / "missing.json")


def test_aisle_must_meet_its_cross_aisles() -> None:
    layout = generate_layout(aisles=2, bays=2, levels=1)
    moved = replace(layout.aisles[0], y_end=layout.aisles[0].y_end - 1)
    with pytest.raises(LayoutError, match="cross aisle"):
        replace(layout, aisles=(moved, layout.aisles[1]))


def test_unknown_location() -> None:
    with pytest.raises(UnknownLocationError) as info:
        generate_layout(aisles=1, bays=1, levels=1).location("nope")
    assert info.value.code == "unknown-location"


def test_named_layouts_build() -> None:
    for name in NAMED_LAYOUTS:
        assert named_layout(name).locations
    with pytest.raises(LayoutError):
        named_layout("nope")
