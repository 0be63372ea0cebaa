"""A delivery with one new message is applied without a savepoint: when it fails, the delivery
ends exactly as it would with one (stored, pending, its failure recorded; nothing else kept)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import Database
from core.channels import list_messages, receive_and_apply
from core.channels.models import Channel, ChannelMessage
from core.orders.models import SalesOrder
from tests.core.channels.inbox_fixtures import SKU, message, reserved, shop


def _count(db: Database, model: type[ChannelMessage] | type[SalesOrder]) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_lone_failed_message_is_stored_pending_with_its_failure(db: Database) -> None:
    shop(db, qty=5)
    bad = message("created", "T-9", lines=(("NOT-LISTED", 1),))
    (got,), reads = receive_and_apply(db, channel="tmall", messages=[bad], raw='{"x": 1}')
    read = reads[got.message_id]
    assert got.new and (read.status, read.error_code, read.attempts) == (
        "pending", "unmapped-sku", 1)  # fmt: skip
    assert read.next_attempt_at is not None and read.order_id is None
    assert _count(db, ChannelMessage) == 1 and _count(db, SalesOrder) == 0 and reserved(db) == 0
    with db.read() as session:
        (row,), _ = list_messages(session, channel="tmall")
        raw = session.scalar(select(ChannelMessage.raw))
        channel = session.scalar(select(Channel).where(Channel.code == "tmall"))
        assert channel is not None and channel.last_message_at is not None
        assert channel.last_error is not None and "T-9" in channel.last_error
    assert (row.id, row.status, row.error_code) == (got.message_id, "pending", "unmapped-sku")
    assert raw == '{"x": 1}'  # the delivery's body is kept with it, as with a savepoint


def test_a_lone_failure_beside_a_repeat_keeps_the_repeat_as_it_was(db: Database) -> None:
    shop(db, qty=5)
    first = message("created", "T-1", lines=((SKU, 1),))
    receive_and_apply(db, channel="tmall", messages=[first], raw="{}")
    bad = message("created", "T-2", lines=(("NOT-LISTED", 1),))
    again, reads = receive_and_apply(db, channel="tmall", messages=[first, bad], raw="{}")
    assert [r.new for r in again] == [False, True]
    assert reads[again[1].message_id].error_code == "unmapped-sku"
    assert _count(db, ChannelMessage) == 2 and _count(db, SalesOrder) == 1 and reserved(db) == 1


@pytest.mark.parametrize("kind", ["created", "cancelled"])
def test_a_lone_message_that_applies_is_done_in_one_transaction(db: Database, kind: str) -> None:
    shop(db, qty=5)
    (got,), reads = receive_and_apply(
        db, channel="tmall", messages=[message(kind, "T-3", lines=((SKU, 2),))], raw="{}"
    )
    assert reads[got.message_id].status == "done"
    assert reserved(db) == (2 if kind == "created" else 0)
