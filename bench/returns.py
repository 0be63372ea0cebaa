"""Customer returns through the ledger: a shipped order's pieces come back one return each
(open, receive into quarantine, inspect back to stock: three write transactions, as three API
calls), then one return to the supplier of a whole lot. Prints medians per step and writes
``bench/results/returns.json`` with the load average it ran under.

    python -m bench.returns [--pieces 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from sqlalchemy import select

from core import Database
from core.locations.models import Location
from core.lots.models import Serial
from core.migrate import upgrade
from core.orders.integrity import verify_stock
from core.people.security import Actor
from core.returns import (
    CustomerReturnCreate,
    InspectItem,
    SupplierReturnCreate,
    create_supplier_return,
    inspect_return,
    open_return,
    receive_return,
)
from tests.builders import Builder
from tests.core.orders.support import order, stock_lot
from tests.core.returns.support import ship

RESULTS = Path(__file__).with_name("results") / "returns.json"


def _setup(db: Database, pieces: int) -> tuple[Actor, int, list[str], str]:
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1")
        stock_lot(session, b.actor, sku="RING-1", lot="L-1", qty=pieces, location=bins[0])
        stock_lot(session, b.actor, sku="RING-1", lot="L-2", qty=pieces, location=bins[1])
        sold = order(session, b.actor, "B-1", ("RING-1", pieces, "L-1"))
        ship(session, b, sold)
        shipped = list(
            session.scalars(
                select(Serial.code)
                .join(Location)
                .where(Location.code == "V-CUSTOMER")
                .order_by(Serial.code)
            )
        )
        return b.actor, sold.id, shipped, bins[2]


def _timed(job: Callable[[], Any]) -> float:
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


def _one_return(
    db: Database,
    actor: Actor,
    order_id: int,
    piece: str,
    back_bin: str,
    steps: dict[str, list[float]],
) -> None:
    """One piece back: open, receive and inspect, each in its own transaction, timed."""
    number: list[str] = []

    def opened() -> None:
        with db.write() as s:
            data = CustomerReturnCreate(order_id=order_id, reason="bench", serials=[piece])
            number.append(open_return(s, actor=actor, data=data).number)

    def received() -> None:
        with db.write() as s:
            receive_return(s, actor=actor, number=number[0])

    def inspected() -> None:
        with db.write() as s:
            item = InspectItem(serial=piece, disposition="stock", location=back_bin)
            inspect_return(s, actor=actor, number=number[0], items=[item])

    for name, job in (("open", opened), ("receive", received), ("inspect", inspected)):
        steps[name].append(_timed(job))


def main() -> None:
    """Set up, time and record."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pieces", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        db = Database(url)
        actor, order_id, shipped, back_bin = _setup(db, args.pieces)
        steps: dict[str, list[float]] = {"open": [], "receive": [], "inspect": []}
        for piece in shipped:
            _one_return(db, actor, order_id, piece, back_bin, steps)

        def whole_lot() -> None:
            with db.write() as s:
                create_supplier_return(
                    s,
                    actor=actor,
                    data=SupplierReturnCreate(lot="L-2", reason="qc-reject", whole_lot=True),
                )

        rts = _timed(whole_lot)
        with db.read() as s:
            assert verify_stock(s).ok
        db.dispose()
    load = os.getloadavg()[0]
    results: dict[str, Any] = {
        "pieces": args.pieces,
        "cpus": os.cpu_count(),
        "load_average_1min": round(load, 2),
        "steps_ms": {},
        "supplier_return_whole_lot_s": round(rts, 3),
    }
    for name, times in steps.items():
        median = statistics.median(times) * 1000
        results["steps_ms"][name] = {
            "median": round(median, 2),
            "p95": round(sorted(times)[int(len(times) * 0.95)] * 1000, 2),
        }
        print(f"{name:8} {median:7.2f} ms median per return")
    total = sum(statistics.median(t) for t in steps.values())
    results["returns_per_s"] = round(1 / total, 1)
    print(f"{results['returns_per_s']:.1f} returns/s (open + receive + inspect, SQLite)")
    print(f"supplier return of a whole lot of {args.pieces} pieces: {rts:.2f} s")
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
