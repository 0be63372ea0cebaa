"""``facet events``: run the outbox relay alone, watch the events go by, check the transport.

All three read ``FACET_EVENTS_URL`` and ``FACET_DATABASE_URL``; with ``memory://`` events
never leave their process, so there is nothing to relay or watch (``relay`` and ``tail`` exit 2).
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from typing import Annotated, Any

import typer

app = typer.Typer(help="Events between processes: the outbox relay and the transport.",
                  no_args_is_help=True)  # fmt: skip


def _runtime(*, transport: bool = True) -> Any:
    """The database and events runtime the settings name; exit 2 for memory:// when a
    ``transport`` is needed."""
    from core import Database
    from web.events.runtime import EventsRuntime
    from web.settings import Settings

    settings = Settings().core
    if transport and settings.events_url.startswith("memory:"):
        typer.echo("FACET_EVENTS_URL is memory://: events stay inside each process, so there "
                   "is no transport to use. Set it to postgresql://..., redis://... or "
                   "nats://...", err=True)
        raise typer.Exit(2)
    db = Database.from_settings(settings)
    return EventsRuntime.from_settings(settings, db)


def _wait_for_signal(stop: threading.Event) -> None:
    """Block until SIGINT or SIGTERM (or ``stop`` is set elsewhere)."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass


@app.command("relay")
def relay() -> None:
    """Send the outbox through the transport until stopped (Ctrl-C or SIGTERM).

    Every `facet serve` process runs a relay already; run this one for commits made where
    none runs (CLI commands, a vision host) or to keep events flowing while web workers
    restart. Several relays share the outbox without sending an event twice on PostgreSQL.
    """
    runtime = _runtime()
    assert runtime.relay is not None
    runtime.relay.start()
    typer.echo(f"relaying the outbox through {runtime.name}; Ctrl-C stops", err=True)
    try:
        _wait_for_signal(threading.Event())
    finally:
        runtime.stop()
        runtime.db.dispose()


@app.command("tail")
def tail(
    count: Annotated[
        int, typer.Option(help="Exit after this many events (0: run until stopped).", min=0)
    ] = 0,
) -> None:
    """Print every event the transport carries, one JSON object a line, as they arrive."""
    runtime = _runtime()
    stop, lock, seen = threading.Event(), threading.Lock(), [0]

    def show(event: Any) -> None:
        with lock:
            sys.stdout.write(json.dumps(event.to_dict(), default=str) + "\n")
            sys.stdout.flush()
            seen[0] += 1
            if count and seen[0] >= count:
                stop.set()

    runtime.transport.start(show)
    typer.echo(f"listening on {runtime.name}", err=True)
    try:
        _wait_for_signal(stop)
    finally:
        runtime.transport.close()
        runtime.db.dispose()


@app.command("status")
def status() -> None:
    """Print the readiness of the transport and the relay's backlog as JSON; exit 1 if not ok."""
    runtime = _runtime(transport=False)
    try:
        report = runtime.status()
    finally:
        runtime.stop()
        runtime.db.dispose()
    typer.echo(json.dumps(report, indent=2))
    if not report["ok"]:
        raise typer.Exit(1)
