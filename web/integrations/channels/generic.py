"""The generic channel: Facet's own signed-webhook format, for a webshop or any system that
can sign a request.

Every request either way carries::

    X-Facet-Timestamp: <unix seconds>
    X-Facet-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>

(the scheme of Facet's outgoing webhooks, :func:`web.integrations.webhooks.sign`). Facet
refuses a signature that does not match or a timestamp more than ``replay_window_s`` (300 s)
away from its clock. A webhook body is ``{"messages": [message, ...]}`` or one message, each a
:class:`~core.channels.schemas.ChannelOrderMessage` (``message_key`` may be left out, or given
as ``id``: a digest of the content is used then). Polling is ``GET {base_url}/orders?cursor=``
answering ``{"messages": [...], "cursor": "..."}``; stock goes out as ``POST {base_url}/stock``
with ``{"levels": [{"external_sku", "quantity"}]}``, signed the same way (a GET signs its query
string as its body).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from core.channels.schemas import ChannelOrderMessage, StockLevel
from web.integrations.channels._wire import (
    ChannelRefused,
    ConnectorBase,
    check_window,
    digest_key,
    message,
    read_json,
)
from web.integrations.channels.base import BadMessage, ChannelConfig, Polled, SignatureInvalid
from web.integrations.webhooks import sign

__all__ = ["GenericConnector", "encode_webhook", "signed_headers", "verify_signed"]

TIMESTAMP = "x-facet-timestamp"
SIGNATURE = "x-facet-signature"


def signed_headers(secret: str, body: bytes, *, now_s: float) -> dict[str, str]:
    """The two headers that sign ``body`` at ``now_s``."""
    timestamp = str(int(now_s))
    return {"X-Facet-Timestamp": timestamp, "X-Facet-Signature": sign(secret, timestamp, body)}


def verify_signed(
    headers: Mapping[str, str], body: bytes, *, secret: str, now_s: float, window_s: int
) -> None:
    """Check the generic signature of a request (lower-cased ``headers``)."""
    if not secret:
        raise SignatureInvalid("The channel has no secret: every webhook is refused.")
    timestamp, given = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
    if not timestamp.isdigit() or not given:
        raise SignatureInvalid("X-Facet-Timestamp and X-Facet-Signature are required.")
    check_window(int(timestamp), now_s, window_s)
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), given.encode()):
        raise SignatureInvalid("The signature does not match the body.")


def _normalised(item: Any) -> ChannelOrderMessage:
    if not isinstance(item, dict):
        raise BadMessage("Each message must be a JSON object.")
    data = dict(item)
    key = data.pop("id", None)
    if "message_key" not in data:
        data["message_key"] = (
            str(key)
            if key not in (None, "")
            else digest_key(data.get("kind"), data.get("external_order_id"), data)
        )
    return message(data)


def read_messages(value: Any) -> list[ChannelOrderMessage]:
    """Messages from a webhook body or a poll's answer (a list under ``messages``, or one)."""
    if isinstance(value, dict) and "messages" in value:
        items = value["messages"]
        if not isinstance(items, list):
            raise BadMessage("'messages' must be a list.")
        return [_normalised(item) for item in items]
    return [_normalised(value)]


def encode_webhook(
    config: ChannelConfig,
    messages: Sequence[ChannelOrderMessage],
    *,
    now_s: float,
    secret: str | None = None,
) -> tuple[dict[str, str], bytes]:
    """A signed webhook carrying ``messages`` (what a channel sends; the fake marketplace's)."""
    body = json.dumps(
        {"messages": [m.model_dump(mode="json", exclude_none=True) for m in messages]},
        separators=(",", ":"),
    ).encode()
    headers = signed_headers(config.secret if secret is None else secret, body, now_s=now_s)
    return {"Content-Type": "application/json", **headers}, body


class GenericConnector(ConnectorBase):
    """Facet's own signed-webhook format (see the module's documentation)."""

    def verify(self, headers: Mapping[str, str], body: bytes, *, now_s: float) -> None:
        """Check X-Facet-Signature over the timestamp and the raw body."""
        verify_signed(
            headers,
            body,
            secret=self.config.secret,
            now_s=now_s,
            window_s=self.config.replay_window_s,
        )

    def parse(self, headers: Mapping[str, str], body: bytes) -> list[ChannelOrderMessage]:
        """The messages of a verified body."""
        return read_messages(read_json(body))

    def poll(self, cursor: str | None) -> Polled:
        """``GET {base_url}/orders?cursor=``: the messages since ``cursor`` and the next one."""
        if not self.config.base_url:
            return Polled(messages=[], cursor=cursor)
        query = urlencode({"cursor": cursor or ""})
        headers = signed_headers(self.config.secret, query.encode(), now_s=self._clock())
        answer = self._http.json(
            "GET", f"{self.config.base_url.rstrip('/')}/orders?{query}", headers=headers
        )
        try:
            messages = read_messages({"messages": answer.get("messages", [])})
        except (AttributeError, BadMessage) as exc:
            raise ChannelRefused(f"Unreadable poll answer: {exc}") from exc
        next_cursor = answer.get("cursor")
        return Polled(
            messages=messages, cursor=str(next_cursor) if next_cursor not in (None, "") else cursor
        )

    def push_stock(self, levels: Sequence[StockLevel]) -> None:
        """``POST {base_url}/stock`` with the levels, signed; nothing without a base_url."""
        if not self.config.base_url or not levels:
            return
        body = json.dumps(
            {"levels": [level.model_dump() for level in levels]}, separators=(",", ":")
        ).encode()
        headers = {
            "Content-Type": "application/json",
            **signed_headers(self.config.secret, body, now_s=self._clock()),
        }
        self._http.request(
            "POST", f"{self.config.base_url.rstrip('/')}/stock", content=body, headers=headers
        )
