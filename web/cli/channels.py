"""`facet channels ...`: check a channels file, run a fake marketplace; `facet demo channels`."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Sales channels: check a channels file, a fake marketplace.", no_args_is_help=True
)


@app.command("check")
def check(file: Annotated[Path, typer.Argument(help="The channels file (YAML).")]) -> None:
    """Read a channels file as the app would (secrets from the environment); exit 2 if bad."""
    from web.integrations.channels.registry import ChannelsFileError, load_channels_document

    try:
        document = load_channels_document(file)
    except ChannelsFileError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from exc
    summary = {
        "channels": [
            {
                "code": c.code,
                "type": c.type,
                "name": c.name,
                "base_url": c.base_url,
                "poll_every_s": c.poll_every_s,
                "listings": len(document.listings.get(c.code, {})),
            }
            for c in document.channels
        ],
        "fake_marketplace": document.fake_marketplace is not None,
    }
    typer.echo(json.dumps(summary, indent=2))


@app.command("fake-marketplace")
def fake_marketplace(
    webhook_url: Annotated[
        str,
        typer.Option(
            help="Facet's address, such as http://127.0.0.1:8000 (orders go to "
            "/api/channels/<code>/webhook)."
        ),
    ] = "http://127.0.0.1:8000",
    port: Annotated[
        int, typer.Option(help="Port of the fake (its base_url is http://127.0.0.1:<port>/<code>).")
    ] = 8799,
    channels_file: Annotated[
        Path | None,
        typer.Option(help="Play every channel of this file (its secrets and listings)."),
    ] = None,
    code: Annotated[str, typer.Option(help="Without a file: the channel's code.")] = "webshop",
    kind: Annotated[
        str, typer.Option("--type", help="Without a file: generic, taobao, jd or douyin.")
    ] = "generic",
    secret: Annotated[str, typer.Option(help="Without a file: the signing secret.")] = "",
    app_key: Annotated[str, typer.Option(help="Without a file: the app key.")] = "",
    sku: Annotated[
        list[str] | None,
        typer.Option(help="Without a file: a channel SKU id its orders use (repeat the option)."),
    ] = None,
    orders_per_minute: Annotated[
        float, typer.Option(min=0, help="Orders sent per minute (one piece each; some cancelled).")
    ] = 6,
) -> None:
    """Run a fake marketplace: it sends signed orders to Facet and takes its stock pushes."""
    from web.integrations.channels.base import ChannelConfig
    from web.integrations.channels.fake_marketplace import FakeChannel, FakeMarketplace
    from web.integrations.channels.registry import (
        KINDS,
        ChannelsFileError,
        load_channels_document,
    )

    base = webhook_url.rstrip("/")
    try:
        if channels_file is not None:
            document = load_channels_document(channels_file)
            configs = document.channels
            listings = document.listings
        elif kind not in KINDS:
            raise ChannelsFileError(
                f"unknown type '{kind}'; valid types are {', '.join(sorted(KINDS))}."
            )
        else:
            configs = [ChannelConfig(code=code, type=kind, secret=secret, app_key=app_key)]
            listings = {code: dict.fromkeys(sku or [], "")}
    except (ChannelsFileError, ValueError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from exc
    fake = FakeMarketplace(
        [
            FakeChannel(
                config=c,
                webhook_url=f"{base}/api/channels/{c.code}/webhook",
                skus=sorted(listings.get(c.code, {})),
            )
            for c in configs
        ],
        port=port,
    ).start()
    fake.start_trickle(orders_per_minute)
    typer.echo(
        f"fake marketplace at {fake.url} playing {', '.join(c.code for c in configs)}; "
        "Ctrl-C stops it"
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


def demo_channels(
    out: Annotated[str, typer.Option(help="Folder for channels.yaml.")] = "var/demo-channels",
    fake_port: Annotated[int, typer.Option(help="Port of the demo's fake marketplace.")] = 8799,
) -> None:
    """Write the demo's channels file (webshop, Tmall, JD, Douyin; listings of SKUs in stock;
    a fake marketplace the app starts); prints the file's path."""
    import yaml

    from core import Database
    from core.demo.channels import demo_channels_document
    from web.settings import Settings

    db = Database.from_settings(Settings().core)
    try:
        with db.read() as session:
            document = demo_channels_document(session, fake_port=fake_port)
    finally:
        db.dispose()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "channels.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    typer.echo(str(path))
