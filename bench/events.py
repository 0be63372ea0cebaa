"""Event lag between two Facet processes, per transport, at 200 events a second.

For each transport (PostgreSQL LISTEN/NOTIFY, Redis, NATS), on a fresh PostgreSQL copy of the
small demo, two measures:

- ``events``: two database/bus/events-runtime pairs (the outbox relay and the transport, as
  `facet serve` builds them) on one database. Side A commits one ``OrderCreated`` per
  transaction at a fixed rate (open loop); the lag of an event is the time side B's bus
  receives it from the transport minus its timestamp (taken in A's transaction, before the
  commit). This is the transport path alone, at the offered rate.
- ``browser``: two `facet serve` processes; orders are created through A's API at the offered
  rate, as fast as A answers (the rate achieved is printed), and the lag is the arrival on B's
  ``/ws/events`` minus the event's timestamp: the whole path a browser sees. The same events
  on A's own socket give the local baseline.

Prints p50/p99 per transport (the issue's target: within 1 s) and writes
``bench/results/events.json``. Times are on one host's clock.

    python -m bench.events [--rate 200] [--seconds 10] [--browser-seconds 5]
                           [--transports postgresql redis nats]

Needs PostgreSQL (``FACET_TEST_POSTGRES_URL``, or postgres@127.0.0.1:5432), and Redis and NATS
on their default ports for those transports.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from core import Database, Event, OrderCreated
from core.events import record
from tests.web.multiprocess.harness import (
    TRANSPORTS,
    Cluster,
    EventSocket,
    Postgres,
    cluster,
    demo_template,
    transport_answers,
)
from web.events.factory import transport_from_url
from web.events.reader import OutboxReader
from web.events.runtime import EventsRuntime

RESULTS = ROOT / "bench" / "results" / "events.json"
PG_URL = os.environ.get("FACET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SENDERS = 8  # concurrent writers (handhelds, web workers) sharing the fixed schedule
DRAIN_S = 10.0  # how long to wait for the last events after the writes end
TARGET_MS = 1000


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _send(base: httpx.Client, channel: str, sku: str, slots: range, start: float,
          rate: float, failures: list[str]) -> None:
    """One handheld: create the orders of ``slots`` on the shared schedule."""
    with httpx.Client(base_url=base.base_url, headers=base.headers, timeout=30) as client:
        for slot in slots:
            time.sleep(max(0.0, start + slot / rate - time.perf_counter()))
            answer = client.post("/api/orders", json={
                "channel": channel, "external_id": f"{channel}-{slot}", "customer_name": "Bench",
                "lines": [{"sku": sku, "quantity": 1}]})
            if answer.status_code != 201:
                failures.append(answer.text)


def _write(a: httpx.Client, channel: str, rate: float, seconds: float) -> dict[str, Any]:
    """Create ``rate * seconds`` orders on A at ``rate`` a second; achieved rate and failures."""
    sku = str(a.get("/api/skus", params={"limit": 1}).json()["items"][0]["code"])
    count, failures = int(rate * seconds), list[str]()
    start = time.perf_counter()
    threads = [threading.Thread(target=_send, args=(a, channel, sku, range(i, count, SENDERS),
                                                    start, rate, failures))
               for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"orders": count, "achieved_per_s": round(count / elapsed, 1),
            "failed": len(failures), "first_failure": failures[0][:200] if failures else None}


def _lags(socket: EventSocket, channel: str) -> tuple[list[float], int]:
    """Lag in ms of each of the channel's OrderCreated events on ``socket``; and repeats."""
    lags: dict[str, float] = {}
    repeats = 0
    for arrival in list(socket.arrivals):
        data = arrival.data
        if data.get("event") != "OrderCreated" or not data["external_id"].startswith(channel):
            continue
        if data["id"] in lags:
            repeats += 1
            continue
        lags[data["id"]] = 1000 * (arrival.at - datetime.fromisoformat(data["at"]).timestamp())
    return list(lags.values()), repeats


def _summary(lags: list[float], repeats: int, expected: int) -> dict[str, Any]:
    """p50/p99/max of ``lags`` with how many events were missing or repeated."""
    if not lags:
        return {"received": 0, "missing": expected, "repeated": repeats}
    return {"received": len(lags), "missing": expected - len(lags), "repeated": repeats,
            "p50_ms": round(statistics.median(lags), 1),
            "p99_ms": round(_percentile(lags, 0.99), 1), "max_ms": round(max(lags), 1)}


def _side(group: Cluster) -> tuple[Database, EventsRuntime]:
    """A database with an outbox and its events runtime, as `facet serve` builds them."""
    db = Database(group.db_url, outbox=True)
    transport = transport_from_url(group.events_url, reader=OutboxReader(db))
    return db, EventsRuntime(db, db.bus, transport)


def _commit_slots(db: Database, tag: str, slots: range, start: float, rate: float) -> None:
    """One writer: commit the events of ``slots`` on the shared schedule."""
    for n in slots:
        time.sleep(max(0.0, start + n / rate - time.perf_counter()))
        with db.write() as session:
            record(session, OrderCreated(order_id=n, channel="bench", external_id=f"{tag}-{n}"))


def _commit_at_rate(db: Database, tag: str, rate: float, seconds: float) -> dict[str, Any]:
    """Commit ``rate * seconds`` transactions of one event each, from several writers (as
    several web workers' requests would), on a fixed schedule."""
    count = int(rate * seconds)
    start = time.perf_counter()
    writers = [threading.Thread(target=_commit_slots,
                                args=(db, tag, range(i, count, SENDERS), start, rate))
               for i in range(SENDERS)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    return {"events": count,
            "achieved_per_s": round(count / (time.perf_counter() - start), 1)}


def _measure_events(group: Cluster, rate: float, seconds: float) -> dict[str, Any]:
    """Commit on side A, receive on side B's bus: the transport path's lag."""
    (db_a, side_a), (db_b, side_b) = _side(group), _side(group)
    tag, lags, calls = uuid.uuid4().hex[:8], dict[str, float](), Counter[str]()
    done = threading.Event()
    expected = int(rate * seconds)

    def received(event: Event) -> None:
        arrived = time.time()
        if isinstance(event, OrderCreated) and event.external_id.startswith(tag):
            calls[event.id] += 1
            lags.setdefault(event.id, 1000 * (arrived - event.at.timestamp()))
            if len(lags) >= expected:
                done.set()

    db_b.bus.subscribe(OrderCreated, received)
    side_a.start()
    side_b.start()
    try:
        written = _commit_at_rate(db_a, tag, rate, seconds)
        done.wait(DRAIN_S)
    finally:
        for side, db in ((side_a, db_a), (side_b, db_b)):
            side.stop()
            db.dispose()
    repeats = sum(n - 1 for n in calls.values())
    return {**written, "other_process": _summary(list(lags.values()), repeats, expected)}


def _measure(group: Cluster, rate: float, seconds: float) -> dict[str, Any]:
    """Write on A, watch A's and B's sockets; the lag figures."""
    channel = f"bench-{uuid.uuid4().hex[:8]}"
    with group["a"].client("manager") as a, group["b"].client("manager") as b:
        on_a, on_b = EventSocket(a), EventSocket(b)
        try:
            written = _write(a, channel, rate, seconds)
            expected = int(written["orders"]) - int(written["failed"])

            def arrived(events: list[dict[str, Any]]) -> bool:
                return sum(1 for e in events if e.get("event") == "OrderCreated") >= expected

            on_b.wait_for(arrived, DRAIN_S)
            on_a.wait_for(arrived, 1)
            remote, local = _lags(on_b, channel), _lags(on_a, channel)
        finally:
            on_a.close()
            on_b.close()
    return {**written, "other_process": _summary(*remote, expected),
            "same_process": _summary(*local, expected)}


Measure = Callable[[Cluster, float, float], dict[str, Any]]


def _in_cluster(kind: str, pg: Postgres, template: str, workdir: Path, names: tuple[str, ...],
                measure: Measure, rate: float, seconds: float) -> dict[str, Any]:
    """``measure`` on a fresh copy of the demo with servers ``names`` on transport ``kind``."""
    with cluster(kind, pg, template, workdir, names) as group:
        return measure(group, rate, seconds)


def _guarded(measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The measure's figures, or the error that stopped it (one failure hides nothing else)."""
    try:
        return measure()
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:2000]}


def run(transports: list[str], rate: float, seconds: float,
        browser_seconds: float) -> dict[str, Any]:
    """Measure each transport on its own copy of the demo; errors are recorded, not raised."""
    pg = Postgres(PG_URL)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="facet-bench-events-") as tmp:
        workdir, template = Path(tmp), f"facet_bench_events_{uuid.uuid4().hex[:8]}"
        try:
            demo_template(pg, template, workdir)
            for kind in transports:
                if not transport_answers(kind):
                    results[kind] = {"error": f"the {kind} server does not answer"}
                    continue
                results[kind] = {
                    "events": _guarded(partial(
                        _in_cluster, kind, pg, template, workdir, (), _measure_events, rate,
                        seconds)),
                    "browser": _guarded(partial(
                        _in_cluster, kind, pg, template, workdir, ("a", "b"), _measure, rate,
                        browser_seconds)),
                }
        finally:
            pg.drop(template)
    return results


def _row(kind: str, part: str, r: dict[str, Any]) -> str:
    """One printed line: a transport's measure."""
    if "error" in r:
        return f"{kind:<11} {part:<8} error: {r['error'].splitlines()[0]}"
    b, a = r["other_process"], r.get("same_process", {})
    local = f"   (same process {a.get('p50_ms', '-')}/{a.get('p99_ms', '-')})" if a else ""
    return (f"{kind:<11} {part:<8} {r['achieved_per_s']:>9} {b.get('p50_ms', '-'):>8} "
            f"{b.get('p99_ms', '-'):>8} {b.get('max_ms', '-'):>8} {b['missing']:>7} "
            f"{b['repeated']:>8}{local}")


def _print(results: dict[str, Any]) -> None:
    print(f"{'transport':<11} {'path':<8} {'written/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'missing':>7} {'repeated':>8}")
    for kind, measures in results.items():
        if "error" in measures:
            print(f"{kind:<11} error: {measures['error']}")
            continue
        for part, r in measures.items():
            print(_row(kind, part, r))


def main() -> None:
    """Run the benchmark, print the lags and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200, help="events a second offered")
    parser.add_argument("--seconds", type=float, default=10,
                        help="how long side A commits events (the events path)")
    parser.add_argument("--browser-seconds", type=float, default=5,
                        help="how long orders are offered to server A (the browser path)")
    parser.add_argument("--transports", nargs="+", default=list(TRANSPORTS),
                        choices=TRANSPORTS)
    args = parser.parse_args()
    results = run(args.transports, args.rate, args.seconds, args.browser_seconds)
    _print(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "offered_per_s": args.rate, "seconds": args.seconds,
        "browser_seconds": args.browser_seconds, "writers": SENDERS,
        "cpus": os.cpu_count(), "target_ms": TARGET_MS,
        "lag": "events: arrival on the other side's bus; browser: arrival on the other "
               "process's /ws/events; minus the event's timestamp (set before its commit)",
        "transports": results}, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
