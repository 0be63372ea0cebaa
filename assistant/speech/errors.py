"""Errors raised by the speech layer, each with a stable kebab-case code."""

from __future__ import annotations

__all__ = [
    "AssistantError",
    "AudioFormatError",
    "GrammarError",
    "SpeechEngineError",
    "SpeechModelNotFoundError",
    "TtsUnavailableError",
]


class AssistantError(Exception):
    """Base of every assistant error; `code` is stable and kebab-case."""

    code: str = "assistant-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class SpeechEngineError(AssistantError):
    """A speech engine failed to load or to decode."""

    code = "speech-engine-error"


class SpeechModelNotFoundError(SpeechEngineError):
    """The configured speech model directory does not exist or is incomplete."""

    code = "speech-model-not-found"


class GrammarError(AssistantError):
    """A recognition grammar is malformed or uses words the engine does not know."""

    code = "grammar-invalid"


class AudioFormatError(AssistantError):
    """Audio is not 16 kHz mono 16-bit PCM (or cannot be converted to it)."""

    code = "audio-format-invalid"


class TtsUnavailableError(AssistantError):
    """Text-to-speech was requested but espeak-ng is not installed."""

    code = "tts-unavailable"
