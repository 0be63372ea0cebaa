"""Location imports: the tree from warehouse to bins; parents in the database or the file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.imports.common import Rejects, by_chunks, check_model, first_lines
from core.imports.reader import Row
from core.locations.models import Location, Tier
from core.locations.schemas import LocationCreate

__all__ = ["LocationPlan", "check_locations", "write_locations"]

_RANK: dict[str, int] = {
    Tier.WAREHOUSE: 0,
    Tier.ZONE: 1,
    Tier.AISLE: 2,
    Tier.BAY: 3,
    Tier.LEVEL: 4,
    Tier.BIN: 5,
}
# The tiers a location of each tier may sit under (as core.locations.service builds the tree).
_PARENT_TIER = {
    Tier.ZONE: {Tier.WAREHOUSE},
    Tier.AISLE: {Tier.ZONE},
    Tier.BAY: {Tier.AISLE},
    Tier.LEVEL: {Tier.BAY},
    Tier.BIN: {Tier.LEVEL, Tier.ZONE},
}
_FIELDS = (
    "name",
    "parent",
    "tier",
    "kind",
    "aisle",
    "bay",
    "level",
    "x",
    "y",
    "z",
    "capacity",
    "check_digits",
    "security_level",
)


@dataclass
class LocationPlan:
    """The good rows' locations, parents before children."""

    locations: dict[int, LocationCreate] = field(default_factory=dict)


def _parse(row: Row, rejects: Rejects) -> LocationCreate | None:
    data: dict[str, Any] = {"code": row.get("code")}
    data.update(
        {
            name: row.get(name).lower() if name in ("tier", "kind") else row.get(name)
            for name in _FIELDS
            if row.get(name)
        }
    )
    data.setdefault("tier", None)
    location = check_model(LocationCreate, data, row, rejects, {})
    if location is None:
        return None
    if location.tier == Tier.VIRTUAL:
        rejects.add(row.line, "tier", "virtual-location", "Virtual locations are built in.")
        return None
    if location.tier == Tier.BIN and not location.check_digits:
        rejects.add(row.line, "check_digits", "check-digits", "A bin needs check digits (2-3).")
        return None
    if location.tier != Tier.WAREHOUSE and not location.parent:
        rejects.add(row.line, "parent", "bad-parent", f"A {location.tier} needs a parent.")
        return None
    return location


def check_locations(session: Session, rows: Sequence[Row], rejects: Rejects) -> LocationPlan:
    """Check every row: codes, tiers, kinds, parents (database or file, refused with theirs)."""
    first_lines(rows, lambda r: r.get("code"), rejects, "code", "Location")
    codes = [r.get("code") for r in rows] + [r.get("parent") for r in rows]
    known: dict[str, str] = dict(
        by_chunks(
            session,
            lambda c: select(Location.code, Location.tier).where(Location.code.in_(c)),
            codes,
        )
    )
    parsed = [(row, _parse(row, rejects)) for row in rows]
    in_file: dict[str, tuple[int, str]] = {}
    for row, loc in parsed:
        if loc is not None and loc.code not in known:
            in_file.setdefault(loc.code, (row.line, loc.tier))
    plan = LocationPlan()
    for row, loc in sorted(parsed, key=lambda p: _RANK.get(p[1].tier if p[1] else "", 9)):
        if loc is None:
            continue
        if loc.code in known:
            rejects.add(row.line, "code", "location-exists", f"Location {loc.code} exists.")
            continue
        if row.line in rejects.lines or not loc.parent:
            plan.locations[row.line] = loc
            continue
        _check_parent(row, loc, known, in_file, rejects)
        plan.locations[row.line] = loc
    return plan


def _check_parent(
    row: Row,
    loc: LocationCreate,
    known: dict[str, str],
    in_file: dict[str, tuple[int, str]],
    rejects: Rejects,
) -> None:
    parent = loc.parent or ""
    if parent in known:
        tier = known[parent]
    elif parent in in_file:
        line, tier = in_file[parent]
        if line in rejects.lines:
            rejects.add(
                row.line, "parent", "parent-rejected", f"Parent {parent} is refused on line {line}."
            )
            return
    else:
        rejects.add(
            row.line,
            "parent",
            "unknown-location",
            f"No location {parent} in the database or the file.",
        )
        return
    if tier not in _PARENT_TIER.get(Tier(loc.tier), set()):
        rejects.add(row.line, "parent", "bad-parent", f"A {loc.tier} cannot sit under a {tier}.")


def write_locations(session: Session, plan: LocationPlan, bad: set[int]) -> int:
    """Insert the good rows tier by tier (bulk), parents first; the number written."""
    good = [loc for line, loc in plan.locations.items() if line not in bad]
    parents = {loc.parent for loc in good if loc.parent}
    ids = dict(
        by_chunks(
            session,
            lambda c: select(Location.code, Location.id).where(Location.code.in_(c)),
            parents,
        )
    )
    for rank in sorted(set(_RANK.values())):
        tier_rows = [
            {**loc.model_dump(exclude={"parent"}), "parent_id": ids.get(loc.parent or "")}
            for loc in good
            if _RANK[Tier(loc.tier)] == rank
        ]
        if tier_rows:
            stmt = insert(Location).returning(
                Location.code, Location.id, sort_by_parameter_order=True
            )
            ids.update((code, ident) for code, ident in session.execute(stmt, tier_rows))
    return len(good)
