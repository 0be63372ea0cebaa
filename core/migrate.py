"""Create or migrate the database with Alembic, then make sure the built-ins exist."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from core.audit.service import ensure_head
from core.db import Database
from core.locations.service import ensure_virtual_locations
from core.people.service import system_actor

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the core's migrations and ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the schema at ``url`` to the newest revision and add the built-in rows."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
    db = Database(url)
    try:
        with db.write() as session:
            bootstrap(session)
    finally:
        db.dispose()


def bootstrap(session: object) -> None:
    """The virtual locations and the system user every database has."""
    ensure_virtual_locations(session)  # type: ignore[arg-type]
    system_actor(session)  # type: ignore[arg-type]
    ensure_head(session)  # type: ignore[arg-type]
