"""A database holding the leases table: SQLite always, PostgreSQL (its own database) when set."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pytest

from core import Database
from core.leases.models import Lease
from tests.pg import fresh_postgres, require_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def lease_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A Database with only the leases table (the lease service needs no other)."""
    scratch: AbstractContextManager[str] = nullcontext(f"sqlite:///{tmp_path / 'leases.db'}")
    if request.param == "postgresql":
        require_postgres()
        scratch = fresh_postgres("facet_leases", migrate=False)
    with scratch as url:
        database = Database(url)
        Lease.__table__.create(database.engine)
        try:
            yield database
        finally:
            database.dispose()
