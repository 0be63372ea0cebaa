"""Stock push lag: from the commit of a change of free stock to the channel receiving the level.

A SQLite warehouse with ``--skus`` non-serialised SKUs (1,000 pieces each) listed on three
channels. The pusher (``web.adapters.channel_sync``, as `facet serve` starts it) runs; a writer
commits one order per transaction at ``--rate`` a second for ``--seconds`` (create + allocate,
as the channel inbox does), each reserving one piece of the next SKU in turn. The lag of a
change, per channel, is the arrival of the first push of that listing showing the level the
change left (or lower) minus the time its commit returned. Two receivers:

- ``recording``: an in-process connector that notes each level as it is handed over;
- ``http``: the generic connector pushing signed batches to the fake marketplace over HTTP
  (``web/integrations/channels/fake_marketplace.py``), which notes each level's arrival.

Each is run with every ``--debounce-ms`` (the channel's ``push_debounce_ms``; 250 by default,
which is most of the lag by design: changes are batched). Prints p50/p99/max and writes
``bench/results/channel_push.json``.

    python -m bench.channel_push [--skus 50] [--rate 20] [--seconds 10]
                                 [--debounce-ms 250 50] [--modes recording http]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from core import Database
from core.channels import ensure_channel, pending_levels, set_listing
from core.channels.schemas import ChannelOrderMessage, ChannelSkuIn, StockLevel
from core.migrate import upgrade
from core.orders.allocation import allocate_order
from core.orders.schemas import OrderCreate, OrderLineIn
from core.orders.service import create_order
from core.people.service import system_actor
from tests.builders import Builder
from tests.core.orders.support import stock_lot
from web.adapters.channel_sync import ChannelSync, SyncTiming
from web.integrations.channels.base import ChannelConfig, Connector, Polled
from web.integrations.channels.fake_marketplace import FakeChannel, FakeMarketplace
from web.integrations.channels.registry import build_connector

RESULTS = ROOT / "bench" / "results" / "channel_push.json"
CHANNELS = ("webshop", "tmall", "jd")
PIECES = 1000
SECRET = "bench-secret-0123456789"
DRAIN_S = 15.0

#: (channel, external SKU, quantity, arrival: time.time())
Arrival = tuple[str, str, int, float]


class Recording:
    """A connector that notes each level and when it was handed over."""

    def __init__(self, config: ChannelConfig) -> None:
        self.config = config
        self.arrivals: list[Arrival] = []
        self._lock = threading.Lock()

    def verify(self, headers: Mapping[str, str], body: bytes, *, now_s: float) -> None:
        """Not used here."""

    def parse(self, headers: Mapping[str, str], body: bytes) -> list[ChannelOrderMessage]:
        """Not used here."""
        return []

    def poll(self, cursor: str | None) -> Polled:
        """Not used here."""
        return Polled([], cursor)

    def push_stock(self, levels: Sequence[StockLevel]) -> None:
        """Note the levels' arrival."""
        at = time.time()
        with self._lock:
            self.arrivals.extend(
                (self.config.code, lv.external_sku, lv.quantity, at) for lv in levels
            )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seed(folder: Path, skus: int) -> Path:
    """A migrated SQLite file with the SKUs in stock and listed on every channel."""
    path = folder / "template.db"
    upgrade(f"sqlite:///{path}")
    db = Database(f"sqlite:///{path}")
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse(bins=8)
        b.supplier()
        codes = [b.sku(f"B-{i:04d}", serialised=False) for i in range(skus)]
        for i, code in enumerate(codes):
            stock_lot(
                session,
                b.actor,
                sku=code,
                lot=f"L-{i:04d}",
                qty=PIECES,
                location=bins[i % len(bins)],
                serialised=False,
            )
        for channel in CHANNELS:
            ensure_channel(session, code=channel, kind="generic", name=channel)
            for code in codes:
                set_listing(
                    session,
                    actor=b.actor,
                    code=channel,
                    data=ChannelSkuIn(external_sku=f"{channel}:{code}", sku=code),
                )
    db.dispose()
    return path


@contextmanager
def receivers(
    mode: str, debounce_ms: int
) -> Iterator[tuple[dict[str, Connector], Callable[[], list[Arrival]]]]:
    """The channels' connectors and a reader of what arrived, in-process or over HTTP."""
    configs = {
        code: ChannelConfig(
            code=code,
            type="generic",
            secret=SECRET,
            base_url="http://in-process.invalid",
            push_debounce_ms=debounce_ms,
        )
        for code in CHANNELS
    }
    if mode == "recording":
        recording = {code: Recording(c) for code, c in configs.items()}
        yield dict(recording), lambda: [a for r in recording.values() for a in r.arrivals]
        return
    fake = FakeMarketplace(
        [FakeChannel(config=c, webhook_url="http://127.0.0.1:9/unused") for c in configs.values()]
    ).start()
    try:
        connectors = {
            code: build_connector(c.model_copy(update={"base_url": fake.base_url(code)}))
            for code, c in configs.items()
        }
        yield (
            connectors,
            lambda: [(p.channel, p.external_sku, p.quantity, p.at) for p in list(fake.pushes)],
        )
    finally:
        fake.stop()


def _settled(db: Database) -> bool:
    with db.read() as session:
        return all(not pending_levels(session, channel=c, limit=1) for c in CHANNELS)


def _wait(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _write(
    db: Database, skus: list[str], rate: float, seconds: float
) -> list[tuple[str, int, float]]:
    """Reserve one piece per transaction on a fixed schedule; (sku, level left, committed)."""
    with db.read() as session:
        actor = system_actor(session)
    taken = dict.fromkeys(skus, 0)
    changes = []
    start, count = time.monotonic(), int(rate * seconds)
    for n in range(count):
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sku = skus[n % len(skus)]
        with db.write() as session:
            order, _ = create_order(
                session,
                actor=actor,
                data=OrderCreate(
                    channel="webshop",
                    customer_name="Bench",
                    external_id=f"bench-{n}",
                    lines=[OrderLineIn(sku=sku, quantity=1)],
                ),
            )
            allocate_order(session, actor=actor, order_id=order.id)
        committed = time.time()
        taken[sku] += 1
        changes.append((sku, PIECES - taken[sku], committed))
    return changes


def _lags(changes: list[tuple[str, int, float]], arrivals: list[Arrival]) -> list[float]:
    """Per change and channel: first arrival showing its level (or lower) minus its commit."""
    by_listing: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for channel, external, qty, at in arrivals:
        by_listing.setdefault((channel, external.split(":", 1)[1]), []).append((at, qty))
    lags, missing = [], 0
    for sku, level, committed in changes:
        for channel in CHANNELS:
            seen = sorted(by_listing.get((channel, sku), []))
            first = next((at for at, qty in seen if qty <= level), None)
            if first is None:
                missing += 1
                continue
            lags.append(max(first - committed, 0.0))
    if missing:
        print(f"  {missing} levels never arrived")
    return lags


def run(template: Path, folder: Path, mode: str, debounce_ms: int, args: Any) -> dict[str, Any]:
    """One measure: a fresh copy of the warehouse, the pusher, the writer."""
    path = folder / f"{mode}-{debounce_ms}.db"
    shutil.copy(template, path)
    db = Database(f"sqlite:///{path}")
    skus = [f"B-{i:04d}" for i in range(args.skus)]
    with receivers(mode, debounce_ms) as (connectors, arrived):
        pusher = ChannelSync(db, db.bus, connectors, timing=SyncTiming())
        pusher.start()
        try:
            if not _wait(lambda: _settled(db), 60):
                raise SystemExit("the first full push did not finish")
            changes = _write(db, skus, args.rate, args.seconds)
            _wait(lambda: _settled(db), DRAIN_S)
            lags = _lags(changes, arrived())
        finally:
            pusher.stop()
            db.dispose()
    result = {
        "changes": len(changes),
        "levels": len(lags),
        "p50_ms": round(statistics.median(lags) * 1000, 1),
        "p99_ms": round(_percentile(lags, 0.99) * 1000, 1),
        "max_ms": round(max(lags) * 1000, 1),
    }
    print(
        f"{mode:9} debounce {debounce_ms:4} ms: p50 {result['p50_ms']:7.1f} ms  "
        f"p99 {result['p99_ms']:7.1f} ms  max {result['max_ms']:7.1f} ms  "
        f"({len(changes)} changes x {len(CHANNELS)} channels)"
    )
    return result


def main() -> None:
    """Measure and write the results."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--skus", type=int, default=50)
    parser.add_argument("--rate", type=float, default=20.0, help="changes a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--debounce-ms", type=int, nargs="+", default=[250, 50])
    parser.add_argument(
        "--modes", nargs="+", default=["recording", "http"], choices=["recording", "http"]
    )
    args = parser.parse_args()
    results: dict[str, Any] = {}
    load = os.getloadavg()[0]  # shared machines: how busy this one was
    with tempfile.TemporaryDirectory(prefix="facet-bench-push-") as tmp:
        folder = Path(tmp)
        template = seed(folder, args.skus)
        for mode in args.modes:
            for debounce in args.debounce_ms:
                results[f"{mode}_debounce_{debounce}ms"] = run(
                    template, folder, mode, debounce, args
                )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "database": "sqlite",
                "skus": args.skus,
                "channels": len(CHANNELS),
                "rate_per_s": args.rate,
                "seconds": args.seconds,
                "cpus": os.cpu_count(),
                "load_average_1m_at_start": round(load, 1),
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
