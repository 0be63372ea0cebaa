"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core import Database
from core.migrate import alembic_config
from core.orm import Base


def test_migrations_match_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_voice_profiles_migration_goes_down_and_up(db_url: str) -> None:
    config = alembic_config(db_url)
    command.downgrade(config, "0005")
    database = Database(db_url)
    try:
        assert "voice_profiles" not in inspect(database.engine).get_table_names()
        command.upgrade(config, "head")
        with database.engine.connect() as conn:
            assert "voice_profiles" in inspect(conn).get_table_names()
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        command.upgrade(config, "head")  # the PostgreSQL schema is shared by later tests
        database.dispose()
