"""The demo shelf camera: a vault bay drawn from the ledger, one bin short, one count alert."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml

from core import Database
from core.locations.models import Kind, Tier
from core.locations.schemas import LocationCreate
from core.locations.service import create_location
from tests.builders import Builder
from vision.alerts import AlertPipeline
from vision.config import load_cameras
from vision.detectors import make_detector
from vision.domain import Detection, Frame, TrackedObject
from vision.pipeline import CameraPipeline, build_shelf_classifiers
from vision.protocols import MemoryAlertSink, Providers, StaticLedger
from vision.rules import RULE_SHELF_COUNT
from vision.settings import VisionSettings
from web.adapters.vision import CoreShelfLedger
from web.cli.demo_cameras import (
    SHELF_CAMERA,
    DemoShelf,
    demo_cameras_data,
    shelf_from_ledger,
    write_demo_cameras,
)

T0 = datetime(2026, 12, 4, 10, tzinfo=UTC)
SHELF = DemoShelf(
    (("V11-01-2L", 5), ("V11-01-2R", 0), ("V11-01-1L", 12), ("V11-01-1R", 3)), short="V11-01-1L"
)


def _vault_bay(b: Builder, bay: str = "01") -> list[str]:
    s, a = b.session, b.actor
    if bay == "01":
        for code, tier, parent in (("VLT", Tier.ZONE, "WH"), ("V01", Tier.AISLE, "VLT")):
            create_location(s, actor=a, data=LocationCreate(code=code, tier=tier, parent=parent))
    prefix = f"V01-{bay}"
    for code, tier, parent in (
        (prefix, Tier.BAY, "V01"),
        (f"{prefix}-1", Tier.LEVEL, prefix),
        (f"{prefix}-2", Tier.LEVEL, prefix),
    ):
        create_location(s, actor=a, data=LocationCreate(code=code, tier=tier, parent=parent))
    codes = []
    for level in ("1", "2"):
        for side in "LR":
            code = f"{prefix}-{level}{side}"
            create_location(
                s,
                actor=a,
                data=LocationCreate(
                    code=code,
                    tier=Tier.BIN,
                    kind=Kind.VAULT,
                    parent=f"{prefix}-{level}",
                    check_digits="42",
                ),
            )
            codes.append(code)
    return codes


def test_the_shelf_is_the_fullest_vault_bay_with_the_ledger_counts(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        _vault_bay(b)
        b.supplier()
        sku = b.sku()
        b.stock(sku, "G-1", 3, "V01-01-1R")
        b.stock(sku, "G-2", 2, "V01-01-2L")
    shelf = shelf_from_ledger(db)
    assert shelf == DemoShelf(
        (("V01-01-2L", 2), ("V01-01-2R", 0), ("V01-01-1L", 0), ("V01-01-1R", 3)),
        short="V01-01-1R",
    )
    assert shelf.drawn()["V01-01-1R"] == 2
    ledger = CoreShelfLedger(db)
    assert [ledger.expected_count(c) for c, _ in shelf.bins] == [2, 0, 0, 3]
    assert ledger.expected_count("NO-SUCH-BIN") is None


def test_a_bay_with_an_open_pick_is_not_the_shelf(db: Database) -> None:
    from core.orders import allocate_order, create_pick_list
    from tests.core.orders.support import order

    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        _vault_bay(b, "01")
        _vault_bay(b, "02")
        b.supplier()
        ring = b.sku("RING-1", serialised=False)
        b.stock(ring, "L-1", 5, "V01-01-1L", serialised=False)
        b.stock(ring, "L-2", 2, "V01-02-2R", serialised=False)
        sales = order(session, b.actor, "7001", (ring, 1))
        allocate_order(session, actor=b.actor, order_id=sales.id)
        create_pick_list(session, actor=b.actor, order_ids=[sales.id])
    shelf = shelf_from_ledger(db)
    assert shelf is not None and shelf.short == "V01-02-2R"


def test_an_empty_vault_gives_no_shelf(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        _vault_bay(b)
    assert shelf_from_ledger(db) is None


class _NoTracker:
    def update(self, detections: Sequence[Detection], size: tuple[int, int]) -> list[TrackedObject]:
        return []

    def reset(self) -> None:
        return None


def _frames(path: Path) -> Iterator[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    while True:
        ok, image = capture.read()
        if not ok:
            return
        yield image


def test_the_demo_shelf_camera_alerts_on_the_short_bin_only(tmp_path: Path) -> None:
    path = write_demo_cameras(tmp_path / "cams", shelf=SHELF)
    cameras = load_cameras(path)
    assert cameras.cameras[0].name == "vault-door"  # the vault camera stays first
    camera = next(c for c in cameras.cameras if c.name == SHELF_CAMERA)
    group = cameras.groups[camera.group].detector
    assert group is not None and group.type == "fake"
    zones = camera.zone_list()
    assert [z.name for z in zones] == [code for code, _ in SHELF.bins]
    pipeline = CameraPipeline(
        SHELF_CAMERA,
        zones,
        make_detector(group, config_dir=tmp_path / "ul"),
        tracker=_NoTracker(),  # type: ignore[arg-type]
        shelf_classifiers=build_shelf_classifiers(zones, threshold=0.02),
    )
    sink = MemoryAlertSink()
    settings = VisionSettings(var_dir=tmp_path / "var")
    ledger = StaticLedger(counts=dict(SHELF.bins))
    alerts = AlertPipeline(
        settings, {SHELF_CAMERA: zones}, sink=sink, providers=Providers(ledger=ledger)
    )
    seen: list[dict[str, int | None]] = []
    for i, image in enumerate(_frames(Path(str(camera.source)))):
        result = pipeline.analyse(Frame(SHELF_CAMERA, image, T0 + timedelta(seconds=i), i))
        seen.append({r.zone: r.count for r in result.shelves})
        alerts.process(SHELF_CAMERA, T0 + timedelta(seconds=i), [], result.shelves, lambda _: b"")
    assert seen and all(counts == SHELF.drawn() for counts in seen)
    assert [(a.zone, a.rule) for a in sink.alerts] == [("V11-01-1L", RULE_SHELF_COUNT)]
    assert "camera counts 11, ledger expects 12 (1 short)" in sink.alerts[0].message


def test_without_a_shelf_the_demo_file_is_unchanged(tmp_path: Path) -> None:
    plain = demo_cameras_data(tmp_path / "vault-door.mp4")
    assert "groups" not in plain
    assert SHELF_CAMERA not in yaml.safe_dump(plain)


def test_the_cli_writes_the_cameras_without_a_shelf_when_the_database_cannot_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from web.cli.main import app

    monkeypatch.setenv("FACET_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = CliRunner().invoke(app, ["demo", "cameras", "--out", str(tmp_path / "cams")])
    assert result.exit_code == 0, result.output
    assert "no demo shelf camera (load the demo first)" in result.output
    names = [
        c["name"]
        for c in yaml.safe_load((tmp_path / "cams" / "cameras.yaml").read_text())["cameras"]
    ]
    assert names[0] == "vault-door" and SHELF_CAMERA not in names
