"""Re-export shim: the assistant's settings live in :mod:`assistant.settings`."""

from assistant.settings import AssistantSettings, SpeechSettings, VadSettings  # noqa: F401
