"""The web app's retention pass: old idempotency answers and expired shared state go."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core import CoreSettings, Database
from core.clock import use_clock
from core.state import SharedState
from tests.builders import answer_keys, store_answer
from web.adapters.retention import prune_once, start_retention
from web.cli.main import app


def test_the_retention_pass_uses_the_setting_and_drops_expired_state(db: Database) -> None:
    now = datetime.now(UTC)
    store_answer(db, "two-days-ago", now - timedelta(hours=50))
    store_answer(db, "yesterday", now - timedelta(hours=20))
    with use_clock(lambda: now - timedelta(hours=2)):
        SharedState(db, "chat", ttl_s=60).put("1:c", {"intent": "x"})
    SharedState(db, "chat", ttl_s=600).put("1:d", {"intent": "y"})
    counts = prune_once(CoreSettings(idempotency_retention_hours=24), db)
    assert counts == {"idempotency_keys": 1, "shared_state": 1}
    assert answer_keys(db) == {"yesterday"}
    assert SharedState(db, "chat").items() == {"1:d": {"intent": "y"}}


def test_the_retention_thread_runs_passes_until_stopped(db: Database) -> None:
    store_answer(db, "old", datetime.now(UTC) - timedelta(hours=100))
    stop = start_retention(CoreSettings(), db, every_s=0.05)
    try:
        for _ in range(200):
            if not answer_keys(db):
                break
            threading.Event().wait(0.05)
    finally:
        stop()
    assert answer_keys(db) == set()


def test_facet_db_prune_deletes_and_says_how_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'prune.db'}"
    monkeypatch.setenv("FACET_DATABASE_URL", url)
    monkeypatch.setenv("FACET_AUDIT_KEY", "prune-test-key-" * 2)
    monkeypatch.setenv("FACET_IDEMPOTENCY_RETENTION_HOURS", "1")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    db = Database(url)
    try:
        store_answer(db, "old", datetime.now(UTC) - timedelta(hours=2))
        store_answer(db, "new", datetime.now(UTC))
    finally:
        db.dispose()
    result = runner.invoke(app, ["db", "prune"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"deleted": {"idempotency_keys": 1, "shared_state": 0}}
