"""Shared state: JSON values under (namespace, key), upserted, expiring, seen by every process."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from core import Database
from core.clock import use_clock
from core.errors import ValidationFailed
from core.state import SharedState, get, items, prune, put, put_many

T0 = datetime(2026, 12, 3, 9, tzinfo=UTC)


def test_values_round_trip_through_json(db: Database) -> None:
    value = {"intent": "count_stock", "slots": {"size": "8"}, "n": [1, 2.5, None, True]}
    with db.write() as session:
        put(session, namespace="chat", key="1:c", value=value)
    with db.read() as session:
        assert get(session, namespace="chat", key="1:c") == value
        assert get(session, namespace="chat", key="other") is None
        assert get(session, namespace="twin.pickers", key="1:c") is None  # namespaces apart


def test_a_put_replaces_the_value_and_its_expiry(db: Database) -> None:
    with use_clock(lambda: T0), db.write() as session:
        put(session, namespace="n", key="k", value=1, ttl_s=60)
        put(session, namespace="n", key="k", value=2)  # no expiry any more
    with use_clock(lambda: T0 + timedelta(days=9)), db.read() as session:
        assert get(session, namespace="n", key="k") == 2


def test_expired_values_read_as_absent_and_are_pruned(db: Database) -> None:
    with use_clock(lambda: T0), db.write() as session:
        put_many(session, namespace="n", values={"a": "short", "b": "long"}, ttl_s=60)
        put(session, namespace="n", key="b", value="long", ttl_s=3600)
        put(session, namespace="n", key="c", value="forever")
    later = T0 + timedelta(minutes=5)
    with use_clock(lambda: later), db.read() as session:
        assert get(session, namespace="n", key="a") is None
        assert items(session, namespace="n") == {"b": "long", "c": "forever"}
    with use_clock(lambda: later), db.write() as session:
        assert prune(session) == 1
    with use_clock(lambda: T0), db.read() as session:  # the row itself is gone
        assert items(session, namespace="n") == {"b": "long", "c": "forever"}


def test_delete_says_whether_there_was_a_value(db: Database) -> None:
    state = SharedState(db, "n")
    state.put("k", {"x": 1})
    assert state.delete("k") is True
    assert state.delete("k") is False
    assert state.get("k") is None


def test_two_processes_share_one_state(db_url: str) -> None:
    """Two Database objects on one URL stand for two workers."""
    one, two = Database(db_url), Database(db_url)
    try:
        SharedState(one, "chat", ttl_s=600).put("7:abc", {"intent": "count_stock"})
        assert SharedState(two, "chat").get("7:abc") == {"intent": "count_stock"}
        assert SharedState(two, "chat").items() == {"7:abc": {"intent": "count_stock"}}
    finally:
        one.dispose()
        two.dispose()


def test_concurrent_writers_of_one_key_never_collide(db: Database) -> None:
    """Upserts: eight threads writing the same key all succeed; one of their values stays."""
    state, barrier, errors = SharedState(db, "n"), threading.Barrier(8), []

    def write(n: int) -> None:
        barrier.wait()
        try:
            for _ in range(5):
                state.put("k", n)
        except Exception as exc:  # collected: a failed upsert is what the test looks for
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert state.get("k") in range(8)


def test_names_the_columns_cannot_hold_are_refused(db: Database) -> None:
    with pytest.raises(ValidationFailed) as refused:
        SharedState(db, "n").put("k" * 256, 1)
    assert refused.value.code == "state-name-length"
    with pytest.raises(ValidationFailed):
        SharedState(db, "")
