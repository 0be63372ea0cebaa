"""Time of the finance registers over a year of the demo warehouse: each kind's register read
and valued, then written as CSV, XLSX and PDF. Prints medians (ms) and writes
``bench/results/finance.json``.

    python -m bench.finance [--scale small|full] [--runs 3] [--db PATH]

``--db`` keeps the demo database between runs (the full demo takes minutes to load).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from core import Database
from core.demo import load_demo
from core.migrate import upgrade
from core.reports.finance import FinanceKind, Register, register
from core.reports.finance_files import line_rows, rows_csv, rows_xlsx
from core.reports.finance_pdf import register_pdf

RESULTS = Path(__file__).with_name("results") / "finance.json"
NOW = datetime(2026, 6, 30, 18, tzinfo=UTC)
WRITERS: dict[str, Callable[[Register], Any]] = {
    "read": lambda reg: None,
    "csv": lambda reg: rows_csv(line_rows(reg.kind, reg.documents, reg.totals())),
    "xlsx": lambda reg: rows_xlsx(line_rows(reg.kind, reg.documents, reg.totals()), title="x"),
    "pdf": register_pdf,
}


def demo(path: Path, scale: str) -> Database:
    """The demo warehouse in ``path`` (loaded when the file is new)."""
    fresh = not path.exists()
    if fresh:
        upgrade(f"sqlite:///{path}")
    db = Database(f"sqlite:///{path}")
    if fresh:
        load_demo(db, scale=scale, now=NOW)
    return db


def main() -> None:
    """Time every kind's register over the year to the demo's last day."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="small", choices=["small", "full"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    path = args.db or Path(f"/tmp/facet-bench-finance-{args.scale}.db")
    db = demo(path, args.scale)
    until = NOW.date()
    since = until - timedelta(days=365)
    out: dict[str, Any] = {"scale": args.scale, "runs": args.runs, "kinds": {}}
    for kind in FinanceKind:
        result: dict[str, Any] = {}
        for name, write in WRITERS.items():
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                with db.read() as session:
                    reg = register(session, kind=kind, since=since, until=until)
                write(reg)
                times.append(time.perf_counter() - start)
            result[f"{name}_ms"] = round(statistics.median(times) * 1000, 1)
        result |= {"documents": len(reg.documents), "lines": reg.totals()["lines"]}
        out["kinds"][str(kind)] = result
        print(
            f"{kind:<11} {result['documents']:>6} documents {result['lines']:>6} lines  "
            + "  ".join(f"{n} {result[f'{n}_ms']:>8.1f} ms" for n in WRITERS)
        )
    db.dispose()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
