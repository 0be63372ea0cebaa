"""The live mirror: occupancy and pickers' last confirmed positions from event records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from twin.errors import MirrorError, NegativeOccupancyError, UnknownLocationError
from twin.generate import generate_layout
from twin.mirror import LiveMirror, LocationEvent

LAYOUT = generate_layout(aisles=2, bays=3, levels=2)
T0 = datetime(2024, 5, 1, 8, tzinfo=UTC)


def test_occupancy_follows_events() -> None:
    m = LiveMirror(LAYOUT)
    m.apply_all(
        [
            LocationEvent("A01-L01-1", "ring", 5, T0),
            LocationEvent("A01-L01-1", "chain", 2, T0),
            {
                "location": "A01-L01-1",
                "sku": "ring",
                "quantity_delta": -5,
                "timestamp": T0.isoformat(),
            },
        ]
    )
    assert m.occupancy() == {"A01-L01-1": 2.0}
    assert m.stock_at("A01-L01-1") == {"chain": 2.0}
    assert m.events_applied == 3


def test_picker_positions_take_the_latest_pick() -> None:
    m = LiveMirror(LAYOUT)
    m.load_snapshot([("A01-L01-1", "ring", 3), ("A02-R03-2", "ring", 3)])
    m.apply(LocationEvent("A02-R03-2", "ring", -1, T0 + timedelta(minutes=5), "p1"))
    m.apply(LocationEvent("A01-L01-1", "ring", -1, T0, "p1"))  # late and older: ignored
    pos = m.picker_positions()["p1"]
    assert pos.location == "A02-R03-2" and pos.z == LAYOUT.location("A02-R03-2").z
    m.apply(LocationEvent("A01-L01-1", "ring", 1, T0 + timedelta(hours=1), "p1"))  # put-away
    assert m.picker_positions()["p1"].location == "A02-R03-2"


def test_invalid_events_leave_the_mirror_unchanged() -> None:
    m = LiveMirror(LAYOUT)
    m.apply(LocationEvent("A01-L01-1", "ring", 1, T0))
    with pytest.raises(NegativeOccupancyError) as info:
        m.apply(LocationEvent("A01-L01-1", "ring", -2, T0))
    assert info.value.code == "negative-occupancy"
    with pytest.raises(UnknownLocationError):
        m.apply(LocationEvent("Z99", "ring", 1, T0))
    with pytest.raises(MirrorError):
        m.apply(LocationEvent("A01-L01-1", "ring", 1, datetime(2024, 5, 1)))
    with pytest.raises(MirrorError):
        m.apply({"location": "A01-L01-1"})
    assert m.occupancy() == {"A01-L01-1": 1.0}
