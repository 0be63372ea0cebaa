"""Scratch PostgreSQL databases on FACET_TEST_POSTGRES_URL's server, one per test module or test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import uuid4

import psycopg
import pytest
from sqlalchemy import make_url

from core import Database
from core.migrate import upgrade
from core.outbox import OutboxRow

PG_URL = os.environ.get("FACET_TEST_POSTGRES_URL", "")

__all__ = ["PG_URL", "clear_outbox", "fresh_postgres", "require_postgres"]


def require_postgres(why: str = "") -> str:
    """FACET_TEST_POSTGRES_URL, or skip the test (saying ``why`` it needs PostgreSQL)."""
    if not PG_URL:
        pytest.skip("FACET_TEST_POSTGRES_URL is not set" + (f": {why}" if why else ""))
    return PG_URL


def _admin_conninfo() -> str:
    url = make_url(PG_URL).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


@contextmanager
def fresh_postgres(prefix: str, *, migrate: bool = True) -> Iterator[str]:
    """Create a uniquely named database (migrated unless told not), yield its URL, drop it after."""
    name = f"{prefix[:40]}_{uuid4().hex[:10]}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        if migrate:
            upgrade(url)
        yield url
    finally:
        with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clear_outbox(url: str) -> None:
    """Delete every outbox row (a module's tests share one database; each starts empty)."""
    database = Database(url)
    try:
        with database.write() as session:
            session.execute(OutboxRow.__table__.delete())
    finally:
        database.dispose()
