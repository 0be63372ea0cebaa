"""The Channels page's pure parts: a channel's health (in words, not colour only), times as
people read them in English and Chinese, the messages' and stock's rows, the listing form's
body, and what a reader sees against a writer (no retry, no forms)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from web.i18n import use_language
from web.pages.api import Auth
from web.pages.channels import ago, channel_rows, duration, health, layout
from web.pages.channels_detail import message_rows, stock_rows
from web.pages.channels_edit import listing_body

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _channel(**changes: Any) -> dict[str, Any]:
    channel = {
        "code": "tmall",
        "kind": "taobao",
        "name": "Tmall store",
        "active": True,
        "safety_buffer": 1,
        "share_pct": 50,
        "last_message_at": None,
        "last_push_at": None,
        "last_error": None,
        "last_error_at": None,
        "pending": 0,
        "dead": 0,
        "lag_s": 0.0,
        "stock_behind": 0,
    }
    return {**channel, **changes}


def test_health_names_the_worst_state_first() -> None:
    recent = (NOW - timedelta(minutes=5)).isoformat()
    old = (NOW - timedelta(hours=3)).isoformat()
    assert health(_channel(), NOW) == "ok"
    assert health(_channel(lag_s=90.0), NOW) == "lagging"
    assert health(_channel(last_error="push refused", last_error_at=recent), NOW) == "error"
    assert health(_channel(last_error="push refused", last_error_at=old), NOW) == "ok"
    assert health(_channel(dead=2, lag_s=90.0), NOW) == "dead"
    assert health(_channel(active=False, dead=2), NOW) == "paused"


def test_rows_say_the_health_in_words_and_times_relative() -> None:
    seen = (NOW - timedelta(minutes=3)).isoformat()
    with use_language("en"):
        [row] = channel_rows([_channel(dead=1, last_message_at=seen, lag_s=42.0)], NOW)
    assert row["health_key"] == "dead" and row["health"] == "● dead letters"
    assert row["last_message"] == "3 minutes ago" and row["last_push"] == "–"
    assert row["lag"] == "42 sec" and row["buffers"] == "−1 · 50%"
    with use_language("zh"):
        assert ago(seen, NOW) == "3分钟前"
        assert duration(3700) == "1小时"
        [row] = channel_rows([_channel()], NOW)
    assert "OK" not in row["health"] and row["active"] != "yes"


def test_only_dead_letters_get_a_retry_and_stock_says_what_is_behind() -> None:
    base = {
        "channel": "tmall",
        "message_key": "k",
        "kind": "created",
        "external_order_id": "TM-1",
        "attempts": 1,
        "received_at": NOW.isoformat(),
        "occurred_at": None,
        "next_attempt_at": None,
        "processed_at": None,
        "order_id": None,
    }
    messages = [
        {
            **base,
            "id": 1,
            "status": "dead",
            "outcome": None,
            "error_code": "unmapped-sku",
            "last_error": "No SKU for X-1.",
        },
        {
            **base,
            "id": 2,
            "status": "done",
            "outcome": "created",
            "error_code": None,
            "last_error": None,
        },
    ]
    with use_language("en"):
        dead, done = message_rows(messages)
        assert (dead["retry"], done["retry"]) == ("Retry", "")
        assert dead["status"] == "dead letter" and dead["error_code"] == "unmapped-sku"
        assert done["outcome"] == "order taken, stock reserved"
        told, untold = stock_rows(
            [
                {
                    "external_sku": "A",
                    "sku": "S1",
                    "on_hand": 5,
                    "reserved": 1,
                    "free": 4,
                    "available": 2,
                    "pushed_quantity": 2,
                    "pushed_at": NOW.isoformat(),
                },
                {
                    "external_sku": "B",
                    "sku": "S2",
                    "on_hand": 0,
                    "reserved": 0,
                    "free": 0,
                    "available": 0,
                    "pushed_quantity": None,
                    "pushed_at": None,
                },
            ]
        )
    assert told["behind"] == "" and untold["behind"] == "yes"
    assert untold["pushed_quantity"] == "–"


def test_a_listing_without_a_buffer_leaves_the_channels() -> None:
    assert listing_body(" X-1 ", "ST1-7", None) == {"external_sku": "X-1", "sku": "ST1-7"}
    assert listing_body("X-1", "ST1-7", 2) == {"external_sku": "X-1", "sku": "ST1-7", "buffer": 2}


def _ids(component: Any) -> dict[str, Any]:
    """Every component of a layout by id."""
    found: dict[str, Any] = {}
    stack = [component]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        if getattr(item, "id", None):
            found[item.id] = item
        children = getattr(item, "children", None)
        if children is not None and not isinstance(children, str):
            stack.append(children)
    return found


def test_a_reader_sees_no_retry_and_no_forms() -> None:
    with use_language("en"):
        reader = _ids(layout(Auth("t", "auditor", "finance_auditor")))
        writer = _ids(layout(Auth("t", "manager", "manager")))
    fields = [c["field"] for c in reader["chn-m-grid"].columnDefs]
    assert "retry" not in fields and "error_code" in fields
    assert "retry" in [c["field"] for c in writer["chn-m-grid"].columnDefs]
    assert reader["chn-buf-safety"].disabled and not writer["chn-buf-safety"].disabled
    for actions in ("chn-sku-form", "chn-buf-actions", "chn-stock-actions"):
        assert reader[actions].hidden and not writer[actions].hidden
    assert writer["chn-detail"].hidden  # until a channel is chosen
