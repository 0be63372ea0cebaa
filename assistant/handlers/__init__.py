"""Handlers of the chat's intents, registered by intent name in :data:`REGISTRY`."""

from assistant.handlers import analytics, reports, stock  # noqa: F401  (registers the handlers)
from assistant.handlers.base import (
    REGISTRY,
    Answer,
    HandlerContext,
    HandlerRegistry,
    HandlerSpec,
    handles,
)

__all__ = ["REGISTRY", "Answer", "HandlerContext", "HandlerRegistry", "HandlerSpec", "handles"]
