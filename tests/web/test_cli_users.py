"""`facet user ...` (issue 13): there was no command to deactivate a person, change a role or
reset a password; now each does what the API does, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from core import Database
from core.people.models import User
from core.people.service import authenticate
from web.cli.main import app

runner = CliRunner()


@pytest.fixture
def cli_db(db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("FACET_DATABASE_URL", db_url)
    for name, role in (("ada", "admin"), ("cleo", "clerk")):
        added = runner.invoke(app, ["user", "add", name, "--role", role], input="first-pass-1\n")
        assert added.exit_code == 0, added.output
    return db


def _user(db: Database, name: str) -> tuple[str, bool, bool, int]:
    with db.read() as session:
        u = session.scalars(select(User).where(User.username == name)).one()
        return u.role, u.active, u.must_change_password, u.token_version


def test_user_commands_change_the_account_and_end_its_sessions(cli_db: Database) -> None:
    listed = runner.invoke(app, ["user", "list"])
    assert listed.exit_code == 0 and "cleo" in listed.output and "system" not in listed.output
    assert runner.invoke(app, ["user", "deactivate", "cleo"]).exit_code == 0
    assert _user(cli_db, "cleo") == ("clerk", False, False, 1)
    assert runner.invoke(app, ["user", "activate", "cleo"]).exit_code == 0
    assert runner.invoke(app, ["user", "role", "cleo", "manager"]).exit_code == 0
    assert _user(cli_db, "cleo") == ("manager", True, False, 2)
    reset = runner.invoke(app, ["user", "password-reset", "cleo"], input="temporary-1\n")
    assert reset.exit_code == 0, reset.output
    assert _user(cli_db, "cleo") == ("manager", True, True, 3)
    with cli_db.read() as session:
        signed = authenticate(session, username="cleo", password="temporary-1")
    assert signed.actor.must_change_password and signed.token_version == 3
    assert "yes" in runner.invoke(app, ["user", "list"]).output


def test_user_commands_refuse_with_the_code(cli_db: Database) -> None:
    cases = [
        (["user", "deactivate", "ada"], "last-admin", None),
        (["user", "role", "ada", "clerk"], "last-admin", None),
        (["user", "role", "cleo", "wizard"], "unknown-role", None),
        (["user", "activate", "nobody"], "unknown-user", None),
        (["user", "password-reset", "cleo"], "weak-password", "short\n"),
    ]
    for args, code, stdin in cases:
        result = runner.invoke(app, args, input=stdin)
        assert result.exit_code == 1, args
        assert code in str(result.exception), (args, result.exception)
    assert _user(cli_db, "ada") == ("admin", True, False, 0)
