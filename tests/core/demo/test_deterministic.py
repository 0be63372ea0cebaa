"""The demo is the same warehouse every time it is loaded with the same seed and day.

The benches, the chat's blind question sets and the screenshots name the demo's codes (lot
G-2311, serial FC0000222, order WEB-261125-03524...), so two loads must agree on every row. Only
what records when the load itself ran may differ: wall-clock stamps (an audit entry's time and
the same stamp inside its detail, a user's or certificate's creation time), the audit chain's
hashes, which cover those stamps, and the salted password hashes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core import Database
from core.demo import load_demo
from core.migrate import upgrade
from core.orm import Base

NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
WALL_CLOCK = "<time of loading>"
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?")
RUN_DEPENDENT = {("audit_log", "prev_hash"), ("audit_log", "hash"), ("audit_head", "hash"),
                 ("users", "password_hash")}


def _masked(value: Any, started: datetime) -> Any:
    """``value`` with every wall-clock stamp of the load (in a column or in an audit entry's
    JSON detail) replaced by a placeholder."""
    if isinstance(value, datetime):
        return WALL_CLOCK if value.replace(tzinfo=None) >= started else value
    if isinstance(value, str):
        return STAMP.sub(
            lambda m: WALL_CLOCK if datetime.fromisoformat(m[0].rstrip("Z")) >= started
            else m[0], value)
    return value


def _rows(folder: Path, seed: int = 7) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows after loading the small demo, with run-dependent values masked."""
    started = datetime.now(UTC).replace(tzinfo=None)
    folder.mkdir()
    url = f"sqlite:///{folder / 'demo.db'}"
    upgrade(url)
    db = Database(url)
    load_demo(db, scale="small", seed=seed, now=NOW)
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with db.read() as session:
        for name, table in Base.metadata.tables.items():
            masked = [c.name for c in table.columns if (name, c.name) in RUN_DEPENDENT]
            rows = []
            for row in session.execute(select(table)).mappings():
                rows.append(tuple("<run>" if key in masked else _masked(value, started)
                                  for key, value in row.items()))
            tables[name] = sorted(rows, key=repr)
    db.dispose()
    return tables


def test_two_loads_of_the_small_demo_agree_on_every_row(tmp_path: Path) -> None:
    first = _rows(tmp_path / "first")
    second = _rows(tmp_path / "second")
    assert sum(len(rows) for rows in first.values()) > 5_000  # a warehouse, not an empty shell
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []

