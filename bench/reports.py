"""Time of every analytics report (and the overview) over the full demo warehouse: a year of
orders, 2,000 SKUs, 300 lots. Target: each under 1 s. Prints medians and writes
``bench/results/reports.json`` (keyed by database dialect).

    python -m bench.reports [--runs 5] [--database URL]

Without ``--database`` the full demo is loaded into a fresh SQLite file first (a few minutes);
give a URL (SQLite or PostgreSQL) that already holds the full demo to skip that.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from core import Database
from core.clock import now
from core.reports.filters import ReportFilter
from core.reports.overview import overview
from core.reports.registry import REPORTS, ReportOptions, run_report
from tests.web.browser.server import demo_database

RESULTS = Path(__file__).with_name("results") / "reports.json"
TARGET_S = 1.0


def _time(fn: Any, runs: int) -> tuple[float, float, int]:
    times, size = [], 0
    fn()  # warm the caches and the connection pool
    for _ in range(runs):
        started = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times), size


def measure(url: str, runs: int) -> dict[str, Any]:
    """Run each report over the last year ``runs`` times and summarise."""
    db = Database(url)
    year = ReportFilter(since=now() - timedelta(days=365), until=now())
    results: dict[str, Any] = {}
    try:
        with db.read() as session:
            jobs = {name: (lambda n=name: run_report(session, n, year, ReportOptions(limit=500)))
                    for name in REPORTS}
            jobs["overview"] = lambda: overview(session, day=now().date())
            for name, job in jobs.items():
                median, worst, rows = _time(job, runs)
                results[name] = {"median_s": round(median, 4), "max_s": round(worst, 4),
                                 "rows": rows, "runs": runs, "ok": median < TARGET_S}
    finally:
        db.dispose()
    return {"dialect": url.split(":", 1)[0].split("+")[0], "target_s": TARGET_S,
            "reports": results}


def main() -> None:
    """Run the benchmark, print medians and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", help="URL of a database holding the full demo")
    args = parser.parse_args()
    if args.database:
        report = measure(args.database, args.runs)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            report = measure(demo_database(Path(tmp) / "facet.db", scale="full"), args.runs)
    for name, r in report["reports"].items():
        flag = "ok" if r["ok"] else "SLOW"
        print(f"{name:18s} median {r['median_s']:.4f} s  max {r['max_s']:.4f} s  "
              f"{r['rows']:5d} rows  [{flag}]")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    by_dialect = previous.get("by_dialect", {}) if isinstance(previous, dict) else {}
    by_dialect[report["dialect"]] = report
    RESULTS.write_text(json.dumps({"by_dialect": by_dialect}, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
