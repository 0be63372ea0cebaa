"""The camera rules ask the core: zone sign-ons, bin contents, open picks; the app runs cameras."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core import CoreSettings, Database
from core.locations.models import Tier
from core.locations.presence import sign_off, sign_on
from core.locations.schemas import LocationCreate
from core.locations.service import create_location
from tests.builders import PASSWORD, Builder
from vision.domain import ShelfState
from web.adapters.vision import CoreAuthorisation, CoreSchedule, CoreShelfLedger
from web.app import Settings, create_app
from web.cli.demo_cameras import write_demo_cameras
from web.settings import WebSettings


def test_authorisation_follows_zone_sign_ons(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        sam = b.user("sam", "security")
        before = datetime.now(UTC)
        sign_on(session, actor=sam, zone="Z1")
    auth = CoreAuthorisation(db)
    now = datetime.now(UTC) + timedelta(seconds=1)
    assert [(p.person, p.roles) for p in auth.signed_on("Z1", now)] == [
        ("sam", frozenset({"security"}))
    ]
    assert auth.signed_on("Z1", before - timedelta(minutes=5)) == []
    with db.write() as session:
        sign_off(session, actor=sam, zone="Z1")
    assert auth.signed_on("Z1", datetime.now(UTC) + timedelta(seconds=1)) == []


def test_shelf_ledger_and_schedule_read_the_bins(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        sku = b.sku()
        b.stock(sku, "G-1", 2, bins[0])
    ledger, schedule = CoreShelfLedger(db), CoreSchedule(db)
    assert ledger.expected_state(bins[0]) == ShelfState.OCCUPIED
    assert ledger.expected_state(bins[1]) == ShelfState.EMPTY
    assert ledger.expected_state("NO-SUCH-BIN") is None
    assert schedule.activity_scheduled(bins[0], datetime.now(UTC)) is False


WEIGHTS = os.environ.get("FACET_YOLO_WEIGHTS", "")


@pytest.mark.skipif(
    not WEIGHTS or not Path(WEIGHTS).exists(),
    reason="FACET_YOLO_WEIGHTS does not point at YOLO weights",
)
def test_app_cameras_raise_a_vault_alert(sqlite_template: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "app.db"
    db_path.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{db_path}"
    db = Database(url)
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        create_location(
            session, actor=b.actor, data=LocationCreate(code="VLT", tier=Tier.ZONE, parent="WH")
        )
        b.user("sam", "security")
    db.dispose()
    cameras = write_demo_cameras(tmp_path / "cams")
    app = create_app(
        Settings(
            core=CoreSettings(database_url=url, secret_key="k" * 40),
            web=WebSettings(cameras_file=cameras),
        )
    )
    with TestClient(app) as client:
        token = client.post(
            "/api/auth/token", data={"username": "sam", "password": PASSWORD}
        ).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        deadline, items = time.monotonic() + 90, []
        while time.monotonic() < deadline and not items:
            time.sleep(1)
            items = client.get("/api/alerts?zone=VLT", headers=headers).json()["items"]
        cams = client.get("/api/vision/cameras", headers=headers).json()
    assert items, f"no vault alert; cameras: {cams}"
    assert items[0]["camera"] == "vault-door"
