"""A migrated PostgreSQL database of a test module's own, on FACET_TEST_POSTGRES_URL's server."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from uuid import uuid4

import psycopg
import pytest
from sqlalchemy import make_url

from core.migrate import upgrade

PG_URL = os.environ.get("FACET_TEST_POSTGRES_URL", "")

__all__ = ["PG_URL", "fresh_postgres", "needs_postgres", "wait_until"]

needs_postgres = pytest.mark.skipif(not PG_URL, reason="FACET_TEST_POSTGRES_URL is not set")


def _admin_conninfo() -> str:
    url = make_url(PG_URL).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


@contextmanager
def fresh_postgres(prefix: str) -> Iterator[str]:
    """Create a uniquely named database, migrate it, yield its URL, drop it after."""
    name = f"{prefix}_{uuid4().hex[:10]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``check`` until it is true (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return check()
