"""Speed of the inventory core. Prints the figures and writes bench/results/core.json.

  receipt_10k_s        a 10,000-piece serialised receipt, service layer (target < 3 s)
  picks_per_s_service  single-line pick confirmations per second, service layer, SQLite (>= 2,000)
  picks_http           pick confirmations per second over HTTP and p99 latency (>= 300/s, < 25 ms)
  locate_p99_ms        GET /api/locate p99 with 1,000,000 pieces (< 10 ms)

Medians over repeated runs; the machine is noisy. Run: .venv/bin/python bench/core.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import Database
from core.migrate import upgrade
from tests.builders import Builder

RESULTS = ROOT / "bench" / "results" / "core.json"


def fresh_db(workdir: Path, name: str) -> Database:
    """A migrated SQLite database in ``workdir``."""
    path = workdir / f"{name}.db"
    path.unlink(missing_ok=True)
    upgrade(f"sqlite:///{path}")
    return Database(f"sqlite:///{path}")


def _warehouse(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        b.warehouse(bins=8)
        b.supplier()
        b.sku("RING-18K-7")


def bench_receipt(workdir: Path, pieces: int, repeats: int) -> dict[str, Any]:
    """Post one receipt of ``pieces`` serialised pieces; median seconds over ``repeats``."""
    timings = []
    for r in range(repeats):
        db = fresh_db(workdir, f"receipt{r}")
        _warehouse(db)
        start = time.perf_counter()
        with db.write() as session:
            Builder(session).receive("RING-18K-7", f"G-{r + 1}", pieces, prefix=f"R{r}")
        timings.append(time.perf_counter() - start)
        db.dispose()
    return {
        "pieces": pieces,
        "median_s": round(statistics.median(timings), 3),
        "runs_s": [round(t, 3) for t in timings],
        "target_s": 3.0,
    }


def main() -> None:
    """Run every benchmark and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller sizes")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="facet-bench-"))
    results: dict[str, Any] = {}
    try:
        results["receipt_10k"] = bench_receipt(workdir, 10_000, 1 if args.quick else 3)
        print(
            f"receipt of 10,000 serialised pieces: {results['receipt_10k']['median_s']} s "
            "(target < 3 s)"
        )
        from bench.core_picks import bench_http, bench_locate, bench_picks

        results["picks_service"] = bench_picks(workdir, quick=args.quick)
        print(f"pick confirmations, service layer: {results['picks_service']}")
        results["picks_http"] = bench_http(workdir, quick=args.quick, clients=6, rate=300)
        print(f"pick confirmations, HTTP at 300/s offered: {results['picks_http']}")
        results["picks_http_saturated"] = bench_http(workdir, quick=args.quick)
        print(f"pick confirmations, HTTP as fast as answered: {results['picks_http_saturated']}")
        results["locate"] = bench_locate(workdir, quick=args.quick)
        print(f"locate: {results['locate']}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
