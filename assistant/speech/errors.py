"""Re-export shim: the assistant's errors live in :mod:`assistant.errors`."""

from assistant.errors import (
    AssistantError,
    AudioFormatError,
    EnrolmentError,
    EnrolmentUnsupportedError,
    GrammarError,
    SpeechEngineError,
    SpeechModelNotFoundError,
    TtsUnavailableError,
)

__all__ = [
    "AssistantError",
    "AudioFormatError",
    "EnrolmentError",
    "EnrolmentUnsupportedError",
    "GrammarError",
    "SpeechEngineError",
    "SpeechModelNotFoundError",
    "TtsUnavailableError",
]
