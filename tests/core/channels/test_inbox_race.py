"""Three channels race for the last five pieces: exactly five are reserved (real threads, on
SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from core import Database
from core.channels import apply_message
from core.orders.integrity import verify_stock
from tests.core.channels.inbox_fixtures import SKU, deliver, message, reserved, shop

CHANNELS = ("tmall", "jd", "douyin")
PER_CHANNEL = 6


def test_three_channels_race_for_the_last_five_pieces(db: Database) -> None:
    shop(db, qty=5, channels=CHANNELS)
    racers = [(c, f"{c.upper()}-{i}") for c in CHANNELS for i in range(PER_CHANNEL)]
    start = threading.Barrier(len(racers))

    def one(racer: tuple[str, str]) -> str:
        channel, order = racer
        (stored,) = deliver(db, channel, message("created", order, lines=((SKU, 1),)))
        start.wait()
        return str(apply_message(db, message_id=stored).outcome)

    with ThreadPoolExecutor(max_workers=len(racers)) as pool:
        outcomes = list(pool.map(one, racers))
    assert outcomes.count("created") == 5
    assert outcomes.count("oversold") == len(racers) - 5
    assert reserved(db) == 5
    with db.read() as session:
        assert verify_stock(session).ok
