"""Camera coverage: the demo building's cameras, blind spots made on purpose, what-ifs, racks."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from tests.twin.conftest import demo_cameras_file
from twin.coverage import (
    _sector,
    coverage,
    face_points,
    rack_footprints,
    view_polygon,
)
from twin.errors import CameraError
from twin.generate import generate_layout
from twin.layout import (
    Camera,
    Layout,
    camera_from_dict,
    layout_from_dict,
    layout_to_dict,
    with_cameras,
)
from twin.scenarios import add_camera, compare_coverage, move_camera, remove_camera
from web.api.twin_coverage import placed_cameras


@pytest.fixture(scope="module")
def watched(demo_layout: Layout, tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """The demo building with the demo cameras file's placed cameras."""
    folder = tmp_path_factory.mktemp("cams")
    return with_cameras(demo_layout, placed_cameras(demo_cameras_file(folder)))


def aisle_bins(layout: Layout, aisle: str) -> set[str]:
    return {loc.code for loc in layout.locations if loc.aisle == aisle}


def test_the_demo_building_is_watched_end_to_end(watched: Layout) -> None:
    cov = coverage(watched)
    assert len(cov.cameras) == 14 and len(cov.seen_by) == 1548
    assert cov.blind_bins == ()
    assert len(cov.vault_bins) == 48 and cov.vault_short == ()
    assert all(set(cov.seen_by[c]) == {"vault-door", "vault-back"} for c in cov.vault_bins)
    by_name = {c.camera.name: c for c in cov.cameras}
    # An aisle camera sees its own aisle's 150 bins and nothing of the aisles beside it.
    assert set(by_name["aisle-A04"].bins) == aisle_bins(watched, "4")
    # 11 aisles of 17 m; the front cross aisle from the packing desk (x = 1), the back one
    # from the first aisle (x = 5), both to the vault aisle (x = 35).
    assert cov.aisle_metres == pytest.approx(11 * 17 + 34 + 30)
    assert cov.aisle_share > 0.98 and cov.score > 0.99
    body = cov.to_dict()
    assert body["blind"] == [] and body["cameras"][0]["view"]


def test_a_camera_turned_away_leaves_a_blind_aisle_and_moving_it_back_fixes_it(
    watched: Layout,
) -> None:
    turned = move_camera(watched, "aisle-A04", direction=270)
    cov = coverage(turned)
    assert set(cov.blind_bins) == aisle_bins(watched, "4")
    blind_lines = {s.line for s in cov.blind_segments}
    assert "4" in blind_lines
    # The cross-aisle cameras still see the aisle's two mouths.
    assert 14 < sum(s.length for s in cov.blind_segments if s.line == "4") < 17

    what_if = compare_coverage(turned, move_camera(turned, "aisle-A04", direction=90)).to_dict()
    assert what_if["a"]["blind_bins"] == 150 and what_if["b"]["blind_bins"] == 0
    assert set(what_if["delta"]["newly_seen"]) == aisle_bins(watched, "4")
    assert what_if["delta"]["newly_blind"] == [] and what_if["delta"]["score"] > 0


def test_the_vault_needs_two_cameras(watched: Layout) -> None:
    one_eye = coverage(remove_camera(watched, "vault-back"))
    assert one_eye.blind_bins == () and len(one_eye.vault_short) == 48
    assert coverage(remove_camera(watched, "vault-back"), vault_min_cameras=1).vault_short == ()
    delta = compare_coverage(remove_camera(watched, "vault-back"), watched).to_dict()["delta"]
    assert len(delta["vault_fixed"]) == 48


def test_racks_block_the_line_of_sight() -> None:
    layout = generate_layout(aisles=3, bays=6, levels=1)
    a1 = layout.aisles[0]
    camera = Camera("wide", a1.x, 0.5, direction=90, fov=170, range=30)
    faces = face_points(layout)
    sector = _sector(camera)
    # Deep in the next aisles (bay 3 on): in the field of view, behind the racks.
    beyond = [c for c in faces if c[:3] in ("A02", "A03") and faces[c][1] > 4.0]
    in_sector = [c for c in beyond if sector.contains(Point(faces[c]))]
    assert len(in_sector) > 10
    cov = coverage(layout, [camera])
    assert aisle_bins(layout, "A01") <= set(cov.cameras[0].bins)
    assert set(in_sector) <= set(cov.blind_bins)
    # Without the racks the same camera would see them.
    bare = view_polygon(camera, [])
    assert all(bare.contains(Point(faces[c])) for c in in_sector)
    assert not any(view_polygon(camera, rack_footprints(layout)).contains(Point(faces[c]))
                   for c in in_sector)
    # A camera mounted on a rack's face sees nothing through it, and everything the other way.
    rack = rack_footprints(layout)[0]
    x0, y0, x1, _y1 = rack.bounds
    into = Camera("on-rack", x1, y0 + 1, direction=180, fov=60, range=5)
    away = Camera("on-rack", x1, y0 + 1, direction=0, fov=60, range=5)
    assert view_polygon(into, [rack]).area < 1e-3
    assert view_polygon(away, [rack]).area == pytest.approx(_sector(away).area)


def test_bad_cameras_are_refused_with_a_code() -> None:
    layout = generate_layout(aisles=2, bays=3, levels=1)
    for bad in ({"fov": 0}, {"fov": 400}, {"range": -1}, {"x": float("nan")}, {"height": 0}):
        with pytest.raises(CameraError) as err:
            camera_from_dict({"name": "c", "x": 1, "y": 0, "direction": 0, "fov": 60, "range": 5,
                              **bad})
        assert err.value.code == "camera-invalid"
    rack = rack_footprints(layout)[0].centroid
    with pytest.raises(CameraError, match="inside a rack"):
        coverage(layout, [Camera("in", rack.x, rack.y, 0, 60, 5)])
    cam = Camera("c", 1, 0, 90, 60, 9)
    with pytest.raises(CameraError, match="already has"):
        add_camera(add_camera(layout, cam), cam)
    with pytest.raises(CameraError, match="no camera"):
        move_camera(layout, "nope", direction=0)
    with pytest.raises(CameraError):
        coverage(layout, [cam], vault_min_cameras=0)


def test_cameras_travel_with_the_layout_data() -> None:
    layout = add_camera(generate_layout(aisles=2, bays=3), Camera("c", 1.2, 0.5, 90, 60, 9, 3.0))
    again = layout_from_dict(layout_to_dict(layout))
    assert again.cameras == layout.cameras
    data = layout_to_dict(layout)
    data["cameras"][0]["zoom"] = 2
    with pytest.raises(CameraError, match="unknown keys"):
        layout_from_dict(data)


def test_a_layout_what_if_reports_coverage_beside_walking() -> None:
    from twin.orders import OrderStream, make_catalogue
    from twin.scenarios import compare_scenarios, make_scenario
    from twin.simulation import SimConfig

    layout = generate_layout(aisles=3, bays=5, levels=1)
    cams = [Camera(f"c{a.id}", a.x, 0.5, 90, 60, 12) for a in layout.aisles]
    before = with_cameras(layout, cams)
    after = move_camera(before, "cA02", direction=270)  # turned away: aisle A02 goes blind
    catalogue = make_catalogue(10)
    result = compare_scenarios(
        make_scenario("A", before, catalogue), make_scenario("B", after, catalogue),
        SimConfig(pickers=1, shift_hours=1.0), OrderStream(catalogue, n_orders=10),
        seed=1, replications=2,
    ).to_dict()
    assert result["delta"]["distance_per_order"]["mean"] == 0  # same racks, same walking
    assert result["coverage"]["a"]["blind_bins"] == 0
    assert result["coverage"]["b"]["blind_bins"] == 10
    assert {c[:3] for c in result["coverage"]["delta"]["newly_blind"]} == {"A02"}
