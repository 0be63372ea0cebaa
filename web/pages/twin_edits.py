"""What-if edits of a twin layout (as ``layout_to_dict`` data): cross aisles and aisle width.

The edits keep the layout's rules (blocks bounded by cross aisles, locations inside their
aisle), so the API validates the result as it would any layout; the racks themselves are rigid
and move with their aisles.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

__all__ = ["WhatIf", "add_cross_aisle", "remove_cross_aisle", "set_aisle_width", "apply"]

NARROW_BELOW = 1.5
_TOL = 1e-6


@dataclass(frozen=True)
class WhatIf:
    """The editor's choices: cross aisle (``add``, ``remove`` or ``keep``) and aisle width."""

    cross_aisle: str = "keep"
    aisle_width: float | None = None


def _renumber(data: dict[str, Any]) -> None:
    data["cross_aisles"].sort(key=lambda c: c["y"])
    for k, cross in enumerate(data["cross_aisles"]):
        cross["index"] = k


def _split_y(data: dict[str, Any], block: int) -> float:
    """Half way between the two rows of locations nearest the middle of ``block``."""
    cross = data["cross_aisles"]
    lo, hi = cross[block]["y"], cross[block + 1]["y"]
    aisles = {a["id"] for a in data["aisles"] if a["block"] == block}
    ys = sorted({round(loc["y"], 6) for loc in data["locations"] if loc["aisle"] in aisles})
    gaps = [((a + b) / 2) for a, b in zip(ys, ys[1:], strict=False)]
    if not gaps:
        raise ValueError("this block has no gap between bays to open a cross aisle in")
    return min(gaps, key=lambda y: abs(y - (lo + hi) / 2))


def add_cross_aisle(layout: dict[str, Any], width: float = 2.0) -> dict[str, Any]:
    """Open a cross aisle across the middle of the longest block, moving the racks behind it."""
    data = copy.deepcopy(layout)
    cross = data["cross_aisles"]
    block = max(range(len(cross) - 1), key=lambda k: cross[k + 1]["y"] - cross[k]["y"])
    split = _split_y(data, block)
    centre = split + width / 2
    for item in (*data["locations"], *cross):
        if item["y"] > split:
            item["y"] += width
    new_aisles = []
    for aisle in data["aisles"]:
        if aisle["block"] > block:
            aisle.update(block=aisle["block"] + 1, y_start=aisle["y_start"] + width,
                         y_end=aisle["y_end"] + width)
        elif aisle["block"] == block:
            upper = dict(aisle, id=f"{aisle['id']}b", block=block + 1, y_start=centre,
                         y_end=aisle["y_end"] + width)
            aisle["y_end"] = centre
            new_aisles.append(upper)
            for loc in data["locations"]:
                if loc["aisle"] == aisle["id"] and loc["y"] > centre:
                    loc["aisle"] = upper["id"]
    data["aisles"] += new_aisles
    cross.append({"index": -1, "y": centre, "x_start": cross[block]["x_start"],
                  "x_end": cross[block]["x_end"], "width": width})
    _shift_zone(data, "y", split, width)
    _renumber(data)
    return data


def remove_cross_aisle(layout: dict[str, Any]) -> dict[str, Any]:
    """Close the inner cross aisle nearest the middle and join the aisles across it."""
    data = copy.deepcopy(layout)
    cross = data["cross_aisles"]
    if len(cross) < 3:
        raise ValueError("there is no inner cross aisle to remove (only front and back)")
    mid = (cross[0]["y"] + cross[-1]["y"]) / 2
    k = min(range(1, len(cross) - 1), key=lambda i: abs(cross[i]["y"] - mid))
    gone, width = cross[k]["y"], cross[k]["width"]
    lower = {round(a["x"], 6): a for a in data["aisles"] if a["block"] == k - 1}
    kept = []
    for aisle in data["aisles"]:
        if aisle["block"] < k - 1 or aisle["block"] == k - 1:
            kept.append(aisle)
            continue
        if aisle["block"] > k:
            aisle.update(block=aisle["block"] - 1, y_start=aisle["y_start"] - width,
                         y_end=aisle["y_end"] - width)
            kept.append(aisle)
            continue
        partner = lower.get(round(aisle["x"], 6))
        if partner is None:  # an aisle of the upper block only: it now starts lower down
            aisle.update(block=k - 1, y_start=cross[k - 1]["y"], y_end=aisle["y_end"] - width)
            kept.append(aisle)
            continue
        partner["y_end"] = aisle["y_end"] - width
        for loc in data["locations"]:
            if loc["aisle"] == aisle["id"]:
                loc["aisle"] = partner["id"]
    for aisle in kept:
        if aisle["block"] == k - 1 and abs(aisle["y_end"] - gone) < _TOL:
            aisle["y_end"] = cross[k + 1]["y"] - width
    data["aisles"] = kept
    del cross[k]
    for item in (*data["locations"], *cross):
        if item["y"] > gone:
            item["y"] -= width
    _shift_zone(data, "y", gone, -width)
    _renumber(data)
    return data


def _shift_zone(data: dict[str, Any], axis: str, after: float, delta: float) -> None:
    zone = data.get("vault")
    if zone:
        for edge in (f"{axis}_min", f"{axis}_max"):
            if zone[edge] > after:
                zone[edge] += delta


def _x_shift(columns: list[tuple[float, float]], x: float) -> float:
    """How far a point at ``x`` moves when every aisle column widens by its ``delta``."""
    moved = 0.0
    for centre, delta in columns:
        if x < centre - _TOL:
            break
        moved += delta / 2 if abs(x - centre) < _TOL else delta
    return moved


def set_aisle_width(layout: dict[str, Any], width: float) -> dict[str, Any]:
    """Give every aisle ``width`` metres; the racks between aisles move apart or together."""
    if not 0.5 <= width <= 6:
        raise ValueError("aisle width must be between 0.5 and 6 m")
    data = copy.deepcopy(layout)
    old = {a["id"]: a["width"] for a in data["aisles"]}
    columns = sorted({round(a["x"], 6): width - a["width"] for a in data["aisles"]}.items())
    by_id = {a["id"]: a for a in data["aisles"]}
    for loc in data["locations"]:
        aisle = by_id[loc["aisle"]]
        half = (width - old[aisle["id"]]) / 2
        side = -1 if loc["x"] < aisle["x"] - _TOL else 1
        loc["x"] += _x_shift(columns, aisle["x"]) + side * half
    for aisle in data["aisles"]:
        aisle.update(x=aisle["x"] + _x_shift(columns, aisle["x"]), width=width,
                     narrow=width < NARROW_BELOW)
    for cross in data["cross_aisles"]:
        cross["x_start"] += _x_shift(columns, cross["x_start"])
        cross["x_end"] += _x_shift(columns, cross["x_end"])
    data["depot"]["x"] += _x_shift(columns, data["depot"]["x"])
    zone = data.get("vault")
    if zone:
        zone["x_min"] += _x_shift(columns, zone["x_min"])
        zone["x_max"] += _x_shift(columns, zone["x_max"])
    return data


def apply(layout: dict[str, Any], what_if: WhatIf) -> dict[str, Any]:
    """The layout with the editor's changes (raises ValueError for an impossible change)."""
    data = layout
    if what_if.cross_aisle == "add":
        data = add_cross_aisle(data)
    elif what_if.cross_aisle == "remove":
        data = remove_cross_aisle(data)
    if what_if.aisle_width:
        data = set_aisle_width(data, float(what_if.aisle_width))
    data = dict(data, name=f"{layout.get('name', 'layout')} (what-if)")
    return data
