"""The channels file: which channels exist, how each is reached, and their first listings.

A YAML file (``FACET_WEB_CHANNELS_FILE``)::

    channels:
      - code: webshop            # what the channel's orders carry as `channel`
        type: generic            # generic, taobao, jd or douyin
        name: Our webshop
        secret_env: WEBSHOP_SECRET
        base_url: https://shop.example.com/facet   # polling and stock pushes; optional
    listings:                    # optional: the channel's SKU ids for Facet's SKUs (seeded
      webshop:                   # once, while the channel has no listing; then the Channels
        "WS-1001": ST0001-18Y    # page or PUT /api/channels/{code}/skus keeps them)
    fake_marketplace:            # demo only: a fake marketplace started with the app
      orders_per_minute: 6

Unknown keys, duplicate codes, unknown types, a missing secret and polling for a kind that
only pushes are refused with a message naming the entry.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core import CoreError, Database
from core.channels import ensure_channel, list_listings, set_listing
from core.channels.schemas import ChannelOrderMessage, ChannelSkuIn
from core.dberrors import IntegrityError
from core.people.service import system_actor
from web.integrations.channels import douyin, generic, jd, taobao
from web.integrations.channels.base import ChannelConfig, Connector

__all__ = [
    "KINDS",
    "ChannelsFile",
    "ChannelsFileError",
    "FakeMarketplaceConfig",
    "build_connector",
    "build_connectors",
    "encoder_for",
    "load_channels_document",
    "load_channels_file",
    "register_channels",
    "sample_message",
]

_log = logging.getLogger(__name__)

#: Connector class per ``type``.
KINDS: Mapping[str, Callable[[ChannelConfig], Connector]] = {
    "generic": generic.GenericConnector,
    "taobao": taobao.TaobaoConnector,
    "jd": jd.JdConnector,
    "douyin": douyin.DouyinConnector,
}
Encoder = Callable[..., tuple[dict[str, str], bytes]]
_ENCODERS: Mapping[str, Encoder] = {
    "generic": generic.encode_webhook,
    "taobao": taobao.encode_webhook,
    "jd": jd.encode_webhook,
    "douyin": douyin.encode_webhook,
}
#: Kinds whose orders can be polled (the others push them).
POLLING_KINDS = frozenset({"generic", "taobao"})


class ChannelsFileError(ValueError):
    """A channels file that cannot be used; the message names the file and the entry."""


class FakeMarketplaceConfig(BaseModel):
    """Demo only: a fake marketplace the web app starts, sending orders to its channels."""

    model_config = ConfigDict(extra="forbid")

    port: int = Field(default=0, ge=0, le=65535, description="0: any free port.")
    orders_per_minute: float = Field(default=6, ge=0, le=6000)
    channels: list[str] = Field(
        default_factory=list, description="Channel codes it plays; none: every channel."
    )
    webhook_base: str | None = Field(
        default=None, description="Facet's address; none: http://127.0.0.1:<FACET_WEB_PORT>."
    )
    seed: int = 7


class ChannelsFile(BaseModel):
    """The whole channels file."""

    model_config = ConfigDict(extra="forbid")

    channels: list[ChannelConfig] = Field(default_factory=list)
    listings: dict[str, dict[str, str]] = Field(default_factory=dict)
    fake_marketplace: FakeMarketplaceConfig | None = None


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}"
        for err in exc.errors()[:5]
    )


def _checked(config: ChannelConfig, environ: Mapping[str, str]) -> ChannelConfig:
    where = f"channel '{config.code}'"
    if config.type not in KINDS:
        raise ChannelsFileError(
            f"{where}: unknown type '{config.type}'; valid types are {', '.join(sorted(KINDS))}."
        )
    if config.poll_every_s > 0 and config.type not in POLLING_KINDS:
        raise ChannelsFileError(
            f"{where}: {config.type} channels push their orders "
            "(webhook); poll_every_s is for generic and taobao channels only."
        )
    if config.poll_every_s > 0 and not config.base_url:
        raise ChannelsFileError(f"{where}: poll_every_s needs a base_url to poll.")
    secret = config.secret
    if config.secret_env:
        secret = environ.get(config.secret_env, "")
        if not secret:
            raise ChannelsFileError(
                f"{where}: the environment variable {config.secret_env} (secret_env) is not set."
            )
    if not secret:
        raise ChannelsFileError(f"{where}: no secret (set secret_env, or secret).")
    return config.model_copy(update={"secret": secret, "name": config.name or config.code})


def load_channels_document(
    path: Path | str, environ: Mapping[str, str] | None = None
) -> ChannelsFile:
    """Read and check a channels file; ChannelsFileError with what is wrong otherwise."""
    environ = os.environ if environ is None else environ
    try:
        raw: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ChannelsFileError(f"{path}: cannot read it: {exc}") from exc
    if not isinstance(raw, dict):
        raise ChannelsFileError(f"{path}: expected a mapping with a 'channels:' list.")
    try:
        document = ChannelsFile.model_validate(raw)
    except ValidationError as exc:
        raise ChannelsFileError(f"{path}: {_problems(exc)}") from exc
    seen: set[str] = set()
    for config in document.channels:
        if config.code in seen:
            raise ChannelsFileError(f"{path}: channel code '{config.code}' appears twice.")
        seen.add(config.code)
    try:
        channels = [_checked(config, environ) for config in document.channels]
    except ChannelsFileError as exc:
        raise ChannelsFileError(f"{path}: {exc}") from exc
    for code in [
        *document.listings,
        *(document.fake_marketplace.channels if document.fake_marketplace else []),
    ]:
        if code not in seen:
            raise ChannelsFileError(f"{path}: '{code}' is not a channel of this file.")
    return document.model_copy(update={"channels": channels})


def load_channels_file(
    path: Path | str, environ: Mapping[str, str] | None = None
) -> list[ChannelConfig]:
    """The channels of a channels file (secrets read from the environment)."""
    return load_channels_document(path, environ).channels


def build_connector(config: ChannelConfig) -> Connector:
    """The connector of one channel, chosen by its ``type``."""
    try:
        kind = KINDS[config.type]
    except KeyError:
        raise ChannelsFileError(
            f"Unknown channel type '{config.type}'; valid types are {', '.join(sorted(KINDS))}."
        ) from None
    return kind(config)


def build_connectors(configs: Sequence[ChannelConfig]) -> dict[str, Connector]:
    """One connector per channel code."""
    return {config.code: build_connector(config) for config in configs}


def encoder_for(kind: str) -> Encoder:
    """How a channel of ``kind`` writes a webhook (``encode_webhook(config, messages, *,
    now_s, secret=None) -> (headers, body)``): what the fake marketplace sends."""
    return _ENCODERS[kind]


def register_channels(
    db: Database,
    configs: Sequence[ChannelConfig],
    listings: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Create or update each channel's row; seed the listings of channels that have none.

    A listing naming a SKU Facet does not know is skipped with a log line (the demo's file
    may be read before the demo is loaded). Workers starting together may race to create a
    channel: the loser's transaction is refused whole and done again (the rows exist then)."""
    try:
        _register(db, configs, listings or {})
    except IntegrityError:
        _log.info("channels registered by another process meanwhile; registering again")
        _register(db, configs, listings or {})


def _register(
    db: Database, configs: Sequence[ChannelConfig], listings: Mapping[str, Mapping[str, str]]
) -> None:
    with db.write() as session:
        actor = system_actor(session)
        for config in configs:
            ensure_channel(
                session,
                code=config.code,
                kind=config.type,
                name=config.name or config.code,
                safety_buffer=config.safety_buffer,
                share_pct=config.share_pct,
            )
            wanted = listings.get(config.code) or {}
            if not wanted or list_listings(session, code=config.code, limit=1)[1] > 0:
                continue
            for external, sku in wanted.items():
                try:
                    set_listing(
                        session,
                        actor=actor,
                        code=config.code,
                        data=ChannelSkuIn(external_sku=external, sku=sku),
                    )
                except (CoreError, ValidationError) as exc:
                    _log.warning(
                        "channel %s: listing %s -> %s skipped: %s", config.code, external, sku, exc
                    )


def sample_message(
    kind: str, order: str, *, sku: str, quantity: int = 1, key: str | None = None
) -> ChannelOrderMessage:
    """A normalised message (tests, the fake marketplace)."""
    lines = [{"external_sku": sku, "quantity": quantity}] if kind in ("created", "paid") else []
    return ChannelOrderMessage.model_validate(
        {
            "kind": kind,
            "message_key": key or f"{order}:{kind}",
            "external_order_id": order,
            "lines": lines,
        }
    )
