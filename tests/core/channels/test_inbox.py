"""The inbox: stored before applied, repeats dropped, out-of-order deliveries, dead letters."""

from __future__ import annotations

from datetime import timedelta

from core import Database
from core.channels import (
    MAX_ATTEMPTS,
    apply_due,
    apply_message,
    list_messages,
    retry_message,
    set_listing,
)
from core.channels.schemas import ChannelSkuIn
from core.clock import now
from core.orders import confirm_pick, create_pick_list, get_order, order_read
from core.orders.models import OrderStatus
from core.people.service import system_actor
from tests.builders import clock, label_digits
from tests.core.channels.inbox_fixtures import SKU, deliver, message, order_of, reserved, shop


def test_the_same_order_three_times_makes_one_order(db: Database) -> None:
    shop(db)
    created = message("created", "T-1", lines=((SKU, 2),))
    ids = deliver(db, "tmall", created, created)  # a repeat inside one delivery
    assert len(ids) == 1
    assert deliver(db, "tmall", created) == []  # and in a later one
    again = message("created", "T-1", "evt-2", lines=((SKU, 2),))  # a new key, same order
    ids += deliver(db, "tmall", again)
    outcomes = [apply_message(db, message_id=i).outcome for i in ids]
    assert outcomes == ["created", "duplicate"]
    order = order_of(db, "tmall", "T-1")
    assert order is not None and order.status == OrderStatus.ALLOCATED
    assert reserved(db) == 2
    assert apply_message(db, message_id=ids[0]).outcome == "created"  # done stays done


def test_a_repeated_key_with_other_content_keeps_the_first(db: Database) -> None:
    shop(db)
    (first,) = deliver(db, "tmall", message("created", "T-2", "k", lines=((SKU, 1),)))
    assert deliver(db, "tmall", message("created", "T-2", "k", lines=((SKU, 4),))) == []
    apply_message(db, message_id=first)
    assert reserved(db) == 1


def test_cancel_before_create_ends_with_no_reservation(db: Database) -> None:
    shop(db)
    (cancel,) = deliver(db, "tmall", message("cancelled", "T-3"))
    assert apply_message(db, message_id=cancel).outcome == "cancelled-before-created"
    (create,) = deliver(db, "tmall", message("created", "T-3", lines=((SKU, 3),)))
    read = apply_message(db, message_id=create)
    assert read.outcome == "created-cancelled"
    order = order_of(db, "tmall", "T-3")
    assert order is not None and order.status == OrderStatus.CANCELLED
    assert reserved(db) == 0


def test_cancel_after_create_releases(db: Database) -> None:
    shop(db)
    ids = deliver(
        db, "tmall", message("created", "T-4", lines=((SKU, 3),)), message("cancelled", "T-4")
    )
    assert [apply_message(db, message_id=i).outcome for i in ids] == ["created", "cancelled"]
    assert reserved(db) == 0


def test_paid_before_created_waits_for_its_order(db: Database) -> None:
    shop(db)
    (paid,) = deliver(db, "tmall", message("paid", "T-5"))
    waiting = apply_message(db, message_id=paid)
    assert (waiting.status, waiting.error_code, waiting.attempts) == (
        "pending",
        "order-not-yet-created",
        1,
    )
    (create,) = deliver(db, "tmall", message("created", "T-5", lines=((SKU, 1),)))
    assert apply_message(db, message_id=create).outcome == "created"
    assert apply_due(db) == 1  # the create made the paid due at once
    order = order_of(db, "tmall", "T-5")
    assert order is not None and order.paid_at is not None


def test_paid_with_lines_creates_the_order(db: Database) -> None:
    shop(db)
    (paid,) = deliver(db, "tmall", message("paid", "T-6", lines=((SKU, 2),)))
    read = apply_message(db, message_id=paid)
    assert read.outcome == "created" and read.order_id is not None
    with db.read() as session:
        shown = order_read(session, get_order(session, order_id=read.order_id))
    assert shown.paid_at is not None and reserved(db) == 2


def test_refund_cancels_an_unshipped_order(db: Database) -> None:
    shop(db)
    ids = deliver(
        db,
        "tmall",
        message("created", "T-7", lines=((SKU, 2),)),
        message("refunded", "T-7", refund_ref="RF-9"),
    )
    assert [apply_message(db, message_id=i).outcome for i in ids] == ["created", "refunded"]
    order = order_of(db, "tmall", "T-7")
    assert order is not None and order.status == OrderStatus.CANCELLED
    assert order.refund_ref == "RF-9" and reserved(db) == 0


def test_unmapped_sku_goes_dead_then_is_mapped_and_retried(db: Database) -> None:
    shop(db)
    (create,) = deliver(db, "tmall", message("created", "T-8", lines=(("TM-778", 1),)))
    first = apply_message(db, message_id=create)
    assert (first.status, first.error_code) == ("pending", "unmapped-sku")
    assert first.next_attempt_at is not None and first.next_attempt_at > now()
    assert apply_due(db) == 0  # not due yet
    with clock(now() + timedelta(hours=1)):
        assert apply_due(db) == 1
    for _ in range(MAX_ATTEMPTS - 2):
        last = apply_message(db, message_id=create)
    assert (last.status, last.attempts, last.next_attempt_at) == ("dead", MAX_ATTEMPTS, None)
    with db.read() as session:
        dead, total = list_messages(session, channel="tmall", status="dead")
    assert total == 1 and dead[0].error_code == "unmapped-sku"
    with db.write() as session:
        set_listing(
            session,
            actor=system_actor(session),
            code="tmall",
            data=ChannelSkuIn(external_sku="TM-778", sku=SKU),
        )
    done = retry_message(db, channel="tmall", message_id=create)
    assert (done.status, done.outcome) == ("done", "created")
    assert reserved(db) == 1


def test_oversold_order_stays_open_and_the_channel_says_so(db: Database) -> None:
    shop(db, qty=1)
    (create,) = deliver(db, "tmall", message("created", "T-9", lines=((SKU, 3),)))
    assert apply_message(db, message_id=create).outcome == "oversold"
    order = order_of(db, "tmall", "T-9")
    assert order is not None and order.status == OrderStatus.PARTIALLY_ALLOCATED
    (create,) = deliver(db, "tmall", message("created", "T-10", lines=((SKU, 1),)))
    assert apply_message(db, message_id=create).outcome == "oversold"
    order = order_of(db, "tmall", "T-10")
    assert order is not None and order.status == OrderStatus.OPEN


def test_a_cancel_after_picking_is_a_dead_letter_for_a_person(db: Database) -> None:
    shop(db)
    (create,) = deliver(db, "tmall", message("created", "T-11", lines=((SKU, 1),)))
    order_id = apply_message(db, message_id=create).order_id
    assert order_id is not None
    with db.write() as session:
        actor = system_actor(session)
        line_id = create_pick_list(session, actor=actor, order_ids=[order_id]).lines[0].id
        confirm_pick(session, actor=actor, line_id=line_id, quantity=1,
                     check_digits=label_digits(session, line_id))  # fmt: skip
    (cancel,) = deliver(db, "tmall", message("cancelled", "T-11"))
    dead = apply_message(db, message_id=cancel)
    assert (dead.status, dead.error_code, dead.attempts) == ("dead", "order-already-picked", 1)
    assert reserved(db) == 0  # the piece was picked: nothing is reserved, nothing released
