"""No oversell: 50 writers race for the last 5 pieces, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from core import Database
from core.errors import CoreError
from core.ledger.models import Balance
from core.locations.models import Location
from core.orders.allocation import allocate_order
from core.orders.integrity import verify_stock
from core.orders.picking import create_pick_list
from core.orders.picks import confirm_pick
from core.people.security import Actor
from tests.builders import Builder, label_digits
from tests.core.orders.support import order, stock_lot

RACERS = 50


def _warehouse(db: Database) -> tuple[Actor, str]:
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        sku = b.sku("BEAD-1", serialised=False)
        stock_lot(session, b.actor, sku=sku, lot="L-1", qty=5, location=bins[0],
                  serialised=False)
        return b.actor, bins[0]


def _race(db: Database, attempt: Callable[[int], None], args: list[int]) -> list[str]:
    """Run ``attempt`` for every arg at once, each in its own write transaction."""
    start = threading.Barrier(len(args))

    def one(arg: int) -> str:
        start.wait()
        try:
            attempt(arg)
        except CoreError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=len(args)) as pool:
        return list(pool.map(one, args))


def _check_stock(db: Database, bin_code: str) -> tuple[int, int]:
    with db.read() as session:
        assert verify_stock(session).ok
        row = session.execute(select(Balance.on_hand, Balance.reserved).join(
            Location, Location.id == Balance.location_id).where(Location.code == bin_code)).one()
        assert row.on_hand >= row.reserved >= 0
        return row.on_hand, row.reserved


def test_fifty_orders_race_to_reserve_the_last_five(db: Database) -> None:
    actor, bin_code = _warehouse(db)
    with db.write() as session:
        ids = [order(session, actor, f"R-{i}", ("BEAD-1", 1)).id for i in range(RACERS)]

    def allocate(order_id: int) -> None:
        with db.write() as session:
            allocate_order(session, actor=actor, order_id=order_id)

    results = _race(db, allocate, ids)
    assert results.count("ok") == 5
    assert results.count("insufficient-stock") == RACERS - 5
    assert _check_stock(db, bin_code) == (5, 5)


def test_fifty_pickers_race_for_five_pieces(db: Database) -> None:
    actor, bin_code = _warehouse(db)
    with db.write() as session:
        o = order(session, actor, "P-1", ("BEAD-1", 5))
        allocate_order(session, actor=actor, order_id=o.id)
        line_id = create_pick_list(session, actor=actor, order_ids=[o.id]).lines[0].id

    def pick(_: int) -> None:
        with db.write() as session:
            confirm_pick(session, actor=actor, line_id=line_id, quantity=1,
                         check_digits=label_digits(session, line_id))

    results = _race(db, pick, list(range(RACERS)))
    assert results.count("ok") == 5
    assert results.count("insufficient-stock") == RACERS - 5
    assert _check_stock(db, bin_code) == (0, 0)
