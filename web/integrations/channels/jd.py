"""JD (Jingdong POP shops), shaped after the JD Open Platform (JOS): order status messages in,
SKU stock updates out.

Webhook in: ``{"messages": [message, ...]}`` or one message, each an order status
``{"msgId", "orderId", "orderStatus", "modified", "venderId", "itemInfoList": [{"skuId",
"outerSkuId", "itemTotal", "jdPrice"}], "consigneeInfo": {"fullname"}}`` as JOS reads an order
(``jingdong.pop.order.get``). ``WAIT_SELLER_STOCK_OUT`` (a paid order waiting for the seller)
is read as created and paid, ``TRADE_CANCELED`` as cancelled, a message with ``refundId`` (an
after-sale refund done) as refunded; other statuses are acknowledged and dropped. A line's
channel SKU id is JD's ``skuId`` (``outerSkuId`` when absent). The message key is
``jd:<msgId>`` (a digest of order, status and time when there is none).

Signature: JOS's, with the body as the ``360buy_param_json`` parameter: headers
``X-Jd-App-Key``, ``X-Jd-Timestamp`` (``yyyy-MM-dd HH:mm:ss``, GMT+8) and ``X-Jd-Sign`` =
upper-case hex MD5(secret + sorted name+value pairs + secret). The timestamp must be within
``replay_window_s`` (5 min) of Facet's clock.

Stock out: ``POST {base_url}/routerjson``, form-encoded, one ``jingdong.stock.write.
updateSkuStock`` call per SKU with ``360buy_param_json={"skuId", "stockNum"}``, signed the same
way. JOS answers errors as ``{"error_response": {"code", "zh_desc", "en_desc"}}``.
Polling is not offered (JD pushes).
"""

from __future__ import annotations

import hashlib
import hmac
import json
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
from web.integrations.channels.base import BadMessage, ChannelConfig, Polled, SignatureInvalid

__all__ = ["JdConnector", "encode_webhook", "jos_sign", "read_stock_call"]

PAID = "WAIT_SELLER_STOCK_OUT"
CANCELLED = "TRADE_CANCELED"
STOCK_METHOD = "jingdong.stock.write.updateSkuStock"


def jos_sign(secret: str, params: Mapping[str, str]) -> str:
    """JOS's signature: MD5 of the secret, the sorted name+value pairs and the secret."""
    text = secret + "".join(f"{k}{params[k]}" for k in sorted(params)) + secret
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest().upper()


def _lines(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    lines = item.get("itemInfoList") or []
    if not isinstance(lines, list) or not all(isinstance(x, dict) for x in lines):
        raise BadMessage("'itemInfoList' must be a list of objects.")
    return [
        {
            "external_sku": str(x.get("skuId") or x.get("outerSkuId") or ""),
            "quantity": x.get("itemTotal"),
            "unit_price": x.get("jdPrice"),
        }
        for x in lines
    ]


def read_order(item: Any) -> list[ChannelOrderMessage]:
    """One JD order message as normalised messages (none for a status Facet does not read)."""
    if not isinstance(item, dict):
        raise BadMessage("Each JD message must be an object.")
    order_id, status = str(item.get("orderId") or ""), str(item.get("orderStatus") or "")
    if not order_id:
        raise BadMessage("A JD message without 'orderId'.")
    base = str(item.get("msgId") or "") or digest_key(
        order_id, status, item.get("modified"), item.get("refundId")
    )
    common: dict[str, Any] = {
        "external_order_id": order_id,
        "occurred_at": occurred(item.get("modified")),
    }
    consignee = item.get("consigneeInfo")
    if isinstance(consignee, dict) and consignee.get("fullname"):
        common["customer_name"] = str(consignee["fullname"])
    if item.get("refundId"):
        return [
            message(
                {
                    **common,
                    "kind": MessageKind.REFUNDED,
                    "message_key": f"jd:{base}",
                    "refund_ref": str(item["refundId"]),
                }
            )
        ]
    if status == PAID:
        lines = _lines(item)
        return [
            message({**common, "kind": kind, "message_key": f"jd:{base}:{kind}", "lines": lines})
            for kind in (MessageKind.CREATED, MessageKind.PAID)
        ]
    if status == CANCELLED:
        return [message({**common, "kind": MessageKind.CANCELLED, "message_key": f"jd:{base}"})]
    return []


def _as_jd(m: ChannelOrderMessage, now_s: float) -> dict[str, Any]:
    item: dict[str, Any] = {
        "msgId": m.message_key,
        "orderId": m.external_order_id,
        "modified": china_time(now_s),
    }
    if m.customer_name:
        item["consigneeInfo"] = {"fullname": m.customer_name}
    if m.kind == MessageKind.REFUNDED:
        item["refundId"] = m.refund_ref or m.message_key
    elif m.kind == MessageKind.CANCELLED:
        item["orderStatus"] = CANCELLED
    else:  # created or paid: JD sends a paid order
        item["orderStatus"] = PAID
        item["itemInfoList"] = [
            {
                "skuId": line.external_sku,
                "itemTotal": line.quantity,
                **({"jdPrice": f"{line.unit_price:.2f}"} if line.unit_price is not None else {}),
            }
            for line in m.lines
        ]
    return item


def encode_webhook(
    config: ChannelConfig,
    messages: Sequence[ChannelOrderMessage],
    *,
    now_s: float,
    secret: str | None = None,
) -> tuple[dict[str, str], bytes]:
    """A signed JD push carrying ``messages`` (``paid`` is folded into its ``created``)."""
    items = [
        _as_jd(m, now_s)
        for m in messages
        if m.kind != MessageKind.PAID
        or not any(
            o.kind == MessageKind.CREATED and o.external_order_id == m.external_order_id
            for o in messages
        )
    ]
    body = json.dumps({"messages": items}, separators=(",", ":")).encode()
    timestamp = china_time(now_s)
    params = {"app_key": config.app_key, "timestamp": timestamp, "360buy_param_json": body.decode()}
    sign = jos_sign(config.secret if secret is None else secret, params)
    return {
        "Content-Type": "application/json",
        "X-Jd-App-Key": config.app_key,
        "X-Jd-Timestamp": timestamp,
        "X-Jd-Sign": sign,
    }, body


def read_stock_call(params: Mapping[str, str]) -> list[StockLevel]:
    """The level one ``updateSkuStock`` call sets (what the fake marketplace records)."""
    business = json.loads(params.get("360buy_param_json", "{}"))
    return [StockLevel(external_sku=str(business["skuId"]), quantity=int(business["stockNum"]))]


class JdConnector(ConnectorBase):
    """JD (see the module's documentation)."""

    def verify(self, headers: Mapping[str, str], body: bytes, *, now_s: float) -> None:
        """Check JOS's MD5 signature over the parameter headers and the body."""
        cfg = self.config
        self._secret()
        timestamp, given = headers.get("x-jd-timestamp", ""), headers.get("x-jd-sign", "")
        app_key = headers.get("x-jd-app-key", "")
        if not timestamp or not given:
            raise SignatureInvalid("X-Jd-Timestamp and X-Jd-Sign are required.")
        if cfg.app_key and app_key != cfg.app_key:
            raise SignatureInvalid("The webhook names another app key.")
        check_window(parse_china_time(timestamp), now_s, cfg.replay_window_s)
        try:
            text = body.decode()
        except UnicodeDecodeError as exc:
            raise SignatureInvalid("The body is not UTF-8.") from exc
        expected = jos_sign(
            cfg.secret, {"app_key": app_key, "timestamp": timestamp, "360buy_param_json": text}
        )
        if not hmac.compare_digest(expected.encode(), given.upper().encode()):
            raise SignatureInvalid("The signature does not match the body.")

    def parse(self, headers: Mapping[str, str], body: bytes) -> list[ChannelOrderMessage]:
        """The order messages of a verified body."""
        value = read_json(body)
        items = value["messages"] if isinstance(value, dict) and "messages" in value else [value]
        if not isinstance(items, list):
            raise BadMessage("'messages' must be a list.")
        return [m for item in items for m in read_order(item)]

    def poll(self, cursor: str | None) -> Polled:
        """JD pushes its order messages: nothing to poll."""
        return Polled(messages=[], cursor=cursor)

    def push_stock(self, levels: Sequence[StockLevel]) -> None:
        """One ``jingdong.stock.write.updateSkuStock`` per SKU."""
        if not self.config.base_url:
            return
        url = self.config.base_url.rstrip("/") + "/routerjson"
        for level in levels:
            business = json.dumps(
                {"skuId": level.external_sku, "stockNum": max(0, level.quantity)},
                separators=(",", ":"),
            )
            params = {
                "method": STOCK_METHOD,
                "app_key": self.config.app_key,
                "v": "2.0",
                "timestamp": china_time(self._clock()),
                "360buy_param_json": business,
            }
            params["sign"] = jos_sign(self.config.secret, params)
            answer = self._http.json("POST", url, data=params)
            error = answer.get("error_response") if isinstance(answer, dict) else None
            if isinstance(error, dict):
                raise ChannelRefused(
                    f"{STOCK_METHOD} {level.external_sku}: {error.get('code')} "
                    f"{error.get('en_desc') or error.get('zh_desc')}"
                )
