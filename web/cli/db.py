"""`facet db`: migrate, back up, restore and prune the database named by FACET_DATABASE_URL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

app = typer.Typer(help="The database: migrate, back up, restore, prune.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database named by FACET_DATABASE_URL (default var/facet.db)."""
    from core.migrate import upgrade
    from web.settings import Settings

    url = Settings().core.database_url
    upgrade(url)
    typer.echo(f"database at {url.split('@')[-1]} is up to date")


def _refuse(exc: Any) -> NoReturn:
    """Print a core error as JSON (with the copy's verification when there is one); exit 1."""
    answer: dict[str, Any] = {"ok": False, "code": exc.code, "error": exc.message}
    verification = getattr(exc, "verification", None)
    if verification is not None:
        answer["verification"] = verification.as_dict()
    typer.echo(json.dumps(answer, indent=2))
    raise typer.Exit(1)


@app.command("backup")
def db_backup(
    path: Annotated[
        Path, typer.Argument(help="File to write (never overwritten), or a folder to name it in.")
    ],
) -> None:
    """Copy the database online (SQLite backup API, or pg_dump) and verify the copy.

    Prints path, size, entries, moves and ok; exits 1 when the copy fails verification.
    """
    from core.backup import backup
    from core.errors import CoreError
    from web.settings import Settings

    settings = Settings().core
    try:
        report = backup(settings.database_url, path, settings=settings)
    except CoreError as exc:
        _refuse(exc)
    typer.echo(json.dumps(report.as_dict(), indent=2))
    raise typer.Exit(0 if report.ok else 1)


@app.command("restore")
def db_restore(
    path: Annotated[Path, typer.Argument(help="A backup made by `facet db backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Replace the existing database (it is kept aside).")
    ] = False,
) -> None:
    """Verify a backup, then replace the database with it (refused if the copy fails)."""
    from core.backup import restore
    from core.errors import CoreError
    from web.settings import Settings

    settings = Settings().core
    try:
        report = restore(settings.database_url, path, replace=yes, settings=settings)
    except CoreError as exc:
        _refuse(exc)
    typer.echo(json.dumps(report.as_dict(), indent=2))


@app.command("prune")
def db_prune() -> None:
    """Delete idempotency answers older than FACET_IDEMPOTENCY_RETENTION_HOURS and expired
    shared state (the web app does it every hour too); prints how many of each."""
    from core import Database
    from web.adapters.retention import prune_once
    from web.settings import Settings

    settings = Settings().core
    db = Database.from_settings(settings)
    try:
        counts = prune_once(settings, db)
    finally:
        db.dispose()
    typer.echo(json.dumps({"deleted": counts}, indent=2))
