"""Taobao / Tmall, shaped after the Taobao Open Platform (TOP): TMC trade and refund messages
in, SKU quantity updates out.

Webhook in: TMC messages pushed over HTTP, ``{"messages": [tmc_message, ...]}`` or one, each
``{"id", "topic", "pub_time", "user_nick", "content"}`` with ``content`` the topic's JSON (a
string, as TMC sends it, or an object). Topics read: ``taobao_trade_TradeCreate`` (created),
``taobao_trade_TradeBuyerPay`` (paid), ``taobao_trade_TradeClose`` and
``taobao_trade_TradeCloseAndModifyDetailOrder`` (cancelled), ``taobao_refund_RefundSuccess``
(refunded, with ``refund_id``); other topics are acknowledged and dropped. A trade's content
carries ``tid`` and its lines as ``orders`` (``num_iid``, ``sku_id``, ``outer_sku_id``,
``num``, ``price``, as in ``taobao.trade.fullinfo.get``); a line's channel SKU id is
``"<num_iid>:<sku_id>"`` (``"<num_iid>"`` for an item without SKUs). The message key is
``tmc:<id>``.

Signature: TOP's, over the request's parameters sent as headers ``X-Top-App-Key``,
``X-Top-Timestamp`` (``yyyy-MM-dd HH:mm:ss``, GMT+8), ``X-Top-Sign-Method`` (``md5``, ``hmac``
or ``hmac-sha256``) and ``X-Top-Sign``: the parameters sorted by name, each name followed by
its value, then the raw body; ``md5`` is MD5(secret + that + secret), ``hmac`` HMAC-MD5 and
``hmac-sha256`` HMAC-SHA256 keyed with the app secret, in upper-case hex. The timestamp must be
within ``replay_window_s`` (5 min) of Facet's clock.

Stock out: ``POST {base_url}/router/rest`` (TOP's REST gateway), form-encoded, one call per
item: ``taobao.skus.quantity.update`` (``num_iid``, ``skuid_quantities=sku:qty;...``,
``type=1``: full quantity) or ``taobao.item.quantity.update`` (``num_iid``, ``quantity``) for an
item without SKUs, signed with MD5 as above (no body). TOP answers errors as
``{"error_response": {...}}``: code 7 (call limit) and ``isp.*`` errors are retried later.
Polling (``poll_every_s`` > 0): TMC pulled through the same gateway,
``taobao.tmc.messages.consume`` (up to 100 messages) and, on the next poll once they are
stored, ``taobao.tmc.messages.confirm`` of their ids (the cursor).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

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
    parse_china_time,
    read_json,
)
from web.integrations.channels.base import (
    BadMessage,
    ChannelConfig,
    ChannelUnavailable,
    Polled,
    SignatureInvalid,
)

__all__ = [
    "TOPICS",
    "TaobaoConnector",
    "encode_webhook",
    "read_stock_call",
    "tmc_items",
    "top_sign",
]

TOPICS: Mapping[str, MessageKind] = {
    "taobao_trade_TradeCreate": MessageKind.CREATED,
    "taobao_trade_TradeBuyerPay": MessageKind.PAID,
    "taobao_trade_TradeClose": MessageKind.CANCELLED,
    "taobao_trade_TradeCloseAndModifyDetailOrder": MessageKind.CANCELLED,
    "taobao_refund_RefundSuccess": MessageKind.REFUNDED,
}
_TOPIC_OF = {
    MessageKind.CREATED: "taobao_trade_TradeCreate",
    MessageKind.PAID: "taobao_trade_TradeBuyerPay",
    MessageKind.CANCELLED: "taobao_trade_TradeClose",
    MessageKind.REFUNDED: "taobao_refund_RefundSuccess",
}
SIGN_METHODS = ("md5", "hmac", "hmac-sha256")
#: TMC messages asked for per poll (TOP allows up to 200).
CONSUME_BATCH = 100


def top_sign(
    secret: str, params: Mapping[str, str], body: bytes = b"", *, method: str = "md5"
) -> str:
    """TOP's signature of ``params`` (and a body): sorted name+value pairs, keyed by secret."""
    text = "".join(f"{k}{params[k]}" for k in sorted(params)).encode() + body
    key = secret.encode()
    if method == "md5":
        digest = hashlib.md5(key + text + key, usedforsecurity=False).hexdigest()
    elif method == "hmac":
        digest = hmac.new(key, text, hashlib.md5).hexdigest()
    elif method == "hmac-sha256":
        digest = hmac.new(key, text, hashlib.sha256).hexdigest()
    else:
        raise SignatureInvalid(f"Unknown sign method {method[:20]!r}: one of {SIGN_METHODS}.")
    return digest.upper()


def _sku_of(line: Mapping[str, Any]) -> str:
    item, sku = line.get("num_iid"), line.get("sku_id")
    if item not in (None, ""):
        return f"{item}:{sku}" if sku not in (None, "") else str(item)
    return str(line.get("outer_sku_id") or sku or "")


def _lines(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    orders = content.get("orders") or []
    if isinstance(orders, dict):  # TOP's XML-ish nesting: {"order": [...]}
        orders = orders.get("order") or []
    if not isinstance(orders, list):
        raise BadMessage("'orders' must be a list of order lines.")
    lines = []
    for line in orders:
        if not isinstance(line, dict):
            raise BadMessage("Each order line must be an object.")
        lines.append(
            {
                "external_sku": _sku_of(line),
                "quantity": line.get("num"),
                "unit_price": line.get("price"),
            }
        )
    return lines


def _content(item: Mapping[str, Any]) -> dict[str, Any]:
    content = item.get("content", {})
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError as exc:
            raise BadMessage("A TMC message's content is not JSON.") from exc
    if not isinstance(content, dict):
        raise BadMessage("A TMC message's content must be a JSON object.")
    return content


def read_tmc(item: Any) -> ChannelOrderMessage | None:
    """One TMC message as a normalised message; None for a topic Facet does not read."""
    if not isinstance(item, dict):
        raise BadMessage("Each TMC message must be an object.")
    kind = TOPICS.get(str(item.get("topic", "")))
    if kind is None:
        return None
    content = _content(item)
    tid = content.get("tid")
    if tid in (None, ""):
        raise BadMessage("A trade message without 'tid'.")
    key = (
        f"tmc:{item['id']}"
        if item.get("id") not in (None, "")
        else digest_key(item.get("topic"), content)
    )
    data: dict[str, Any] = {
        "kind": kind,
        "message_key": key,
        "external_order_id": str(tid),
        "occurred_at": occurred(item.get("pub_time")),
        "customer_name": content.get("buyer_nick"),
        "lines": _lines(content) if kind in (MessageKind.CREATED, MessageKind.PAID) else [],
    }
    if kind == MessageKind.REFUNDED:
        data["refund_ref"] = str(content.get("refund_id") or "") or None
    return message(data)


def tmc_items(
    config: ChannelConfig, messages: Sequence[ChannelOrderMessage], *, now_s: float
) -> list[dict[str, Any]]:
    """``messages`` as TMC messages (what the fake marketplace pushes or serves)."""
    items = []
    for m in messages:
        content: dict[str, Any] = {"tid": m.external_order_id, "buyer_nick": m.customer_name}
        if m.lines:
            content["orders"] = [
                _order_line(line.external_sku, line.quantity, line.unit_price) for line in m.lines
            ]
        if m.refund_ref:
            content["refund_id"] = m.refund_ref
        items.append(
            {
                "id": int(digest_key(m.message_key)[7:22], 16),
                "topic": _TOPIC_OF[m.kind],
                "pub_time": china_time(now_s),
                "user_nick": config.name or config.code,
                "content": json.dumps(content, separators=(",", ":")),
            }
        )
    return items


def encode_webhook(
    config: ChannelConfig,
    messages: Sequence[ChannelOrderMessage],
    *,
    now_s: float,
    secret: str | None = None,
    sign_method: str = "hmac-sha256",
) -> tuple[dict[str, str], bytes]:
    """A signed TMC push carrying ``messages`` (what the fake marketplace sends)."""
    items = tmc_items(config, messages, now_s=now_s)
    body = json.dumps({"messages": items}, separators=(",", ":")).encode()
    params = {"app_key": config.app_key, "timestamp": china_time(now_s), "sign_method": sign_method}
    sign = top_sign(config.secret if secret is None else secret, params, body, method=sign_method)
    return {
        "Content-Type": "application/json",
        "X-Top-App-Key": config.app_key,
        "X-Top-Timestamp": params["timestamp"],
        "X-Top-Sign-Method": sign_method,
        "X-Top-Sign": sign,
    }, body


def _order_line(external_sku: str, quantity: int, price: float | None) -> dict[str, Any]:
    item, _, sku = external_sku.partition(":")
    line: dict[str, Any] = {"num_iid": item, "num": quantity}
    if sku:
        line["sku_id"] = sku
    if price is not None:
        line["price"] = f"{price:.2f}"
    return line


def read_stock_call(params: Mapping[str, str]) -> list[StockLevel]:
    """The levels one TOP quantity update sets (what the fake marketplace records)."""
    item = params.get("num_iid", "")
    if params.get("method") == "taobao.item.quantity.update":
        return [StockLevel(external_sku=item, quantity=int(params.get("quantity", "0")))]
    levels = []
    for pair in params.get("skuid_quantities", "").split(";"):
        sku, _, quantity = pair.partition(":")
        if sku:
            levels.append(StockLevel(external_sku=f"{item}:{sku}", quantity=int(quantity)))
    return levels


class TaobaoConnector(ConnectorBase):
    """Taobao / Tmall (see the module's documentation)."""

    def verify(self, headers: Mapping[str, str], body: bytes, *, now_s: float) -> None:
        """Check TOP's signature over the parameter headers and the body, and the timestamp."""
        cfg = self.config
        self._secret()
        params = {
            "app_key": headers.get("x-top-app-key", ""),
            "timestamp": headers.get("x-top-timestamp", ""),
            "sign_method": headers.get("x-top-sign-method", "md5"),
        }
        given = headers.get("x-top-sign", "")
        if not given or not params["timestamp"]:
            raise SignatureInvalid("X-Top-Timestamp and X-Top-Sign are required.")
        if cfg.app_key and params["app_key"] != cfg.app_key:
            raise SignatureInvalid("The webhook names another app key.")
        check_window(parse_china_time(params["timestamp"]), now_s, cfg.replay_window_s)
        expected = top_sign(cfg.secret, params, body, method=params["sign_method"])
        if not hmac.compare_digest(expected.encode(), given.upper().encode()):
            raise SignatureInvalid("The signature does not match the body.")

    def parse(self, headers: Mapping[str, str], body: bytes) -> list[ChannelOrderMessage]:
        """The order messages among the TMC messages of a verified body."""
        value = read_json(body)
        items = value["messages"] if isinstance(value, dict) and "messages" in value else [value]
        if not isinstance(items, list):
            raise BadMessage("'messages' must be a list.")
        return [m for m in (read_tmc(item) for item in items) if m is not None]

    def poll(self, cursor: str | None) -> Polled:
        """TMC pulled: confirm the messages of the last poll (stored by now), consume more.

        The cursor is the ids of the last batch, to confirm; TMC hands an unconfirmed message
        out again, which the inbox drops as a repeat."""
        if not self.config.base_url:
            return Polled(messages=[], cursor=cursor)
        if cursor:
            self._call("taobao.tmc.messages.confirm", {"s_message_ids": cursor})
        answer = self._call("taobao.tmc.messages.consume", {"quantity": str(CONSUME_BATCH)})
        try:
            batch = answer["tmc_messages_consume_response"].get("messages") or {}
            items = batch.get("tmc_message") or [] if isinstance(batch, dict) else batch
            messages = [m for m in (read_tmc(item) for item in items) if m is not None]
        except (AttributeError, KeyError, TypeError, BadMessage) as exc:
            raise ChannelRefused(f"Unreadable TMC consume answer: {exc}") from exc
        ids = ",".join(str(item["id"]) for item in items if isinstance(item, dict) and "id" in item)
        return Polled(messages=messages, cursor=ids or None)

    def push_stock(self, levels: Sequence[StockLevel]) -> None:
        """Full quantities, one TOP call per item."""
        if not self.config.base_url:
            return
        by_item: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for level in levels:
            item, _, sku = level.external_sku.partition(":")
            by_item[item].append((sku, max(0, level.quantity)))
        for item, skus in by_item.items():
            if skus == [("", skus[0][1])]:
                self._call(
                    "taobao.item.quantity.update",
                    {"num_iid": item, "quantity": str(skus[0][1]), "type": "1"},
                )
            else:
                quantities = ";".join(f"{sku}:{qty}" for sku, qty in skus if sku)
                self._call(
                    "taobao.skus.quantity.update",
                    {"num_iid": item, "skuid_quantities": quantities, "type": "1"},
                )

    def _call(self, method: str, business: Mapping[str, str]) -> Any:
        params = {
            "method": method,
            "app_key": self.config.app_key,
            "format": "json",
            "v": "2.0",
            "sign_method": "md5",
            "timestamp": china_time(self._clock()),
            **business,
        }
        params["sign"] = top_sign(self.config.secret, params)
        url = f"{self.config.base_url or ''}".rstrip("/") + "/router/rest"
        answer = self._http.json("POST", url, data=params)
        error = answer.get("error_response") if isinstance(answer, dict) else None
        if isinstance(error, dict):
            text = f"{method}: {error.get('code')} {error.get('sub_code', '')} {error.get('msg')}"
            if str(error.get("code")) == "7" or str(error.get("sub_code", "")).startswith("isp."):
                raise ChannelUnavailable(text)
            raise ChannelRefused(text)
        return answer
