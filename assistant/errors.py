"""Errors of the assistant (speech, voice and chat), each with a stable kebab-case code."""

from __future__ import annotations

__all__ = [
    "AmbiguousError",
    "AssistantError",
    "ChatError",
    "EntityNotFoundError",
    "ForbiddenError",
    "IntentDataError",
    "MissingSlotError",
    "NoContextError",
    "NotAnAnswerError",
    "NotUnderstoodError",
    "OutOfScopeError",
    "AudioFormatError",
    "EnrolmentError",
    "EnrolmentUnsupportedError",
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
    """Audio is not mono 16-bit PCM at a supported rate (or cannot be converted to it)."""

    code = "audio-format-invalid"


class EnrolmentError(AssistantError):
    """A voice enrolment cannot be made from what was given (too few or unusable utterances,
    words the recogniser does not know)."""

    code = "enrolment-invalid"


class EnrolmentUnsupportedError(EnrolmentError):
    """The configured speech engine cannot adapt to a speaker."""

    code = "enrolment-unsupported"


class TtsUnavailableError(AssistantError):
    """Text-to-speech was requested but espeak-ng is not installed."""

    code = "tts-unavailable"


class ChatError(AssistantError):
    """A chat question could not be answered; `message` is the polite answer to show."""

    code = "chat-error"

    def __init__(
        self, message: str, *, code: str | None = None, data: list[dict[str, object]] | None = None
    ) -> None:
        super().__init__(message)
        self.data: list[dict[str, object]] = data or []
        if code is not None:
            self.code = code


class NotUnderstoodError(ChatError):
    """No intent matched well enough; the assistant says so instead of guessing."""

    code = "not-understood"


class OutOfScopeError(ChatError):
    """A general-assistant question (weather, markets, small talk...) the warehouse chat does
    not answer; the message says what it can do instead."""

    code = "out-of-scope"


class NotAnAnswerError(ChatError):
    """While an action waits for its yes or no, a reply the chat cannot read at all (a yes in
    words it does not know): nothing is done, the action keeps waiting, and the message asks for
    a plain yes or no."""

    code = "not-an-answer"


class UnsupportedRequestError(ChatError):
    """A request to change what the chat cannot change (delete, rename or edit suppliers, lots,
    products or stock); the message says what it can do instead."""

    code = "not-supported"


class AmbiguousError(ChatError):
    """Two intents are about as likely: the chat asks back instead of guessing.

    ``choices`` are the options, each ``{"intent", "label", "text"}``: ``text`` is a question
    that picks that intent unambiguously (what the user clicks).
    """

    code = "ambiguous"

    def __init__(
        self, message: str, *, choices: list[dict[str, str]],
        data: list[dict[str, object]] | None = None,
    ) -> None:
        super().__init__(message, data=data)
        self.choices = choices


class ForbiddenError(ChatError):
    """The user's role may not ask this question."""

    code = "forbidden"


class MissingSlotError(ChatError):
    """The question lacks something the answer needs (which lot, which order...)."""

    code = "missing-slot"


class EntityNotFoundError(ChatError):
    """A code or name in the question matches nothing in the warehouse."""

    code = "not-found"


class NoContextError(ChatError):
    """A follow-up ("and in size 8?") came without an earlier question to refine."""

    code = "no-context"


class IntentDataError(AssistantError):
    """The intent templates or examples data files are malformed."""

    code = "intent-data-invalid"
