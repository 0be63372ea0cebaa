"""Issue 17's "done when", end to end: the real app served by uvicorn with a channels file,
and the fake marketplace talking to it over real HTTP (webhooks in, stock pushes out).

One app and one marketplace serve the whole module (SQLite); each test uses its own SKU and
order ids. "A channel down for a minute" is played here as down for 2 s over real HTTP (the
pusher's backoff starts at 0.5 s and doubles; the minute only makes the wait longer); the whole
minute, with the shipped backoff, is played on a simulated clock in
tests/web/test_channel_sync.py."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
import yaml
from sqlalchemy import func, select

from core import CoreSettings, Database
from core.catalogue.models import Sku
from core.channels import list_messages
from core.channels.schemas import ChannelOrderMessage
from core.ledger.models import Balance
from core.orders.models import SalesOrder
from tests.builders import Builder
from tests.core.orders.support import stock_lot
from web.app import Settings, create_app
from web.integrations.channels.base import ChannelConfig
from web.integrations.channels.fake_marketplace import FakeChannel, FakeMarketplace
from web.settings import WebSettings

SECRET = "acceptance-secret-0123456789"
#: code -> (type, the channel's SKU id prefix)
CHANNELS = {
    "webshop": "generic",
    "tmall": "taobao",
    "jd": "jd",
    "douyin": "douyin",
    "outlet": "generic",
}
#: Channels that are polled too (seconds between polls).
POLLED = {"outlet": 0.2, "tmall": 0.2}
#: Facet SKU -> pieces in stock
STOCK = {
    "BAD-1": 3,
    "DUP-1": 4,
    "EARLY-1": 2,
    "LAST-5": 5,
    "DOWN-1": 6,
    "DEMO-1": 40,
    "POLL-1": 4,
}


def _external(code: str, sku: str) -> str:
    """The channel's own id of a SKU (Taobao's is item:sku)."""
    return f"88{len(sku)}:{sku}" if CHANNELS[code] == "taobao" else f"{code}-{sku}"


@dataclass
class Shop:
    db: Database
    fake: FakeMarketplace
    url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stocked(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        for i, (sku, qty) in enumerate(STOCK.items()):
            b.sku(sku, serialised=False)
            stock_lot(
                session, b.actor, sku=sku, lot=f"L-{i}", qty=qty, location=bins[0], serialised=False
            )


@pytest.fixture(scope="module")
def shop(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    folder = tmp_path_factory.mktemp("channels")
    shutil.copy(sqlite_template, folder / "facet.db")
    url = f"sqlite:///{folder / 'facet.db'}"
    db = Database(url)
    _stocked(db)
    port = _free_port()
    configs = {
        code: ChannelConfig(
            code=code,
            type=kind,
            app_key=f"app-{code}",
            secret=SECRET,
            push_debounce_ms=50,
            poll_every_s=POLLED.get(code, 0),
        )
        for code, kind in CHANNELS.items()
    }
    fake = FakeMarketplace(
        [
            FakeChannel(
                config=c, webhook_url=f"http://127.0.0.1:{port}/api/channels/{code}/webhook"
            )
            for code, c in configs.items()
        ],
        retries=2,
        retry_backoff_s=0.05,
    ).start()
    document = {
        "channels": [
            {
                **c.model_dump(exclude_defaults=True),
                "base_url": fake.base_url(code),
                "push_debounce_ms": 50,
            }
            for code, c in configs.items()
        ],
        "listings": {code: {_external(code, sku): sku for sku in STOCK} for code in CHANNELS},
    }
    (folder / "channels.yaml").write_text(yaml.safe_dump(document))
    settings = Settings(
        core=CoreSettings(database_url=url, secret_key="acceptance-key-" * 3),
        web=WebSettings(channels_file=folder / "channels.yaml", port=port),
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    try:
        yield Shop(db=db, fake=fake, url=f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        fake.stop()
        db.dispose()


def _reserved(db: Database, sku: str) -> int:
    with db.read() as session:
        return int(
            session.scalar(
                select(func.coalesce(func.sum(Balance.reserved), 0))
                .join(Sku, Sku.id == Balance.sku_id)
                .where(Sku.code == sku)
            )
            or 0
        )


def _orders(db: Database, channel: str, external_id: str) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(SalesOrder.status).where(
                    SalesOrder.channel == channel, SalesOrder.external_id == external_id
                )
            )
        )


def _stored(db: Database, channel: str, external_id: str) -> int:
    with db.read() as session:
        return list_messages(session, channel=channel, search=external_id)[1]


@pytest.mark.parametrize("code", sorted(CHANNELS))
def test_a_bad_signature_is_refused_and_nothing_is_stored(shop: Shop, code: str) -> None:
    order = f"BAD-{code}"
    shop.fake.behaviour.wrong_signature = True
    try:
        sent = shop.fake.order(code, order, [(_external(code, "BAD-1"), 1)])
    finally:
        shop.fake.behaviour.wrong_signature = False
    assert [s.status for s in sent] == [401]
    assert sent[0].answer["error"]["code"] == "bad-signature"
    assert _stored(shop.db, code, order) == 0
    assert _orders(shop.db, code, order) == []
    assert _reserved(shop.db, "BAD-1") == 0


def test_the_same_order_three_times_makes_one_order(shop: Shop) -> None:
    shop.fake.behaviour.duplicates = 3
    try:
        sent = shop.fake.order("tmall", "TM-DUP", [(_external("tmall", "DUP-1"), 2)])
    finally:
        shop.fake.behaviour.duplicates = 1
    assert [s.status for s in sent] == [200, 200, 200]
    assert [s.answer["new"] for s in sent] == [1, 0, 0]
    assert sent[0].answer["messages"][0]["outcome"] == "created"
    assert _orders(shop.db, "tmall", "TM-DUP") == ["allocated"]
    assert _reserved(shop.db, "DUP-1") == 2


def test_a_cancel_before_its_create_ends_with_no_reservation(shop: Shop) -> None:
    first = shop.fake.cancel("jd", "JD-EARLY")
    assert first[0].status == 200
    assert first[0].answer["messages"][0]["outcome"] == "cancelled-before-created"
    later = shop.fake.order("jd", "JD-EARLY", [(_external("jd", "EARLY-1"), 1)])
    assert later[0].status == 200
    assert _orders(shop.db, "jd", "JD-EARLY") == ["cancelled"]
    assert _reserved(shop.db, "EARLY-1") == 0


def test_three_channels_racing_for_the_last_five_pieces(shop: Shop) -> None:
    racers = [(code, f"{code}-RACE-{i}") for code in ("tmall", "jd", "douyin") for i in range(4)]
    before = len(shop.fake.pushes)
    with ThreadPoolExecutor(max_workers=len(racers)) as pool:
        answers = list(
            pool.map(
                lambda r: shop.fake.order(r[0], r[1], [(_external(r[0], "LAST-5"), 1)]), racers
            )
        )
    assert all(a[0].status == 200 for a in answers)
    outcomes = [a[0].answer["messages"][0]["outcome"] for a in answers]
    assert outcomes.count("created") == 5, outcomes
    assert _reserved(shop.db, "LAST-5") == 5

    def every_channel_told_zero() -> bool:
        latest = {
            p.channel: p.quantity
            for p in shop.fake.pushes[before:]
            if p.external_sku == _external(p.channel, "LAST-5")
        }
        return all(latest.get(code) == 0 for code in CHANNELS)

    assert shop.fake.wait_for(every_channel_told_zero, 20), shop.fake.pushes[before:]


def test_a_channel_down_gets_every_update_afterwards(shop: Shop) -> None:
    listing = _external("douyin", "DOWN-1")
    assert shop.fake.wait_for(lambda: shop.fake.levels("douyin").get(listing) == 6, 20)
    shop.fake.down_for(2.0)
    for i in range(3):  # three changes while douyin does not answer
        sent = shop.fake.order("webshop", f"WEB-DOWN-{i}", [(_external("webshop", "DOWN-1"), 1)])
        assert sent[0].answer["messages"][0]["outcome"] == "created"
    assert _reserved(shop.db, "DOWN-1") == 3
    up = shop.fake.behaviour.down_until
    assert shop.fake.wait_for(lambda: shop.fake.levels("douyin").get(listing) == 3, 30)
    assert all(
        p.at >= up
        for p in shop.fake.pushes
        if p.channel == "douyin" and p.external_sku == listing and p.quantity == 3
    )


def test_the_demo_trickle_sends_orders_to_every_kind(shop: Shop) -> None:
    channels = [
        FakeChannel(config=c.config, webhook_url=c.webhook_url, skus=[_external(code, "DEMO-1")])
        for code, c in shop.fake.channels.items()
    ]
    trickle = FakeMarketplace(channels, seed=3).start()
    trickle.behaviour.cancel_before_create = 0.2
    trickle.start_trickle(orders_per_minute=1200)
    try:

        def every_channel_sold() -> bool:
            with shop.db.read() as session:
                return all(
                    list_messages(session, channel=code, search=code.upper())[1] >= 2
                    for code in CHANNELS
                )

        assert shop.fake.wait_for(every_channel_sold, 30)
    finally:
        trickle.stop()
    assert 0 < _reserved(shop.db, "DEMO-1") <= 40


@pytest.mark.parametrize("code", sorted(POLLED))
def test_orders_polled_with_a_cursor_are_stored_and_reserved(shop: Shop, code: str) -> None:
    order = f"{code.upper()}-POLLED"
    shop.fake.queue_for_poll(
        code,
        [
            ChannelOrderMessage.model_validate(
                {
                    "kind": "created",
                    "message_key": f"{order}:created",
                    "external_order_id": order,
                    "lines": [{"external_sku": _external(code, "POLL-1"), "quantity": 1}],
                }
            )
        ],
    )
    assert shop.fake.wait_for(lambda: _orders(shop.db, code, order) == ["allocated"], 20)
    assert _stored(shop.db, code, order) == 1
