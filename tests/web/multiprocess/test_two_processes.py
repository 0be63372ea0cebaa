"""Issue 15, done when: two `facet serve` processes on PostgreSQL, per transport (PostgreSQL,
Redis, NATS), see each other's events on ``/ws/events`` once each, share chat follow-ups (kept
in the shared database, so checked on one transport), and lose no committed event when a
process is killed mid-stream or dies before its relay sends.

The issue's "within 1 s" is measured by ``bench/events.py``; here events must arrive within a
generous timeout (tests never assert timing).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from core import Database
from core.locations.models import Location
from core.lots.models import Lot, Serial
from core.orders import create_order
from core.orders.schemas import OrderCreate, OrderLineIn
from core.people.service import system_actor
from tests.web.multiprocess.harness import AUDIT_KEY, Cluster, EventSocket
from web.extras import installed

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ARRIVAL_TIMEOUT_S = 5.0  # the issue asks for 1 s; the bench measures the real lag
REPLAY_TIMEOUT_S = 30.0  # a killed process's events come back through another's relay
CHAT_TIMEOUT_S = 300.0  # a cold server fits or loads the chat's models on its first question


def _open_line(picker: httpx.Client) -> dict[str, Any]:
    """The first open line of the picker's open pick list (the demo leaves one)."""
    lists = picker.get("/api/picklists", params={"status": "open", "picker": "picker"})
    lists.raise_for_status()
    lines = [line for pl in lists.json()["items"] for line in pl["lines"]
             if line["status"] == "open"]
    assert lines, "the small demo should leave an open pick list for `picker`"
    return dict(lines[0])


def _serial_for(db_url: str, line: dict[str, Any]) -> str:
    """A piece of the line's lot in the line's bin (no API lists a bin's serials)."""
    db = Database(db_url)
    try:
        with db.read() as session:
            code = session.scalar(
                select(Serial.code)
                .join(Location, Location.id == Serial.location_id)
                .join(Lot, Lot.id == Serial.lot_id)
                .where(Location.code == line["from_location"], Lot.code == line["lot"])
                .order_by(Serial.code)
                .limit(1)
            )
    finally:
        db.dispose()
    assert code, f"no piece of {line['lot']} in {line['from_location']}"
    return str(code)


def _order(client: httpx.Client, channel: str, n: int, sku: str) -> int:
    """Create one order on ``client``'s server; its id."""
    answer = client.post("/api/orders", json={
        "channel": channel, "external_id": f"{channel}-{n}", "customer_name": "Two processes",
        "lines": [{"sku": sku, "quantity": 1}]})
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _a_sku(client: httpx.Client) -> str:
    """A SKU code of the demo."""
    answer = client.get("/api/skus", params={"limit": 1})
    answer.raise_for_status()
    return str(answer.json()["items"][0]["code"])


def _order_ids(events: list[dict[str, Any]]) -> Counter[int]:
    """How many times each order's OrderCreated arrived."""
    return Counter(e["order_id"] for e in events if e["event"] == "OrderCreated")


def _no_repeats(events: list[dict[str, Any]]) -> None:
    """Every event id arrived once."""
    repeated = {k: n for k, n in Counter(e["id"] for e in events if "id" in e).items() if n > 1}
    assert not repeated, f"events delivered more than once: {repeated}"


def test_a_pick_on_a_reaches_b(servers: Cluster, b_events: EventSocket) -> None:
    with servers["a"].client("picker") as picker, servers["a"].client("manager") as manager:
        line = _open_line(picker)
        location = manager.get(f"/api/locations/{line['from_location']}").json()
        answer = picker.post(f"/api/picks/{line['id']}/confirm", json={
            "quantity": 1, "serials": [_serial_for(servers.db_url, line)],
            "check_digits": location["check_digits"]})
    assert answer.status_code == 200, answer.text

    def picked(events: list[dict[str, Any]]) -> bool:
        return any(e["event"] == "PickConfirmed" and e["line_id"] == line["id"] for e in events)

    events = b_events.wait_for(picked, ARRIVAL_TIMEOUT_S)
    assert picked(events), f"B never saw the pick confirmed on A: {events}"
    moved = [e for e in events if e["event"] == "StockMoved"]
    assert moved, "the pick's stock move should reach B too"
    _no_repeats(events)


@pytest.mark.skipif(not installed("assistant"), reason="needs facet[assistant] (the chat)")
# Conversations are kept in the shared database whatever carries the events: one transport
# is enough (each run starts two cold servers that load the chat's models).
@pytest.mark.parametrize("servers", ["postgresql"], indirect=True)
def test_a_chat_follow_up_on_b_continues_a_conversation_from_a(servers: Cluster) -> None:
    with servers["a"].client("manager") as on_a, servers["b"].client("manager") as on_b:
        # A cold server's first chat question loads the sentence model and the fitted intent
        # and close-call models (fitting them when no other process has cached them yet:
        # minutes on a busy 2-core machine), so these two calls may wait longer than the rest.
        first = on_a.post("/api/assistant/chat", timeout=CHAT_TIMEOUT_S,
                          json={"text": "how many 18K gold rings in size 7"})
        assert first.status_code == 200, first.text
        asked = first.json()
        assert asked["intent"] == "count_stock" and asked["error"] is None, asked
        follow = on_b.post("/api/assistant/chat", timeout=CHAT_TIMEOUT_S, json={
            "text": "and in size 8?", "conversation_id": asked["conversation_id"]})
    assert follow.status_code == 200, follow.text
    answer = follow.json()
    assert answer["error"] is None, answer
    assert answer["intent"] == "count_stock"
    assert answer["slots"] == {**asked["slots"], "size": "8"}
    assert answer["conversation_id"] == asked["conversation_id"]


def test_no_event_is_delivered_twice(servers: Cluster, b_events: EventSocket) -> None:
    """Half the writes on A, half on B: B's own events come back through the transport too."""
    channel, burst = f"dup-{uuid.uuid4().hex[:8]}", 30
    with servers["a"].client("manager") as on_a, servers["b"].client("manager") as on_b:
        sku = _a_sku(on_a)
        ids = {_order(on_a if n % 2 else on_b, channel, n, sku) for n in range(burst)}

    def all_arrived(events: list[dict[str, Any]]) -> bool:
        return ids <= set(_order_ids(events))

    events = b_events.wait_for(all_arrived, ARRIVAL_TIMEOUT_S)
    assert all_arrived(events), f"missing on B: {ids - set(_order_ids(events))}"
    # Repeats would come after the first copies: give them a moment, then count.
    events = b_events.wait_for(lambda _: False, 1.5)
    counts = _order_ids(events)
    assert all(counts[i] == 1 for i in ids), {i: counts[i] for i in ids if counts[i] != 1}
    _no_repeats(events)


def _write_until_killed(client: httpx.Client, channel: str, sku: str,
                        acknowledged: list[int], stop: threading.Event) -> None:
    """Create orders one after another until the server dies (or ``stop``)."""
    n = 0
    while not stop.is_set():
        try:
            answer = client.post("/api/orders", json={
                "channel": channel, "external_id": f"{channel}-{n}",
                "customer_name": "Killed mid-stream", "lines": [{"sku": sku, "quantity": 1}]})
        except httpx.HTTPError:
            return
        if answer.status_code == 201:
            acknowledged.append(int(answer.json()["id"]))
        n += 1


def test_killing_a_process_mid_stream_loses_no_committed_event(
    servers: Cluster, b_events: EventSocket
) -> None:
    """kill -9 a process that is committing writes: B still gets every committed event."""
    (doomed,) = servers.spawn(f"c{uuid.uuid4().hex[:6]}")
    channel, stop = f"kill-{uuid.uuid4().hex[:8]}", threading.Event()
    acknowledged: list[int] = []
    with doomed.client("manager") as writer, servers["b"].client("manager") as reader:
        sku = _a_sku(reader)
        thread = threading.Thread(target=_write_until_killed,
                                  args=(writer, channel, sku, acknowledged, stop))
        thread.start()
        try:
            b_events.wait_for(lambda _: len(acknowledged) >= 10, 60)
            doomed.kill()  # SIGKILL to its process group, writes in flight
        finally:
            stop.set()
            thread.join(30)
        assert len(acknowledged) >= 10, f"the writer got too few answers:\n{doomed.log_tail()}"
        listed = reader.get("/api/orders", params={"channel": channel, "limit": 500})
        listed.raise_for_status()
    committed = {int(o["id"]) for o in listed.json()["items"]}
    assert set(acknowledged) <= committed

    def all_arrived(events: list[dict[str, Any]]) -> bool:
        return committed <= set(_order_ids(events))

    events = b_events.wait_for(all_arrived, REPLAY_TIMEOUT_S)
    missing = committed - set(_order_ids(events))
    assert not missing, f"{len(missing)} of {len(committed)} committed events never reached B"
    _no_repeats(events)


def test_events_a_dead_process_never_relayed_are_replayed(
    servers: Cluster, b_events: EventSocket
) -> None:
    """Commits whose process died before its relay sent them: the others' relays send them.

    The kill above may or may not catch rows between commit and send; this process commits
    with an outbox and no relay at all, which is that moment made certain.
    """
    channel, burst = f"orphan-{uuid.uuid4().hex[:8]}", 5
    with servers["b"].client("manager") as reader:
        sku = _a_sku(reader)
    db = Database(servers.db_url, outbox=True, audit_key=AUDIT_KEY.encode())
    try:
        ids: set[int] = set()
        for n in range(burst):
            with db.write() as session:
                order, _ = create_order(session, actor=system_actor(session), data=OrderCreate(
                    channel=channel, external_id=f"{channel}-{n}", customer_name="Orphaned",
                    lines=[OrderLineIn(sku=sku, quantity=1)]))
                ids.add(order.id)
    finally:
        db.dispose()

    def all_arrived(events: list[dict[str, Any]]) -> bool:
        return ids <= set(_order_ids(events))

    events = b_events.wait_for(all_arrived, REPLAY_TIMEOUT_S)
    assert all_arrived(events), f"never relayed: {ids - set(_order_ids(events))}"
    _no_repeats(events)
