"""The connector protocol: one module per channel kind reads its orders and takes its stock.

A connector is built from one entry of the channels file (:class:`ChannelConfig`) and knows
that channel's wire format: how its webhooks are signed, how its order messages look, how to
poll for orders with a cursor, and how to push stock levels. It does no database work: the
webhook route and the workers store what it reads through :mod:`core.channels` and ask core
what to push.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from core.channels.schemas import ChannelOrderMessage, StockLevel

__all__ = [
    "BadMessage",
    "ChannelConfig",
    "ChannelError",
    "ChannelUnavailable",
    "Connector",
    "Polled",
    "SignatureInvalid",
]


class ChannelError(Exception):
    """Base of what a connector raises; ``code`` is stable (kebab-case)."""

    code = "channel-error"


class SignatureInvalid(ChannelError):
    """A webhook whose signature or timestamp does not verify (answered 401, nothing stored)."""

    code = "bad-signature"


class BadMessage(ChannelError):
    """A verified body the connector cannot read (answered 422)."""

    code = "bad-channel-message"


class ChannelUnavailable(ChannelError):
    """The channel did not answer, or answered 5xx / 429: try again later."""

    code = "channel-unavailable"


class ChannelConfig(BaseModel):
    """One channel in the channels file (YAML ``channels:`` list), chosen by ``type``."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        min_length=1,
        max_length=32,
        pattern=r"^[a-z0-9][a-z0-9_\-]*$",
        description="The channel's code: what its orders carry as `channel`.",
    )
    type: str = Field(description="Connector: generic, taobao, jd or douyin.")
    name: str = Field(default="", max_length=128, description="Shown on the Channels page.")
    base_url: str | None = Field(
        default=None,
        description="The channel's API (polling, stock pushes); none: webhooks "
        "in only, and stock is only served at GET /api/channels/{code}/stock.",
    )
    app_key: str = Field(default="", description="The channel's app key / client id.")
    secret: str = Field(default="", description="Signing secret (inline; prefer secret_env).")
    secret_env: str | None = Field(
        default=None, description="Name of an environment variable holding the secret."
    )
    poll_every_s: float = Field(
        default=0, ge=0, description="Poll for orders this often; 0: webhooks only."
    )
    push_debounce_ms: int = Field(
        default=250, ge=0, le=60_000, description="Wait this long after a change to batch pushes."
    )
    push_batch: int = Field(default=100, ge=1, le=1000, description="Listings per stock push.")
    timeout_s: float = Field(default=5.0, gt=0, le=120)
    replay_window_s: int = Field(
        default=300, ge=1, le=3600, description="Webhooks signed longer ago than this are refused."
    )
    safety_buffer: int = Field(default=0, ge=0, description="Initial safety buffer per SKU.")
    share_pct: int = Field(
        default=100, ge=0, le=100, description="Initial share of free stock offered."
    )


@dataclass(frozen=True)
class Polled:
    """What one poll brought: messages and the cursor to resume from."""

    messages: list[ChannelOrderMessage]
    cursor: str | None


class Connector(Protocol):
    """A channel's wire format (one implementation per ``type``)."""

    config: ChannelConfig

    def verify(self, headers: Mapping[str, str], body: bytes, *, now_s: float) -> None:
        """Check a webhook's signature and timestamp; SignatureInvalid otherwise.

        ``headers`` are lower-cased names; ``now_s`` is Unix time (injected for tests)."""
        ...

    def parse(self, headers: Mapping[str, str], body: bytes) -> list[ChannelOrderMessage]:
        """The order messages a verified webhook body carries; BadMessage if unreadable."""
        ...

    def poll(self, cursor: str | None) -> Polled:
        """Order messages since ``cursor`` from the channel's API; ChannelUnavailable when
        it does not answer."""
        ...

    def push_stock(self, levels: Sequence[StockLevel]) -> None:
        """Tell the channel what it may sell (at most ``push_batch`` levels per call);
        ChannelUnavailable when it does not take them (nothing counts as pushed then)."""
        ...
