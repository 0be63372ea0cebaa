"""The speech-engine protocol: engines hand out recognisers that decode 16-bit PCM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from assistant.speech.grammar import Grammar

__all__ = [
    "SAMPLE_RATE",
    "SAMPLE_WIDTH",
    "Recognizer",
    "SpeechEngine",
    "Transcript",
]

SAMPLE_RATE = 16000
SAMPLE_WIDTH = 2


@dataclass(frozen=True)
class Transcript:
    """A recognition result: partial while the utterance runs, final when it ended.

    `score` is how well the words fit the audio, per frame, against a free garbage model
    (0 is a perfect fit, lower is worse); None when the engine gives no such score. Dialogues
    reject a final result whose score is below their threshold instead of acting on it.
    """

    text: str
    is_final: bool
    confidence: float | None = None
    score: float | None = None


@runtime_checkable
class Recognizer(Protocol):
    """Decodes one utterance at a time from 16 kHz mono 16-bit PCM chunks."""

    @property
    def grammar(self) -> Grammar | None:
        """The grammar the next utterance is decoded against (None: free speech)."""
        ...

    def set_grammar(self, grammar: Grammar | None) -> None:
        """Switch grammar; takes effect at the start of the next utterance."""
        ...

    def accept(self, pcm: bytes) -> Transcript:
        """Feed a chunk; returns a partial, or a final if the engine found an endpoint."""
        ...

    def finish(self) -> Transcript:
        """End the utterance, return the final result and get ready for the next one."""
        ...

    def hear_background(self, pcm: bytes) -> None:
        """Audio between utterances (the room's own sound), for engines that adapt to it."""
        ...

    def close(self) -> None:
        """Release native resources held by the recogniser."""
        ...


@runtime_checkable
class SpeechEngine(Protocol):
    """A speech-to-text engine; the model loads lazily, on the first recogniser."""

    name: str

    def recognizer(self, grammar: Grammar | None = None) -> Recognizer:
        """Return a new recogniser (one per audio stream) set to `grammar`."""
        ...

    def check_grammar(self, grammar: Grammar) -> None:
        """Raise `GrammarError` if the engine cannot decode against `grammar`."""
        ...
