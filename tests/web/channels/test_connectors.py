"""Each connector reads what its channel sends and signs what it pushes: round trips through
the fake marketplace over real HTTP, and the channels file's checks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.channels.schemas import ChannelOrderMessage, StockLevel
from web.integrations.channels._wire import ChannelRefused
from web.integrations.channels.base import ChannelConfig, ChannelUnavailable, SignatureInvalid
from web.integrations.channels.fake_marketplace import FakeChannel, FakeMarketplace
from web.integrations.channels.registry import (
    KINDS,
    ChannelsFileError,
    build_connector,
    encoder_for,
    load_channels_document,
)

SECRET = "s3cret-of-the-channel"
SKUS = {"generic": "WS-1", "taobao": "6001:5001", "jd": "100012", "douyin": "3555"}


def _config(kind: str, base_url: str | None = None) -> ChannelConfig:
    return ChannelConfig(
        code=f"c-{kind}", type=kind, app_key=f"key-{kind}", secret=SECRET, base_url=base_url
    )


def _created(kind: str) -> ChannelOrderMessage:
    return ChannelOrderMessage.model_validate(
        {
            "kind": "created",
            "message_key": "m-1",
            "external_order_id": "O-1",
            "customer_name": "Li Wei",
            "lines": [{"external_sku": SKUS[kind], "quantity": 2, "unit_price": 12.5}],
        }
    )


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_webhook_verifies_and_reads_back_what_was_sent(kind: str) -> None:
    connector = build_connector(_config(kind))
    now = time.time()
    headers, body = encoder_for(kind)(connector.config, [_created(kind)], now_s=now)
    connector.verify(_headers(headers), body, now_s=now + 5)
    messages = connector.parse(_headers(headers), body)
    created = [m for m in messages if m.kind == "created"]
    assert len(created) == 1
    assert created[0].external_order_id == "O-1"
    assert [(x.external_sku, x.quantity, x.unit_price) for x in created[0].lines] == [
        (SKUS[kind], 2, 12.5)
    ]
    again = connector.parse(_headers(headers), body)
    assert [m.message_key for m in again] == [m.message_key for m in messages]  # stable keys


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_wrong_secret_an_altered_body_or_an_old_timestamp_is_refused(kind: str) -> None:
    connector = build_connector(_config(kind))
    now = time.time()
    encode = encoder_for(kind)
    headers, body = encode(connector.config, [_created(kind)], now_s=now, secret="not-it")
    with pytest.raises(SignatureInvalid):
        connector.verify(_headers(headers), body, now_s=now)
    headers, body = encode(connector.config, [_created(kind)], now_s=now)
    with pytest.raises(SignatureInvalid):
        connector.verify(_headers(headers), body.replace(b"O-1", b"O-2"), now_s=now)
    with pytest.raises(SignatureInvalid):
        connector.verify(_headers(headers), body, now_s=now + 301)
    with pytest.raises(SignatureInvalid):
        connector.verify({}, body, now_s=now)


@pytest.mark.parametrize("kind", ["taobao", "jd", "douyin"])
def test_messages_of_other_topics_are_dropped_and_cancel_and_refund_are_read(kind: str) -> None:
    connector = build_connector(_config(kind))
    now = time.time()
    cancel = ChannelOrderMessage(kind="cancelled", message_key="c-1", external_order_id="O-1")
    refund = ChannelOrderMessage(
        kind="refunded", message_key="r-1", external_order_id="O-1", refund_ref="RF-9"
    )
    headers, body = encoder_for(kind)(connector.config, [cancel, refund], now_s=now)
    read = connector.parse(_headers(headers), body)
    assert [(m.kind, m.external_order_id) for m in read] == [
        ("cancelled", "O-1"),
        ("refunded", "O-1"),
    ]
    assert read[1].refund_ref == "RF-9"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeMarketplace]:
    channels = [
        FakeChannel(config=_config(kind), webhook_url="http://127.0.0.1:9/none") for kind in KINDS
    ]
    marketplace = FakeMarketplace(channels, retries=0).start()
    yield marketplace
    marketplace.stop()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_stock_pushes_reach_the_marketplace_in_its_shape(fake: FakeMarketplace, kind: str) -> None:
    code = f"c-{kind}"
    connector = build_connector(_config(kind, fake.base_url(code)))
    connector.push_stock([StockLevel(external_sku=SKUS[kind], quantity=3)])
    assert fake.levels(code)[SKUS[kind]] == 3
    wrong = build_connector(
        _config(kind, fake.base_url(code)).model_copy(update={"secret": "not-it"})
    )
    with pytest.raises(ChannelRefused):
        wrong.push_stock([StockLevel(external_sku=SKUS[kind], quantity=1)])
    assert fake.levels(code)[SKUS[kind]] == 3


def test_a_failing_or_down_marketplace_makes_pushes_unavailable(fake: FakeMarketplace) -> None:
    connector = build_connector(_config("generic", fake.base_url("c-generic")))
    level = [StockLevel(external_sku="WS-9", quantity=1)]
    fake.fail_next_pushes(1)
    with pytest.raises(ChannelUnavailable):
        connector.push_stock(level)
    connector.push_stock(level)
    fake.down_for(0.3)
    with pytest.raises(ChannelUnavailable):
        connector.push_stock(level)
    assert fake.wait_for(lambda: time.time() > fake.behaviour.down_until, 2)
    connector.push_stock([StockLevel(external_sku="WS-9", quantity=4)])
    assert fake.levels("c-generic")["WS-9"] == 4


def test_generic_polling_follows_the_cursor(fake: FakeMarketplace) -> None:
    connector = build_connector(_config("generic", fake.base_url("c-generic")))
    fake.queue_for_poll("c-generic", [_created("generic")])
    first = connector.poll(None)
    assert [m.external_order_id for m in first.messages] == ["O-1"]
    assert connector.poll(first.cursor).messages == []


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "channels.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("channels:\n  - {code: a, type: ebay, secret: x}\n", "valid types are douyin, generic"),
        (
            "channels:\n  - {code: a, type: jd, secret: x}\n  - {code: a, type: jd, secret: y}\n",
            "appears twice",
        ),
        ("channels:\n  - {code: a, type: jd, secret: x, colour: red}\n", "colour"),
        (
            "channels:\n  - {code: a, type: jd, secret_env: FACET_TEST_NO_SUCH}\n",
            "FACET_TEST_NO_SUCH",
        ),
        ("channels:\n  - {code: a, type: jd}\n", "no secret"),
        (
            "channels:\n  - {code: a, type: jd, secret: x, poll_every_s: 5, base_url: 'http://x'}\n",
            "generic and taobao channels only",
        ),
        ("channels: []\nlistings: {b: {X: Y}}\n", "'b' is not a channel"),
        ("- just a list\n", "mapping"),
    ],
)
def test_the_channels_file_refuses_what_it_cannot_use(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ChannelsFileError, match=says):
        load_channels_document(_write(tmp_path, text), environ={})


def test_the_channels_file_reads_secrets_from_the_environment(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "channels:\n  - {code: shop, type: generic, secret_env: SHOP_KEY}\n"
        "listings:\n  shop: {WS-1: SKU-1}\n",
    )
    document = load_channels_document(path, environ={"SHOP_KEY": "from-env"})
    assert document.channels[0].secret == "from-env"
    assert document.channels[0].name == "shop"
    assert document.listings == {"shop": {"WS-1": "SKU-1"}}


def test_taobao_polling_consumes_tmc_messages_and_confirms_them_next_time(
    fake: FakeMarketplace,
) -> None:
    connector = build_connector(_config("taobao", fake.base_url("c-taobao")))
    fake.queue_for_poll("c-taobao", [_created("taobao")])
    first = connector.poll(None)
    assert [(m.kind, m.external_order_id) for m in first.messages] == [("created", "O-1")]
    assert first.messages[0].lines[0].external_sku == SKUS["taobao"]
    assert first.cursor and "c-taobao" not in fake.confirmed
    second = connector.poll(first.cursor)
    assert second.messages == [] and second.cursor is None
    assert fake.confirmed["c-taobao"] == set(first.cursor.split(","))
