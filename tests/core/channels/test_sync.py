"""What to push and what was pushed: failures keep a listing behind, the channel shows the push
error until a push goes through, resync forgets, and the stock API with its roles."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import Database
from core.catalogue.models import Sku
from core.channels import ensure_channel
from core.channels.atp import channel_by_code
from core.channels.schemas import ChannelCreate, ChannelSkuIn, ChannelUpdate
from core.channels.service import create_channel, set_listing, update_channel
from core.channels.sync import (
    behind_counts,
    pending_levels,
    record_push_failed,
    record_pushed,
    resync,
)
from core.clock import now
from core.db import pairs
from tests.builders import Builder
from tests.http import api_client, error_code, login


def _shop(session: Session) -> tuple[Builder, dict[str, int]]:
    """RING (4 in stock), CHAIN (none), both listed on shop (buffer 1) and tmall."""
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    ring, chain = b.sku("RING"), b.sku("CHAIN")
    b.stock(ring, "L1", 4, bins[0])
    for code, buffer in (("shop", 1), ("tmall", 0)):
        create_channel(
            session,
            actor=b.actor,
            data=ChannelCreate(code=code, kind="generic", name=code, safety_buffer=buffer),
        )
        for sku in (ring, chain):
            set_listing(
                session,
                actor=b.actor,
                code=code,
                data=ChannelSkuIn(external_sku=f"{code}-{sku.lower()}", sku=sku),
            )
    ids = pairs(session, select(Sku.code, Sku.id))
    return b, ids


def _behind(session: Session) -> dict[str, int]:
    counts = behind_counts(session)
    return {
        channel_by_code(session, code).code: counts[channel_by_code(session, code).id]
        for code in ("shop", "tmall")
    }


def test_failed_pushes_stay_behind_and_a_good_push_clears_only_its_error(session: Session) -> None:
    b, ids = _shop(session)
    assert [
        (lv.external_sku, lv.quantity) for _, lv in pending_levels(session, channel="shop")
    ] == [("shop-chain", 0), ("shop-ring", 3)]
    assert pending_levels(session, channel="shop", limit=1)[0][1].external_sku == "shop-chain"
    assert pending_levels(session, channel="shop", sku_ids=[ids["RING"]])[0][0] == ids["RING"]
    many = [ids["RING"], *range(10_000, 10_600)]  # read whole and filtered, not a huge IN list
    assert [i for i, _ in pending_levels(session, channel="shop", sku_ids=many)] == [ids["RING"]]
    assert _behind(session) == {"shop": 2, "tmall": 2}
    record_push_failed(
        session,
        channel="shop",
        sku_ids=[ids["RING"], ids["CHAIN"]],
        error="503 Service Unavailable",
    )
    record_push_failed(session, channel="shop", sku_ids=[ids["RING"]], error="timeout")
    shop = channel_by_code(session, "shop")
    assert shop.last_error == "stock push failed: timeout" and shop.last_error_at is not None
    assert len(pending_levels(session, channel="shop")) == 2  # nothing counts as pushed
    record_pushed(session, channel="shop", levels=[(ids["RING"], 3), (ids["CHAIN"], 0)])
    assert shop.last_error is None and shop.last_push_at is not None
    assert pending_levels(session, channel="shop") == []
    assert _behind(session) == {"shop": 0, "tmall": 2}
    shop.last_error = "oversold: order 17"  # the inbox's kind of error stays
    record_pushed(session, channel="shop", levels=[(ids["RING"], 3)])
    assert shop.last_error == "oversold: order 17"
    # A person's buffer change makes the listings behind again; resync forgets them all.
    update_channel(session, actor=b.actor, code="shop", data=ChannelUpdate(safety_buffer=0))
    assert [lv.quantity for _, lv in pending_levels(session, channel="shop")] == [4]
    assert resync(session, channel="shop") == 2
    assert len(pending_levels(session, channel="shop")) == 2
    update_channel(session, actor=b.actor, code="shop", data=ChannelUpdate(active=False))
    assert pending_levels(session, channel="shop") == []
    assert shop.id not in behind_counts(session)  # an inactive channel is told nothing


def test_stock_api_pages_searches_resyncs_and_checks_roles(db_url: str) -> None:
    db = Database(db_url)
    with db.write() as session:
        b, ids = _shop(session)
        record_pushed(session, channel="tmall", levels=[(ids["RING"], 4)])
        ensure_channel(session, code="quiet", kind="api", name="Quiet")
        for name, role in (("mia", "manager"), ("fay", "finance_auditor")):
            b.user(name, role)
    db.dispose()
    with api_client(db_url) as client:
        mia, fay = login(client, "mia"), login(client, "fay")
        page = client.get("/api/channels/tmall/stock", headers=fay).json()
        assert page["total"] == 2
        ring = page["items"][1]
        assert ring == {
            "external_sku": "tmall-ring",
            "sku": "RING",
            "on_hand": 4,
            "reserved": 0,
            "free": 4,
            "available": 4,
            "pushed_quantity": 4,
            "pushed_at": ring["pushed_at"],
        }
        assert page["items"][0]["pushed_quantity"] is None
        found = client.get("/api/channels/tmall/stock?search=ring&limit=1", headers=fay).json()
        assert found["total"] == 1 and found["items"][0]["sku"] == "RING"
        shop = client.get("/api/channels/shop/stock?limit=1&offset=1", headers=mia).json()
        assert shop["total"] == 2 and shop["items"][0]["available"] == 3
        assert client.get("/api/channels/quiet/stock", headers=mia).json() == {
            "items": [],
            "total": 0,
        }
        for path in ("/api/channels/nope/stock", "/api/channels/nope/stock/resync"):
            call = client.get if path.endswith("stock") else client.post
            answer = call(path, headers=mia)
            assert answer.status_code == 404 and error_code(answer) == "unknown-channel"
        assert client.get("/api/channels/tmall/stock").status_code == 401
        assert client.post("/api/channels/tmall/stock/resync", headers=fay).status_code == 403
        answer = client.post("/api/channels/tmall/stock/resync", headers=mia)
        assert answer.status_code == 202 and answer.json() == {"channel": "tmall", "listings": 2}
        after = client.get("/api/channels/tmall/stock", headers=mia).json()
        assert [item["pushed_quantity"] for item in after["items"]] == [None, None]
        bad = client.get("/api/channels/tmall/stock?limit=0", headers=mia)
        assert bad.status_code == 422


def test_a_resync_during_a_push_round_is_not_lost(session: Session) -> None:
    _, ids = _shop(session)
    read_at = now()  # a pusher reads what to push...
    levels = [(sku_id, lv.quantity) for sku_id, lv in pending_levels(session, channel="tmall")]
    assert len(levels) == 2
    assert resync(session, channel="tmall") == 2  # ...a person resyncs while it pushes...
    record_pushed(session, channel="tmall", levels=levels, read_at=read_at)
    assert len(pending_levels(session, channel="tmall")) == 2  # ...so everything goes again
    later = now() + timedelta(seconds=3)  # a round that read after the resync is noted
    record_pushed(session, channel="tmall", levels=levels, read_at=later)
    assert pending_levels(session, channel="tmall") == []
    assert ids["RING"] in {sku_id for sku_id, _ in levels}
