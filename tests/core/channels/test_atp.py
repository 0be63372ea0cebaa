"""Available-to-promise per channel and listing: shares, buffers, quarantine, held and recalled
lots, and the last piece reserved by one channel's order shown as 0 to every channel."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import Database
from core.catalogue.models import Sku
from core.channels.atp import available, listing_levels, sku_stock
from core.channels.models import Channel
from core.channels.schemas import ChannelCreate, ChannelSkuIn
from core.channels.service import create_channel, set_listing
from core.channels.sync import pending_levels, record_pushed
from core.events import AvailabilityChanged, event_from_dict
from core.lots.service import set_hold
from core.orders.allocation import allocate_order, cancel_order
from core.trace.recall import recall_lot
from tests.builders import Builder
from tests.core.orders.support import order


def channel(b: Builder, code: str, *, share_pct: int = 100, safety_buffer: int = 0) -> Channel:
    """A channel through the service."""
    return create_channel(
        b.session,
        actor=b.actor,
        data=ChannelCreate(
            code=code, kind="generic", name=code, share_pct=share_pct, safety_buffer=safety_buffer
        ),
    )


def listing(
    b: Builder, code: str, sku: str, *, external: str | None = None, buffer: int | None = None
) -> None:
    """List ``sku`` on channel ``code`` (external id: ``<code>-<sku>`` unless named)."""
    set_listing(
        b.session,
        actor=b.actor,
        code=code,
        data=ChannelSkuIn(external_sku=external or f"{code}-{sku}", sku=sku, buffer=buffer),
    )


def sku_id(session: Session, code: str) -> int:
    found = session.scalar(select(Sku.id).where(Sku.code == code))
    assert found is not None
    return found


def levels(session: Session, code: str) -> dict[str, int]:
    """What channel ``code`` may sell now, by Facet SKU."""
    found = session.scalar(select(Channel).where(Channel.code == code))
    assert found is not None
    return {lv.sku: lv.available for lv in listing_levels(session, found)}


def test_available_is_a_share_less_the_buffer_never_below_zero() -> None:
    assert available(10, share_pct=100, buffer=0) == 10
    assert available(10, share_pct=50, buffer=1) == 4
    assert available(3, share_pct=33, buffer=0) == 0  # floor(0.99)
    assert available(2, share_pct=100, buffer=5) == 0


def test_quarantine_unapproved_held_and_recalled_stock_is_not_promised(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    ring, chain, pendant = b.sku("RING"), b.sku("CHAIN"), b.sku("PENDANT")
    b.stock(ring, "L-OK", 10, bins[0])
    b.receive(ring, "L-QC", 3)  # in quarantine, QC not passed: on hand, not free
    b.stock(chain, "L-BAD", 5, "VAULT-01")
    b.stock(pendant, "L-HOLD", 4, bins[1])
    recall_lot(session, actor=b.actor, code="L-BAD", reason="nickel found")
    set_hold(session, actor=b.actor, code="L-HOLD", hold=True, reason="assay doubt")
    for code, share, buffer in (("shop", 100, 0), ("tmall", 50, 1), ("jd", 100, 2)):
        channel(b, code, share_pct=share, safety_buffer=buffer)
        for sku in (ring, chain, pendant):
            listing(b, code, sku, buffer=0 if (code, sku) == ("jd", ring) else None)
    stock = sku_stock(session, [sku_id(session, s) for s in (ring, chain, pendant)])
    assert stock[sku_id(session, ring)].on_hand == 13
    assert stock[sku_id(session, ring)].free == 10
    assert stock[sku_id(session, chain)].free == 0  # recalled: swept to quarantine
    assert stock[sku_id(session, pendant)].free == 0  # on hold
    assert levels(session, "shop") == {ring: 10, chain: 0, pendant: 0}
    assert levels(session, "tmall") == {ring: 4, chain: 0, pendant: 0}
    assert levels(session, "jd") == {ring: 10, chain: 0, pendant: 0}  # the listing's own buffer
    set_hold(session, actor=b.actor, code="L-HOLD", hold=False, reason="assay fine")
    assert levels(session, "jd")[pendant] == 2


def test_the_last_piece_reserved_by_one_channel_shows_zero_to_every_channel(
    session: Session,
) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    sku = b.sku("EARRING")
    b.stock(sku, "L1", 5, bins[0])
    codes = ("shop", "tmall", "douyin")
    for code in codes:
        channel(b, code)
        listing(b, code, sku)
        pushed = pending_levels(session, channel=code)
        assert [lv.quantity for _, lv in pushed] == [5]
        record_pushed(session, channel=code, levels=[(i, lv.quantity) for i, lv in pushed])
        assert pending_levels(session, channel=code) == []
    # Each channel's order wants 2: the first two get theirs, the third only the last piece.
    orders = [order(session, b.actor, f"{code}-1", (sku, 2), channel=code) for code in codes]
    outcomes = [allocate_order(session, actor=b.actor, order_id=o.id) for o in orders]
    assert [o.complete for o in outcomes] == [True, True, False]
    assert sum(ln.line.reserved_quantity for o in outcomes for ln in o.lines) == 5
    for code in codes:
        assert [
            (lv.external_sku, lv.quantity) for _, lv in pending_levels(session, channel=code)
        ] == [(f"{code}-{sku}", 0)]
    cancel_order(session, actor=b.actor, order_id=orders[0].id)
    assert [lv.quantity for _, lv in pending_levels(session, channel="tmall")] == [2]


def test_every_change_of_free_stock_wakes_the_pusher_once_per_transaction(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        ring, chain = b.sku("RING"), b.sku("CHAIN")
        b.stock(ring, "L1", 3, bins[0])
        b.stock(chain, "L2", 3, bins[1])
        actor = b.actor
    seen: list[AvailabilityChanged] = []
    db.bus.subscribe(AvailabilityChanged, seen.append)
    with db.write() as session:
        ids = (sku_id(session, ring), sku_id(session, chain))
        o = order(session, actor, "A-1", (ring, 1), (chain, 2), channel="shop")
        allocate_order(session, actor=actor, order_id=o.id)
    assert [e.sku_ids for e in seen] == [tuple(sorted(ids))]
    with db.write() as session:
        set_hold(session, actor=actor, code="L1", hold=True, reason="check")
    assert seen[-1].sku_ids == (ids[0],)
    with pytest.raises(RuntimeError), db.write() as session:
        cancel_order(session, actor=actor, order_id=o.id)
        raise RuntimeError("rolled back")
    assert len(seen) == 2  # nothing changed, nothing said
    # Across processes it travels as JSON (the outbox) and comes back the same.
    assert event_from_dict(json.loads(json.dumps(seen[0].to_dict()))) == seen[0]
