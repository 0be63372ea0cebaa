"""POST /api/channels/{code}/webhook on the real app (SQLite and PostgreSQL): signatures, what
is stored, what is answered; the channels file's registration; `facet channels check`."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from core import CoreSettings, Database
from core.channels import list_listings, list_messages
from core.channels.models import ChannelMessage
from core.channels.schemas import ChannelOrderMessage
from tests.builders import Builder
from tests.core.orders.support import stock_lot
from tests.http import error_code
from web.app import Settings, create_app
from web.cli.main import app as cli
from web.integrations.channels import generic, taobao
from web.integrations.channels.base import ChannelConfig
from web.integrations.channels.registry import (
    load_channels_document,
    load_channels_file,
    register_channels,
)
from web.settings import WebSettings

SECRET = "webhook-test-secret-42"
FILE = {
    "channels": [
        {"code": "shop", "type": "generic", "secret": SECRET},
        {"code": "tmall", "type": "taobao", "secret": SECRET, "app_key": "tm-key"},
    ],
    "listings": {"tmall": {"6001:5001": "RING-1", "6009:5009": "NO-SUCH-SKU"}},
}
LIMIT = 4096


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url_module(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> str:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("webhook") / "facet.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="module")
def served(
    db_url_module: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Database]]:
    db = Database(db_url_module)
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1", serialised=False)
        stock_lot(
            session, b.actor, sku="RING-1", lot="L-R", qty=6, location=bins[0], serialised=False
        )
    path = tmp_path_factory.mktemp("file") / "channels.yaml"
    path.write_text(yaml.safe_dump(FILE))
    settings = Settings(
        core=CoreSettings(database_url=db_url_module, secret_key="wh-key-" * 6),
        web=WebSettings(channels_file=path, max_body_bytes=LIMIT),
    )
    with TestClient(create_app(settings)) as client:
        yield client, db
    db.dispose()


def _message(order: str, kind: str = "created", sku: str = "RING-1") -> ChannelOrderMessage:
    lines = [{"external_sku": sku, "quantity": 1}] if kind == "created" else []
    return ChannelOrderMessage.model_validate(
        {"kind": kind, "message_key": f"{order}:{kind}", "external_order_id": order, "lines": lines}
    )


def _post(client: TestClient, code: str, headers: dict[str, str], body: bytes) -> object:
    return client.post(f"/api/channels/{code}/webhook", content=body, headers=headers)


def _generic(
    *messages: ChannelOrderMessage, secret: str = SECRET, now: float | None = None
) -> tuple[dict[str, str], bytes]:
    config = ChannelConfig(code="shop", type="generic", secret=SECRET)
    return generic.encode_webhook(config, messages, now_s=now or time.time(), secret=secret)


def _stored(db: Database, code: str, order: str) -> int:
    with db.read() as session:
        return list_messages(session, channel=code, search=order)[1]


def test_a_signed_order_is_stored_applied_and_answered(served: tuple[TestClient, Database]) -> None:
    client, db = served
    headers, body = _generic(_message("W-1"))
    answer = client.post("/api/channels/shop/webhook", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["received"] == 1 and answer.json()["new"] == 1
    (one,) = answer.json()["messages"]
    assert (one["status"], one["outcome"], one["new"]) == ("done", "created", True)
    assert one["order_id"] is not None
    again = client.post("/api/channels/shop/webhook", content=body, headers=headers)
    assert again.status_code == 200
    assert again.json()["new"] == 0 and again.json()["messages"][0]["new"] is False
    assert _stored(db, "shop", "W-1") == 1


def test_a_failed_message_stays_stored_beside_one_applied_in_the_same_delivery(
    served: tuple[TestClient, Database],
) -> None:
    client, db = served
    headers, body = _generic(_message("W-7"), _message("W-8", sku="NOT-LISTED"))
    answer = client.post("/api/channels/shop/webhook", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    good, bad = answer.json()["messages"]
    assert (good["status"], good["outcome"]) == ("done", "created")
    assert (bad["status"], bad["error_code"], bad["order_id"]) == ("pending", "unmapped-sku", None)
    assert _stored(db, "shop", "W-8") == 1  # kept for its retry, with what went wrong
    with db.read() as session:
        (row,) = list_messages(session, channel="shop", search="W-8")[0]
    assert (row.attempts, row.error_code) == (1, "unmapped-sku")
    with db.read() as session:  # the delivery's body is kept once, with its first message
        raws = session.scalars(
            select(ChannelMessage.raw)
            .where(ChannelMessage.external_order_id.in_(["W-7", "W-8"]))
            .order_by(ChannelMessage.id)
        ).all()
    assert raws == [body.decode(), ""]


@pytest.mark.parametrize("case", ["wrong secret", "old", "no headers", "altered"])
def test_a_bad_signature_is_401_and_nothing_is_stored(
    served: tuple[TestClient, Database], case: str
) -> None:
    client, db = served
    order = f"W-BAD-{case.replace(' ', '-')}"
    headers, body = _generic(
        _message(order),
        secret="wrong" if case == "wrong secret" else SECRET,
        now=time.time() - 301 if case == "old" else None,
    )
    if case == "no headers":
        headers = {"Content-Type": "application/json"}
    if case == "altered":
        body = body.replace(b'"quantity":1', b'"quantity":2')
    answer = client.post("/api/channels/shop/webhook", content=body, headers=headers)
    assert answer.status_code == 401
    assert error_code(answer) == "bad-signature"
    assert _stored(db, "shop", order) == 0


def test_an_unknown_channel_is_404(served: tuple[TestClient, Database]) -> None:
    client, _ = served
    headers, body = _generic(_message("W-404"))
    answer = client.post("/api/channels/ebay/webhook", content=body, headers=headers)
    assert answer.status_code == 404
    assert error_code(answer) == "unknown-channel"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"kind": "shipped", "external_order_id": "X"}',
        b"[1, 2]",
        b'{"messages": {"a": 1}}',
        b'{"kind": "created", "external_order_id": "X", "lines": '
        b'[{"external_sku": "A", "quantity": -1}]}',
        b"[" * 1900 + b"]" * 1900,  # deeper than Python's JSON reader recurses
    ],
)
def test_a_signed_body_that_is_not_a_message_is_422(
    served: tuple[TestClient, Database], body: bytes
) -> None:
    client, _ = served
    headers = generic.signed_headers(SECRET, body, now_s=time.time())
    answer = client.post("/api/channels/shop/webhook", content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert error_code(answer) == "bad-channel-message"


def test_a_body_over_the_limit_is_413(served: tuple[TestClient, Database]) -> None:
    client, _ = served
    body = json.dumps({"messages": [], "pad": "x" * LIMIT}).encode()
    headers = generic.signed_headers(SECRET, body, now_s=time.time())
    answer = client.post("/api/channels/shop/webhook", content=body, headers=headers)
    assert answer.status_code == 413
    assert error_code(answer) == "body-too-large"


def test_taobao_messages_map_through_the_listing_and_other_topics_are_dropped(
    served: tuple[TestClient, Database],
) -> None:
    client, db = served
    config = ChannelConfig(code="tmall", type="taobao", secret=SECRET, app_key="tm-key")
    headers, body = taobao.encode_webhook(
        config, [_message("TM-1", sku="6001:5001")], now_s=time.time()
    )
    answer = client.post("/api/channels/tmall/webhook", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["messages"][0]["outcome"] == "created"
    shipped = json.dumps(
        {"id": 77, "topic": "taobao_trade_TradeSellerShip", "content": json.dumps({"tid": "TM-1"})}
    ).encode()
    params = {
        "app_key": "tm-key",
        "timestamp": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 8 * 3600)),
        "sign_method": "md5",
    }
    headers = {
        "X-Top-App-Key": "tm-key",
        "X-Top-Timestamp": params["timestamp"],
        "X-Top-Sign-Method": "md5",
        "X-Top-Sign": taobao.top_sign(SECRET, params, shipped),
    }
    answer = client.post("/api/channels/tmall/webhook", content=shipped, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"received": 0, "new": 0, "messages": []}


def test_registration_seeds_listings_once_and_skips_unknown_skus(
    served: tuple[TestClient, Database],
    tmp_path: Path,
) -> None:
    _, db = served
    with db.read() as session:
        items, total = list_listings(session, code="tmall")
    assert [(i.external_sku, i.sku) for i in items] == [("6001:5001", "RING-1")]
    path = tmp_path / "again.yaml"
    path.write_text(yaml.safe_dump({**FILE, "listings": {"tmall": {"7001": "RING-1"}}}))
    register_channels(db, load_channels_file(path), {"tmall": {"7001": "RING-1"}})
    with db.read() as session:
        assert list_listings(session, code="tmall")[1] == total  # a person's listings stay


def test_facet_channels_check(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(yaml.safe_dump(FILE))
    bad.write_text("channels:\n  - {code: a, type: ebay, secret: x}\n")
    result = CliRunner().invoke(cli, ["channels", "check", str(good)])
    assert result.exit_code == 0, result.output
    assert [c["code"] for c in json.loads(result.output)["channels"]] == ["shop", "tmall"]
    result = CliRunner().invoke(cli, ["channels", "check", str(bad)])
    assert result.exit_code == 2
    assert "valid types are douyin, generic, jd, taobao" in result.output


def test_the_demo_channels_file_lists_stocked_skus_and_loads(
    served: tuple[TestClient, Database], tmp_path: Path
) -> None:
    from core.demo.channels import demo_channels_document

    _, db = served
    with db.read() as session:
        document = demo_channels_document(session, fake_port=18799)
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(document))
    loaded = load_channels_document(path, environ={})
    assert [c.type for c in loaded.channels] == ["generic", "taobao", "jd", "douyin"]
    assert loaded.listings["tmall"] == {"600100:5001000": "RING-1"}
    assert loaded.fake_marketplace is not None and loaded.fake_marketplace.port == 18799


def test_a_long_webhook_is_stored_whole_and_its_tail_left_to_the_inbox_worker(
    served: tuple[TestClient, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    from web.api import channels as route

    client, db = served
    monkeypatch.setattr(route, "INLINE_LIMIT", 1)
    headers, body = _generic(_message("W-MANY-1"), _message("W-MANY-2"))
    answer = client.post("/api/channels/shop/webhook", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert [m["status"] for m in answer.json()["messages"]] == ["done", "pending"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with db.read() as session:
            (item,), _ = list_messages(session, channel="shop", search="W-MANY-2")
        if item.status != "pending":
            break
        time.sleep(0.2)
    assert item.status != "pending"  # the app's inbox worker applied it
