"""The twin of the live warehouse: layout from the core's bins, pick sequencing, live mirror.

The composition root builds one :class:`LiveTwin`, subscribes it to the core's events, gives
its :meth:`LiveTwin.sequence` to the core as the pick-list sequencer, and serves its state.
"""

from __future__ import annotations

import logging
import math
import threading
from datetime import UTC, datetime
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends

from core import Database, StockMoved
from core.api_deps import allow
from core.ledger import positive_balances
from core.people.security import Actor
from core.trace import visibility_for
from twin import LiveMirror, sequence_picks
from twin.errors import TwinError
from twin.graph import DEPOT, location_node, network
from twin.layout import Layout
from twin.mirror import LocationEvent
from twin.sources import layout_from_core
from web.services import live_twin

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/twin", tags=["twin"])


class LiveTwin:
    """Layout, mirror and sequencer for the warehouse in ``db``; thread-safe."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._layout: Layout | None = None
        self._codes: frozenset[str] = frozenset()
        self._depots: frozenset[str] = frozenset()
        self._lengths: dict[Any, dict[Any, float]] = {}
        self._mirror: LiveMirror | None = None

    def _ensure(self) -> tuple[Layout, LiveMirror]:
        with self._lock:
            if self._layout is None or self._mirror is None:
                layout = layout_from_core(self.db)
                mirror = LiveMirror(layout)
                mirror.load_snapshot(
                    self._balances(frozenset(loc.code for loc in layout.locations))
                )
                self._layout, self._mirror = layout, mirror
                self._codes = frozenset(loc.code for loc in layout.locations)
            return self._layout, self._mirror

    def _balances(self, codes: frozenset[str]) -> list[tuple[str, str, float]]:
        with self.db.read() as session:
            rows = positive_balances(session, locations=codes)
        return [(row.location, row.sku, float(row.on_hand)) for row in rows]

    def layout(self) -> Layout:
        """The layout built from the core's bins (built once, on first use)."""
        return self._ensure()[0]

    def sequence(self, codes: list[str]) -> list[str]:
        """Bin codes in the order of the shortest route; bins the twin does not know go last."""
        layout, _mirror = self._ensure()
        known = [c for c in dict.fromkeys(codes) if c in self._codes]
        if len(known) < 2:
            return list(dict.fromkeys(codes))
        try:
            order = list(sequence_picks(layout, known, time_limit_s=1.0).order)
        except TwinError:
            log.exception("twin could not sequence %d bins; keeping aisle order", len(known))
            return list(dict.fromkeys(codes))
        return order + [c for c in dict.fromkeys(codes) if c not in self._codes]

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
        if self._mirror is None:
            return  # the snapshot taken on first use will include this move
        picker = event.actor if event.document_kind == "pick" else None
        with self._lock:
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


def attach(db: Database) -> LiveTwin:
    """Build the live twin, subscribe it to core events; it sequences picks and measures walks."""
    live = LiveTwin(db)
    db.bus.subscribe(StockMoved, live.on_stock_moved)
    return live


@router.get("/live")
def live_state(
    live: Annotated[LiveTwin, Depends(live_twin)], actor: Annotated[Actor, Depends(allow("read"))]
) -> dict[str, Any]:
    """Occupancy per bin and pickers' last positions, as the twin mirrors them (bins under the
    reader's live blind count left out: a bin's fill tells its stock)."""
    state = live.state()
    with live.db.read() as session:
        hidden = visibility_for(session, actor).hidden_codes
    if hidden:
        state = {**state, "occupancy": {code: fill for code, fill in state["occupancy"].items()
                                        if code not in hidden}}
    return state
