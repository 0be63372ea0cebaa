"""``facet events``: a relay process sends what another process committed; tail prints it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from core import Database
from core.events import OrderCreated, record
from core.outbox import backlog
from web.cli.main import app as facet

FACET = [str(Path(sys.executable).parent / "facet")]  # the installed command
ROOT = Path(__file__).resolve().parents[3]


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACET_")}
    return {**env, "FACET_DATABASE_URL": url, "FACET_EVENTS_URL": f"{url}?channel=h1_cli",
            "FACET_AUDIT_KEY": "k" * 20, "PYTHONPATH": str(ROOT)}


def test_relay_process_sends_and_tail_prints(pg_url: str, tmp_path: Path) -> None:
    env = _env(pg_url)
    tail = subprocess.Popen([*FACET, "events", "tail", "--count", "3"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    relay = None
    try:
        assert tail.stderr is not None and "listening on postgresql" in tail.stderr.readline()
        writer = Database(pg_url, outbox=True)  # a process with no relay of its own (a CLI)
        events = [OrderCreated(order_id=n, channel="cli", external_id=str(n)) for n in range(3)]
        with writer.write() as session:
            for event in events:
                record(session, event)
        relay = subprocess.Popen([*FACET, "events", "relay"], env=env, cwd=tmp_path,
                                 stderr=subprocess.PIPE, text=True)
        out, _ = tail.communicate(timeout=60)
        assert [json.loads(line)["id"] for line in out.splitlines()] == [e.id for e in events]
        relay.send_signal(signal.SIGTERM)
        assert relay.wait(timeout=30) == 0
        with writer.read() as session:
            assert backlog(session).unpublished == 0
        writer.dispose()
        status = CliRunner().invoke(facet, ["events", "status"], env=_env(pg_url))
        assert status.exit_code == 0, status.output
        report = json.loads(status.stdout)
        assert report["ok"] and report["transport"] == "postgresql"
        assert report["unpublished"] == 0
    finally:
        for process in (tail, relay):
            if process is not None and process.poll() is None:
                process.kill()


def test_relay_and_tail_refuse_memory(tmp_path: Path) -> None:
    env = {"FACET_DATABASE_URL": f"sqlite:///{tmp_path / 'facet.db'}", "FACET_EVENTS_URL":
           "memory://", "FACET_AUDIT_KEY": "k" * 20}
    for command in ("relay", "tail"):
        result = CliRunner().invoke(facet, ["events", command], env=env)
        assert result.exit_code == 2 and "memory://" in result.output
