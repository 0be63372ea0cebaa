"""Time to usable of each page in headless Chromium, with the demo warehouse loaded.

A page is usable when the element a person works with is on screen with its data: the KPI
tiles, the search box, the twin's controls and its 3D racks drawn, the alert feed, the chat's
question box with its examples, the voice console's start button (labelled by voice.js) and
the supervisor's table of pickers. (Headless Chromium draws WebGL in software, so the 3D scene
is the slowest thing measured here.) Prints medians (target < 2 s) and writes
``bench/results/web.json`` (with ``--pages``, only those pages' entries are replaced).

    python -m bench.web [--scale small|full] [--runs 5] [--pages chat voice pickers]
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

import httpx
from playwright.sync_api import sync_playwright

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from tests.web.browser.server import CHROMIUM, CHROMIUM_ARGS, demo_database, running_server

RESULTS = Path(__file__).with_name("results") / "web.json"
TARGET_S = 2.0
# page -> (path, user, selector that means "usable")
PAGES: dict[str, tuple[str, str | None, str]] = {
    "signin": ("/", None, "#signin-user"),
    "overview": ("/overview", "manager", "#kpi-waiting .kpi-value"),
    "inventory": ("/inventory", "clerk", "#inv-q"),
    "twin_controls": ("/twin", "manager", "#tw-run:not([disabled])"),
    "twin": ("/twin", "manager", "#tw-graph .main-svg .gtitle"),
    "alerts": ("/alerts", "security", "#al-feed > *"),
    "chat": ("/chat", "manager", "#chat-examples button"),
    "voice": ("/voice", "picker", "#vc-start:not(:empty)"),
    "pickers": ("/pickers", "manager", "#sv-pickers table, #sv-pickers .msg"),
}


def _session(base: str, user: str) -> dict[str, str]:
    body = httpx.post(base + "/api/auth/token",
                      data={"username": user, "password": "facet-demo"}).json()
    return {"token": body["access_token"], "username": body["username"], "role": body["role"]}


def time_page(browser: Any, base: str, path: str, auth: dict[str, str] | None,
              selector: str) -> float:
    """Seconds from navigation to ``selector`` visible, in a fresh context."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    if auth:
        context.add_init_script(f"sessionStorage.setItem('auth', {json.dumps(json.dumps(auth))});")
    tab = context.new_page()
    started = time.perf_counter()
    tab.goto(base + path)
    tab.wait_for_selector(selector, timeout=30_000)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def run(scale: str, runs: int, only: list[str] | None = None) -> dict[str, Any]:
    """Measure every page (or ``only`` these) ``runs`` times (after one warm-up)."""
    pages = {name: spec for name, spec in PAGES.items() if not only or name in only}
    with tempfile.TemporaryDirectory() as tmp:
        url = demo_database(Path(tmp) / "facet.db", scale=scale)
        with running_server(url) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            sessions = {u: _session(server.url, u) for _, u, _ in pages.values() if u}
            results: dict[str, Any] = {}
            for name, (path, user, selector) in pages.items():
                auth = sessions.get(user) if user else None
                time_page(browser, server.url, path, auth, selector)  # warm caches
                times = [time_page(browser, server.url, path, auth, selector)
                         for _ in range(runs)]
                results[name] = {"median_s": round(statistics.median(times), 3),
                                 "max_s": round(max(times), 3), "runs": runs,
                                 "ok": statistics.median(times) < TARGET_S}
            browser.close()
    return {"scale": scale, "target_s": TARGET_S, "pages": results}


def main() -> None:
    """Run the benchmark, print medians and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["small", "full"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", nargs="*", choices=sorted(PAGES), default=None,
                        help="measure only these pages (default: all)")
    args = parser.parse_args()
    report = run(args.scale, args.runs, args.pages)
    for name, r in report["pages"].items():
        flag = "ok" if r["ok"] else "SLOW"
        print(f"{name:10s} median {r['median_s']:.3f} s  max {r['max_s']:.3f} s  [{flag}]")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    by_scale = previous.get("by_scale", {}) if isinstance(previous, dict) else {}
    if args.pages and isinstance(by_scale.get(args.scale), dict):
        report["pages"] = {**by_scale[args.scale].get("pages", {}), **report["pages"]}
    by_scale[args.scale] = report
    RESULTS.write_text(json.dumps({"by_scale": by_scale}, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
