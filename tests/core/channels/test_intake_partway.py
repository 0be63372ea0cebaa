"""A reservation refused part-way (a conditional update that finds its free stock gone after
pieces were already reserved) never leaves a half-reserved order: the message's whole work
is undone and it waits, pending, for its retry. Only a refusal that reserved nothing is the
``oversold`` outcome, kept with the order open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from core import Database
from core.channels import apply_message, receive_and_apply
from core.errors import ConflictError, InsufficientStockError
from core.orders import allocation
from core.orders.models import SalesOrder
from tests.core.channels.inbox_fixtures import SKU, message, order_of, reserved, shop


@pytest.fixture
def refuse_after_first_reserve(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The first reservation is written and then refused, as a lost race would leave it."""
    real = allocation.change_reserved
    calls: list[int] = []

    def change_reserved(session: Any, **kwargs: Any) -> None:
        real(session, **kwargs)
        calls.append(kwargs["delta"])
        if len(calls) == 1:
            raise InsufficientStockError("Not enough free stock to reserve.")

    monkeypatch.setattr(allocation, "change_reserved", change_reserved)
    yield calls


def _orders(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(SalesOrder)) or 0)


def test_allocation_refused_part_way_is_a_conflict_not_a_shortage(
    db: Database, refuse_after_first_reserve: list[int]
) -> None:
    shop(db, qty=5)
    from core.orders import create_order
    from core.orders.schemas import OrderCreate, OrderLineIn
    from core.people.service import system_actor

    with pytest.raises(ConflictError) as caught, db.write() as session:
        actor = system_actor(session)
        order, _ = create_order(session, actor=actor, data=OrderCreate(
            channel="api", external_id="A-1", customer_name="Lin Mei",
            lines=[OrderLineIn(sku=SKU, quantity=2)]))  # fmt: skip
        allocation.allocate_locked(session, actor=actor, order=order)
    assert caught.value.code == "stock-changed"
    assert reserved(db) == 0 and _orders(db) == 0  # the caller's rollback took it all


def test_a_lone_message_refused_part_way_keeps_nothing_and_is_retried(
    db: Database, refuse_after_first_reserve: list[int]
) -> None:
    shop(db, qty=5)
    (got,), reads = receive_and_apply(
        db, channel="tmall", messages=[message("created", "T-1", lines=((SKU, 2),))], raw="{}"
    )
    read = reads[got.message_id]
    assert (read.status, read.error_code, read.attempts) == ("pending", "stock-changed", 1)
    assert reserved(db) == 0 and _orders(db) == 0
    retried = apply_message(db, message_id=got.message_id)  # the race is over
    assert (retried.status, retried.outcome) == ("done", "created")
    assert reserved(db) == 2


def test_in_a_batch_only_the_message_refused_part_way_is_undone(
    db: Database, refuse_after_first_reserve: list[int]
) -> None:
    shop(db, qty=5)
    first = message("created", "T-1", lines=((SKU, 2),))
    second = message("created", "T-2", lines=((SKU, 1),))
    got, reads = receive_and_apply(db, channel="tmall", messages=[first, second], raw="{}")
    one, two = (reads[r.message_id] for r in got)
    assert (one.status, one.error_code) == ("pending", "stock-changed")
    assert (two.status, two.outcome) == ("done", "created")
    assert reserved(db) == 1  # the first message's written reservation went with its savepoint
    assert order_of(db, "tmall", "T-1") is None and order_of(db, "tmall", "T-2") is not None
