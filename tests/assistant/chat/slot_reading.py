"""For chat tests: a question asked as the chat answers it, and the chat's own slot reading for a
given intent (no intent decision)."""

from __future__ import annotations

from typing import Any

from assistant.chat import Assistant
from assistant.entities.resolve import Resolver
from assistant.intents.matcher import Matcher
from core import Actor, Database


def resolver_for(chat: Assistant, actor: Actor) -> Resolver:
    """The resolver a question of ``actor`` is read with, on the chat's catalogue and clock."""
    with chat.db.read() as session:
        index, products = chat._catalogue(session)
    return Resolver(index, products, actor.username, chat.clock())


def read_slots(chat: Assistant, actor: Actor, text: str, intent: str) -> dict[str, str]:
    """The slots the chat fills for ``text`` read as ``intent`` (the tier by its script)."""
    tier: Matcher = "ngram" if any("\u3400" <= ch <= "\u9fff" for ch in text) else "embedding"
    return Assistant._slots(text, intent, tier, resolver_for(chat, actor))


def ask(chat: Assistant, actor: Actor, text: str, conversation: str | None = None
        ) -> dict[str, Any]:
    """The chat's reply to ``text`` from ``actor`` (in ``conversation``, else a new one)."""
    return chat.ask(text, actor=actor, conversation_id=conversation).as_dict()


def assert_answered(chat: Assistant, actor: Actor, text: str, intent: str,
                    slots: dict[str, str]) -> None:
    """``text`` is answered as ``intent`` with at least ``slots`` (a round's kind of miss)."""
    reply = ask(chat, actor, text)
    assert reply["error"] is None and reply["intent"] == intent, reply
    assert slots.items() <= reply["slots"].items()


def assert_asked_back(chat: Assistant, actor: Actor, text: str, pair: set[str]) -> None:
    """``text`` is asked back between (at least) the intents of ``pair``, nothing stated."""
    reply = ask(chat, actor, text)
    assert reply["error"] == "ambiguous" and reply["confirm"] is None, reply
    assert pair <= {c["intent"] for c in reply["choices"]}, reply


def assert_not_supported(chat: Assistant, actor: Actor, text: str) -> None:
    """``text`` is refused as a request nothing does, with no action stated."""
    reply = ask(chat, actor, text)
    assert reply["error"] == "not-supported" and reply["confirm"] is None, reply


def assert_refined(chat: Assistant, actor: Actor, first: str, then: str,
                   slots: dict[str, str]) -> None:
    """``then`` after ``first`` refines it: the same intent, now with at least ``slots``."""
    conversation = f"refine-{first}-{then}"
    asked = ask(chat, actor, first, conversation)
    assert asked["error"] is None, asked
    reply = ask(chat, actor, then, conversation)
    assert reply["error"] is None and reply["intent"] == asked["intent"], reply
    assert slots.items() <= reply["slots"].items()


def advised_sku(db: Database) -> str:
    """An SKU the demo's reorder advice proposes buying now. The chat tests' demo is built
    relative to today, so which SKUs need buying changes from day to day (ST0007-S925W needed
    none on 2026-12-07): a test of a one-SKU draft takes one that does today."""
    from datetime import UTC, datetime

    from core.reports import ReportFilter, reorder_advice

    with db.read() as session:
        rows = reorder_advice(session, ReportFilter(until=datetime.now(UTC)))
    return next(str(r["sku"]) for r in rows if int(str(r["suggested_quantity"])) > 0)
