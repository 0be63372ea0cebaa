"""What observing a request costs. Prints the figures and writes bench/results/observability.json.

  observer     per-request time of a bare ASGI app that answers 200, alone and wrapped in
               ObserveRequests (request id, metrics by route template, an access line), with
               the access line off (INFO level: a probe logs at DEBUG) and on, formatted as a
               JSON line to a null stream; medians of 5 rounds, each round interleaving the
               variants so they share the machine's state.
  scrape       time to build /metrics for an app-sized registry (60 routes x 3 status classes
               with latency histograms) in-process and in multiprocess mode (4 workers' files).

    python bench/observability.py [--requests 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.types import Receive, Scope, Send

from web.observability.logs import ACCESS_LOGGER
from web.observability.metrics import Metrics
from web.observability.requests import ObserveRequests

RESULTS = ROOT / "bench" / "results" / "observability.json"


async def bare(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that answers 200 with a two-byte body."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _scope(path: str) -> dict[str, Any]:
    return {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
            "query_string": b"", "headers": [], "client": ("127.0.0.1", 1)}


async def _per_request_us(app: Any, path: str, count: int) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: Any) -> None:
        return None

    started = time.perf_counter()
    for _ in range(count):
        await app(_scope(path), receive, send)
    return (time.perf_counter() - started) / count * 1e6


def _json_access_log() -> None:
    """Access lines as JSON to a null stream (what FACET_LOG_JSON costs, without the disk)."""
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp=True))
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)


def observer(count: int) -> dict[str, float]:
    """Microseconds per request: bare, observed (line off), observed (JSON line on)."""
    _json_access_log()
    observed = ObserveRequests(bare, metrics=Metrics())
    rounds: dict[str, list[float]] = {"bare": [], "observed_quiet": [], "observed_logged": []}
    for _ in range(5):
        rounds["bare"].append(asyncio.run(_per_request_us(bare, "/api/health", count)))
        # /api/health answered 200 logs at DEBUG: below INFO, so no line is formatted.
        rounds["observed_quiet"].append(
            asyncio.run(_per_request_us(observed, "/api/health", count)))
        rounds["observed_logged"].append(
            asyncio.run(_per_request_us(observed, "/api/stock", count)))
    return {name: round(statistics.median(values), 2) for name, values in rounds.items()}


_SCRAPE = """
import sys, time
from web.observability.metrics import Metrics
metrics = Metrics()
for route in range(60):
    for status in (200, 404, 503):
        metrics.observe_request("GET", f"/api/r{route}/{{id}}", status, 0.01)
if sys.argv[1] == "scrape":
    started = time.perf_counter()
    for _ in range(20):
        body = metrics.exposition()
    print((time.perf_counter() - started) / 20 * 1000, len(body))
"""


def scrape() -> dict[str, float]:
    """Milliseconds to build /metrics, in-process and summed over 4 workers' files."""
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}

    def run(mode: str, extra: dict[str, str]) -> str:
        done = subprocess.run([sys.executable, "-c", _SCRAPE, mode], env={**env, **extra},
                              cwd=ROOT, capture_output=True, text=True, check=True)
        return done.stdout

    single_ms, single_bytes = run("scrape", {}).split()
    with tempfile.TemporaryDirectory() as folder:
        multi = {"PROMETHEUS_MULTIPROC_DIR": folder}
        for _ in range(3):
            run("write", multi)
        multi_ms, multi_bytes = run("scrape", multi).split()
    return {"in_process_ms": round(float(single_ms), 2), "in_process_bytes": int(single_bytes),
            "multiprocess_4_workers_ms": round(float(multi_ms), 2),
            "multiprocess_bytes": int(multi_bytes)}


def main() -> None:
    """Run both measurements, print them, write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    results = {"observer_us_per_request": observer(args.requests), "scrape": scrape()}
    per = results["observer_us_per_request"]
    results["observer_overhead_us"] = {
        "quiet": round(per["observed_quiet"] - per["bare"], 2),
        "with_json_access_line": round(per["observed_logged"] - per["bare"], 2),
    }
    print(json.dumps(results, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
