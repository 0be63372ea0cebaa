"""Douyin shops (Doudian), shaped after the Doudian open platform: order and after-sale push
messages in, SKU stock sync out.

Webhook in: Doudian's push, a JSON list of ``{"tag", "msg_id", "data"}`` with ``data`` the
tag's JSON (a string, as Doudian sends it, or an object). Tags read: ``100`` order created,
``101`` paid, ``105`` cancelled, ``206`` refund succeeded; other tags are acknowledged and
dropped. ``data`` carries ``p_id`` (the order), ``create_time``/``update_time`` (Unix s) and,
for an order, its lines as ``sku_order_list`` (``sku_id``, ``out_sku_id``, ``item_num``,
``origin_amount`` in fen, as ``order.orderDetail`` gives them); a refund carries
``aftersale_id``. A line's channel SKU id is Doudian's ``sku_id`` (``out_sku_id`` when absent).
The message key is ``dd:<msg_id>``.

Signature: header ``event-sign`` = hex MD5(app_key + timestamp + body + app_secret) (or
HMAC-SHA256 keyed with the secret when ``event-sign-method: hmac-sha256``), with ``app-id``
the app key and ``x-doudian-timestamp`` the Unix second of the push. Doudian's own push signs
app_key + body + secret; Facet adds the timestamp so that the 5-minute replay window cannot be
dodged by changing it.

Stock out: ``POST {base_url}/sku/syncStock`` (method ``sku.syncStock``, full quantity:
``incremental=false``), one call per SKU, the business parameters as the JSON body
(``param_json``) and the system ones in the query: ``app_key``, ``method``, ``v=2``,
``timestamp`` (``yyyy-MM-dd HH:mm:ss``, GMT+8), ``sign_method=hmac-sha256`` and ``sign`` = hex
HMAC-SHA256(secret, secret + "app_key"... "method"... "param_json"... "timestamp"... "v"... +
secret). Doudian answers ``{"code": 10000}`` on success. Polling is not offered.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from core.channels import MessageKind
from core.channels.schemas import ChannelOrderMessage, StockLevel
from web.integrations.channels._wire import (
    ChannelRefused,
    ConnectorBase,
    check_window,
    china_time,
    digest_key,
    message,
    occurred,
    read_json,
)
from web.integrations.channels.base import BadMessage, ChannelConfig, Polled, SignatureInvalid

__all__ = ["TAGS", "DouyinConnector", "api_sign", "encode_webhook", "event_sign", "read_stock_call"]

TAGS: Mapping[str, MessageKind] = {
    "100": MessageKind.CREATED,
    "101": MessageKind.PAID,
    "105": MessageKind.CANCELLED,
    "206": MessageKind.REFUNDED,
}
_TAG_OF = {kind: tag for tag, kind in TAGS.items()}
STOCK_METHOD = "sku.syncStock"
OK = 10000


def event_sign(
    app_key: str, timestamp: str, body: bytes, secret: str, *, method: str = "md5"
) -> str:
    """The ``event-sign`` of a push."""
    text = app_key.encode() + timestamp.encode() + body + secret.encode()
    if method == "hmac-sha256":
        return hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()
    if method == "md5":
        return hashlib.md5(text, usedforsecurity=False).hexdigest()
    raise SignatureInvalid(f"Unknown event-sign-method {method[:20]!r}.")


def api_sign(secret: str, params: Mapping[str, str]) -> str:
    """Doudian's API signature: HMAC-SHA256 over secret + sorted name+value pairs + secret."""
    text = secret + "".join(f"{k}{params[k]}" for k in sorted(params)) + secret
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def _data(item: Mapping[str, Any]) -> dict[str, Any]:
    data = item.get("data", {})
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise BadMessage("A push message's data is not JSON.") from exc
    if not isinstance(data, dict):
        raise BadMessage("A push message's data must be a JSON object.")
    return data


def _lines(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    lines = data.get("sku_order_list") or []
    if not isinstance(lines, list) or not all(isinstance(x, dict) for x in lines):
        raise BadMessage("'sku_order_list' must be a list of objects.")
    out = []
    for x in lines:
        fen = x.get("origin_amount")
        price = fen / 100 if isinstance(fen, int) and not isinstance(fen, bool) else None
        out.append(
            {
                "external_sku": str(x.get("sku_id") or x.get("out_sku_id") or ""),
                "quantity": x.get("item_num"),
                "unit_price": price,
            }
        )
    return out


def read_push(item: Any) -> ChannelOrderMessage | None:
    """One push message as a normalised message; None for a tag Facet does not read."""
    if not isinstance(item, dict):
        raise BadMessage("Each push message must be an object.")
    kind = TAGS.get(str(item.get("tag", "")))
    if kind is None:
        return None
    data = _data(item)
    order = data.get("p_id")
    if order in (None, ""):
        raise BadMessage("A push message without 'p_id'.")
    key = f"dd:{item['msg_id']}" if item.get("msg_id") else digest_key(item.get("tag"), data)
    fields: dict[str, Any] = {
        "kind": kind,
        "message_key": key,
        "external_order_id": str(order),
        "occurred_at": occurred(data.get("update_time") or data.get("create_time")),
        "lines": _lines(data) if kind in (MessageKind.CREATED, MessageKind.PAID) else [],
    }
    if kind == MessageKind.REFUNDED:
        fields["refund_ref"] = str(data.get("aftersale_id") or "") or None
    return message(fields)


def encode_webhook(
    config: ChannelConfig,
    messages: Sequence[ChannelOrderMessage],
    *,
    now_s: float,
    secret: str | None = None,
) -> tuple[dict[str, str], bytes]:
    """A signed Doudian push carrying ``messages`` (what the fake marketplace sends)."""
    items = []
    for m in messages:
        data: dict[str, Any] = {"p_id": m.external_order_id, "update_time": int(now_s)}
        if m.lines:
            data["sku_order_list"] = [
                {
                    "sku_id": line.external_sku,
                    "item_num": line.quantity,
                    **(
                        {"origin_amount": round(line.unit_price * 100)}
                        if line.unit_price is not None
                        else {}
                    ),
                }
                for line in m.lines
            ]
        if m.refund_ref:
            data["aftersale_id"] = m.refund_ref
        items.append(
            {
                "tag": _TAG_OF[m.kind],
                "msg_id": m.message_key,
                "data": json.dumps(data, separators=(",", ":")),
            }
        )
    body = json.dumps(items, separators=(",", ":")).encode()
    timestamp = str(int(now_s))
    sign = event_sign(config.app_key, timestamp, body, config.secret if secret is None else secret)
    return {
        "Content-Type": "application/json",
        "app-id": config.app_key,
        "x-doudian-timestamp": timestamp,
        "event-sign": sign,
        "event-sign-method": "md5",
    }, body


def read_stock_call(body: bytes) -> list[StockLevel]:
    """The level one ``sku.syncStock`` call sets (what the fake marketplace records)."""
    business = json.loads(body)
    return [StockLevel(external_sku=str(business["sku_id"]), quantity=int(business["stock_num"]))]


class DouyinConnector(ConnectorBase):
    """Douyin shops (see the module's documentation)."""

    def verify(self, headers: Mapping[str, str], body: bytes, *, now_s: float) -> None:
        """Check ``event-sign`` over app key, timestamp, body and secret."""
        cfg = self.config
        self._secret()
        timestamp, given = headers.get("x-doudian-timestamp", ""), headers.get("event-sign", "")
        app_key = headers.get("app-id", "")
        if not timestamp.isdigit() or not given:
            raise SignatureInvalid("x-doudian-timestamp and event-sign are required.")
        if cfg.app_key and app_key != cfg.app_key:
            raise SignatureInvalid("The push names another app.")
        check_window(int(timestamp), now_s, cfg.replay_window_s)
        expected = event_sign(
            app_key,
            timestamp,
            body,
            cfg.secret,
            method=headers.get("event-sign-method", "md5").lower(),
        )
        if not hmac.compare_digest(expected.encode(), given.lower().encode()):
            raise SignatureInvalid("The signature does not match the body.")

    def parse(self, headers: Mapping[str, str], body: bytes) -> list[ChannelOrderMessage]:
        """The order messages among the push messages of a verified body."""
        value = read_json(body)
        items = value if isinstance(value, list) else [value]
        return [m for m in (read_push(item) for item in items) if m is not None]

    def poll(self, cursor: str | None) -> Polled:
        """Doudian pushes its messages: nothing to poll."""
        return Polled(messages=[], cursor=cursor)

    def push_stock(self, levels: Sequence[StockLevel]) -> None:
        """One ``sku.syncStock`` (full quantity) per SKU."""
        if not self.config.base_url:
            return
        url = self.config.base_url.rstrip("/") + "/sku/syncStock"
        for level in levels:
            business = json.dumps(
                {
                    "incremental": False,
                    "sku_id": level.external_sku,
                    "stock_num": max(0, level.quantity),
                },
                separators=(",", ":"),
                sort_keys=True,
            )
            params = {
                "app_key": self.config.app_key,
                "method": STOCK_METHOD,
                "v": "2",
                "timestamp": china_time(self._clock()),
                "param_json": business,
            }
            query = {
                **{k: v for k, v in params.items() if k != "param_json"},
                "sign_method": "hmac-sha256",
                "sign": api_sign(self.config.secret, params),
            }
            answer = self._http.json(
                "POST",
                f"{url}?{urlencode(query)}",
                content=business,
                headers={"Content-Type": "application/json"},
            )
            code = answer.get("code") if isinstance(answer, dict) else None
            if code != OK:
                raise ChannelRefused(
                    f"{STOCK_METHOD} {level.external_sku}: {code} "
                    f"{answer.get('msg') if isinstance(answer, dict) else ''}"
                )
