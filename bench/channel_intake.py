"""Channel orders in: webhook orders per second to reservation, on SQLite.

The headline (``webhook_orders_per_s``, target >= 200/s) is the path a user runs: signed
webhooks (one new order of one line each) over real HTTP to `facet serve` in its own process,
one uvicorn worker, as `make run` serves it (signature, store the message, create the order,
reserve it, audit, commit, answer), sent by one client that waits for each answer. Around it:

  served_*               the same with 4 and 8 concurrent senders (each its own keep-alive
                         connection), and 8 senders against `facet serve --workers 2`; every
                         served figure also gives the server's and the client's CPU per order
                         (from /proc and this process): what is left of the wall time is waiting
                         (thread and process hand-overs, the loopback, the other core's load)
  in_process_*           the same through the app in this process: TestClient (whose portal
                         thread costs every request a few hand-overs; ``testclient_ms_per_request``
                         is the difference), and httpx's ASGITransport in the app's own loop
  batched_webhook_...    in-process, 10 orders per delivery (Douyin pushes and TMC batches)
  direct_orders_per_s    the same orders through core.channels receive_and_apply, without
                         HTTP (the core's share of the cost), also per CPU second of the process
  orders_only_per_s      core.orders create_order + allocate_order alone, one transaction each

The served processes run with the bench's database, channels file and secret key, and without
warming the chat model at start-up (``FACET_WEB_WARM_UP_MODELS=false``: loading a model when
the app starts is no cost of a request); everything else is the defaults a user has.

Each run starts from a fresh database with enough stock for every order; every order must end
reserved. Each figure is the median over repeated runs, and each run is followed by the
machine's baseline (one-row write transactions per second, as bench/core_picks.py measures it)
in this same process: ``*_ratio_to_baseline`` is the run's rate over that baseline, which
compares across machines and loads better than the rate does (this machine is shared).
Run: .venv/bin/python bench/channel_intake.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FACET_WEB_WARM_UP_MODELS", "false")  # no model is needed here

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from core import CoreSettings, Database
from core.channels import ensure_channel, receive_and_apply, set_listing
from core.channels.schemas import ChannelLine, ChannelOrderMessage, ChannelSkuIn
from core.ledger.models import Balance
from core.migrate import upgrade
from core.orders import allocate_order, create_order
from core.orders.schemas import OrderCreate, OrderLineIn
from core.people.service import system_actor
from tests.builders import Builder
from tests.core.orders.support import stock_lot
from web.app import Settings, create_app
from web.integrations.channels.base import ChannelConfig
from web.integrations.channels.generic import encode_webhook
from web.settings import WebSettings

RESULTS = ROOT / "bench" / "results" / "channel_intake.json"
SECRET = "bench-webhook-secret-0123456789"
SKUS = ("BEAD-1", "BEAD-2", "BEAD-3", "BEAD-4")
TARGET = 200.0


def _fresh(workdir: Path, name: str, orders: int) -> str:
    """A migrated SQLite database with stock for ``orders`` one-piece orders."""
    path = workdir / f"{name}.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse(bins=len(SKUS))
        b.supplier()
        for i, sku in enumerate(SKUS):
            b.sku(sku, serialised=False)
            stock_lot(session, b.actor, sku=sku, lot=f"L-{i}", qty=orders, location=bins[i],
                      serialised=False)  # fmt: skip
        ensure_channel(session, code="webshop", kind="generic", name="Webshop")
        for sku in SKUS:
            set_listing(session, actor=b.actor, code="webshop",
                        data=ChannelSkuIn(external_sku=f"WS-{sku}", sku=sku))  # fmt: skip
    db.dispose()
    return url


def _message(n: int) -> ChannelOrderMessage:
    return ChannelOrderMessage(
        kind="created", message_key=f"evt-{n}", external_order_id=f"WS-{n:06d}",
        customer_name="Bench Customer",
        lines=[ChannelLine(external_sku=f"WS-{SKUS[n % len(SKUS)]}", quantity=1)],
    )  # fmt: skip


def _baseline_rate(url: str, n: int = 1000) -> float:
    """Write transactions per second that only touch one row: the machine's speed right now
    (as bench/core_picks.py measures it, so runs on different machines compare)."""
    db = Database(url)
    start = time.perf_counter()
    for _ in range(n):
        with db.write() as session:
            session.execute(text("UPDATE audit_head SET entries = entries WHERE id = 1"))
    rate = n / (time.perf_counter() - start)
    db.dispose()
    return rate


def _reference_baseline() -> float | None:
    """The one-row-transaction baseline recorded in bench/results/core.json, if any."""
    try:
        core = json.loads((ROOT / "bench" / "results" / "core.json").read_text())
        return float(core["picks_service"]["baseline_one_row_txn_per_s"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _reserved(url: str) -> int:
    db = Database(url)
    with db.read() as session:
        total = int(session.scalar(select(func.coalesce(func.sum(Balance.reserved), 0))) or 0)
    db.dispose()
    return total


def _app_settings(workdir: Path, name: str, url: str) -> Settings:
    """The app's settings over the bench database, with the webshop channel's file."""
    channels = workdir / f"{name}-channels.yaml"
    channels.write_text(f"channels:\n  - code: webshop\n    type: generic\n"
                        f"    name: Webshop\n    secret: {SECRET}\n")  # fmt: skip
    return Settings(
        core=CoreSettings(database_url=url, secret_key="bench-channel-intake-" * 2),
        web=WebSettings(channels_file=channels),
    )


def _check(status: int, answer: Any) -> None:
    outcomes = {m["outcome"] for m in answer["messages"]} if status == 200 else None
    if outcomes != {"created"}:
        raise SystemExit(f"webhook answered {status}: {str(answer)[:300]}")


def run_webhooks(
    workdir: Path, name: str, orders: int, batch: int = 1
) -> tuple[float, float, float]:
    """Orders per second through the app's webhook route (``batch`` orders per delivery, as
    Douyin's pushes and Taobao's TMC batches carry several), by the wall clock and per CPU
    second of this process (client, server and the app's channel workers together)."""
    url = _fresh(workdir, name, orders)
    settings = _app_settings(workdir, name, url)
    config = ChannelConfig(code="webshop", type="generic", secret=SECRET)
    messages = [[_message(n) for n in range(i, min(i + batch, orders))]
                for i in range(0, orders, batch)]
    with TestClient(create_app(settings)) as client:
        start, cpu = time.perf_counter(), time.process_time()
        for chunk in messages:  # signed as sent: a slow run stays in the 5-minute window
            headers, body = encode_webhook(config, chunk, now_s=time.time())
            answer = client.post("/api/channels/webshop/webhook", content=body, headers=headers)
            _check(answer.status_code, answer.json())
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if (held := _reserved(url)) != orders:
        raise SystemExit(f"{held} pieces reserved for {orders} orders")
    return orders / elapsed, orders / cpu, _baseline_rate(url)


def run_webhooks_asgi(workdir: Path, name: str, orders: int) -> tuple[float, float, float]:
    """As :func:`run_webhooks` (one order per webhook), but sent through httpx's ASGITransport
    from the app's own event loop, with its lifespan run: the app's cost without TestClient's."""
    url = _fresh(workdir, name, orders)
    app = create_app(_app_settings(workdir, name, url))
    config = ChannelConfig(code="webshop", type="generic", secret=SECRET)

    async def send_all() -> tuple[float, float]:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://testserver"
            ) as client,
        ):
            start, cpu = time.perf_counter(), time.process_time()
            for n in range(orders):
                headers, body = encode_webhook(config, [_message(n)], now_s=time.time())
                answer = await client.post("/api/channels/webshop/webhook", content=body,
                                           headers=headers)  # fmt: skip
                _check(answer.status_code, answer.json())
            return time.perf_counter() - start, time.process_time() - cpu

    elapsed, cpu = asyncio.run(send_all())
    if (held := _reserved(url)) != orders:
        raise SystemExit(f"{held} pieces reserved for {orders} orders")
    return orders / elapsed, orders / cpu, _baseline_rate(url)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(url: str, channels: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """`facet serve` on 127.0.0.1:``port`` over the bench database; returns once it answers."""
    env = {**os.environ, "FACET_DATABASE_URL": url, "FACET_WEB_CHANNELS_FILE": str(channels),
           "FACET_SECRET_KEY": "bench-channel-intake-" * 2, "FACET_WEB_WARM_UP_MODELS": "false"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "facet"), "serve", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"facet serve exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    _stop(server)
    raise SystemExit("facet serve did not answer within 120 s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process and its reaped children used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _server_cpu_s(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds of `facet serve` and its worker processes (uvicorn's --workers children)."""
    pids = [server.pid]
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0.0
    for pid in pids:
        try:
            total += _cpu_s(pid)
        except (OSError, IndexError, ValueError):  # a worker that ended meanwhile
            pass
    return total


def run_served(
    workdir: Path, name: str, orders: int, *, senders: int = 1, workers: int = 1, repeats: int = 1
) -> list[tuple[float, float, float, float]]:
    """Orders per second over real HTTP to `facet serve` (``workers`` processes), sent by
    ``senders`` concurrent clients (each its own keep-alive connection, one order per signed
    webhook), ``repeats`` times against one server (its start-up is slow on a busy machine);
    each with the machine's baseline right after, and the server's and this client's CPU
    milliseconds per order."""
    url = _fresh(workdir, name, orders * repeats)
    channels = workdir / f"{name}-channels.yaml"
    channels.write_text(f"channels:\n  - code: webshop\n    type: generic\n"
                        f"    name: Webshop\n    secret: {SECRET}\n")  # fmt: skip
    config = ChannelConfig(code="webshop", type="generic", secret=SECRET)
    port = _free_port()
    server = _serve(url, channels, port, workers)
    failures: list[str] = []

    def send(share: range) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for n in share:
                headers, body = encode_webhook(config, [_message(n)], now_s=time.time())
                answer = client.post("/api/channels/webshop/webhook", content=body,
                                     headers=headers)  # fmt: skip
                if answer.status_code != 200 or answer.json()["messages"][0]["outcome"] != (
                    "created"
                ):
                    failures.append(f"{answer.status_code}: {answer.text[:300]}")
                    return

    runs = []
    try:
        for r in range(repeats):
            first = r * orders
            threads = [
                threading.Thread(target=send, args=(range(first + i, first + orders, senders),))
                for i in range(senders)
            ]
            start, cpu, server_cpu = time.perf_counter(), time.process_time(), _server_cpu_s(server)
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - start
            server_ms = 1000 * (_server_cpu_s(server) - server_cpu) / orders
            client_ms = 1000 * (time.process_time() - cpu) / orders
            if failures:
                raise SystemExit(f"webhook answered {failures[0]}")
            runs.append((orders / elapsed, _baseline_rate(url), server_ms, client_ms))
    finally:
        _stop(server)
    if (held := _reserved(url)) != orders * repeats:
        raise SystemExit(f"{held} pieces reserved for {orders * repeats} orders")
    return runs


def run_direct(workdir: Path, name: str, orders: int) -> tuple[float, float, float]:
    """Orders per second through receive_and_apply (the webhook's core, no HTTP), by the wall
    clock and per CPU second of this process (what one idle core would do; this machine is
    shared)."""
    url = _fresh(workdir, name, orders)
    db = Database(url)
    messages = [_message(n) for n in range(orders)]
    start, cpu = time.perf_counter(), time.process_time()
    for m in messages:
        (got,), reads = receive_and_apply(db, channel="webshop", messages=[m], raw="{}")
        if reads[got.message_id].outcome != "created":
            raise SystemExit(f"order {m.external_order_id} not created")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.dispose()
    if (held := _reserved(url)) != orders:
        raise SystemExit(f"{held} pieces reserved for {orders} orders")
    return orders / elapsed, orders / cpu, _baseline_rate(url)


def run_orders_only(workdir: Path, name: str, orders: int) -> tuple[float, float]:
    """Orders per second through core.orders create_order + allocate_order in one transaction
    each (no inbox): the floor under the inbox's own cost."""
    url = _fresh(workdir, name, orders)
    db = Database(url)
    with db.read() as session:
        actor = system_actor(session)
    start = time.perf_counter()
    for n in range(orders):
        with db.write() as session:
            order, _ = create_order(session, actor=actor, data=OrderCreate(
                channel="api", external_id=f"O-{n}", customer_name="Bench Customer",
                lines=[OrderLineIn(sku=SKUS[n % len(SKUS)], quantity=1)]))  # fmt: skip
            allocate_order(session, actor=actor, order_id=order.id)
    elapsed = time.perf_counter() - start
    db.dispose()
    return orders / elapsed, _baseline_rate(url)


def _summary(runs: list[tuple[float, float]], orders: int) -> dict[str, Any]:
    """Median rate and median ratio to the baseline measured right after each run."""
    return {
        "orders": orders,
        "median_per_s": round(statistics.median(r for r, _ in runs), 1),
        "runs_per_s": [round(r, 1) for r, _ in runs],
        "median_ratio_to_baseline": round(statistics.median(r / b for r, b in runs), 4),
        "baselines_per_s": [round(b) for _, b in runs],
        "target_per_s": TARGET,
    }


def _served_summary(runs: list[tuple[float, float, float, float]], orders: int) -> dict[str, Any]:
    """:func:`_summary` of served runs, with where each order's wall time went: the server's
    CPU, the client's CPU, and the rest (waiting), in milliseconds (medians)."""
    row = _summary([(r, b) for r, b, _, _ in runs], orders)
    wall = statistics.median(1000 / r for r, _, _, _ in runs)
    server = statistics.median(s for _, _, s, _ in runs)
    client = statistics.median(c for _, _, _, c in runs)
    row["ms_per_order"] = {"wall": round(wall, 2), "server_cpu": round(server, 2),
                           "client_cpu": round(client, 2)}  # fmt: skip
    return row


def _report(results: dict[str, Any], key: str, label: str, reference: float | None) -> None:
    row = results[key]
    line = (f"{label}: {row['median_per_s']}/s, {row['median_ratio_to_baseline']:.4f} x the "
            "baseline")  # fmt: skip
    if reference:
        row["per_s_at_reference_baseline"] = round(row["median_ratio_to_baseline"] * reference, 1)
        line += f" (= {row['per_s_at_reference_baseline']:.0f}/s at core.json's baseline)"
    if (ms := row.get("ms_per_order")) is not None:
        line += (f"; per order {ms['wall']} ms wall, server CPU {ms['server_cpu']} ms, client "
                 f"CPU {ms['client_cpu']} ms")  # fmt: skip
    print(line, flush=True)


def main() -> None:
    """Run every measurement and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer orders and repeats")
    args = parser.parse_args()
    orders, repeats = (300, 1) if args.quick else (600, 3)
    workdir = Path(tempfile.mkdtemp(prefix="facet-bench-intake-"))
    reference = _reference_baseline()
    results: dict[str, Any] = {"database": "sqlite", "reference_baseline_per_s": reference}
    try:
        for key, senders, workers in (("webhook", 1, 1), ("served_4_senders", 4, 1),
                                      ("served_8_senders", 8, 1),
                                      ("served_8_senders_2_workers", 8, 2)):  # fmt: skip
            runs = run_served(workdir, key, orders, senders=senders, workers=workers,
                              repeats=repeats)  # fmt: skip
            results[f"{key}_orders_per_s"] = _served_summary(runs, orders)
            label = ("webhook orders to reservation (real HTTP to facet serve, one uvicorn "
                     "worker as `make run` serves it, one sender, one order per webhook; target "
                     f">= {TARGET:.0f}/s)") if key == "webhook" else (
                     f"  the same, facet serve --workers {workers}, {senders} concurrent "
                     "senders")  # fmt: skip
            _report(results, f"{key}_orders_per_s", label, reference)
        results["webhook_orders_per_s"]["path"] = (
            "real HTTP to `facet serve` (uvicorn, 1 worker, as `make run`), 1 sender waiting "
            "for each answer, 1 order of 1 line per signed webhook")  # fmt: skip
        hooks = [run_webhooks(workdir, f"hook{r}", orders) for r in range(repeats)]
        results["in_process_testclient_orders_per_s"] = _summary(
            [(h[0], h[2]) for h in hooks], orders
        )
        results["in_process_testclient_orders_per_cpu_s"] = round(
            statistics.median(h[1] for h in hooks), 1
        )
        _report(results, "in_process_testclient_orders_per_s",
                "  in this process through TestClient (sequential)", reference)  # fmt: skip
        asgi = [run_webhooks_asgi(workdir, f"asgi{r}", orders) for r in range(repeats)]
        results["in_process_asgi_orders_per_s"] = _summary([(h[0], h[2]) for h in asgi], orders)
        results["in_process_asgi_orders_per_cpu_s"] = round(
            statistics.median(h[1] for h in asgi), 1
        )
        _report(results, "in_process_asgi_orders_per_s",
                "  in this process without TestClient (httpx ASGITransport in the app's loop)",
                reference)  # fmt: skip
        results["testclient_ms_per_request"] = round(
            1000 / results["in_process_testclient_orders_per_cpu_s"]
            - 1000 / results["in_process_asgi_orders_per_cpu_s"], 2)  # fmt: skip
        print(f"  TestClient's own cost: {results['testclient_ms_per_request']} ms of CPU per "
              "request", flush=True)  # fmt: skip
        batched = [run_webhooks(workdir, f"batch{r}", orders, batch=10) for r in range(repeats)]
        results["batched_webhook_orders_per_s"] = _summary(
            [(h[0], h[2]) for h in batched], orders
        )
        _report(results, "batched_webhook_orders_per_s",
                "  in this process, 10 orders per webhook", reference)  # fmt: skip
        direct = [run_direct(workdir, f"direct{r}", orders) for r in range(repeats)]
        results["direct_orders_per_s"] = _summary([(d[0], d[2]) for d in direct], orders)
        results["direct_orders_per_cpu_s"] = round(statistics.median(d[1] for d in direct), 1)
        _report(results, "direct_orders_per_s",
                "orders to reservation through receive_and_apply (no HTTP)", reference)
        plain = [run_orders_only(workdir, f"plain{r}", orders) for r in range(repeats)]
        results["orders_only_per_s"] = _summary(plain, orders)
        _report(results, "orders_only_per_s",
                "create_order + allocate_order alone (no inbox)", reference)
        results["load_average"] = [round(x, 2) for x in os.getloadavg()]
        print(f"load average at the end: {results['load_average']}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
