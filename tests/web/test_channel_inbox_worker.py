"""The inbox worker: polling with a cursor, a channel that fails then recovers, retries of
stored messages, and one worker per lease (a fake connector implementing the protocol)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import timedelta

from core import Database
from core.channels import apply_message, get_channel, list_messages, set_listing
from core.channels.schemas import ChannelOrderMessage, ChannelSkuIn, StockLevel
from core.clock import now
from core.people.service import system_actor
from tests.builders import clock
from tests.core.channels.inbox_fixtures import SKU, deliver, message, order_of, reserved, shop
from web.adapters.channel_inbox import ChannelInbox, start_channel_inbox
from web.integrations.channels.base import ChannelConfig, ChannelUnavailable, Polled


class FakeChannel:
    """A polling channel that answers from a script of pages (or failures)."""

    def __init__(self, code: str, script: list[Polled | Exception]) -> None:
        self.config = ChannelConfig(code=code, type="generic", poll_every_s=1.0)
        self.script, self.cursors = script, list[str | None]()

    def verify(self, headers: Mapping[str, str], body: bytes, *, now_s: float) -> None:
        """Every webhook verifies (not used here)."""

    def parse(self, headers: Mapping[str, str], body: bytes) -> list[ChannelOrderMessage]:
        """No webhooks here."""
        return []

    def poll(self, cursor: str | None) -> Polled:
        """The next scripted page (an empty one at the cursor when the script is over)."""
        self.cursors.append(cursor)
        step = self.script.pop(0) if self.script else Polled([], cursor)
        if isinstance(step, Exception):
            raise step
        return step

    def push_stock(self, levels: Sequence[StockLevel]) -> None:
        """Stock is not pushed here."""


def _created(order: str, qty: int = 1) -> ChannelOrderMessage:
    return message("created", order, lines=((SKU, qty),))


def test_polling_resumes_from_the_stored_cursor_and_a_down_channel_backs_off(
    db: Database,
) -> None:
    shop(db, channels=("jd", "douyin"))
    jd = FakeChannel(
        "jd", [Polled([_created("J-1"), _created("J-1")], "c1"), Polled([_created("J-2")], "c2")]
    )
    down = FakeChannel(
        "douyin", [ChannelUnavailable("503 from douyin"), Polled([_created("D-1")], "d1")]
    )
    tick = [0.0]
    worker = ChannelInbox(db, {"jd": jd, "douyin": down}, holder="a", clock=lambda: tick[0])
    worker.run_pass()
    assert worker.leader and worker.polled("jd") == 1 and worker.polled("douyin") == 0
    with db.read() as session:
        assert get_channel(session, code="jd").poll_cursor == "c1"
        assert "503 from douyin" in (get_channel(session, code="douyin").last_error or "")
    tick[0] = 1.5  # jd is due again; douyin waits out its backoff (2 s)
    worker.run_pass()
    assert jd.cursors == [None, "c1"] and down.cursors == [None]
    tick[0] = 2.5
    worker.run_pass()
    assert down.cursors == [None, None] and worker.polled("douyin") == 1
    with db.read() as session:
        assert get_channel(session, code="douyin").last_error is None
    assert reserved(db) == 3  # J-1 once, J-2, D-1
    order = order_of(db, "douyin", "D-1")
    assert order is not None and order.status == "allocated"


def test_the_worker_retries_what_is_due_and_only_the_lease_holder_works(db: Database) -> None:
    shop(db, channels=("tmall",))
    (stored,) = deliver(db, "tmall", message("created", "T-1", lines=(("TM-9", 1),)))
    assert apply_message(db, message_id=stored).error_code == "unmapped-sku"
    with db.write() as session:
        set_listing(
            session,
            actor=system_actor(session),
            code="tmall",
            data=ChannelSkuIn(external_sku="TM-9", sku=SKU),
        )
    first, second = ChannelInbox(db, {}, holder="a"), ChannelInbox(db, {}, holder="b")
    with clock(now() + timedelta(minutes=5)):
        second.run_pass()
        first.run_pass()
    assert second.leader and not first.leader
    with db.read() as session:
        items, _ = list_messages(session, channel="tmall")
    assert (items[0].status, items[0].outcome) == ("done", "created")
    second.release()
    first.run_pass()
    assert first.leader


def test_the_thread_polls_until_stopped(db: Database) -> None:
    shop(db, channels=("jd",))
    jd = FakeChannel("jd", [Polled([_created("J-7")], "c1")])
    stop = start_channel_inbox(db, {"jd": jd}, every_s=0.02, holder="thread")
    try:
        deadline = time.monotonic() + 30
        while order_of(db, "jd", "J-7") is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop()
    assert order_of(db, "jd", "J-7") is not None and reserved(db) == 1
