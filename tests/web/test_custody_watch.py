"""The web app's hourly overdue-custody check: an overdue memo raises its alert once a day, and
the check's thread starts and stops with the app."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import func, select

from core import Database
from core.alerts.models import Alert
from core.custody import CustodyOut, PieceWeight, hand_out
from core.custody.views import OVERDUE_RULE
from tests.builders import at, clock
from tests.core.custody.support import WEIGHT_G, shop
from web.adapters import custody_watch
from web.adapters.custody_watch import check_once, start_custody_watch


def _alerts(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).where(Alert.rule == OVERDUE_RULE)) or 0)


def test_an_overdue_memo_raises_one_alert_a_day(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    with clock(at(3, 2)), db.write() as s:
        made = shop(s)
        hand_out(s, actor=made.b.actor, data=CustodyOut(
            kind="memo", partner="SHOP1", due_on=date(2026, 3, 5), terms="sale or return",
            pieces=[PieceWeight(serial=p, weight_g=WEIGHT_G) for p in made.pieces[:2]]))
    with clock(at(3, 5)):
        assert check_once(db) == 0  # due today is not overdue
    with clock(at(3, 7)):
        assert check_once(db) == 1
        assert check_once(db) == 0  # the same day: no second alert
    with clock(at(3, 7) + timedelta(days=1)):
        assert check_once(db) == 1
    assert _alerts(db) == 2
    db.dispose()


def test_the_watch_runs_every_period_until_stopped(sqlite_url: str, monkeypatch) -> None:
    db, ran = Database(sqlite_url), threading.Event()
    monkeypatch.setattr(custody_watch, "check_once", lambda _db: ran.set() or 0)
    stop = start_custody_watch(db, every_s=0.01)
    try:
        assert ran.wait(5)
    finally:
        stop()
    db.dispose()
