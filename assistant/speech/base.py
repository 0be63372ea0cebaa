"""The speech-engine protocol: engines hand out recognisers that decode 16-bit PCM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from assistant.speech.grammar import Grammar

__all__ = [
    "SAMPLE_RATE",
    "SAMPLE_RATES",
    "SAMPLE_WIDTH",
    "Adaptation",
    "EnrolmentUtterance",
    "Recognizer",
    "SpeechEngine",
    "Transcript",
]

#: The wideband rate, and every rate a stream may declare (8 kHz: telephony, Bluetooth
#: hands-free, DECT headsets).
SAMPLE_RATE = 16000
SAMPLE_RATES = (8000, 16000)
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


@dataclass(frozen=True)
class EnrolmentUtterance:
    """One thing a picker said during enrolment: mono 16-bit PCM and the words prompted."""

    pcm: bytes
    text: str


@dataclass(frozen=True)
class Adaptation:
    """An engine's adaptation to one speaker: opaque `data` for `recognizer(profile=...)`,
    how many utterances made it and what was measured (`details`, JSON-ready)."""

    engine: str
    sample_rate: int
    data: bytes = field(repr=False)
    utterances: int
    details: Mapping[str, object] = field(default_factory=dict)


@runtime_checkable
class Recognizer(Protocol):
    """Decodes one utterance at a time from mono 16-bit PCM chunks at its sample rate."""

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

    def peek(self) -> Transcript:
        """The result if the utterance ended now, without ending it (endpointing asks this
        during a pause: a complete answer ends the utterance, a partial one waits)."""
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
    #: The stream sample rates it decodes.
    sample_rates: tuple[int, ...]

    def recognizer(self, grammar: Grammar | None = None, *, sample_rate: int = SAMPLE_RATE,
                   profile: bytes | None = None) -> Recognizer:
        """Return a new recogniser (one per audio stream) set to `grammar`, for PCM at
        `sample_rate`; `profile` is a speaker's `Adaptation.data` from this engine."""
        ...

    def adapt(self, utterances: Sequence[EnrolmentUtterance], *,
              sample_rate: int) -> Adaptation:
        """Adapt to one speaker from their enrolment (`EnrolmentUnsupportedError` if the
        engine cannot)."""
        ...

    def check_grammar(self, grammar: Grammar) -> None:
        """Raise `GrammarError` if the engine cannot decode against `grammar`."""
        ...
