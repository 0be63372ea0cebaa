"""Availability under attack and under a held lock. Prints the figures and writes
bench/results/security.json.

  guessing     GET /api/stock p99 quiet, then while 10 clients post wrong passwords to
               /api/auth/token as fast as they are answered (target: within 2x of quiet);
               three alternating rounds of each, medians of their p99s.
               Twice: with the sign-in limits as configured (most guesses get 429), and with
               the limits lifted, as a spread-out attack from many addresses would see it
               (every guess costs an Argon2 verification).
  held_lock    GET /api/health and GET /api/stock p99 while another connection holds SQLite's
               write lock and 60 writers (more than the 40 worker threads) wait for it
               (target: health p99 < 50 ms); quiet figures for comparison.

The app runs under a real uvicorn in a subprocess on a demo database (`facet db upgrade` and
`facet demo load --scale small` into a temp file); load comes from another process, so the
measuring client shares its interpreter with nothing busy. Every ratio compares figures taken
in the same run. ``--source DIR`` runs the server from another checkout (to compare code).

    python bench/security.py [--requests 300] [--source DIR]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "security.json"
PASSWORD = "facet-demo"
GUESSERS = 10
WRITERS = 60
TIMEOUT_S = 30.0  # a request not answered by then counts as this long


def _env(tmp: Path, source: Path, db_file: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACET_")}
    env.update(
        PYTHONPATH=str(source),
        FACET_DATABASE_URL=f"sqlite:///{db_file}",
        FACET_SECRET_KEY="bench-security-signing-key-" * 2,
        FACET_DEMO_MODE="true",
        FACET_WEB_WARM_UP_MODELS="false",
        HF_HUB_OFFLINE="1",
        **extra,
    )
    return env


def demo_database(tmp: Path, source: Path) -> Path:
    """A migrated SQLite file with the small demo warehouse, made by the `facet` commands."""
    db_file = tmp / "facet.db"
    env = _env(tmp, source, db_file, {})
    for args in (["db", "upgrade"], ["demo", "load", "--scale", "small"]):
        subprocess.run([sys.executable, "-c", "from web.cli.main import main; main()", *args],
                       cwd=tmp, env=env, check=True, stdout=subprocess.DEVNULL)
    return db_file


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(tmp: Path, source: Path, db_file: Path, extra: dict[str, str]) -> Iterator[str]:
    """uvicorn serving ``create_app`` from ``source`` in a subprocess; yields its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=tmp, env=_env(tmp, source, db_file, extra),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _token(base: str, user: str) -> str:
    answer = httpx.post(base + "/api/auth/token", data={"username": user, "password": PASSWORD})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def sample(call: Callable[[], httpx.Response], *, count: int, budget_s: float) -> dict[str, Any]:
    """Latencies (ms) of up to ``count`` sequential calls within ``budget_s`` seconds."""
    times: list[float] = []
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    while len(times) < count and time.monotonic() - started < budget_s:
        begun = time.perf_counter()
        try:
            statuses[call().status_code] += 1
            times.append((time.perf_counter() - begun) * 1000)
        except httpx.TimeoutException:
            statuses[0] += 1  # 0: no answer within TIMEOUT_S
            times.append(TIMEOUT_S * 1000)
    ordered = sorted(times)
    return {
        "requests": len(times),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "max_ms": round(ordered[-1], 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


# -- load, in another process -------------------------------------------------------------


def _guess(base: str, index: int, stop: Any, counts: Any) -> None:
    with httpx.Client(base_url=base, timeout=TIMEOUT_S) as client:
        n = 0
        while not stop.is_set():
            user = ("manager", "picker", "clerk", f"nobody{index}")[n % 4]
            try:
                status = client.post("/api/auth/token",
                                     data={"username": user, "password": f"wrong{n}"}).status_code
            except httpx.HTTPError:
                status = 0
            counts.append(status)
            n += 1


def _write(base: str, headers: dict[str, str], body: dict[str, Any], stop: Any,
           counts: Any) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        while not stop.is_set():
            try:
                status = client.post("/api/adjustments", json=body, headers=headers).status_code
            except httpx.HTTPError:
                status = 0
            counts.append(status)


def _load(kind: str, base: str, clients: int, args: tuple[Any, ...], stop: Any,
          counts: Any) -> None:
    """Run ``clients`` threads of ``kind`` until ``stop`` is set (a process of its own)."""
    work = {"guess": _guess, "write": _write}[kind]
    threads = [threading.Thread(target=work,
                                args=(base, *((i,) if kind == "guess" else args), stop, counts))
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Load:
    """The statuses the load clients got: ``live`` while they run, ``final`` after."""

    def __init__(self, live: Any) -> None:
        self.live = live
        self.final: list[int] = []


@contextmanager
def loaded(kind: str, base: str, clients: int, args: tuple[Any, ...] = ()) -> Iterator[Load]:
    """``clients`` concurrent load clients in another process while the block runs."""
    ctx = multiprocessing.get_context("spawn")
    manager = ctx.Manager()
    stop, counts = manager.Event(), manager.list()
    process = ctx.Process(target=_load, args=(kind, base, clients, args, stop, counts))
    process.start()
    load = Load(counts)
    try:
        yield load
    finally:
        stop.set()
        process.join(timeout=180)
        if process.is_alive():
            process.terminate()
        load.final = list(counts)
        manager.shutdown()


# -- scenarios -------------------------------------------------------------------------------


def guessing(base: str, requests: int, rounds: int = 3) -> dict[str, Any]:
    """/api/stock quiet and while 10 clients guess passwords, in alternating rounds (the
    machine's own noise comes and goes; the figures are medians over the rounds)."""
    headers = {"Authorization": f"Bearer {_token(base, 'manager')}"}
    quiet: list[dict[str, Any]] = []
    attacked: list[dict[str, Any]] = []
    answers: Counter[str] = Counter()
    rates: list[float] = []
    with httpx.Client(base_url=base, timeout=TIMEOUT_S) as client:
        def stock() -> httpx.Response:
            return client.get("/api/stock", params={"limit": 50}, headers=headers)

        sample(stock, count=50, budget_s=30)  # warm up
        for _ in range(rounds):
            quiet.append(sample(stock, count=requests, budget_s=60))
            with loaded("guess", base, GUESSERS) as load:
                time.sleep(2.0)  # the guessers are at full speed
                begun, before = time.monotonic(), len(load.live)
                attacked.append(sample(stock, count=requests, budget_s=60))
                rates.append((len(load.live) - before) / (time.monotonic() - begun))
            answers.update(str(s) for s in load.final)
    quiet_p99 = statistics.median(r["p99_ms"] for r in quiet)
    attacked_p99 = statistics.median(r["p99_ms"] for r in attacked)
    return {
        "rounds": rounds,
        "quiet": _medians(quiet),
        "under_attack": _medians(attacked),
        "guesses_per_s": round(statistics.median(rates), 1),
        "guess_answers": dict(sorted(answers.items())),
        "p99_ratio": round(attacked_p99 / quiet_p99, 2),
        "ok": attacked_p99 <= 2 * quiet_p99,
    }


def _medians(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-figure medians of several samples; the statuses summed."""
    statuses: Counter[str] = Counter()
    for one in samples:
        statuses.update(one["statuses"])
    return {
        "requests": sum(one["requests"] for one in samples),
        **{key: round(statistics.median(one[key] for one in samples), 2)
           for key in ("p50_ms", "p99_ms", "max_ms")},
        "p99_ms_per_round": [one["p99_ms"] for one in samples],
        "statuses": dict(sorted(statuses.items())),
    }


def _adjustment(base: str, headers: dict[str, str]) -> dict[str, Any]:
    """A found piece of a SKU counted in quantities (no serial numbers to invent)."""
    skus = httpx.get(base + "/api/skus", params={"limit": 500}, headers=headers).json()["items"]
    for code in (s["code"] for s in skus if not s["serialised"]):
        rows = httpx.get(base + "/api/stock", params={"sku": code, "limit": 1},
                         headers=headers).json()["items"]
        if rows:
            break
    row = rows[0]
    line = {"sku": row["sku"], "lot": row["lot"], "location": row["location"], "quantity": 1}
    return {"reason": "found", "lines": [line]}


def held_lock(base: str, db_file: Path, requests: int) -> dict[str, Any]:
    """/api/health and /api/stock quiet, then while a connection holds the write lock and
    60 writers wait for it."""
    reader = {"Authorization": f"Bearer {_token(base, 'manager')}"}
    writer = {"Authorization": f"Bearer {_token(base, 'clerk')}"}
    body = _adjustment(base, writer)
    with httpx.Client(base_url=base, timeout=TIMEOUT_S) as client:
        def health() -> httpx.Response:
            return client.get("/api/health")

        def stock() -> httpx.Response:
            return client.get("/api/stock", params={"limit": 50}, headers=reader)

        sample(health, count=50, budget_s=30)
        sample(stock, count=50, budget_s=30)
        quiet = {"health": sample(health, count=requests, budget_s=60),
                 "stock": sample(stock, count=requests, budget_s=60)}
        holder = sqlite3.connect(db_file, isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with loaded("write", base, WRITERS, (writer, body)) as load:
                time.sleep(3.0)  # every writer is waiting for the lock
                held = {"health": sample(health, count=requests, budget_s=20),
                        "stock": sample(stock, count=requests, budget_s=20)}
                answered_while_held = len(load.live)
                holder.execute("ROLLBACK")
                time.sleep(2.0)
        finally:
            holder.close()
        writes = Counter(str(s) for s in load.final)
    return {
        "quiet": quiet,
        "lock_held": held,
        "writers": WRITERS,
        "writes_answered_while_held": answered_while_held,
        "write_answers": dict(sorted(writes.items())),
        "ok": held["health"]["p99_ms"] < 50,
    }


def run(requests: int, source: Path, only: list[str] | None = None) -> dict[str, Any]:
    """Every scenario (or ``only`` these) on one demo database."""
    lifted = {"FACET_SIGN_IN_LIMIT_PER_USER": "1000000/minute",
              "FACET_SIGN_IN_LIMIT_PER_ADDRESS": "1000000/minute"}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        db_file = demo_database(tmp, source)
        report: dict[str, Any] = {"requests": requests, "source": str(source)}
        wanted = set(only or SCENARIOS)
        with server(tmp, source, db_file, {}) as base:
            # Sign-ins first: the guessers use up the sign-in limits of this address.
            if "held_lock" in wanted:
                report["held_lock"] = held_lock(base, db_file, requests)
            if "guessing" in wanted:
                report["guessing"] = guessing(base, requests)
        if "guessing_without_limits" in wanted:
            with server(tmp, source, db_file, lifted) as base:
                report["guessing_without_limits"] = guessing(base, requests)
    return report


SCENARIOS = ("held_lock", "guessing", "guessing_without_limits")


def _line(name: str, figures: dict[str, Any]) -> str:
    return (f"  {name:24s} p50 {figures['p50_ms']:8.1f} ms  p99 {figures['p99_ms']:8.1f} ms  "
            f"max {figures['max_ms']:8.1f} ms  ({figures['requests']} requests, "
            f"{figures['statuses']})")


def _print_lock(h: dict[str, Any]) -> None:
    print(f"held_lock: SQLite write lock held by another connection, {WRITERS} writers waiting "
          f"(answers {h['write_answers']})")
    for what in ("health", "stock"):
        print(_line(f"{what} quiet", h["quiet"][what]))
        print(_line(f"{what} lock held", h["lock_held"][what]))
    print(f"  health p99 target < 50 ms  [{'ok' if h['ok'] else 'SLOW'}]")


def main() -> None:
    """Run the benchmark, print the figures and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="checkout to serve the app from (default: this one)")
    parser.add_argument("--only", nargs="*", choices=SCENARIOS, default=None,
                        help="run only these scenarios (the JSON keeps the others' figures)")
    args = parser.parse_args()
    report = run(args.requests, args.source.resolve(), args.only)
    for key in ("guessing", "guessing_without_limits"):
        if key not in report:
            continue
        g = report[key]
        print(f"{key}: /api/stock, {GUESSERS} password guessers ({g['guesses_per_s']}/s, "
              f"answers {g['guess_answers']})")
        print(_line("quiet", g["quiet"]))
        print(_line("under attack", g["under_attack"]))
        print(f"  p99 ratio {g['p99_ratio']:.2f} (target <= 2)  [{'ok' if g['ok'] else 'SLOW'}]")
    if "held_lock" in report:
        _print_lock(report["held_lock"])
    # Another checkout's figures go beside this one's: security-<its directory name>.json.
    results = RESULTS if args.source.resolve() == ROOT else RESULTS.with_name(
        f"security-{args.source.resolve().name}.json")
    results.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(results.read_text()) if results.exists() else {}
    results.write_text(json.dumps({**previous, **report}, indent=2) + "\n")
    print(f"wrote {results}")


if __name__ == "__main__":
    main()
