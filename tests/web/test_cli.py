"""The `facet` command: help everywhere, users from stdin, demo load, verification."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from core import Database
from core.catalogue.models import Sku
from core.lots.models import Lot, Serial
from web.cli.main import app

runner = CliRunner()
COMMANDS = [
    [],
    ["db", "upgrade"],
    ["user", "add"],
    ["demo", "load"],
    ["serve"],
    ["ledger", "verify"],
    ["audit", "verify"],
    ["demo", "cameras"],
    ["headset"],
    ["twin"],
    ["vision"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "facet")
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("FACET_DATABASE_URL", url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return url


def test_user_add_reads_password_from_stdin(cli_db: str) -> None:
    result = runner.invoke(
        app, ["user", "add", "nina", "--role", "clerk"], input="a-long-password\n"
    )
    assert result.exit_code == 0, result.output
    bad = runner.invoke(app, ["user", "add", "olga", "--role", "wizard"], input="long-enough\n")
    assert bad.exit_code != 0
    assert "Unknown role" in str(bad.exception)


def test_demo_load_then_verify(cli_db: str) -> None:
    result = runner.invoke(app, ["demo", "load", "--scale", "small"])
    assert result.exit_code == 0, result.output
    db = Database(cli_db)
    with db.read() as session:
        assert session.scalar(select(func.count(Sku.id))) >= 60
        assert session.scalar(select(Lot.status).where(Lot.code == "G-2311")) == "approved"
        assert session.scalar(select(func.count(Serial.id))) > 300
    again = runner.invoke(app, ["demo", "load", "--scale", "small"])
    assert '"loaded": false' in again.output
    assert runner.invoke(app, ["ledger", "verify"]).exit_code == 0
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    with db.engine.begin() as conn:  # tamper with history the way an insider might
        conn.execute(text("UPDATE audit_log SET detail = '{}' WHERE id = 3"))
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and '"first_bad_id": 3' in broken.output
    db.dispose()
