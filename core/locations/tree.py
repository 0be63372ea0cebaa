"""The location tree as the office sees it: every node above the bins with what lies below it,
and the bins under any node (however deep)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.locations.models import Location, Tier
from core.locations.service import location_by_code

__all__ = ["TreeNode", "bins_under", "location_tree"]


@dataclass(frozen=True)
class TreeNode:
    """A warehouse, zone, aisle, bay or level with the bins below it (at any depth)."""

    code: str
    name: str
    tier: str
    kind: str
    parent: str | None
    active: bool
    bins: int
    capacity: int


def _children(rows: list[tuple[int, int | None]]) -> dict[int | None, list[int]]:
    """Child ids per parent id."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for location_id, parent_id in rows:
        children[parent_id].append(location_id)
    return children


def location_tree(session: Session) -> list[TreeNode]:
    """Every non-bin, non-virtual location in tree order (parents first, siblings by code)."""
    rows = list(session.scalars(select(Location).where(Location.tier != Tier.VIRTUAL)
                                .order_by(Location.code)))
    by_id = {loc.id: loc for loc in rows}
    children = _children([(loc.id, loc.parent_id) for loc in rows])
    bins: dict[int, int] = defaultdict(int)
    capacity: dict[int, int] = defaultdict(int)
    for loc in rows:
        if loc.tier != Tier.BIN:
            continue
        parent = loc.parent_id
        while parent is not None and parent in by_id:  # credit every ancestor
            bins[parent] += 1
            capacity[parent] += loc.capacity or 0
            parent = by_id[parent].parent_id
    nodes: list[TreeNode] = []
    stack = list(reversed(children[None]))
    while stack:
        loc = by_id[stack.pop()]
        if loc.tier == Tier.BIN:
            continue
        parent_code = by_id[loc.parent_id].code if loc.parent_id in by_id else None
        nodes.append(TreeNode(loc.code, loc.name, loc.tier, loc.kind, parent_code, loc.active,
                              bins[loc.id], capacity[loc.id]))
        stack.extend(reversed(children[loc.id]))
    return nodes


def bins_under(
    session: Session, code: str, *, limit: int, offset: int
) -> tuple[list[Location], int]:
    """A page of the bins at any depth below the location ``code`` (by code)."""
    root = location_by_code(session, code)
    children = _children([(int(i), p) for i, p in session.execute(
        select(Location.id, Location.parent_id).where(Location.tier != Tier.VIRTUAL))])
    below: list[int] = []
    stack = list(children[root.id])
    while stack:
        location_id = stack.pop()
        below.append(location_id)
        stack.extend(children[location_id])
    if not below:
        return [], 0
    # Chunked: SQLite allows a limited number of bound parameters per statement.
    found: list[Location] = []
    for start in range(0, len(below), 900):
        found.extend(session.scalars(select(Location).where(
            Location.id.in_(below[start:start + 900]), Location.tier == Tier.BIN)))
    found.sort(key=lambda loc: loc.code)
    return found[offset:offset + limit], len(found)
