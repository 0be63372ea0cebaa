"""The live twin: pick lists sequenced by the twin, occupancy and picker positions mirrored."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from core import CoreSettings
from core.locations.service import location_by_code
from core.lots.models import Serial
from tests.builders import PASSWORD, Builder
from web.app import Settings, create_app
from web.services import services_of


def _headers(client: TestClient, name: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_pick_list_follows_the_twin_and_the_mirror_follows_picks(db_url: str) -> None:
    app = create_app(Settings(core=CoreSettings(database_url=db_url, secret_key="k" * 40)))
    db = services_of(app).db
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse(bins=6)
        b.supplier()
        sku = b.sku()
        for n, code in enumerate((bins[5], bins[0], bins[3])):
            b.stock(sku, f"G-{n + 1}", 1, code)
        b.user("mara", "manager")
        b.user("pia", "picker")
    with TestClient(app) as client:
        mara, pia = _headers(client, "mara"), _headers(client, "pia")
        before = client.get("/api/twin/live", headers=mara).json()
        assert before["occupancy"] == {bins[0]: 1.0, bins[3]: 1.0, bins[5]: 1.0}
        order_ids = []
        for n in range(3):
            order = client.post(
                "/api/orders",
                headers=mara,
                json={
                    "channel": "web",
                    "external_id": f"T{n}",
                    "customer_name": "Ines",
                    "lines": [{"sku": sku, "quantity": 1, "lot": f"G-{n + 1}"}],
                    "removal_strategy": "named_lot",
                },
            ).json()
            assert (
                client.post(f"/api/orders/{order['id']}/allocate", headers=mara).status_code < 300
            )
            order_ids.append(order["id"])
        picks = client.post(
            "/api/picklists", headers=mara, json={"order_ids": order_ids, "picker": "pia"}
        )
        assert picks.status_code == 201, picks.text
        visit = [line["from_location"] for line in picks.json()["lines"]]
        expected = list(services_of(app).live_twin.sequence([bins[5], bins[0], bins[3]]))
        assert visit == expected
        first = picks.json()["lines"][0]
        with db.read() as session:
            loc = location_by_code(session, first["from_location"])
            serial = session.scalar(select(Serial.code).where(Serial.location_id == loc.id))
            digits = loc.check_digits  # what pia reads off the bin's label
        done = client.post(
            f"/api/picks/{first['id']}/confirm",
            headers=pia,
            json={"quantity": 1, "serials": [serial], "check_digits": digits},
        )
        assert done.status_code == 200, done.text
        after = client.get("/api/twin/live", headers=mara).json()
        assert first["from_location"] not in after["occupancy"]
        assert after["pickers"][0]["picker"] == "pia"
        assert after["pickers"][0]["location"] == first["from_location"]


def test_walking_distance_between_bins(db_url: str) -> None:
    app = create_app(Settings(core=CoreSettings(database_url=db_url, secret_key="k" * 40)))
    with services_of(app).db.write() as session:
        bins = Builder(session).warehouse(bins=6)
    live = services_of(app).live_twin
    assert live.distance(bins[0], bins[5]) == 5.0  # one aisle, bays 1 m apart
    assert live.distance(bins[2], bins[2]) == 0.0
    assert live.distance(bins[0], "PACK") > 0  # the packing desk is the depot
    assert live.distance(bins[0], "NO-SUCH-BIN") == float("inf")


def test_slotting_advice_runs_on_the_twins_distances(db_url: str) -> None:
    app = create_app(Settings(core=CoreSettings(database_url=db_url, secret_key="k" * 40)))
    with services_of(app).db.write() as session:
        b = Builder(session)
        b.warehouse(bins=6)
        b.user("mara", "manager")
    with TestClient(app) as client:
        answer = client.get("/api/reports/slotting-advice", headers=_headers(client, "mara"))
    assert answer.status_code == 200, answer.text
