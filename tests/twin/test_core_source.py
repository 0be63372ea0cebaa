"""The twin builds its layout from the core's own locations."""

from __future__ import annotations

from core import Database
from tests.builders import Builder
from twin import route
from twin.sources import layout_from_core


def test_layout_from_core_routes_between_real_bins(db: Database) -> None:
    with db.write() as session:
        bins = Builder(session).warehouse(bins=6)
    layout = layout_from_core(db)
    tour = route(layout, [bins[0], bins[4]], "optimal")
    assert set(tour.order) == {bins[0], bins[4]}
    assert tour.length > 0
