"""The stock pusher: changes reach each channel, a channel down for a while gets the latest levels
afterwards, one process pushes (the lease), and a resync sends everything again."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from functools import partial

import pytest

from core import Database
from core.channels.atp import channel_by_code
from core.channels.schemas import (
    ChannelCreate,
    ChannelOrderMessage,
    ChannelSkuIn,
    ChannelUpdate,
    StockLevel,
)
from core.channels.service import create_channel, set_listing, update_channel
from core.channels.sync import pending_levels, resync
from core.events import AvailabilityChanged
from core.orders.allocation import allocate_order, cancel_order
from tests.builders import Builder
from tests.core.orders.support import order
from tests.web.events.servers import wait_until
from web.adapters.channel_sync import ChannelSync, SyncTiming
from web.integrations.channels.base import ChannelConfig, ChannelUnavailable, Polled

CODES = ("shop", "tmall")
FAST = SyncTiming(
    reconcile_s=3600, lease_ttl_s=0.6, lease_renew_s=0.1, backoff_s=0.05, max_backoff_s=0.2
)


class Recording:
    """A connector that keeps every level pushed to it and can be taken down."""

    def __init__(self, code: str) -> None:
        self.config = ChannelConfig(
            code=code,
            type="fake",
            base_url="http://fake.invalid",
            push_debounce_ms=20,
            push_batch=2,
        )
        self.pushes: list[list[StockLevel]] = []
        self.refused = 0
        self.down = False
        self._lock = threading.Lock()

    def verify(self, headers: Mapping[str, str], body: bytes, *, now_s: float) -> None:
        """Not used by the pusher."""

    def parse(self, headers: Mapping[str, str], body: bytes) -> list[ChannelOrderMessage]:
        """Not used by the pusher."""
        return []

    def poll(self, cursor: str | None) -> Polled:
        """Not used by the pusher."""
        return Polled([], cursor)

    def push_stock(self, levels: Sequence[StockLevel]) -> None:
        """Keep the levels, or refuse them while down."""
        with self._lock:
            if self.down:
                self.refused += 1
                raise ChannelUnavailable("503 from the channel")
            self.pushes.append(list(levels))

    def latest(self) -> dict[str, int]:
        """The last level received per channel SKU."""
        with self._lock:
            return {lv.external_sku: lv.quantity for batch in self.pushes for lv in batch}

    def received(self) -> list[tuple[str, int]]:
        with self._lock:
            return [(lv.external_sku, lv.quantity) for batch in self.pushes for lv in batch]


@pytest.fixture
def shop(sqlite_url: str) -> Iterator[tuple[Database, list[str]]]:
    """Three SKUs with 5, 2 and 0 pieces, listed on two channels."""
    db = Database(sqlite_url)
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        skus = [b.sku("RING"), b.sku("CHAIN"), b.sku("BANGLE")]
        b.stock(skus[0], "L1", 5, bins[0])
        b.stock(skus[1], "L2", 2, bins[1])
        for code in CODES:
            create_channel(
                session, actor=b.actor, data=ChannelCreate(code=code, kind="generic", name=code)
            )
            for sku in skus:
                set_listing(
                    session,
                    actor=b.actor,
                    code=code,
                    data=ChannelSkuIn(external_sku=f"{code}:{sku}", sku=sku),
                )
    yield db, skus
    db.dispose()


def _start(db: Database, connectors: Mapping[str, Recording], holder: str) -> ChannelSync:
    pusher = ChannelSync(db, db.bus, connectors, timing=FAST, holder=holder)
    pusher.start()
    return pusher


def _knows(connector: Recording, listings: int) -> bool:
    return len(connector.latest()) == listings


def _told(connector: Recording, external_sku: str, quantity: int) -> bool:
    return connector.latest().get(external_sku) == quantity


def _settled(db: Database, *codes: str) -> bool:
    """True when every listing of ``codes`` was recorded as pushed at its current level."""
    with db.read() as session:
        return all(pending_levels(session, channel=code) == [] for code in codes)


def _reserve(db: Database, external_id: str, sku: str, qty: int) -> int:
    with db.write() as session:
        b = Builder(session)
        o = order(session, b.actor, external_id, (sku, qty), channel="shop")
        allocate_order(session, actor=b.actor, order_id=o.id)
        return o.id


def test_changes_reach_every_channel_and_stop_joins(shop: tuple[Database, list[str]]) -> None:
    db, (ring, chain, bangle) = shop
    connectors = {code: Recording(code) for code in CODES}
    pusher = _start(db, connectors, "a")
    try:
        for code, c in connectors.items():  # the first round tells each channel everything
            assert wait_until(partial(_knows, c, 3))
            assert c.latest() == {f"{code}:{ring}": 5, f"{code}:{chain}": 2, f"{code}:{bangle}": 0}
            assert all(len(batch) <= 2 for batch in c.pushes)  # push_batch
        _reserve(db, "o-1", ring, 4)
        _reserve(db, "o-2", ring, 1)  # the last piece
        for code, c in connectors.items():
            assert wait_until(partial(_told, c, f"{code}:{ring}", 0))
        assert wait_until(lambda: _settled(db, *CODES))  # recorded as pushed
        with db.read() as session:
            assert channel_by_code(session, "tmall").last_push_at is not None
    finally:
        pusher.stop()
    assert pusher._thread is not None and not pusher._thread.is_alive()


def test_a_channel_down_for_a_while_gets_the_latest_levels_after(
    shop: tuple[Database, list[str]],
) -> None:
    db, (ring, chain, _) = shop
    connectors = {code: Recording(code) for code in CODES}
    tmall = connectors["tmall"]
    pusher = _start(db, connectors, "a")
    try:
        assert wait_until(lambda: len(tmall.latest()) == 3)
        tmall.down = True
        first = _reserve(db, "o-1", ring, 2)
        assert wait_until(lambda: tmall.refused >= 2)  # retried with backoff
        _reserve(db, "o-2", chain, 2)
        with db.write() as session:
            cancel_order(session, actor=Builder(session).actor, order_id=first)
        with db.read() as session:
            failed = channel_by_code(session, "tmall")
            assert failed.last_error is not None and "503" in failed.last_error
        assert wait_until(lambda: connectors["shop"].latest()[f"shop:{chain}"] == 0)
        seen = len(tmall.received())
        tmall.down = False
        assert wait_until(
            lambda: tmall.latest() == {f"tmall:{ring}": 5, f"tmall:{chain}": 0, "tmall:BANGLE": 0}
        )
        # Only the latest level of each changed listing, once: no replay of the old ones.
        assert sorted(tmall.received()[seen:]) == [(f"tmall:{chain}", 0)]
        assert wait_until(lambda: _settled(db, "tmall"))
        with db.read() as session:
            assert channel_by_code(session, "tmall").last_error is None
    finally:
        pusher.stop()


def test_one_process_pushes_and_another_takes_over(shop: tuple[Database, list[str]]) -> None:
    db, (ring, _, _) = shop
    first = {code: Recording(code) for code in CODES}
    second = {code: Recording(code) for code in CODES}
    a = _start(db, first, "a")
    assert wait_until(lambda: len(first["shop"].latest()) == 3)
    b = _start(db, second, "b")
    try:
        _reserve(db, "o-1", ring, 1)
        assert wait_until(lambda: first["shop"].latest()[f"shop:{ring}"] == 4)
        assert second["shop"].pushes == [] and not b.leading
        a.stop()  # gives the lease back: b takes over and checks everything first
        _reserve(db, "o-2", ring, 1)
        assert wait_until(lambda: second["shop"].latest().get(f"shop:{ring}") == 3)
        assert b.leading and second["shop"].latest() == {f"shop:{ring}": 3}
    finally:
        a.stop()
        b.stop()


def test_resync_sends_every_listing_again(shop: tuple[Database, list[str]]) -> None:
    db, _ = shop
    connectors = {code: Recording(code) for code in CODES}
    pusher = _start(db, connectors, "a")
    try:
        shop_c = connectors["shop"]
        assert wait_until(lambda: len(shop_c.received()) == 3)
        with db.write() as session:
            assert resync(session, channel="shop") == 3
        assert wait_until(lambda: len(shop_c.received()) == 6)
        assert len(connectors["tmall"].received()) == 3  # the other channel knew it all
    finally:
        pusher.stop()


def test_a_buffer_changed_by_a_person_reaches_the_channel_at_once(
    shop: tuple[Database, list[str]],
) -> None:
    db, (ring, _chain, _bangle) = shop
    connectors = {code: Recording(code) for code in CODES}
    pusher = _start(db, connectors, "a")
    try:
        assert wait_until(partial(_told, connectors["tmall"], f"tmall:{ring}", 5))
        with db.write() as session:
            update_channel(
                session,
                actor=Builder(session).actor,
                code="tmall",
                data=ChannelUpdate(safety_buffer=2),
            )
        # Well before the reconciliation period: the change itself woke the pusher.
        assert wait_until(partial(_told, connectors["tmall"], f"tmall:{ring}", 3), timeout=5)
        assert connectors["shop"].latest()[f"shop:{ring}"] == 5
    finally:
        pusher.stop()


class _Clock:
    """A monotonic clock the test moves by hand (simulated seconds)."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _drive(pusher: ChannelSync, clock: _Clock, until: float) -> None:
    """Run the pusher's rounds as its thread would, jumping the clock to each next round."""
    while clock.t < until:
        wait = pusher.run_once()
        clock.t = min(until, clock.t + max(wait, 0.01))


def test_a_channel_down_for_a_minute_gets_the_latest_levels_on_the_production_timing(
    shop: tuple[Database, list[str]],
) -> None:
    """The issue's minute, played on a simulated clock with the shipped backoff (0.5 s doubling
    to 15 s): the channel is retried a bounded number of times, never told a stale level after
    it comes back, and has the latest levels within one capped backoff of coming back."""
    db, (ring, chain, bangle) = shop
    connectors = {code: Recording(code) for code in CODES}
    tmall, clock = connectors["tmall"], _Clock()
    pusher = ChannelSync(db, db.bus, connectors, holder="minute", clock=clock)
    db.bus.subscribe(AvailabilityChanged, pusher.on_change)  # rounds are driven here, no thread
    try:
        _drive(pusher, clock, 1.0)
        assert tmall.latest() == {f"tmall:{ring}": 5, f"tmall:{chain}": 2, f"tmall:{bangle}": 0}
        tmall.down, down_at = True, clock.t
        first = _reserve(db, "m-1", ring, 2)
        _drive(pusher, clock, down_at + 20)
        _reserve(db, "m-2", chain, 2)
        _drive(pusher, clock, down_at + 40)
        with db.write() as session:
            cancel_order(session, actor=Builder(session).actor, order_id=first)
        _drive(pusher, clock, down_at + 60)
        assert 4 <= tmall.refused <= 12  # backed off, not hammered: 0.5+1+2+4+8+15+15+15 s
        assert connectors["shop"].latest()[f"shop:{chain}"] == 0  # the other channel went on
        seen, tmall.down, up_at = len(tmall.received()), False, clock.t
        _drive(pusher, clock, up_at + SyncTiming().max_backoff_s + 1)
        assert tmall.latest() == {f"tmall:{ring}": 5, f"tmall:{chain}": 0, f"tmall:{bangle}": 0}
        assert (f"tmall:{ring}", 3) not in tmall.received()[seen:]  # nothing stale after
        assert _settled(db, "tmall")
    finally:
        db.bus.unsubscribe(AvailabilityChanged, pusher.on_change)
        pusher.stop()
