"""A database holding the leases table: SQLite always, PostgreSQL (its own database) when set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, make_url, text

from core import Database
from core.leases.models import Lease

PG_URL = os.environ.get("FACET_TEST_POSTGRES_URL", "")


def scratch_postgres() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database on the test server, dropped afterwards."""
    if not PG_URL:
        pytest.skip("FACET_TEST_POSTGRES_URL is not set")
    server = make_url(PG_URL)
    name = f"facet_leases_{uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def lease_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A Database with only the leases table (the lease service needs no other)."""
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path / 'leases.db'}"])
    else:
        urls = scratch_postgres()
    url = next(urls)
    database = Database(url)
    Lease.__table__.create(database.engine)
    try:
        yield database
    finally:
        database.dispose()
        next(urls, None)  # drops the PostgreSQL database
