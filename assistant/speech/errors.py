"""Re-export shim: the assistant's errors live in :mod:`assistant.errors`."""

from assistant.errors import (  # noqa: F401
    AssistantError,
    AudioFormatError,
    EnrolmentError,
    EnrolmentUnsupportedError,
    GrammarError,
    SpeechEngineError,
    SpeechModelNotFoundError,
    TtsUnavailableError,
)
