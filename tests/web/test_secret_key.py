"""The signing key shared by every process: made once, atomically; required with --workers > 1."""

from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core import CoreSettings
from core.settings import key_file
from tests.web.secret_key_child import resolve
from web.cli.main import app


def test_racing_threads_all_read_the_one_key(tmp_path: Path) -> None:
    path, barrier, keys = tmp_path / "var" / "secret_key", threading.Barrier(16), []

    def make() -> None:
        barrier.wait()
        keys.append(key_file(path, lambda: os.urandom(24).hex()))

    threads = [threading.Thread(target=make) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 16 and len(set(keys)) == 1
    assert path.read_text().strip() == keys[0]
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["secret_key"]  # no temp files left


def test_racing_processes_agree_on_the_secret_key(tmp_path: Path) -> None:
    """Processes started at once (workers of one host) all sign with the same key."""
    context = multiprocessing.get_context("spawn")
    start, out = context.Event(), context.Queue()
    procs = [context.Process(target=resolve, args=(str(tmp_path), start, out))
             for _ in range(6)]
    for proc in procs:
        proc.start()
    start.set()
    keys = {out.get(timeout=60) for _ in procs}
    for proc in procs:
        proc.join(timeout=30)
    assert len(keys) == 1
    assert (tmp_path / "var" / "secret_key").read_text().strip() in keys


def test_the_audit_key_file_is_made_once(tmp_path: Path) -> None:
    settings = CoreSettings(audit_key="", audit_key_file=tmp_path / "audit.key")
    keys = []
    threads = [threading.Thread(target=lambda: keys.append(settings.resolved_audit_key()))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 64


def test_an_empty_key_file_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("\n")
    with pytest.raises(ValueError, match="secret_key is empty"):
        key_file(path, lambda: "never")


def test_serve_with_workers_needs_the_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACET_SECRET_KEY", raising=False)
    result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "FACET_SECRET_KEY" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_serve_with_workers_and_a_key_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: dict[str, object] = {}
    monkeypatch.setenv("FACET_SECRET_KEY", "s" * 48)
    monkeypatch.delenv("FACET_WEB_WORKERS", raising=False)  # serve sets it: restored after
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.update(kw))
    result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert started["workers"] == 2
