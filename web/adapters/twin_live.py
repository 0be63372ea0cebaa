"""The twin of the live warehouse: layout from the core's bins, pick sequencing, live mirror.

The composition root builds one :class:`LiveTwin` per process, subscribes it to the core's
events, gives its :meth:`LiveTwin.sequence` to the core as the pick-list sequencer, and serves
its state. Several workers and hosts agree on it:

- the layout is rebuilt (lazily, on next use) when a ``LocationsChanged`` event arrives from any
  process, and when a cheap fingerprint of the bins changes (checked at most every few seconds:
  it catches bins a CLI or a script added without publishing an event);
- stock and pickers follow ``StockMoved`` events from every process; pickers' last positions are
  also kept in the core's shared state (namespace ``twin.pickers``), so a worker that starts
  later shows the same pickers as the others.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends

from core import Database, LocationsChanged, StockMoved, warehouse_bins
from core.api_deps import allow
from core.ledger import positive_balances
from core.locations import locations_version
from core.orders import list_pick_lists, pick_list_read
from core.people.security import Actor
from core.state import SharedState
from core.trace import visibility_for
from twin import LiveMirror, sequence_picks
from twin.errors import TwinError
from twin.graph import DEPOT, location_node, network
from twin.layout import Layout
from twin.mirror import LocationEvent
from twin.sources import layout_from_locations
from web.services import live_twin

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/twin", tags=["twin"])

#: Shared-state namespace of pickers' last positions: picker -> {"location", "at"}.
PICKERS = "twin.pickers"
#: Seconds between two checks of the bins' fingerprint (one small aggregate query).
CHECK_EVERY_S = 5.0
#: How many open pick lists (newest first) the live view reads for its open picks.
OPEN_LISTS = 200


class LiveTwin:
    """Layout, mirror and sequencer for the warehouse in ``db``; thread-safe."""

    def __init__(
        self, db: Database, *, check_every_s: float = CHECK_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db, self.check_every_s, self.clock = db, check_every_s, clock
        self.pickers = PickerStore(SharedState(db, PICKERS))
        self._lock = threading.Lock()
        self._layout: Layout | None = None
        self._codes: frozenset[str] = frozenset()
        self._depots: frozenset[str] = frozenset()
        self._lengths: dict[Any, dict[Any, float]] = {}
        self._mirror: LiveMirror | None = None
        self._version: tuple[int, int, int] | None = None
        self._stale = False
        self._checked = -math.inf

    def _ensure(self) -> tuple[Layout, LiveMirror]:
        with self._lock:
            if self._layout is None or self._mirror is None or self._outdated():
                self._build()
            assert self._layout is not None and self._mirror is not None
            return self._layout, self._mirror

    def _outdated(self) -> bool:
        """Whether an event said so, or (every ``check_every_s``) the bins' fingerprint moved."""
        if self._stale:
            return True
        if self.clock() - self._checked < self.check_every_s:
            return False
        self._checked = self.clock()
        with self.db.read() as session:
            return locations_version(session) != self._version

    def _build(self) -> None:
        """Layout, stock snapshot and pickers from the core (called with the lock held)."""
        self._stale, self._checked = False, self.clock()
        with self.db.read() as session:  # read first: a change made meanwhile is seen next time
            version = locations_version(session)
        records = warehouse_bins(self.db)
        layout = layout_from_locations(records)
        mirror = LiveMirror(layout)
        codes = frozenset(loc.code for loc in layout.locations)
        mirror.load_snapshot(self._balances(codes))
        known = self._mirror.picker_positions().values() if self._mirror is not None else ()
        mirror.restore_pickers([(p.picker_id, p.location, p.timestamp) for p in known])
        mirror.restore_pickers(self.pickers.load())
        self._layout, self._mirror, self._codes, self._version = layout, mirror, codes, version
        self._depots = frozenset(str(r["code"]) for r in records if r["kind"] == "packing")
        self._lengths = {}

    def _balances(self, codes: frozenset[str]) -> list[tuple[str, str, float]]:
        with self.db.read() as session:
            rows = positive_balances(session, locations=codes)
        return [(row.location, row.sku, float(row.on_hand)) for row in rows]

    def invalidate(self, _event: LocationsChanged | None = None) -> None:
        """Forget the layout (locations changed somewhere); the next use rebuilds it."""
        with self._lock:
            self._stale = True

    def layout(self) -> Layout:
        """The layout built from the core's bins (rebuilt when they change)."""
        return self._ensure()[0]

    def sequence(self, codes: list[str]) -> list[str]:
        """Bin codes in the order of the shortest route; bins the twin does not know go last."""
        layout, _mirror = self._ensure()
        known_codes = self._codes
        known = [c for c in dict.fromkeys(codes) if c in known_codes]
        if len(known) < 2:
            return list(dict.fromkeys(codes))
        try:
            order = list(sequence_picks(layout, known, time_limit_s=1.0).order)
        except TwinError:
            log.exception("twin could not sequence %d bins; keeping aisle order", len(known))
            return list(dict.fromkeys(codes))
        return order + [c for c in dict.fromkeys(codes) if c not in known_codes]

    def distance(self, a: str, b: str) -> float:
        """Walking metres between two bins along the aisles (a packing bin is the depot).

        ``inf`` when the twin does not know a bin, so callers never plan a move through it.
        """
        layout, _mirror = self._ensure()
        nodes = []
        for code in (a, b):
            if code in self._codes:
                nodes.append(location_node(layout, code))
            elif code in self._depots:
                nodes.append(DEPOT)
            else:
                return math.inf
        # Aisles are two-way, so lengths from the destination serve every origin: callers such
        # as slotting advice ask for many bins against the same packing desk.
        lengths = self._lengths.get(nodes[1])
        if lengths is None:
            lengths = nx.single_source_dijkstra_path_length(
                network(layout), nodes[1], weight="length"
            )
            self._lengths[nodes[1]] = lengths
        return float(lengths.get(nodes[0], math.inf))

    def on_stock_moved(self, event: StockMoved) -> None:
        """Mirror a posted document: stock leaves and enters bins; picks move the picker."""
        picker = event.actor if event.document_kind == "pick" else None
        with self._lock:
            if self._mirror is None:
                return  # the snapshot taken on first use will include this move
            for line in event.moves:
                for code, delta, who in (
                    (line.from_location, -line.quantity, picker),
                    (line.to_location, line.quantity, None),
                ):
                    if code in self._codes:
                        try:
                            self._mirror.apply(LocationEvent(code, line.sku, delta, event.at, who))
                        except TwinError:
                            log.warning("twin mirror refused %s at %s", line.sku, code)

    def remember_picker(self, event: StockMoved) -> None:
        """Keep a pick's position in the shared state (once, by the process that posted it)."""
        if event.document_kind != "pick" or not event.moves:
            return
        froms = [line.from_location for line in event.moves]
        known = [code for code in froms if code in self._codes]
        self.pickers.put(event.actor, (known or froms)[-1], event.at)

    def state(self) -> dict[str, Any]:
        """Occupancy per bin and each picker's last confirmed position."""
        _layout, mirror = self._ensure()
        with self._lock:
            pickers = mirror.picker_positions()
            return {
                "at": datetime.now(UTC),
                "occupancy": mirror.occupancy(),
                "pickers": [
                    {"picker": p.picker_id, "location": p.location, "x": p.x, "y": p.y}
                    for p in pickers.values()
                ],
            }

    def open_picks(self) -> dict[str, int]:
        """Open pick lines per bin, over the newest :data:`OPEN_LISTS` open pick lists."""
        counts: dict[str, int] = {}
        with self.db.read() as session:
            docs, _total = list_pick_lists(session, status="open", limit=OPEN_LISTS)
            for doc in docs:
                for line in pick_list_read(session, doc).lines:
                    if line.status == "open" and line.from_location:
                        counts[line.from_location] = counts.get(line.from_location, 0) + 1
        return dict(sorted(counts.items()))

    def close(self) -> None:
        """Write the pickers' positions still queued (at shutdown)."""
        self.pickers.close()


class PickerStore:
    """Pickers' last positions in the shared state, written behind from a thread of its own.

    A pick's request does not wait for this write: positions queue here and a writer thread
    stores them in one transaction, at most every ``pause_s`` (a burst of picks is one write).
    """

    def __init__(self, state: SharedState, *, pause_s: float = 0.5) -> None:
        self.state, self.pause_s = state, pause_s
        self._queued: dict[str, dict[str, str]] = {}
        self._writing: dict[str, dict[str, str]] = {}  # taken from the queue, not committed yet
        self._lock = threading.Lock()
        self._wake, self._stopped = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def load(self) -> list[tuple[str, str, datetime]]:
        """Every stored position as (picker, location, timestamp); queued ones count too."""
        with self._lock:  # before the read: what leaves the queue meanwhile is stored by then
            pending = {**self._writing, **self._queued}
        stored: dict[str, Any] = {**self.state.items(), **pending}
        return [p for key, value in stored.items() if (p := _position(key, value)) is not None]

    def put(self, picker: str, location: str, at: datetime) -> None:
        """Queue a picker's new position for the writer thread."""
        with self._lock:
            self._queued[picker] = {"location": location, "at": at.astimezone(UTC).isoformat()}
            if self._thread is None and not self._stopped.is_set():  # started on first pick
                self._thread = threading.Thread(target=self._run, name="facet-twin-pickers",
                                                daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        """Write the queued positions now (kept queued if the database refuses)."""
        with self._lock:
            batch, self._queued = self._queued, {}
            self._writing = batch
        if not batch:
            return
        try:
            self.state.put_many(batch)
        except Exception:  # the writer thread must outlive a busy or unreachable database
            log.warning("picker positions not stored yet; retrying", exc_info=True)
            with self._lock:
                self._queued = {**batch, **self._queued}  # newer positions win
        finally:
            with self._lock:
                self._writing = {}

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait()
            self._wake.clear()
            self.flush()
            self._stopped.wait(self.pause_s)  # gather the next burst

    def close(self) -> None:
        """Stop the writer thread and write what is still queued."""
        self._stopped.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self.flush()


def _position(picker: str, value: Any) -> tuple[str, str, datetime] | None:
    """A stored position as (picker, location, aware timestamp); None if it is malformed."""
    try:
        stamp = datetime.fromisoformat(str(value["at"]))
        return picker, str(value["location"]), stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    except (KeyError, TypeError, ValueError):
        return None


def attach(db: Database, *, check_every_s: float = CHECK_EVERY_S) -> LiveTwin:
    """Build the live twin, subscribe it to core events; it sequences picks and measures walks.

    Every process mirrors every move and drops its layout on every location change (from any
    process); the process that posted a pick stores the picker's position for the others.
    """
    live = LiveTwin(db, check_every_s=check_every_s)
    db.bus.subscribe(StockMoved, live.on_stock_moved)
    db.bus.subscribe(StockMoved, live.remember_picker, local_only=True)
    db.bus.subscribe(LocationsChanged, live.invalidate)
    return live


@router.get("/live")
def live_state(
    live: Annotated[LiveTwin, Depends(live_twin)], actor: Annotated[Actor, Depends(allow("read"))]
) -> dict[str, Any]:
    """Occupancy per bin, pickers' last positions and open pick lines per bin, as the twin
    mirrors them (bins under the reader's live blind count left out of all three: a bin's
    fill tells its stock, and a pick there that it holds some)."""
    state = {**live.state(), "open_picks": live.open_picks()}
    with live.db.read() as session:
        hidden = visibility_for(session, actor).hidden_codes
    if hidden:
        state.update(
            occupancy={c: v for c, v in state["occupancy"].items() if c not in hidden},
            open_picks={c: n for c, n in state["open_picks"].items() if c not in hidden},
            pickers=[p for p in state["pickers"] if p["location"] not in hidden],
        )
    return state
