"""`facet import ...`: exit codes, the table and --json, dry run and all-or-nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core import Database
from core.catalogue import list_skus
from tests.core.imports.files import catalogue_rows, csv_bytes, spoil
from web.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FACET_DATABASE_URL", sqlite_url)
    return sqlite_url


def _skus(url: str, prefix: str) -> int:
    db = Database(url)
    with db.read() as session:
        total = list_skus(session, q=prefix)[1]
    db.dispose()
    return total


def test_cli_exit_codes_table_and_json(env: str, tmp_path: Path) -> None:
    bad_rows = catalogue_rows(40, prefix="CLI")
    broken = spoil(bad_rows, every=10)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(bad_rows))
    answer = runner.invoke(app, ["import", "catalogue", str(bad)])
    assert answer.exit_code == 1
    assert "Nothing was imported" in answer.output
    for line in broken:
        assert f"\n{line:>6}  " in answer.output
    answer = runner.invoke(app, ["import", "catalogue", str(bad), "--json", "--dry-run"])
    assert answer.exit_code == 1
    report = json.loads(answer.output)
    assert sorted({r["line"] for r in report["rejected"]}) == broken
    assert _skus(env, "CLI-") == 0
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(catalogue_rows(40, prefix="CLI")))
    assert runner.invoke(app, ["import", "catalogue", str(good), "--dry-run"]).exit_code == 0
    assert _skus(env, "CLI-") == 0
    answer = runner.invoke(app, ["import", "catalogue", str(good)])
    assert answer.exit_code == 0, answer.output
    assert "40 imported" in answer.output
    assert _skus(env, "CLI-") == 40
    part = tmp_path / "more.csv"
    part.write_bytes(csv_bytes(catalogue_rows(42, prefix="CLI")))
    answer = runner.invoke(app, ["import", "catalogue", str(part), "--partial"])
    assert answer.exit_code == 1 and "2 imported" in answer.output
    assert _skus(env, "CLI-") == 42
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    answer = runner.invoke(app, ["import", "stock", str(junk)])
    assert answer.exit_code == 2 and "unreadable-file" in answer.output
