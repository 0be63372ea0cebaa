"""A fake marketplace for tests and the demo: a small local HTTP server that plays one or more
sales channels.

It sends orders to Facet's webhook (signed the way each channel's ``type`` signs: generic,
taobao, jd or douyin), serves the generic polling endpoint, takes stock pushes in each kind's
shape (checking their signatures) and records them with the time they arrived. It misbehaves
on purpose when told to (:class:`Behaviour`): each webhook sent several times, delayed, signed
with a wrong key; stock pushes answered 500 (the next N) or every request answered 503 while
it is "down"; orders cancelled before they are created. It retries a webhook that Facet
answers 5xx or does not answer, as marketplaces do.

Paths, for a channel with code ``c`` (its ``base_url`` is ``{url}/c``)::

    GET  /c/orders?cursor=N    generic polling: {"messages": [...], "cursor": "M"}
    POST /c/stock              generic stock push
    POST /c/router/rest        taobao (TOP) quantity updates; TMC consume and confirm (polling)
    POST /c/routerjson         jd (JOS) jingdong.stock.write.updateSkuStock
    POST /c/sku/syncStock      douyin (Doudian) sku.syncStock
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from core.channels.schemas import ChannelOrderMessage, StockLevel
from web.integrations.channels import douyin, generic, jd, taobao
from web.integrations.channels.base import ChannelConfig, SignatureInvalid
from web.integrations.channels.registry import ChannelsFile, encoder_for, sample_message

__all__ = [
    "Behaviour",
    "FakeChannel",
    "FakeMarketplace",
    "Push",
    "Sent",
    "start_demo_marketplace",
]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Push:
    """One stock level a channel was told, and when it arrived (the fake's clock)."""

    channel: str
    external_sku: str
    quantity: int
    at: float


@dataclass(frozen=True)
class Sent:
    """One webhook delivery: Facet's status (0: no answer) and JSON answer."""

    status: int
    answer: Any


@dataclass
class Behaviour:
    """How the marketplace misbehaves (change the fields at any time)."""

    #: Each webhook is sent this many times.
    duplicates: int = 1
    #: Seconds to wait before each webhook.
    delay_s: float = 0.0
    #: Sign webhooks with a wrong secret.
    wrong_signature: bool = False
    #: The trickle sends an order's cancellation before its creation, this often (0..1).
    cancel_before_create: float = 0.0
    #: The next N stock pushes (any POST to the fake) are answered 500.
    fail_pushes: int = 0
    #: Until this time (the fake's clock) every request to the fake is answered 503.
    down_until: float = 0.0
    #: Seconds before answering a stock push.
    push_delay_s: float = 0.0


@dataclass
class FakeChannel:
    """A channel the fake plays: its config (code, type, app key, secret), where Facet takes
    its webhooks, and the channel SKU ids its orders use."""

    config: ChannelConfig
    webhook_url: str
    skus: list[str] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    marketplace: FakeMarketplace


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("fake marketplace: " + format, *args)

    def do_GET(self) -> None:
        self._answer(*self.server.marketplace.handle("GET", self.path, self._headers(), b""))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._answer(*self.server.marketplace.handle("POST", self.path, self._headers(), body))

    def _headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers.items()}

    def _answer(self, status: int, value: Any) -> None:
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeMarketplace:
    """The fake marketplace (see the module's documentation)."""

    def __init__(
        self,
        channels: Sequence[FakeChannel],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        seed: int = 7,
        retries: int = 5,
        retry_backoff_s: float = 0.2,
    ) -> None:
        self.channels = {c.config.code: c for c in channels}
        self.behaviour = Behaviour()
        self.pushes: list[Push] = []
        self._polled: dict[str, list[dict[str, Any]]] = {code: [] for code in self.channels}
        self._handed: dict[str, int] = {}
        #: TMC message ids each taobao channel confirmed (polling).
        self.confirmed: dict[str, set[str]] = {}
        self._clock, self._rng = clock, random.Random(seed)
        self._retries, self._backoff = retries, retry_backoff_s
        self._lock = threading.Lock()
        self._server = _Server((host, port), _Handler)
        self._server.marketplace = self
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
        self._http = httpx.Client(timeout=10.0)
        self._orders = itertools.count(1)

    # -- life --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Where the fake listens."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def base_url(self, code: str) -> str:
        """A channel's ``base_url`` for Facet's channels file."""
        return f"{self.url}/{code}"

    def start(self) -> FakeMarketplace:
        """Start serving (a thread)."""
        thread = threading.Thread(
            target=self._server.serve_forever, name="fake-marketplace", daemon=True
        )
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and trickling."""
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._http.close()

    # -- misbehaving -------------------------------------------------------------------
    def down_for(self, seconds: float) -> None:
        """Answer every request 503 for ``seconds`` from now."""
        self.behaviour.down_until = self._clock() + seconds

    def fail_next_pushes(self, count: int) -> None:
        """Answer the next ``count`` stock pushes 500."""
        with self._lock:
            self.behaviour.fail_pushes = count

    # -- orders out --------------------------------------------------------------------
    def send(self, code: str, messages: Sequence[ChannelOrderMessage]) -> list[Sent]:
        """Send one webhook with ``messages`` (``duplicates`` times), retrying 5xx and no
        answer; what Facet answered to each."""
        channel = self.channels[code]
        behaviour = self.behaviour
        secret = channel.config.secret + ("-wrong" if behaviour.wrong_signature else "")
        if behaviour.delay_s:
            time.sleep(behaviour.delay_s)
        headers, body = encoder_for(channel.config.type)(
            channel.config, messages, now_s=self._clock(), secret=secret
        )
        return [
            self._deliver(channel.webhook_url, headers, body)
            for _ in range(max(1, behaviour.duplicates))
        ]

    def _deliver(self, url: str, headers: dict[str, str], body: bytes) -> Sent:
        for attempt in range(self._retries + 1):
            try:
                answer = self._http.post(url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                _log.info("fake marketplace: %s did not answer: %s", url, exc)
                status, value = 0, None
            else:
                status = answer.status_code
                try:
                    value = answer.json()
                except ValueError:
                    value = answer.text
            if status and status < 500:
                return Sent(status, value)
            if attempt < self._retries and not self._stopped.wait(self._backoff * 2**attempt):
                continue
            break
        return Sent(status, value)

    def order(
        self, code: str, order_id: str, lines: Sequence[tuple[str, int]], *, paid: bool = False
    ) -> list[Sent]:
        """An order created (and paid: both in one webhook) on the channel."""
        created = ChannelOrderMessage.model_validate(
            {
                "kind": "created",
                "message_key": f"{order_id}:created",
                "external_order_id": order_id,
                "lines": [{"external_sku": sku, "quantity": qty} for sku, qty in lines],
            }
        )
        messages = [created]
        if paid:
            messages.append(
                created.model_copy(update={"kind": "paid", "message_key": f"{order_id}:paid"})
            )
        return self.send(code, messages)

    def cancel(self, code: str, order_id: str) -> list[Sent]:
        """An order cancelled on the channel."""
        return self.send(code, [sample_message("cancelled", order_id, sku="-")])

    def queue_for_poll(self, code: str, messages: Sequence[ChannelOrderMessage]) -> None:
        """Messages a channel serves to polling: a generic one at ``GET /orders``, a taobao
        one through ``taobao.tmc.messages.consume`` (as TMC messages)."""
        config = self.channels[code].config
        with self._lock:
            if config.type == "taobao":
                self._polled[code].extend(taobao.tmc_items(config, messages, now_s=self._clock()))
            else:
                self._polled[code].extend(
                    m.model_dump(mode="json", exclude_none=True) for m in messages
                )

    # -- stock in ----------------------------------------------------------------------
    def levels(self, code: str) -> dict[str, int]:
        """The last level pushed per channel SKU id."""
        with self._lock:
            return {p.external_sku: p.quantity for p in self.pushes if p.channel == code}

    def wait_for(self, condition: Callable[[], bool], timeout_s: float = 10.0) -> bool:
        """Whether ``condition`` became true within ``timeout_s`` (checked every 20 ms)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.02)
        return condition()

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        """Answer one request to the fake (the HTTP handler's work)."""
        parts = urlsplit(path)
        code, _, rest = parts.path.lstrip("/").partition("/")
        channel = self.channels.get(code)
        if channel is None:
            return 404, {"error": f"no channel {code}"}
        if self._clock() < self.behaviour.down_until:
            return 503, {"error": "down"}
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if method == "GET" and rest == "orders":
            return self._orders_page(channel, parts.query, headers, query)
        if method != "POST":
            return 405, {"error": "method"}
        with self._lock:
            failing = self.behaviour.fail_pushes > 0
            self.behaviour.fail_pushes -= 1 if failing else 0
        if failing:
            return 500, {"error": "failing on purpose"}
        if self.behaviour.push_delay_s:
            time.sleep(self.behaviour.push_delay_s)
        try:
            status, answer, levels = self._stock(channel, rest, headers, query, body)
        except (SignatureInvalid, ValueError, KeyError) as exc:
            return 400, {"error": str(exc)}
        at = self._clock()
        with self._lock:
            self.pushes.extend(Push(code, lv.external_sku, lv.quantity, at) for lv in levels)
        return status, answer

    def _orders_page(
        self, channel: FakeChannel, raw_query: str, headers: dict[str, str], query: dict[str, str]
    ) -> tuple[int, Any]:
        try:
            generic.verify_signed(
                headers,
                raw_query.encode(),
                secret=channel.config.secret,
                now_s=self._clock(),
                window_s=300,
            )
        except SignatureInvalid as exc:
            return 401, {"error": str(exc)}
        start = int(query.get("cursor") or 0)
        with self._lock:
            page = self._polled[channel.config.code][start : start + 100]
        return 200, {"messages": page, "cursor": str(start + len(page))}

    def _stock(
        self,
        channel: FakeChannel,
        rest: str,
        headers: dict[str, str],
        query: dict[str, str],
        body: bytes,
    ) -> tuple[int, Any, list[StockLevel]]:
        secret, kind = channel.config.secret, channel.config.type
        if kind == "generic" and rest == "stock":
            generic.verify_signed(headers, body, secret=secret, now_s=self._clock(), window_s=300)
            levels = [StockLevel.model_validate(x) for x in json.loads(body)["levels"]]
            return 200, {"accepted": len(levels)}, levels
        if kind == "taobao" and rest == "router/rest":
            form = dict(parse_qsl(body.decode()))
            given = form.pop("sign", "")
            if taobao.top_sign(secret, form, method=form.get("sign_method", "md5")) != given:
                return 200, {"error_response": {"code": 25, "msg": "Invalid signature"}}, []
            if form["method"].startswith("taobao.tmc.messages."):
                return 200, self._tmc(channel.config.code, form), []
            name = form["method"].removeprefix("taobao.").replace(".", "_") + "_response"
            return 200, {name: {"item": {"num_iid": form["num_iid"]}}}, taobao.read_stock_call(form)
        if kind == "jd" and rest == "routerjson":
            form = dict(parse_qsl(body.decode()))
            if jd.jos_sign(secret, {k: v for k, v in form.items() if k != "sign"}) != form.get(
                "sign"
            ):
                return 200, {"error_response": {"code": "19", "en_desc": "Invalid signature"}}, []
            answer = {
                "jingdong_stock_write_updateSkuStock_responce": {"code": "0", "success": True}
            }
            return 200, answer, jd.read_stock_call(form)
        if kind == "douyin" and rest == "sku/syncStock":
            params = {k: query.get(k, "") for k in ("app_key", "method", "v", "timestamp")}
            if douyin.api_sign(secret, {**params, "param_json": body.decode()}) != query.get(
                "sign"
            ):
                return 200, {"code": 40004, "msg": "invalid sign"}, []
            return 200, {"code": douyin.OK, "msg": "success"}, douyin.read_stock_call(body)
        return 404, {"error": f"{kind} has no {rest}"}, []

    def _tmc(self, code: str, form: dict[str, str]) -> dict[str, Any]:
        """TMC pulled: consume hands each queued message out once; confirm records ids."""
        with self._lock:
            if form["method"] == "taobao.tmc.messages.confirm":
                self.confirmed.setdefault(code, set()).update(form["s_message_ids"].split(","))
                return {"tmc_messages_confirm_response": {"is_success": True}}
            start = self._handed.get(code, 0)
            page = self._polled[code][start : start + int(form.get("quantity", "100"))]
            self._handed[code] = start + len(page)
        return {"tmc_messages_consume_response": {"messages": {"tmc_message": page}}}

    # -- the demo's trickle ------------------------------------------------------------
    def start_trickle(self, orders_per_minute: float) -> None:
        """Send random orders (1 piece of a listed SKU) to random channels; some cancelled."""
        if orders_per_minute <= 0:
            return
        thread = threading.Thread(
            target=self._trickle,
            args=(60.0 / orders_per_minute,),
            name="fake-marketplace-orders",
            daemon=True,
        )
        thread.start()
        self._threads.append(thread)

    def _trickle(self, every_s: float) -> None:
        placed: list[tuple[str, str]] = []
        while not self._stopped.wait(self._rng.expovariate(1.0 / every_s)):
            try:
                self._one_order(placed)
            except Exception:  # the demo keeps trickling whatever one send did
                _log.exception("fake marketplace: an order could not be sent")

    def _one_order(self, placed: list[tuple[str, str]]) -> None:
        selling = [c for c in self.channels.values() if c.skus]
        if not selling:
            return
        if placed and self._rng.random() < 0.1:
            code, order_id = placed.pop(self._rng.randrange(len(placed)))
            self.cancel(code, order_id)
            return
        channel = self._rng.choice(selling)
        code = channel.config.code
        order_id = f"{code.upper()}-{int(self._clock())}-{next(self._orders)}"
        if self._rng.random() < self.behaviour.cancel_before_create:
            self.cancel(code, order_id)
        self.order(code, order_id, [(self._rng.choice(channel.skus), 1)], paid=True)
        placed.append((code, order_id))
        del placed[:-50]


def start_demo_marketplace(document: ChannelsFile, *, port: int) -> Callable[[], None]:
    """Start the channels file's ``fake_marketplace`` (demo only) sending orders to this app
    at ``port``; returns its stop."""
    settings = document.fake_marketplace
    assert settings is not None
    base = (settings.webhook_base or f"http://127.0.0.1:{port}").rstrip("/")
    codes = set(settings.channels) or {c.code for c in document.channels}
    channels = [
        FakeChannel(
            config=c,
            webhook_url=f"{base}/api/channels/{c.code}/webhook",
            skus=sorted(document.listings.get(c.code, {})),
        )
        for c in document.channels
        if c.code in codes
    ]
    try:
        fake = FakeMarketplace(channels, port=settings.port, seed=settings.seed).start()
    except OSError as exc:  # the port is taken: the app runs on, without the demo's orders
        _log.warning("fake marketplace not started on port %d: %s", settings.port, exc)
        return lambda: None
    fake.start_trickle(settings.orders_per_minute)
    _log.info("fake marketplace at %s plays %s", fake.url, ", ".join(sorted(codes)))
    return fake.stop
