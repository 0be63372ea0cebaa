"""Where a chat remembers its last question, so a follow-up ("and in size 8?") can refine it.

:class:`SharedConversations` keeps them in the core's shared state (namespace ``chat``), so a
follow-up answered by another web worker or host finds the question before it;
:class:`MemoryConversations` keeps them in this process (one process, tests).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from core import CoreError, Database
from core.state import SharedState

__all__ = [
    "NAMESPACE",
    "Conversation",
    "ConversationStore",
    "MemoryConversations",
    "SharedConversations",
]

log = logging.getLogger(__name__)
NAMESPACE = "chat"


@dataclass(frozen=True)
class Conversation:
    """What a conversation last asked, for follow-ups."""

    intent: str
    slots: dict[str, str] = field(default_factory=dict)
    language: str = "en"
    # An action stated and waiting for "yes" (JSON-ready; see assistant.actions), or None.
    pending: dict[str, Any] | None = None
    # The intents the last question was asked back between ('count or value?'), if it was:
    # a follow-up to it ('and bangles?') asks the same choice again with its slots.
    asked: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (what the shared state stores)."""
        return {"intent": self.intent, "slots": dict(self.slots), "language": self.language,
                "pending": self.pending, "asked": list(self.asked)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Conversation:
        """Rebuild a conversation from :meth:`to_dict` output."""
        slots = {str(k): str(v) for k, v in dict(data.get("slots") or {}).items()}
        pending = data.get("pending")
        return cls(str(data["intent"]), slots, str(data.get("language", "en")),
                   dict(pending) if isinstance(pending, Mapping) else None,
                   tuple(str(i) for i in data.get("asked") or ()))


class ConversationStore(Protocol):
    """Where conversations are kept between questions, by conversation id and asker."""

    def get(self, conversation_id: str, user_id: int) -> Conversation | None:
        """The live conversation, or None (none, or forgotten after its time to live)."""

    def put(self, conversation_id: str, user_id: int, conversation: Conversation) -> None:
        """Remember the last answered question of a conversation."""


class MemoryConversations:
    """Conversations in this process's memory, forgotten ``ttl_seconds`` after their last use."""

    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.clock = ttl_seconds, clock
        self._items: dict[tuple[str, int], tuple[Conversation, float]] = {}
        self._lock = threading.Lock()

    def get(self, conversation_id: str, user_id: int) -> Conversation | None:
        """The live conversation, or None (expired ones are dropped)."""
        with self._lock:
            now = self.clock()
            for key in [k for k, (_c, expires) in self._items.items() if expires <= now]:
                del self._items[key]
            found = self._items.get((conversation_id, user_id))
            return None if found is None else found[0]

    def put(self, conversation_id: str, user_id: int, conversation: Conversation) -> None:
        """Remember the last answered question of a conversation."""
        with self._lock:
            self._items[(conversation_id, user_id)] = (conversation, self.clock() + self.ttl)


class SharedConversations:
    """Conversations in the database's shared state: every worker and host sees them."""

    def __init__(self, db: Database, ttl_seconds: float) -> None:
        self.state = SharedState(db, NAMESPACE, ttl_s=ttl_seconds)

    def get(self, conversation_id: str, user_id: int) -> Conversation | None:
        """The live conversation, or None (expired ones read as absent)."""
        data = self.state.get(_key(conversation_id, user_id))
        return None if data is None else Conversation.from_dict(data)

    def put(self, conversation_id: str, user_id: int, conversation: Conversation) -> None:
        """Remember the last answered question; a busy database costs the follow-up only."""
        try:
            self.state.put(_key(conversation_id, user_id), conversation.to_dict())
        except CoreError as exc:  # the answer is given already: do not turn it into an error
            log.warning("chat context not stored (%s): a follow-up will ask again", exc.code)


def _key(conversation_id: str, user_id: int) -> str:
    """The state key: the asker, then the conversation (hashed when too long for the column)."""
    if len(conversation_id) > 200:
        conversation_id = "sha256:" + hashlib.sha256(conversation_id.encode()).hexdigest()
    return f"{user_id}:{conversation_id}"
