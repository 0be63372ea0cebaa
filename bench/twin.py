"""Benchmarks of the twin: routing speed and quality, and simulation speed.

Run ``python bench/twin.py`` (``--quick`` for a smaller run). Prints the figures and writes
``bench/results/twin.json``. Times are medians of repeated runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from twin.generate import generate_layout
from twin.graph import DEPOT
from twin.layout import Layout
from twin.orders import OrderStream, generate_orders, make_catalogue
from twin.routing import HEURISTICS, distance_matrix, held_karp, resolve_picks, route
from twin.scenarios import make_scenario
from twin.simulation import SimConfig, simulate_shift

RESULTS = ROOT / "bench" / "results" / "twin.json"


def _lists(layout: Layout, rng: np.random.Generator, size: int, count: int) -> list[list[str]]:
    codes = [loc.code for loc in layout.locations]
    return [[str(c) for c in rng.choice(codes, size=size, replace=False)] for _ in range(count)]


def bench_optimal_speed(repeats: int) -> dict[str, float]:
    """Optimal single-block routing of 30 picks in a 20-aisle warehouse."""
    layout = generate_layout(aisles=20, bays=30, levels=4)
    lists = _lists(layout, np.random.default_rng(1), 30, repeats)
    route(layout, lists[0])  # warm the graph and caches
    times = []
    for picks in lists:
        start = time.perf_counter()
        route(layout, picks)
        times.append(time.perf_counter() - start)
    return {
        "median_ms": 1000 * statistics.median(times),
        "max_ms": 1000 * max(times),
        "lists": len(lists),
        "target_ms": 50.0,
    }


def _brute_force(dist: np.ndarray) -> float:
    n = dist.shape[0]
    if n == 1:
        return 0.0
    perms = np.array(list(itertools.permutations(range(1, n))))
    total = dist[0, perms[:, 0]] + dist[perms[:, -1], 0]
    for i in range(n - 2):
        total = total + dist[perms[:, i], perms[:, i + 1]]
    return float(total.min())


def bench_exactness(count: int, brute: int) -> dict[str, int]:
    """The DP against Held-Karp (up to 12 positions) and full enumeration (up to 7)."""
    rng = np.random.default_rng(2)
    checked = mismatches = brute_checked = brute_mismatches = 0
    for depot in ("left", "centre", "right"):
        layout = generate_layout(
            aisles=int(rng.integers(3, 11)),
            bays=12,
            levels=2,
            depot=depot,
            depot_offset=float(rng.integers(0, 3)),
        )
        for i in range(count // 3):
            picks = _lists(layout, rng, int(rng.integers(1, 13)), 1)[0]
            points = resolve_picks(layout, picks)
            dist = distance_matrix(layout, [DEPOT, *(p.node for p in points)])
            optimum = route(layout, picks).length
            checked += 1
            mismatches += abs(optimum - held_karp(dist)[0]) > 1e-6
            if i < brute // 3 and len(points) <= 7:
                brute_checked += 1
                brute_mismatches += abs(optimum - _brute_force(dist)) > 1e-6
    return {
        "lists_vs_held_karp": checked,
        "mismatches_vs_held_karp": mismatches,
        "lists_vs_enumeration": brute_checked,
        "mismatches_vs_enumeration": brute_mismatches,
    }


def bench_heuristic_gaps(per_size: int) -> dict[str, object]:
    """Average % above the optimum per heuristic (Roodbergen and de Koster's table)."""
    layout = generate_layout(aisles=10, bays=30, levels=1)
    rng = np.random.default_rng(3)
    table: dict[str, dict[str, float]] = {}
    violations = 0
    for size in (5, 15, 30, 60):
        gaps: dict[str, list[float]] = {m: [] for m in HEURISTICS}
        for picks in _lists(layout, rng, size, per_size):
            optimum = route(layout, picks).length
            for method in HEURISTICS:
                length = route(layout, picks, method).length
                violations += length < optimum - 1e-6
                gaps[method].append(100 * (length - optimum) / optimum)
        table[str(size)] = {m: float(np.mean(v)) for m, v in gaps.items()}
    return {
        "layout": "1 block, 10 aisles of 30 bays, depot in front of the left aisle",
        "lists_per_size": per_size,
        "percent_above_optimal": table,
        "heuristic_shorter_than_optimal": violations,
    }


def bench_shift(repeats: int) -> dict[str, float]:
    """An 8-hour shift, 20 pickers, 3,000 orders, narrow aisles, popularity slotting."""
    layout = generate_layout(aisles=20, bays=30, levels=4, depot="centre", packing_desks=6)
    catalogue = make_catalogue(1500)
    scenario = make_scenario("bench", layout, catalogue)
    config = SimConfig(pickers=20, shift_hours=8.0)
    times, result = [], None
    for r in range(repeats):
        orders = generate_orders(
            OrderStream(catalogue, n_orders=3000), np.random.default_rng(r), horizon_s=8 * 3600
        )
        start = time.perf_counter()
        result = simulate_shift(
            layout, orders, scenario.slotting, config, rng=np.random.default_rng(100 + r)
        )
        times.append(time.perf_counter() - start)
    assert result is not None
    return {
        "median_s": statistics.median(times),
        "runs": repeats,
        "target_s": 20.0,
        "last_run": {k: round(v, 3) for k, v in result.metrics().items()},
    }


def main() -> None:
    """Run every benchmark, print the figures and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sample sizes")
    args = parser.parse_args()
    n = 0.2 if args.quick else 1.0
    results = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "optimal_30_picks_20_aisles": bench_optimal_speed(int(200 * n)),
        "exactness": bench_exactness(int(3000 * n), int(600 * n)),
        "heuristic_gaps": bench_heuristic_gaps(int(500 * n)),
        "shift_20_pickers_3000_orders": bench_shift(3 if not args.quick else 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    _print(results)


def _print(results: dict[str, object]) -> None:
    speed = results["optimal_30_picks_20_aisles"]
    print(
        f"optimal routing, 30 picks, 20 aisles: median {speed['median_ms']:.2f} ms "
        f"(max {speed['max_ms']:.2f} ms, target < 50 ms)"
    )
    exact = results["exactness"]
    print(
        f"exactness: {exact['mismatches_vs_held_karp']} mismatches in "
        f"{exact['lists_vs_held_karp']} lists vs Held-Karp, "
        f"{exact['mismatches_vs_enumeration']} in {exact['lists_vs_enumeration']} "
        "vs enumeration"
    )
    gaps = results["heuristic_gaps"]
    print(f"% above optimal ({gaps['layout']}, {gaps['lists_per_size']} lists per size):")
    print("picks  " + "".join(f"{m:>13}" for m in HEURISTICS))
    for size, row in gaps["percent_above_optimal"].items():
        print(f"{size:>5}  " + "".join(f"{row[m]:>12.1f}%" for m in HEURISTICS))
    print(f"heuristic shorter than optimal: {gaps['heuristic_shorter_than_optimal']} times")
    shift = results["shift_20_pickers_3000_orders"]
    print(
        f"8-hour shift, 20 pickers, 3000 orders: median {shift['median_s']:.2f} s "
        f"(target < 20 s); KPIs {shift['last_run']}"
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
