"""Delay from a confirmed pick to the picker's marker moving on the twin, in headless Chromium.

A demo server runs; a manager's browser shows /twin (the floor plan, then the 3D racks); each
round makes a one-line order, allocates it, puts it on a pick list for picker2 and confirms the
line through the API as picker2 does on a handheld. The delay runs from just before the confirm
is posted to the moment the page's picker trace shows picker2 at the bin (pushed over
/ws/events, restyled in the browser), so it includes the pick's own posting; ``post`` is that
request alone. Prints median and p90 per view (target: under 1 s) and writes
``bench/results/twin_live.json``. (Headless Chromium draws WebGL in software, so the 3D
figures are an upper bound.)

    python -m bench.twin_live [--picks 20] [--scale small|full] [--views plan 3d]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from tests.web.browser.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    demo_database,
    running_server,
)
from tests.web.browser.test_orders_pages import Client
from tests.web.browser.test_twin_live_page import (
    PICKERS_JS,
    _confirm,
    _open_list,
)

RESULTS = Path(__file__).with_name("results") / "twin_live.json"
TARGET_S = 1.0


def _signed_in_twin(browser: Any, server: LiveServer, view: str) -> Any:
    """A manager's /twin page with the live socket open and the chosen view drawn."""
    tab = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    tab.set_default_timeout(60_000)
    tab.goto(server.url + "/twin")
    tab.fill("#signin-user", "manager")
    tab.fill("#signin-pass", "facet-demo")
    tab.click("#signin-go")
    tab.wait_for_selector("#live-status.live")
    if view == "3d":
        tab.click("#tw-view input[value='3d']")
    kind = "scatter3d" if view == "3d" else "scatter"
    tab.wait_for_function(f"() => {{ const p = ({PICKERS_JS})(); return p && p.type === "
                          f"{kind!r}; }}")
    tab.wait_for_timeout(1500)  # the first draw settles
    return tab


def measure(server: LiveServer, browser: Any, view: str, picks: int) -> dict[str, Any]:
    """Delays of ``picks`` confirmed picks seen on the twin in ``view``."""
    manager, picker = Client(server, "manager"), Client(server, "picker2")
    tab = _signed_in_twin(browser, server, view)
    delays, posts = [], []
    for _n in range(picks):
        line = _open_list(manager, "picker2")["lines"][0]
        started = _confirm(server, picker, manager, line)
        posted = time.monotonic()
        tab.wait_for_function(
            f"() => {{ const p = ({PICKERS_JS})(); return p && "
            f"p.where['picker2'] === {line['from_location']!r}; }}", polling="raf")
        delays.append(time.monotonic() - started)
        posts.append(posted - started)
    tab.context.close()
    return {"picks": picks, "delay_ms": _summary(delays), "post_ms": _summary(posts),
            "under_target": sum(d < TARGET_S for d in delays)}


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": round(1000 * statistics.median(ordered), 1),
            "p90": round(1000 * ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 1),
            "max": round(1000 * ordered[-1], 1)}


def main() -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--picks", type=int, default=20)
    parser.add_argument("--scale", default="small", choices=["small", "full"])
    parser.add_argument("--views", nargs="+", default=["plan", "3d"], choices=["plan", "3d"])
    args = parser.parse_args()
    results: dict[str, Any] = {"scale": args.scale, "target_ms": TARGET_S * 1000}
    with tempfile.TemporaryDirectory() as folder:
        url = demo_database(Path(folder) / "facet.db", scale=args.scale)
        with running_server(url) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for view in args.views:
                results[view] = measure(server, browser, view, args.picks)
                found = results[view]
                print(f"{view:>5}: pick -> marker median {found['delay_ms']['median']:.0f} ms, "
                      f"p90 {found['delay_ms']['p90']:.0f} ms, max {found['delay_ms']['max']:.0f}"
                      f" ms (the pick's POST alone: median {found['post_ms']['median']:.0f} ms);"
                      f" {found['under_target']}/{found['picks']} under {TARGET_S:.0f} s")
            browser.close()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
