"""Follow-up context kept in the database: a follow-up reaches another worker and still works."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.chat import Assistant
from assistant.conversations import (
    Conversation,
    MemoryConversations,
    SharedConversations,
)
from assistant.intents.encoder import SentenceEncoder
from assistant.settings import AssistantSettings
from core import Actor, Database
from core.clock import use_clock


def test_a_conversation_round_trips_through_json() -> None:
    conversation = Conversation("count_stock", {"size": "7", "metal": "18K gold"}, "zh")
    assert Conversation.from_dict(conversation.to_dict()) == conversation


def test_memory_conversations_expire() -> None:
    clock = [0.0]
    store = MemoryConversations(60, clock=lambda: clock[0])
    store.put("c", 1, Conversation("count_stock", {"size": "7"}))
    assert store.get("c", 1) == Conversation("count_stock", {"size": "7"})
    assert store.get("c", 2) is None  # another asker has no context here
    clock[0] = 61
    assert store.get("c", 1) is None


def test_shared_conversations_expire_after_their_ttl(demo_db: Database) -> None:
    store = SharedConversations(demo_db, ttl_seconds=60)
    start = datetime.now(UTC)
    with use_clock(lambda: start):
        store.put("expiring", 1, Conversation("count_stock"))
    with use_clock(lambda: start + timedelta(seconds=30)):
        assert store.get("expiring", 1) == Conversation("count_stock")
    with use_clock(lambda: start + timedelta(seconds=61)):
        assert store.get("expiring", 1) is None
    store.put("x" * 300, 1, Conversation("locate"))  # a long id still fits the key column
    assert store.get("x" * 300, 1) == Conversation("locate")


def test_a_follow_up_posted_to_another_worker_works(
    demo_db: Database, encoder: SentenceEncoder, actors: dict[str, Actor]
) -> None:
    """Two assistants on two Database objects over one file: two web workers."""
    other_db = Database(demo_db.url)
    settings = AssistantSettings()
    try:
        one = Assistant(demo_db, settings, encoder=encoder,
                        conversations=SharedConversations(demo_db, 600))
        two = Assistant(other_db, settings, encoder=encoder,
                        conversations=SharedConversations(other_db, 600))
        manager = actors["manager"]
        first = one.ask("how many 18K gold rings in size 7", actor=manager).as_dict()
        follow = two.ask("and in size 8?", actor=manager,
                         conversation_id=first["conversation_id"]).as_dict()
        assert follow["error"] is None, follow
        assert follow["intent"] == "count_stock"
        assert follow["slots"] == {**first["slots"], "size": "8"}
        again = one.ask("and in size 9?", actor=manager,
                        conversation_id=first["conversation_id"]).as_dict()
        assert again["slots"] == {**first["slots"], "size": "9"}  # two's answer was stored
        stranger = two.ask("and in size 8?", actor=actors["admin"],
                           conversation_id=first["conversation_id"]).as_dict()
        assert stranger["error"] == "no-context"
    finally:
        other_db.dispose()
