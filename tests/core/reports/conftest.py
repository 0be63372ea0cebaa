"""Fixtures for the report tests: the small demo warehouse, loaded once per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core import Database
from core.demo import load_demo
from core.migrate import upgrade


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The small demo in its own SQLite file, loaded once for the module (tests change it)."""
    path: Path = tmp_path_factory.mktemp("reports") / "demo.db"
    upgrade(f"sqlite:///{path}")
    db = Database(f"sqlite:///{path}")
    load_demo(db, scale="small")
    yield db
    db.dispose()
