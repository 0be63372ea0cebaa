"""Time of printing the most labels one request allows (2,000): piece labels as an A4 24-up
PDF, a US Letter 30-up PDF, a 60 x 30 mm roll PDF, and ZPL at 203 and 300 dpi. Rendering only
(no database): what POST /api/labels adds to gathering the labels. Prints medians and writes
``bench/results/labels.json``, with the load average it ran under (a shared machine slows it).

    python -m bench.labels [--labels 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from core.labels import LAYOUTS, PieceLabel, render_pdf, render_zpl

RESULTS = Path(__file__).with_name("results") / "labels.json"


def labels(count: int) -> list[PieceLabel]:
    """``count`` piece labels shaped like the full demo's (serial, SKU, style, lot, weight)."""
    return [PieceLabel(f"FC{n:07d}", "ST0123-Au750Y-16", f"G-{2300 + n // 40}",
                       "Orla infinity pendant", 1.5 + n % 17, "gold", "Au750")
            for n in range(count)]


def _time(job: Callable[[], bytes | str], runs: int) -> dict[str, Any]:
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(job())
        times.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
            "bytes": size, "runs": runs}


def main() -> None:
    """Render, time and record."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    batch = labels(args.labels)
    jobs: dict[str, Callable[[], bytes | str]] = {
        "pdf-a4-24": lambda: render_pdf(batch, LAYOUTS["a4-24"]),
        "pdf-letter-30": lambda: render_pdf(batch, LAYOUTS["letter-30"]),
        "pdf-roll-60x30": lambda: render_pdf(batch, LAYOUTS["roll-60x30"]),
        "zpl-203": lambda: render_zpl(batch, LAYOUTS["roll-60x30"], 203),
        "zpl-300": lambda: render_zpl(batch, LAYOUTS["roll-60x30"], 300),
    }
    load = os.getloadavg()[0]
    results: dict[str, Any] = {"labels": args.labels, "cpus": os.cpu_count(),
                               "load_average_1min": round(load, 2), "formats": {}}
    for name, job in jobs.items():
        results["formats"][name] = timed = _time(job, args.runs)
        rate = args.labels / timed["median_s"]
        print(f"{name:15} {timed['median_s']:7.2f} s median  {rate:7.0f} labels/s  "
              f"{timed['bytes'] / 1024:8.0f} KiB")
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
