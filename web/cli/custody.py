"""`facet custody ...`: the overdue list, its daily alerts, and value out per partner."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer

from core import Database
from core.custody import check_overdue, overdue, value_by_partner
from core.errors import CoreError
from web.settings import Settings

app = typer.Typer(help="Memo, consignment and repair custody.", no_args_is_help=True)


@contextmanager
def _database() -> Iterator[Database]:
    db = Database.from_settings(Settings().core)
    try:
        yield db
    finally:
        db.dispose()


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a day (YYYY-MM-DD).") from exc


@app.command("check-overdue")
def check_overdue_command() -> None:
    """Raise an alert for each custody document past its due date (one a day each); run it
    daily from cron or a systemd timer."""
    try:
        with _database() as db, db.write() as session:
            raised = check_overdue(session)
    except CoreError as exc:
        raise SystemExit(f"refused ({exc.code}): {exc.message}") from exc
    for row in raised:
        typer.echo(f"alert: {row.number} {row.partner} {row.pieces_out} piece(s) "
                   f"{row.days_overdue} day(s) overdue, value {row.value:.2f}")
    typer.echo(f"{len(raised)} overdue alert(s) raised")


@app.command("overdue")
def overdue_command(
    on: Annotated[str | None, typer.Option(help="Judge by this day (YYYY-MM-DD); today by "
                                           "default.")] = None,
) -> None:
    """Custody documents past their due-back date with pieces still out."""
    with _database() as db, db.read() as session:
        rows = overdue(session, on=_day(on))
    typer.echo(f"{'document':<14} {'partner':<12} {'due':<10} {'days':>5} {'pieces':>6} value")
    for r in rows:
        typer.echo(f"{r.number:<14} {r.partner:<12} {r.due_on!s:<10} {r.days_overdue:>5} "
                   f"{r.pieces_out:>6} {r.value:.2f}")


@app.command("value")
def value_command() -> None:
    """Value out per partner (on memo, at repair or assay; consigned to us)."""
    with _database() as db, db.read() as session:
        rows = value_by_partner(session)
    typer.echo(f"{'partner':<12} {'kind':<10} {'pieces':>6} {'overdue':>7} value")
    for r in rows:
        typer.echo(f"{r.partner:<12} {r.kind:<10} {r.pieces:>6} {r.overdue_pieces:>7} "
                   f"{r.value:.2f}")
