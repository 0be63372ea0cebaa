"""The composed app answers chat questions from live data, in English and Chinese."""

from __future__ import annotations

from fastapi.testclient import TestClient

from core import CoreSettings
from tests.builders import PASSWORD, Builder
from web.app import Settings, create_app
from web.services import services_of


def test_where_is_a_lot_in_english_and_chinese(db_url: str) -> None:
    app = create_app(Settings(core=CoreSettings(database_url=db_url, secret_key="k" * 40)))
    with services_of(app).db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.stock(b.sku(), "G-2311", 3, bins[2])
        b.user("mara", "manager")
    with TestClient(app) as client:
        token = client.post("/api/auth/token", data={"username": "mara", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        english = client.post("/api/assistant/chat", headers=headers,
                              json={"text": "where is batch G-2311?"}).json()
        chinese = client.post("/api/assistant/chat", headers=headers,
                              json={"text": "批次 G-2311 在哪里?"}).json()
        anonymous = client.post("/api/assistant/chat", json={"text": "where is batch G-2311?"})
    assert english["intent"] == chinese["intent"]
    assert bins[2] in english["answer"]
    assert [row["location"] for row in english["data"]] == [bins[2]]
    assert chinese["data"] == english["data"]
    assert anonymous.status_code == 401
