"""The event bus: each event delivered once per process, handlers choosing local or remote."""

from __future__ import annotations

import json

import pytest

from core import Database
from core.events import (
    AvailabilityChanged,
    Event,
    EventBus,
    MovedLine,
    PickConfirmed,
    StockMoved,
    event_from_dict,
    record,
    savepoint,
    touch_skus,
)


def _pick() -> PickConfirmed:
    return PickConfirmed(pick_list_id=1, line_id=2, order_id=None, picker="anna",
                         location="A-01-1", sku="RG-1", quantity=1)


def test_an_event_is_delivered_once_whether_committed_here_or_received() -> None:
    bus, seen = EventBus(), []
    bus.subscribe(Event, seen.append)
    event = _pick()
    bus.publish(event)
    bus.receive(event)  # the same event coming back through the transport
    bus.receive(event)  # and replayed by a relay
    assert seen == [event]


def test_local_only_and_remote_only_handlers_see_their_origin_alone() -> None:
    bus = EventBus()
    local: list[Event] = []
    remote: list[Event] = []
    every: list[Event] = []
    bus.subscribe(Event, local.append, local_only=True)
    bus.subscribe(Event, remote.append, remote_only=True)
    bus.subscribe(Event, every.append)
    mine, theirs = _pick(), _pick()
    bus.publish(mine)
    bus.receive(theirs)
    assert (local, remote, every) == ([mine], [theirs], [mine, theirs])
    with pytest.raises(ValueError):
        bus.subscribe(Event, every.append, local_only=True, remote_only=True)


def test_an_event_survives_its_json_form() -> None:
    moved = StockMoved(document_id=7, document_kind="pick", actor="anna", moves=(
        MovedLine(1, "RG-1", "G-2311", "A-01-1", "PACK", 2, ("SN-1", "SN-2")),))
    assert event_from_dict(json.loads(json.dumps(moved.to_dict()))) == moved


def test_a_rolled_back_savepoint_forgets_its_events(db: Database) -> None:
    seen: list[Event] = []
    db.bus.subscribe(Event, seen.append)
    kept, undone = _pick(), _pick()
    with db.write() as session:
        record(session, kept)
        touch_skus(session, [1])
        with pytest.raises(RuntimeError), savepoint(session):
            record(session, undone)
            touch_skus(session, [2])
            raise RuntimeError("undone")
        with savepoint(session):
            touch_skus(session, [3])
    assert kept in seen and undone not in seen
    (available,) = [e for e in seen if isinstance(e, AvailabilityChanged)]
    assert available.sku_ids == (1, 3)
