"""Camera zones from the twin's layout, `facet twin zones`, GET /api/twin/coverage, the plan."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.twin.conftest import demo_cameras_file
from twin.camera_zones import camera_zones, project_to_image
from twin.coverage import coverage
from twin.errors import CameraError
from twin.generate import generate_layout
from twin.layout import Camera, Layout, save_layout, with_cameras
from twin.scenarios import move_camera
from vision.config import load_cameras
from vision.zones import parse_zones
from web.api.twin import router
from web.api.twin_coverage import coverage_answer, placed_cameras, zones_for
from web.cli.twin import app as twin_cli
from web.pages.twin_coverage import add_coverage
from web.pages.twin_plan import plan_figure


@pytest.fixture(scope="module")
def cams(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_cameras_file(tmp_path_factory.mktemp("cams"))


def test_vault_door_zones_load_in_the_vision_module(demo_layout: Layout, cams: Path,
                                                    tmp_path: Path) -> None:
    zones = zones_for(demo_layout, cams, "vault-door")  # named as its own vault zone: VLT
    parsed = {z.name: z for z in parse_zones(zones, source="generated")}
    vault = parsed["VLT"]
    assert vault.kind == "vault" and vault.restricted and vault.min_signed_on == 2
    assert "aisle-11" in parsed  # the vault aisle, seen down its length
    assert not any(name.startswith("aisle-4") for name in parsed)  # behind the racks
    x1, y1, x2, y2 = vault.bounds
    assert 0 <= x1 < x2 <= 640 and 0 <= y1 < y2 <= 480
    # The generated zones in the camera's own entry of a cameras file load as well.
    data = yaml.safe_load(cams.read_text())
    data["cameras"][0]["zones"] = zones
    path = tmp_path / "cameras.yaml"
    path.write_text(yaml.safe_dump(data))
    loaded = load_cameras(path).cameras[0].zone_list()
    assert {z.name for z in loaded} == set(parsed)


def test_projection_puts_the_aim_point_in_the_middle_and_near_things_low() -> None:
    cam = Camera("c", 0, 0, direction=90, fov=60, range=10, height=3)  # aimed 5 m ahead
    px = project_to_image(cam, np.array([[0.0, 5.0], [0.0, 2.0], [1.0, 5.0]]), (640, 480))
    assert px[0].round(6).tolist() == [320.0, 240.0]
    assert px[1][1] > 240  # nearer: lower in the image
    assert px[2][0] > 320  # to the right of the line of sight (x grows to the right)
    with pytest.raises(CameraError, match="no height"):
        camera_zones(generate_layout(aisles=1, bays=2), Camera("c", 1.2, 0.5, 90, 60, 9),
                     size=(640, 480))
    with pytest.raises(CameraError, match="cannot be drawn"):
        project_to_image(Camera("f", 0, 0, 0, 200, 9, 3.0), np.zeros((1, 2)), (640, 480))


def test_facet_twin_zones_prints_a_zones_file(demo_layout: Layout, cams: Path,
                                              tmp_path: Path) -> None:
    layout_file = save_layout(demo_layout, tmp_path / "demo.json")
    runner = CliRunner()
    res = runner.invoke(twin_cli, ["zones", "--camera", "aisle-A04", "--cameras", str(cams),
                                   "--layout", str(layout_file), "--size", "1280x720"])
    assert res.exit_code == 0, res.output
    zones = parse_zones(yaml.safe_load(res.stdout), source="cli")
    assert [z.name for z in zones] == ["aisle-4"]
    assert max(x for x, _ in zones[0].polygon) <= 1280
    res = runner.invoke(twin_cli, ["zones", "--camera", "nope", "--cameras", str(cams),
                                   "--layout", str(layout_file)])
    assert res.exit_code == 2 and "coverage-unavailable" in res.output


def _app(services: object | None) -> TestClient:
    api = FastAPI()
    api.include_router(router)
    if services is not None:
        api.state.services = services
    return TestClient(api)


def test_coverage_route(demo_layout: Layout, cams: Path) -> None:
    services = SimpleNamespace(
        live_twin=SimpleNamespace(layout=lambda: demo_layout),
        settings=SimpleNamespace(web=SimpleNamespace(cameras_file=cams)),
    )
    client = _app(services)
    res = client.get("/api/twin/coverage")
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["blind"] == [] and body["score"] > 0.99 and len(body["cameras"]) == 14
    assert {c["name"] for c in body["cameras"] if c["enabled"]} == {"vault-door"}
    # Only the cameras running now: the vault door alone, the pick aisles blind.
    live = client.get("/api/twin/coverage", params={"enabled_only": True}).json()
    assert live["bins_seen"] == 48 and live["vault_short"] == 48
    assert client.get("/api/twin/coverage", params={"vault_min_cameras": 0}).status_code == 422
    res = _app(None).get("/api/twin/coverage")
    assert res.status_code == 422 and res.json()["error"]["code"] == "coverage-unavailable"


def test_the_floor_plan_shows_camera_views_and_blind_bins(demo_layout: Layout,
                                                          cams: Path) -> None:
    base = len(plan_figure(demo_layout, {}).data)
    no_cameras = coverage_answer(demo_layout, None)
    assert len(add_coverage(plan_figure(demo_layout, {}), demo_layout, no_cameras).data) == base
    watched = with_cameras(demo_layout, placed_cameras(cams))
    turned = coverage(move_camera(watched, "aisle-A01", direction=270)).to_dict()
    fig = add_coverage(plan_figure(demo_layout, {}), demo_layout, turned)
    views, cameras, blind = fig.data[base:]
    assert len(cameras.x) == 14 and views.fill == "toself"
    # The 150 blind bins of aisle 1 stand at 30 rack positions (5 levels each).
    assert len(blind.x) == 30 and "150" in blind.name


def test_coverage_in_the_app_needs_a_sign_in_and_maps_the_warehouse(
    sqlite_url: str, tmp_path: Path
) -> None:
    from core import CoreSettings, Database
    from tests.builders import PASSWORD, Builder
    from twin.sources import layout_from_core
    from web.app import Settings, create_app
    from web.settings import WebSettings

    db = Database(sqlite_url)
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse(bins=6)
        b.user("sam", "security")
    lay = layout_from_core(db)
    db.dispose()
    aisle, front = lay.aisles[0], lay.cross_aisles[0]
    cams = tmp_path / "cameras.yaml"
    cams.write_text(yaml.safe_dump({"cameras": [{
        "name": "aisle-cam", "source": "rtsp://aisle-cam.invalid/stream", "enabled": False,
        # The builder's bins stand on the aisle's centre line: watch their face from beside.
        "placement": {"x": aisle.x + 1, "y": front.y, "direction": 90, "fov": 60, "range": 20},
    }]}))
    app = create_app(Settings(core=CoreSettings(database_url=sqlite_url, secret_key="k" * 40),
                              web=WebSettings(cameras_file=cams)))
    with TestClient(app) as client:
        assert client.get("/api/twin/coverage").status_code == 401
        token = client.post("/api/auth/token",
                            data={"username": "sam", "password": PASSWORD}).json()
        res = client.get("/api/twin/coverage",
                         headers={"Authorization": f"Bearer {token['access_token']}"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["bins"] == len(bins) and body["blind"] == []
    assert [c["name"] for c in body["cameras"]] == ["aisle-cam"]
