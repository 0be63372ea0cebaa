"""The overview report, the occupancy per bin and the ledger's date filters, on a small day."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from core import Database
from core.alerts.service import raise_alert
from core.clock import use_clock
from core.documents.journal import MoveFilter, list_moves
from core.ledger.service import occupancy
from core.orders.allocation import allocate_order
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick
from core.orders.shipping import ship_order
from core.reports.overview import overview
from tests.builders import Builder, label_digits
from tests.core.api.test_api_core import api, login
from tests.core.orders.support import order

DAY = date(2026, 3, 10)


@contextmanager
def at(hour: int, minute: int = 0) -> Iterator[None]:
    """Run the block at ``hour:minute`` UTC on :data:`DAY`."""
    moment = datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=UTC)
    with use_clock(lambda: moment):
        yield


def day_of_work(session: Session) -> list[str]:
    """3 rings received at 09:15, 2 picked at 10:30 and shipped at 11:00, 1 more on order."""
    b = Builder(session)
    with at(8):
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1")
        b.user("mia", "manager")
        b.user("pia", "picker")
    with at(9, 15):
        serials = b.stock("RING-1", "L-1", 3, bins[0])
    with at(10):
        first = order(session, b.actor, "5000", ("RING-1", 2))
        allocate_order(session, actor=b.actor, order_id=first.id)
        doc = create_pick_list(session, actor=b.actor, order_ids=[first.id])
    with at(10, 30):
        line = pick_list_read(session, doc).lines[0]
        confirm_pick(session, actor=b.actor, line_id=line.id, quantity=2, serials=serials[:2],
                     check_digits=label_digits(session, line.id))
    with at(11):
        ship_order(session, actor=b.actor, order_id=first.id)
        second = order(session, b.actor, "5001", ("RING-1", 1))
        allocate_order(session, actor=b.actor, order_id=second.id)
        raise_alert(session, camera="cam-1", zone="vault", rule="loitering", severity="high",
                    message="Lingering at the vault")
    return bins


def test_overview_counts_the_day(session: Session) -> None:
    day_of_work(session)
    report = overview(session, day=DAY, window_days=2)
    assert report["received_today"] == 3
    assert report["picked_today"] == 2 and report["pick_lines_today"] == 1
    assert report["orders_waiting"] == 1
    assert report["orders_by_status"]["allocated"] == 1
    assert report["pick_accuracy"] == 1.0 and report["pick_lines_seen"] == 1
    assert report["open_alerts"] == 1 and report["alerts_by_severity"]["high"] == 1
    hourly = report["hourly"]
    assert hourly["units"]["receipt"][9] == 3 and hourly["units"]["pick"][10] == 2
    assert hourly["units"]["shipment"][11] == 2 and sum(hourly["units"]["receipt"]) == 3
    daily = report["daily"]
    assert daily["days"] == ["2026-03-08", "2026-03-09", "2026-03-10"]
    assert daily["moves"]["pick"] == [0, 0, 1] and daily["moves"]["putaway"] == [0, 0, 1]
    quiet = overview(session, day=date(2026, 3, 11), window_days=1, include_alerts=False)
    assert quiet["received_today"] == 0 and quiet["open_alerts"] is None
    assert quiet["daily"]["moves"]["receipt"] == [1, 0]


def test_occupancy_and_move_dates(session: Session) -> None:
    bins = day_of_work(session)
    rows = {r["location"]: r for r in occupancy(session)}
    assert rows[bins[0]]["on_hand"] == 1 and rows[bins[0]]["reserved"] == 1
    assert set(rows) == {bins[0]}  # packing emptied by the shipment, quarantine by putaway
    assert occupancy(session, location_prefix="QUAR") == []
    morning = MoveFilter(since=datetime(2026, 3, 10, 9, tzinfo=UTC),
                         until=datetime(2026, 3, 10, 10, 31, tzinfo=UTC))
    moves, total = list_moves(session, filters=morning, limit=50, offset=0)
    assert total == 3 and [m["reason"] for m in moves] == ["pick", "putaway", "receipt"]
    picks, total = list_moves(session, filters=MoveFilter(reason="pick"), limit=50, offset=0)
    assert total == 1 and picks[0]["quantity"] == 2


def test_overview_over_http(db: Database, db_url: str) -> None:
    with db.write() as session:
        bins = day_of_work(session)
    with api(db_url) as client:
        manager, picker = login(client, "mia"), login(client, "pia")
        body = client.get("/api/reports/overview", params={"day": "2026-03-10"},
                          headers=manager).json()
        assert body["received_today"] == 3 and body["open_alerts"] == 1
        mine = client.get("/api/reports/overview", params={"day": "2026-03-10"},
                          headers=picker).json()
        assert mine["open_alerts"] is None and mine["orders_waiting"] == 1
        occ = client.get("/api/stock/occupancy", headers=picker).json()
        assert occ["items"] == [{"location": bins[0], "kind": "pick_face", "on_hand": 1,
                                 "reserved": 1, "skus": 1}]
        moves = client.get("/api/moves", headers=picker, params={
            "since": "2026-03-10T10:00:00Z", "until": "2026-03-10T12:00:00Z"}).json()
        assert moves["total"] == 2
        assert client.get("/api/reports/overview").status_code == 401
