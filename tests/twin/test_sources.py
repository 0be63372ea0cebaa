"""Inferring a layout from plain location records."""

from __future__ import annotations

import pytest

from twin.errors import LayoutError
from twin.generate import generate_layout
from twin.layout import Layout
from twin.routing import route
from twin.sources import LocationRecordData, layout_from_locations


def _records(layout: Layout, packing: bool = True) -> list[LocationRecordData]:
    recs = [
        LocationRecordData(loc.code, loc.kind, loc.aisle, loc.bay, loc.level, loc.x, loc.y, loc.z)
        for loc in layout.locations
    ]
    if packing:
        recs.append(
            LocationRecordData(
                "PACK-1", "packing", None, None, None, layout.depot.x, layout.depot.y, 0.0
            )
        )
    recs.append(LocationRecordData("DOCK", "dock", None, None, None, -5.0, -5.0, 0.0))
    return recs


@pytest.mark.parametrize("blocks", [1, 2])
def test_generated_layout_is_recovered(blocks: int) -> None:
    original = generate_layout(
        blocks=blocks, aisles=4, bays=6, levels=2, aisle_width=1.0, vault_aisles=1
    )
    inferred = layout_from_locations(_records(original))
    assert inferred.blocks == blocks
    assert [c.y for c in inferred.cross_aisles] == pytest.approx(
        [c.y for c in original.cross_aisles]
    )
    assert sorted(a.x for a in inferred.aisles) == pytest.approx(
        sorted(a.x for a in original.aisles)
    )
    assert all(a.narrow for a in inferred.aisles)
    assert inferred.vault is not None and inferred.bay_width == pytest.approx(1.0)
    picks = [loc.code for loc in original.locations[::17]]
    assert route(inferred, picks).length == pytest.approx(route(original, picks).length)


def test_aisle_spanning_blocks_is_split() -> None:
    original = generate_layout(blocks=2, aisles=2, bays=3, levels=1)
    recs = [
        r
        if r.aisle is None
        else LocationRecordData(r.code, r.kind, r.aisle[1:], r.bay, r.level, r.x, r.y, r.z)
        for r in _records(original)
    ]
    inferred = layout_from_locations(recs)
    assert sorted(a.id for a in inferred.aisles) == ["01/1", "01/2", "02/1", "02/2"]


def test_missing_depot_or_bad_orientation() -> None:
    original = generate_layout(aisles=2, bays=3, levels=1)
    with pytest.raises(LayoutError, match="packing"):
        layout_from_locations(_records(original, packing=False))
    swapped = [
        {
            "code": r.code,
            "kind": r.kind,
            "aisle": r.aisle,
            "bay": r.bay,
            "level": r.level,
            "x": r.y,
            "y": r.x,
            "z": r.z,
        }
        for r in _records(original)
    ]
    with pytest.raises(LayoutError, match="along x"):
        layout_from_locations(swapped)
    with pytest.raises(LayoutError, match="malformed"):
        layout_from_locations([{"code": "x", "kind": "packing", "x": "left", "y": 0}])
