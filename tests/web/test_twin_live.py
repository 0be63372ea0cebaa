"""The live twin: pick lists sequenced by the twin, occupancy, open picks and picker positions
mirrored (as each reader may see them), the layout rebuilt when bins change and pickers shared
with other workers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from core import CoreSettings, Database, LocationsChanged, StockMoved
from core.events import MovedLine
from core.locations.models import Kind, Tier
from core.locations.schemas import LocationCreate, LocationUpdate
from core.locations.service import create_location, location_by_code, update_location
from core.lots.models import Serial
from core.people.service import system_actor
from core.state import SharedState
from tests.builders import PASSWORD, Builder
from tests.core.api.test_api_core import ROLES, api, login, seed
from tests.core.trace.test_visibility import _count
from web.adapters.twin_live import PICKERS, LiveTwin, PickerStore, attach
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
    # The app has stopped (its queued picker positions written): a worker started now, on
    # another Database, shows pia where the first one does.
    fresh = Database(db_url)
    try:
        pickers = LiveTwin(fresh).state()["pickers"]
    finally:
        fresh.dispose()
    assert [(p["picker"], p["location"]) for p in pickers] == [("pia", first["from_location"])]


def test_walking_distance_between_bins(db_url: str) -> None:
    app = create_app(Settings(core=CoreSettings(database_url=db_url, secret_key="k" * 40)))
    with services_of(app).db.write() as session:
        bins = Builder(session).warehouse(bins=6)
    live = services_of(app).live_twin
    assert live.distance(bins[0], bins[5]) == 5.0  # one aisle, bays 1 m apart
    assert live.distance(bins[2], bins[2]) == 0.0
    assert 0 < live.distance(bins[0], "PACK") < float("inf")  # the packing desk is the depot
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


def _add_bin(db: Database, code: str, y: float, *, x: float = 2.0, aisle: str = "1") -> None:
    """A pick-face bin under the builder's level, through the core's service."""
    with db.write() as session:
        create_location(session, actor=system_actor(session), data=LocationCreate(
            code=code, tier=Tier.BIN, kind=Kind.PICK_FACE, parent="A01-01-1", aisle=aisle,
            bay=str(round(y * 10)), level="1", x=x, y=y, check_digits="42"))


def test_new_bins_are_sequenced_in_place_without_a_restart(db: Database) -> None:
    with db.write() as session:
        bins = Builder(session).warehouse(bins=6)
    live = attach(db, check_every_s=3600)  # only the event can tell it here
    assert live.sequence([bins[5], "NEW-1", bins[0]])[-1] == "NEW-1"  # unknown: last
    _add_bin(db, "NEW-1", 3.5)  # between bins[2] and bins[3]: the LocationsChanged event
    order = live.sequence([bins[5], "NEW-1", bins[0]])
    assert order in ([bins[0], "NEW-1", bins[5]], [bins[5], "NEW-1", bins[0]])
    assert order == LiveTwin(db).sequence([bins[5], "NEW-1", bins[0]])  # as after a restart
    with db.write() as session:  # a deactivated bin leaves the layout
        update_location(session, actor=system_actor(session), code="NEW-1",
                        data=LocationUpdate(active=False))
    assert live.sequence([bins[5], "NEW-1", bins[0]])[-1] == "NEW-1"


def test_bins_added_by_another_process_are_seen_by_the_fingerprint(db_url: str) -> None:
    """A CLI (its own Database and bus, no transport) adds a bin: no event reaches the twin."""
    web, cli = Database(db_url), Database(db_url)
    clock = [0.0]
    try:
        with web.write() as session:
            bins = Builder(session).warehouse(bins=6)
        live = attach(web)
        live.clock = lambda: clock[0]
        live.sequence([bins[0], bins[5]])  # built
        _add_bin(cli, "NEW-1", 3.5)
        clock[0] += 1  # checked at most every few seconds: not yet
        assert live.sequence([bins[5], "NEW-1", bins[0]])[-1] == "NEW-1"
        clock[0] += 5
        assert live.sequence([bins[5], "NEW-1", bins[0]])[1] == "NEW-1"
    finally:
        web.dispose()
        cli.dispose()


def test_a_location_change_from_another_worker_drops_the_layout(db_url: str) -> None:
    """The event arrives through the transport (EventBus.receive): every worker rebuilds."""
    web, other = Database(db_url), Database(db_url)
    try:
        with web.write() as session:
            bins = Builder(session).warehouse(bins=6)
        live = attach(web, check_every_s=3600)
        live.sequence([bins[0], bins[5]])
        _add_bin(other, "NEW-1", 3.5)
        assert live.sequence([bins[5], "NEW-1", bins[0]])[-1] == "NEW-1"
        web.bus.receive(LocationsChanged(actor="system"))
        assert live.sequence([bins[5], "NEW-1", bins[0]])[1] == "NEW-1"
    finally:
        web.dispose()
        other.dispose()


def test_picker_positions_are_written_behind_and_read_by_another_worker(db_url: str) -> None:
    one, two = Database(db_url), Database(db_url)
    at = datetime(2026, 12, 3, 9, tzinfo=UTC)
    try:
        with one.write() as session:
            bins = Builder(session).warehouse(bins=6)
        writer = PickerStore(SharedState(one, PICKERS), pause_s=0.01)
        writer.put("pia", bins[2], at)
        writer.put("pia", bins[4], at + timedelta(seconds=9))  # a burst: the newest is kept
        writer.put("olga", bins[1], at)
        assert ("pia", bins[4], at + timedelta(seconds=9)) in writer.load()  # queued counts
        writer.close()
        reader = PickerStore(SharedState(two, PICKERS))
        assert sorted(reader.load()) == [("olga", bins[1], at),
                                         ("pia", bins[4], at + timedelta(seconds=9))]
        state = LiveTwin(two).state()
        assert {(p["picker"], p["location"]) for p in state["pickers"]} == {
            ("olga", bins[1]), ("pia", bins[4])}
    finally:
        one.dispose()
        two.dispose()


def test_live_state_shows_open_picks_and_hides_a_blind_counters_bins(db: Database,
                                                                     db_url: str) -> None:
    """Open pick lines per bin; a counter doing a blind count of a bin sees neither its fill,
    its open picks nor a picker standing there (each would tell the bin holds stock)."""
    bins = seed(db, users={**ROLES, "pete": "picker"})
    with api(db_url) as client:
        mia = login(client, "mia")
        order = client.post("/api/orders", headers=mia, json={
            "channel": "web", "external_id": "OP-1", "customer_name": "Ines",
            "lines": [{"sku": "CHAIN-1", "quantity": 2}]}).json()
        assert client.post(f"/api/orders/{order['id']}/allocate", headers=mia).status_code < 300
        made = client.post("/api/picklists", headers=mia,
                           json={"order_ids": [order["id"]], "picker": "pete"})
        assert made.status_code == 201, made.text
        # Pete was last seen at the bin (a pick of another list, as the bus delivers it).
        services_of(client.app).bus.publish(StockMoved(  # type: ignore[arg-type]
            document_id=0, document_kind="pick", actor="pete",
            moves=(MovedLine(move_id=0, sku="CHAIN-1", lot="L-2", from_location=bins[0],
                             to_location="PACK", quantity=1),)))
        office = client.get("/api/twin/live", headers=mia).json()
        assert office["open_picks"] == {bins[0]: 1}
        assert [(p["picker"], p["location"]) for p in office["pickers"]] == [("pete", bins[0])]
        _count(client, [bins[0]], "pia")
        counter = client.get("/api/twin/live", headers=login(client, "pia")).json()
        assert bins[0] not in counter["occupancy"] and counter["open_picks"] == {}
        assert counter["pickers"] == []
        still = client.get("/api/twin/live", headers=mia).json()  # not mia's count
        assert still["open_picks"] == {bins[0]: 1} and bins[0] in still["occupancy"]
