"""The ``facet`` command."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer

from core import CoreSettings, Database
from web.cli import audit as audit_cli
from web.cli import channels as channels_cli
from web.cli import custody as custody_cli
from web.cli import db as db_cli
from web.cli import events as events_cli
from web.cli import headset as headset_cli
from web.cli import imports as imports_cli
from web.cli import twin as twin_cli
from web.cli import users as users_cli
from web.cli import vision as vision_cli
from web.cli import voice as voice_cli
from web.extras import exit_unless_installed
from web.settings import OperationsSettings, Settings, UnknownSetting

app = typer.Typer(
    help="Facet: warehouse system for jewellery and fashion accessories.", no_args_is_help=True
)
demo_app = typer.Typer(help="The demo warehouse.", no_args_is_help=True)
ledger_app = typer.Typer(help="The stock ledger.", no_args_is_help=True)
app.add_typer(db_cli.app, name="db")
app.add_typer(users_cli.app, name="user")
app.add_typer(demo_app, name="demo")
app.add_typer(ledger_app, name="ledger")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(twin_cli.app, name="twin", help="The digital twin: layouts, routes, what-ifs.")
app.add_typer(vision_cli.app, name="vision", help="Cameras: run, check an image, train.")
app.add_typer(headset_cli.app, name="headset", help="A headset client for voice picking.")
app.add_typer(voice_cli.app, name="voice", help="Voice: transcribe audio, enrol a picker.")
app.add_typer(imports_cli.app, name="import")
app.add_typer(events_cli.app, name="events",
              help="Events between processes: run the outbox relay, tail, status.")
app.add_typer(channels_cli.app, name="channels")
app.add_typer(custody_cli.app, name="custody")
demo_app.command("channels")(channels_cli.demo_channels)


#: How long uvicorn waits for a worker to answer its health ping before restarting it.
WORKER_HEALTHCHECK_S = 30


@app.callback()
def _configure_logging() -> None:
    # Every command logs the same way (FACET_LOG_LEVEL, FACET_LOG_JSON), configured once.
    from pydantic import ValidationError

    from web.observability.logs import configure_logging

    try:
        configure_logging(OperationsSettings())
    except ValidationError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _database(settings: CoreSettings) -> Database:
    return Database.from_settings(settings)


@demo_app.command("load")
def demo_load(
    scale: Annotated[
        str,
        typer.Option(
            help="small (fast, for tests) or full (2,000 SKUs, 30,000 pieces, a year of history)."
        ),
    ] = "full",
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same warehouse.")
    ] = 7,
) -> None:
    """Load the demo warehouse (and one user per role) into an empty database."""
    from core.demo import load_demo

    settings = Settings().core
    db = _database(settings)
    # Outside demo mode (FACET_DEMO_MODE, set by `make run`) the published demo password
    # must be changed at first sign-in.
    force = not settings.demo_mode
    summary = load_demo(db, scale=scale, seed=seed, force_password_change=force)
    typer.echo(json.dumps(summary, indent=2, default=str))


@demo_app.command("cameras")
def demo_cameras(
    out: Annotated[str, typer.Option(help="Folder for the video and cameras.yaml.")] = (
        "var/demo-cameras"
    ),
) -> None:
    """Write a demo vault camera (a looping video) and its cameras file; prints the file.

    With the demo loaded, also a shelf camera of a vault bay counting its pieces (one bin is
    drawn a piece short of the ledger, so it raises a shelf-count alert).
    """
    from pathlib import Path

    exit_unless_installed("vision")  # the walker is cut from ultralytics' sample image

    from web.cli.demo_cameras import demo_shelf_or_none, write_demo_cameras

    shelf = demo_shelf_or_none(_database(Settings().core))
    typer.echo(write_demo_cameras(Path(out), shelf=shelf))


@ledger_app.command("verify")
def ledger_verify() -> None:
    """Rebuild balances from the ledger and report any difference (exit 1 if any)."""
    from dataclasses import asdict

    from core.orders.integrity import verify_stock

    db = _database(Settings().core)
    with db.read() as session:
        report = verify_stock(session)
    typer.echo(json.dumps({**asdict(report), "ok": report.ok}, indent=2))
    raise typer.Exit(0 if report.ok else 1)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Web processes; one per core suits PostgreSQL or SQLite. More than one needs "
            "FACET_SECRET_KEY.",
        ),
    ] = 1,
) -> None:
    """Run the web app: API at /api, docs at /docs, pages at /."""
    import uvicorn

    from web.observability.logs import log_config
    from web.observability.metrics import metrics_directory

    settings = Settings()  # refuses unknown FACET_* keys before the server starts
    if workers > 1 and not settings.core.secret_key:
        _refuse_without_secret_key(workers)
    operations = settings.operations
    # Each worker builds its own Settings: this tells them how many they are (with more than
    # one, none starts the cameras file: `facet vision serve` runs it once) and where they
    # listen (the demo marketplace posts its orders there).
    host, port = host or settings.web.host, port or settings.web.port
    with _environment(FACET_WEB_WORKERS=str(workers), FACET_WEB_HOST=host,
                      FACET_WEB_PORT=str(port)), metrics_directory(workers):
        uvicorn.run(
            "web.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # Each worker configures its logging from the same dictionary; the app writes
            # the access lines itself (with request ids), so uvicorn's are off.
            log_config=log_config(operations),
            log_level=operations.log_level.lower(),
            access_log=False,
            # A worker importing the app (torch, OpenVINO) may not answer uvicorn's 5 s
            # health ping on a busy host and would be killed and restarted while it starts.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        )


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the workers uvicorn starts; restore them after."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _refuse_without_secret_key(workers: int) -> NoReturn:
    """Exit 2 with what to set: several workers need one signing key from the environment."""
    # A key file under var/ is one host's (and depends on which worker made it first); tokens
    # signed by one worker must be accepted by every other worker, on any host.
    typer.echo(
        f"Error: `facet serve --workers {workers}` needs FACET_SECRET_KEY: every worker (on "
        "every host) must sign and check sign-in tokens with the same key. Set it in their "
        "environment, for example\n  export FACET_SECRET_KEY=\"$(python -c "
        "'import secrets; print(secrets.token_urlsafe(48))')\"",
        err=True,
    )
    raise typer.Exit(2)


def main() -> None:
    """Entry point of the ``facet`` console script."""
    try:
        app()
    except UnknownSetting as exc:  # a misspelt FACET_* variable: say which, no traceback
        typer.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from exc
