"""The demo's present day (core/demo/today.py): rings on hand, a releasable held lot and
orders that can be allocated, added without changing the year of history before them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core import Database
from core.audit.service import verify as verify_audit
from core.catalogue.models import Sku
from core.demo import load_demo
from core.ledger.models import Balance
from core.locations.models import Location
from core.lots.models import Lot, LotStatus, Serial
from core.lots.service import set_hold
from core.migrate import upgrade
from core.orders.allocation import allocate_order
from core.orders.integrity import verify_stock
from core.orders.models import SalesOrder
from core.people.service import actor_for, user_by_name

NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # the benches' and chat tests' pinned day
STOCK_KINDS = ("pick_face", "reserve", "vault")


def _load(folder: Path, **kwargs: Any) -> tuple[Database, dict[str, Any]]:
    url = f"sqlite:///{folder / 'demo.db'}"
    upgrade(url)
    db = Database(url)
    return db, load_demo(db, scale="small", now=NOW, **kwargs)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[str, Any]]]:
    db, summary = _load(tmp_path_factory.mktemp("today"))
    yield db, summary
    db.dispose()


@pytest.fixture
def copy(demo: tuple[Database, dict[str, Any]], tmp_path: Path) -> Iterator[Database]:
    """A copy of the demo a test may change."""
    db, _summary = demo
    source = db.engine.url.database
    assert source is not None
    with sqlite3.connect(source) as src, sqlite3.connect(tmp_path / "copy.db") as dst:
        src.backup(dst)  # with what the write-ahead log still holds
    copied = Database(f"sqlite:///{tmp_path / 'copy.db'}")
    yield copied
    copied.dispose()


def test_the_summary_names_what_the_module_doc_promises(
    demo: tuple[Database, dict[str, Any]],
) -> None:
    _db, summary = demo
    assert summary["today"] == {
        "ring_lots": ["G-3509"],
        "rings_received": 34,
        "showcase_ring": "ST0003-Au750W-7",
        "held_lot": "G-9106",
        "held_reason": "customer complaint: clasp check",
        "open_orders": ["WEB-261125-03524", "BOU-261125-35830", "WHO-261125-90672"],
    }


def _on_hand(db: Database, sku_pattern: str) -> dict[str, int]:
    with db.read() as session:
        rows = session.execute(
            select(Sku.code, func.sum(Balance.on_hand))
            .join(Balance, Balance.sku_id == Sku.id)
            .join(Location, Location.id == Balance.location_id)
            .join(Lot, Lot.id == Balance.lot_id)
            .where(Sku.code.like(sku_pattern), Location.kind.in_(STOCK_KINDS),
                   Lot.status == LotStatus.APPROVED)
            .group_by(Sku.code)
        ).all()
    return {code: int(qty) for code, qty in rows}


def test_every_ring_is_on_hand_in_an_approved_lot(demo: tuple[Database, dict[str, Any]]) -> None:
    db, summary = demo
    on_hand = _on_hand(db, "ST0003-%")
    assert len(on_hand) == 10 and min(on_hand.values()) >= 2  # sizes 5-9, yellow and white
    assert on_hand[summary["today"]["showcase_ring"]] >= 3
    with db.read() as session:
        lot = session.scalars(select(Lot).where(Lot.code == "G-3509")).one()
        assert (lot.status, lot.qc_result) == (LotStatus.APPROVED, "pass")


def test_the_held_lot_can_be_released(copy: Database) -> None:
    with copy.write() as session:
        lot = session.scalars(select(Lot).where(Lot.code == "G-9106")).one()
        assert (lot.status, lot.qc_result) == (LotStatus.ON_HOLD, "pass")
        manager = actor_for(user_by_name(session, "manager"))
        set_hold(session, actor=manager, code="G-9106", hold=False, reason="clasp checked")
    with copy.read() as session:
        assert session.scalar(select(Lot.status).where(Lot.code == "G-9106")) == "approved"


def test_the_new_orders_are_open_and_allocate_completely(copy: Database) -> None:
    numbers = ["WEB-261125-03524", "BOU-261125-35830", "WHO-261125-90672"]
    with copy.write() as session:
        clerk = actor_for(user_by_name(session, "clerk"))
        for number, pieces in zip(numbers, (2, 2, 3), strict=True):
            order = session.scalars(
                select(SalesOrder).where(SalesOrder.external_id == number)).one()
            assert order.status == "open"
            assert order.created_at.replace(tzinfo=UTC) < NOW
            assert sum(line.quantity for line in order.lines) == pieces
            assert allocate_order(session, actor=clerk, order_id=order.id).complete
    with copy.read() as session:
        assert verify_stock(session).ok


def test_the_ledger_and_audit_chain_stay_sound(demo: tuple[Database, dict[str, Any]]) -> None:
    db, _summary = demo
    with db.read() as session:
        assert verify_stock(session).ok
        assert verify_audit(session).ok


def test_the_history_before_today_is_unchanged(
    demo: tuple[Database, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the present day the demo has the same lots, orders and serials, less today's."""
    db, summary = demo
    monkeypatch.setattr("core.demo.play_today", lambda *_a, **_k: {})
    bare, _ = _load(tmp_path)
    try:
        today = summary["today"]
        for model, column, added in (
            (Lot, Lot.code, {*today["ring_lots"], today["held_lot"]}),
            (SalesOrder, SalesOrder.external_id, set(today["open_orders"])),
        ):
            with db.read() as full, bare.read() as before:
                had = set(before.scalars(select(column)))
                now = set(full.scalars(select(column)))
            assert now - had == added and had <= now, model
        with db.read() as full, bare.read() as before:
            had_serials = set(before.execute(select(Serial.code, Serial.sku_id)).all())
            serials = set(full.execute(select(Serial.code, Serial.sku_id)).all())
        assert had_serials < serials
        assert len(serials - had_serials) == summary["today"]["rings_received"] + 15
    finally:
        bare.dispose()
