"""Re-export shim: the assistant's settings live in :mod:`assistant.settings`."""

from assistant.settings import AssistantSettings, SpeechSettings, VadSettings

__all__ = ["AssistantSettings", "SpeechSettings", "VadSettings"]
