"""Logging configured once per process: JSON lines that parse, uvicorn through the same handler,
an access line per request with its id, secrets blanked; ``facet serve --workers 2`` end to end
(each worker logs the same way, ``/metrics`` sums both)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.web.events.servers import free_port
from tests.web.observability.test_metrics import samples
from web.observability.logs import log_config
from web.settings import OperationsSettings

ROOT = Path(__file__).resolve().parents[3]
FACET = str(Path(sys.executable).with_name("facet"))

_LOGGING = textwrap.dedent("""
    import logging, warnings
    from web.observability.logs import configure_logging, request_id_var
    from web.settings import OperationsSettings
    configure_logging(OperationsSettings(log_json=True, log_level="debug"))
    configure_logging(OperationsSettings(log_json=True, log_level="debug"))  # once: no-op
    logging.getLogger("facet.test").info("hello %s", "world", extra={"order_id": 7})
    request_id_var.set("req-42")
    logging.getLogger("uvicorn.error").info('"GET /ws/events?ticket=SECRET-T HTTP/1.1" 101')
    warnings.warn("an old thing")
""")


def _json_lines(text: str) -> list[dict[str, Any]]:
    """Every stderr line as an object (a line that is not JSON fails the test)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_json_lines_carry_timestamp_level_logger_message_and_extras() -> None:
    done = subprocess.run([sys.executable, "-c", _LOGGING], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = _json_lines(done.stderr)
    assert len(lines) == 3, done.stderr  # configured once: no line twice
    hello, uvicorn, warned = lines
    assert {"timestamp", "level", "logger", "message", "process"} <= hello.keys()
    assert (hello["level"], hello["logger"], hello["message"]) == ("INFO", "facet.test",
                                                                   "hello world")
    assert hello["order_id"] == 7 and "request_id" not in hello
    assert hello["timestamp"].endswith("+00:00")  # UTC
    assert uvicorn["logger"] == "uvicorn.error" and uvicorn["request_id"] == "req-42"
    assert "SECRET-T" not in done.stderr and "ticket=[redacted]" in uvicorn["message"]
    assert warned["logger"] == "py.warnings" and warned["level"] == "WARNING"


def test_the_text_format_is_one_line_per_record() -> None:
    config = log_config(OperationsSettings(log_level="WARNING"))
    assert config["root"]["level"] == "WARNING"
    assert "format" in config["formatters"]["default"]
    assert config["loggers"]["uvicorn.access"] == {"handlers": [], "propagate": True}


@contextmanager
def facet_serve(tmp_path: Path, sqlite_template: Path, workers: int) -> Iterator[tuple[str, Any]]:
    """`facet serve --workers N` on a migrated SQLite copy; yields its URL and the process."""
    db = tmp_path / "facet.db"
    shutil.copy(sqlite_template, db)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMETHEUS_")}
    env.update(FACET_DATABASE_URL=f"sqlite:///{db}", FACET_SECRET_KEY="s" * 48,
               FACET_LOG_JSON="true", FACET_LOG_LEVEL="debug",
               FACET_AUDIT_KEY_FILE=str(tmp_path / "audit.key"),
               FACET_WEB_WARM_UP_MODELS="false")
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [FACET, "serve", "--port", str(port), "--workers", str(workers)], cwd=ROOT, env=env,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, tmp_path / "serve.log")
        yield base, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def _wait_ready(base: str, process: Any, log: Path, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(base + "/api/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"facet serve did not become ready:\n{log.read_text()}")


def test_serve_with_two_workers_logs_json_and_sums_their_metrics(
    tmp_path: Path, sqlite_template: Path
) -> None:
    log = tmp_path / "serve.log"
    with facet_serve(tmp_path, sqlite_template, workers=2) as (base, _process):
        _wait_for(lambda: len(_started(log)) == 2, log)  # both workers serve
        for _ in range(20):  # a new connection each: the two workers share them
            assert httpx.get(base + "/api/health", timeout=10).status_code == 200
        traced = httpx.get(base + "/api/health?token=SECRET-TOKEN",
                           headers={"X-Request-ID": "probe-1"}, timeout=10)
        assert traced.headers["x-request-id"] == "probe-1"
        metrics = httpx.get(base + "/metrics", timeout=10).text
        multiproc_dir = _multiproc_dir(_process.pid)
    key = ("facet_http_requests_total",
           (("method", "GET"), ("route", "/api/health"), ("status", "2xx")))
    assert samples(metrics)[key] == 21.0
    lines = _json_lines(log.read_text())
    assert {line["logger"] for line in lines} >= {"uvicorn.error", "facet.access"}
    access = [line for line in lines if line.get("request_id") == "probe-1"]
    assert len(access) == 1, access
    assert access[0]["logger"] == "facet.access"
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == (
        "GET", "/api/health", 200)
    assert isinstance(access[0]["duration_ms"], float)
    assert "SECRET-TOKEN" not in log.read_text()
    assert not [line for line in lines if "died" in line["message"]]  # none restarted
    assert multiproc_dir is None or not Path(multiproc_dir).exists()  # removed at exit


def _started(log: Path) -> set[int]:
    """The workers whose start-up completed, by pid."""
    return {line["process"] for line in _json_lines(log.read_text())
            if line["message"] == "Application startup complete."}


def _wait_for(condition: Any, log: Path, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def _multiproc_dir(pid: int) -> str | None:
    """The PROMETHEUS_MULTIPROC_DIR the serve process set for its workers (Linux /proc)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        environ = Path(f"/proc/{children[0]}/environ").read_bytes().split(b"\0")
    except (OSError, IndexError):
        return None
    for entry in environ:
        if entry.startswith(b"PROMETHEUS_MULTIPROC_DIR="):
            return entry.split(b"=", 1)[1].decode()
    return None
