"""Open orders by place (helper chatS8, issue 18): the orders served from a zone, aisle or bin,
those with stock allocated there or waiting for stock held there; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from core import Database
from core.demo import load_demo
from core.ledger.models import Balance
from core.locations.models import Location
from core.orders.models import OrderLine, Reservation, ReservationStatus, SalesOrder
from core.reports import pending_orders
from tests.conftest import BACKENDS


@pytest.fixture(scope="module", params=BACKENDS)
def warehouse(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[Database]:
    """The small demo on SQLite, and on PostgreSQL when configured."""
    if request.param == "sqlite":
        db: Database = request.getfixturevalue("demo")
        yield db
        return
    url = request.getfixturevalue("pg_url")
    db = Database(url)
    load_demo(db, scale="small")
    yield db
    db.dispose()


def _served_by_hand(db: Database, prefix: str) -> set[str]:
    """The pending orders served from locations whose code starts with ``prefix``, worked
    out row by row in Python (the report's rule, stated plainly)."""
    with db.read() as session:
        codes = dict(session.execute(select(Location.id, Location.code)).all())
        under = {i for i, c in codes.items() if c.startswith(prefix)}
        pending = {r["order"] for r in pending_orders(session, limit=10_000)}
        served: set[str] = set()
        for order, line in session.execute(
                select(SalesOrder.external_id, OrderLine)
                .join(OrderLine, OrderLine.order_id == SalesOrder.id)):
            if order not in pending:
                continue
            held = session.scalars(select(Reservation).where(
                Reservation.order_line_id == line.id,
                Reservation.status != ReservationStatus.RELEASED.value)).all()
            if any(r.location_id in under for r in held):
                served.add(order)
            elif line.quantity > line.reserved_quantity + line.picked_quantity:
                stock = session.scalars(select(Balance).where(
                    Balance.sku_id == line.sku_id, Balance.on_hand > 0)).all()
                if any(b.location_id in under and line.lot_id in (None, b.lot_id)
                       for b in stock):
                    served.add(order)
        return served


@pytest.mark.parametrize("place", ["V04", "R03", "A"])
def test_open_orders_at_a_place_are_those_served_from_it(
    warehouse: Database, place: str
) -> None:
    with warehouse.read() as session:
        every = {r["order"] for r in pending_orders(session, limit=10_000)}
        there = {r["order"] for r in pending_orders(session, limit=10_000, place=place)}
    assert there <= every
    assert there == _served_by_hand(warehouse, place)


def test_a_zone_is_every_place_under_it(warehouse: Database) -> None:
    with warehouse.read() as session:
        vault = {r["order"] for r in pending_orders(session, limit=10_000, place="VLT")}
        aisle = {r["order"] for r in pending_orders(session, limit=10_000, place="V04")}
    assert vault >= aisle


def test_a_place_that_serves_no_order_keeps_none(warehouse: Database) -> None:
    with warehouse.read() as session:
        assert pending_orders(session, place="NO-SUCH-PLACE") == []


def test_the_demo_vault_serves_some_open_orders_but_not_all(warehouse: Database) -> None:
    with warehouse.read() as session:
        every = pending_orders(session, limit=10_000)
        vault = pending_orders(session, limit=10_000, place="VLT")
    assert 0 < len(vault) < len(every)
