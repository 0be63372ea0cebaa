"""Camera alerts land in the core, appear in the API and can be acknowledged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from core import AlertRaised, CoreSettings, Database
from tests.builders import PASSWORD, Builder
from vision.domain import Severity
from vision.protocols import AlertRecord
from web.adapters.vision import CoreAlertSink
from web.app import Settings, create_app
from web.services import services_of


def test_alert_stored_published_listed_and_acknowledged(db_url: str, tmp_path: Path) -> None:
    app = create_app(Settings(core=CoreSettings(database_url=db_url,
                                                secret_key="test-key-0123456789")))
    db: Database = services_of(app).db
    seen: list[AlertRaised] = []
    db.bus.subscribe(AlertRaised, seen.append)
    with db.write() as session:
        Builder(session).user("sam", "security")
        Builder(session).user("pia", "picker")
    alert_id = CoreAlertSink(db).store_alert(AlertRecord(
        camera="vault-1", zone="vault", rule="unauthorised-person", severity=Severity.HIGH,
        message="person in vault with nobody signed on", raised_at=datetime.now(UTC),
        snapshot_jpeg=b"\xff\xd8fakejpeg", track_id=4))
    assert [e.alert_id for e in seen] == [alert_id]
    with TestClient(app) as client:
        def token(name: str) -> dict[str, str]:
            answer = client.post("/api/auth/token", data={"username": name, "password": PASSWORD})
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        sam = token("sam")
        listed = client.get("/api/alerts?open_only=true", headers=sam).json()
        assert listed["items"][0]["rule"] == "unauthorised-person"
        assert client.get(f"/api/alerts/{alert_id}/snapshot.jpg", headers=sam).content.startswith(
            b"\xff\xd8")
        assert client.get("/api/alerts", headers=token("pia")).status_code == 403
        empty = client.post(f"/api/alerts/{alert_id}/ack", json={"note": ""}, headers=sam)
        assert empty.status_code == 422
        done = client.post(f"/api/alerts/{alert_id}/ack", json={"note": "cleaner, escorted"},
                           headers=sam)
        assert done.status_code == 200, done.text
        assert done.json()["acknowledged"] is True
        again = client.post(f"/api/alerts/{alert_id}/ack", json={"note": "x"}, headers=sam)
        assert again.json()["error"]["code"] == "already-acked"
