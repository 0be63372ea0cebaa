"""Benchmark of the twin's camera coverage on the full demo building.

Run ``python bench/twin_coverage.py`` (``--repeats N``). The demo building's bins are made
through the core's own demo loader in a scratch SQLite database, read back as the twin's
layout, and covered by the demo cameras file's 14 placed cameras. Prints the median time of
one full coverage computation (views occluded by 22 racks, 1,548 bins, the aisle metres, blind
spots, score; target < 1 s) and of drawing one camera's zones, and writes
``bench/results/twin_coverage.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core import Database
from core.demo.layout import build_layout
from core.migrate import upgrade
from core.people.service import system_actor
from twin.coverage import coverage
from twin.layout import Layout, with_cameras
from twin.sources import layout_from_core
from web.api.twin_coverage import placed_cameras, zones_for
from web.cli.demo_cameras import demo_cameras_data

RESULTS = ROOT / "bench" / "results" / "twin_coverage.json"
TARGET_S = 1.0


def demo_layout(folder: Path) -> Layout:
    """The full demo building's bins, made by the demo loader, as the twin reads them."""
    url = f"sqlite:///{folder / 'facet.db'}"
    upgrade(url)
    db = Database(url)
    try:
        with db.write() as session:
            build_layout(session, system_actor(session), random.Random(7), full=True)
        return layout_from_core(db, name="demo")
    finally:
        db.dispose()


def timed(action: Any, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        layout = demo_layout(folder)
        cams = folder / "cameras.yaml"
        cams.write_text(yaml.safe_dump(demo_cameras_data(folder / "vault-door.mp4")))
        cameras = placed_cameras(cams)
        watched = with_cameras(layout, cameras)
        result = coverage(watched)  # warm: the layout's graph is built once and memoised
        median, times = timed(lambda: coverage(watched), args.repeats)
        zones_median, _ = timed(
            lambda: zones_for(layout, cams, "vault-door", vault_name="VLT"), args.repeats
        )
    figures = {
        "bins": len(layout.locations),
        "racks": len({(loc.aisle, loc.side) for loc in layout.locations}),
        "cameras": len(cameras),
        "aisle_metres": round(result.aisle_metres, 1),
        "score": round(result.score, 4),
        "blind_bins": len(result.blind_bins),
        "coverage_median_s": round(median, 4),
        "coverage_min_s": round(min(times), 4),
        "coverage_max_s": round(max(times), 4),
        "zones_one_camera_median_s": round(zones_median, 4),
        "repeats": args.repeats,
        "target_s": TARGET_S,
        "meets_target": median < TARGET_S,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
