"""`facet user ...`: list, add, deactivate, activate, change a role, reset a password."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer

from core import Database
from core.errors import CoreError
from core.people import service
from web.settings import Settings

app = typer.Typer(help="People who sign in.", no_args_is_help=True)

T = TypeVar("T")
ROLES_HELP = "admin, manager, clerk, picker, qc_inspector, finance_auditor or security."


@contextmanager
def _database() -> Iterator[Database]:
    db = Database.from_settings(Settings().core)
    try:
        yield db
    finally:
        db.dispose()


def _write(verb: Callable[..., T], **kwargs: Any) -> T:
    """Run a service verb as the system actor in one transaction; a refusal exits 1."""
    try:
        with _database() as db, db.write() as session:
            return verb(session, actor=service.system_actor(session), **kwargs)
    except CoreError as exc:
        raise SystemExit(f"refused ({exc.code}): {exc.message}") from exc


def _password(prompt: str) -> str:
    """A password from standard input (one line), so it stays out of shell history."""
    if sys.stdin.isatty():
        return typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@app.command("list")
def user_list() -> None:
    """Everyone who can sign in: name, role, active, a pending password change."""
    with _database() as db, db.read() as session:
        rows = [
            (u.username, u.role, u.active, u.must_change_password, u.full_name)
            for u in service.list_users(session)
        ]
    typer.echo(f"{'user':<20} {'role':<16} {'active':<7} {'must change':<12} name")
    for name, role, active, must_change, full_name in rows:
        flags = f"{'yes' if active else 'no':<7} {'yes' if must_change else 'no':<12}"
        typer.echo(f"{name:<20} {role:<16} {flags} {full_name}")


@app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Sign-in name, such as 'mia'.")],
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
    full_name: Annotated[str, typer.Option(help="Name shown in the app.")] = "",
    operator_id: Annotated[
        str | None, typer.Option(help="Digits a picker speaks to sign on.")
    ] = None,
    must_change_password: Annotated[
        bool, typer.Option(help="Make them choose their own password at first sign-in.")
    ] = False,
) -> None:
    """Add a person; the password is read from standard input."""
    password = _password("Password")
    _write(
        service.create_user,
        username=name,
        password=password,
        role=role,
        full_name=full_name,
        operator_id=operator_id,
        must_change_password=must_change_password,
    )
    typer.echo(f"added {name} ({role})")


@app.command("deactivate")
def user_deactivate(name: Annotated[str, typer.Argument(help="Sign-in name.")]) -> None:
    """Stop a person signing in; their open sessions end at once."""
    _write(service.deactivate_user, username=name)
    typer.echo(f"deactivated {name}; their tokens no longer work")


@app.command("activate")
def user_activate(name: Annotated[str, typer.Argument(help="Sign-in name.")]) -> None:
    """Let a deactivated person sign in again."""
    _write(service.activate_user, username=name)
    typer.echo(f"activated {name}")


@app.command("role")
def user_role(
    name: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Argument(help=ROLES_HELP)],
) -> None:
    """Give a person another role; it applies to their next request."""
    _write(service.change_role, username=name, role=role)
    typer.echo(f"{name} is now {role}")


@app.command("password-reset")
def user_password_reset(name: Annotated[str, typer.Argument(help="Sign-in name.")]) -> None:
    """Set a temporary password (read from standard input) to be changed at next sign-in."""
    password = _password("Temporary password")
    _write(service.reset_password, username=name, password=password)
    typer.echo(f"{name} has a temporary password and must change it at next sign-in")
