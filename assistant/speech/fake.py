"""A fake speech engine for tests: "audio" that carries its own transcript."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from assistant.speech.base import (
    SAMPLE_RATE,
    SAMPLE_RATES,
    Adaptation,
    EnrolmentUtterance,
    Transcript,
)
from assistant.speech.errors import AudioFormatError, EnrolmentError
from assistant.speech.grammar import Grammar

__all__ = ["FakeRecognizer", "FakeSpeechEngine", "encode_text"]

_BASE = 8000
_STEP = 64
_SAMPLES_PER_BYTE = 320  # 20 ms of loud signal per character


def encode_text(text: str, *, silence_ms: int = 400, lead_ms: int = 90) -> bytes:
    """Encode `text` as loud 16-bit PCM that `FakeSpeechEngine` decodes, between silences."""
    data = text.encode("utf-8")
    values = np.repeat(np.asarray([_BASE + _STEP * b for b in data], dtype=np.int16),
                       _SAMPLES_PER_BYTE)
    # Alternate the sign so the signal has no DC offset but keeps its energy.
    signs = np.where(np.arange(values.size) % 2 == 0, 1, -1).astype(np.int16)
    lead = np.zeros(SAMPLE_RATE * lead_ms // 1000, dtype=np.int16)
    tail = np.zeros(SAMPLE_RATE * silence_ms // 1000, dtype=np.int16)
    return bytes(np.concatenate([lead, values * signs, tail]).astype("<i2").tobytes())


def _decode(pcm: bytes) -> str:
    samples = np.abs(np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.int32))
    if samples.size == 0:
        return ""
    starts = np.concatenate([[0], np.flatnonzero(np.diff(samples)) + 1])
    lengths = np.diff(np.concatenate([starts, [samples.size]]))
    values = samples[starts]
    keep = (values >= _BASE) & ((values - _BASE) % _STEP == 0)
    out = bytearray()
    for value, length in zip(values[keep].tolist(), lengths[keep].tolist(), strict=True):
        out.extend([(value - _BASE) // _STEP] * round(length / _SAMPLES_PER_BYTE))
    return out.decode("utf-8", errors="ignore")


class FakeRecognizer:
    """Decodes `encode_text` audio; text outside the grammar comes back empty."""

    def __init__(self, grammar: Grammar | None) -> None:
        """Start with `grammar` and an empty buffer."""
        self._grammar = grammar
        self._buffer = bytearray()
        self.utterances: list[str] = []
        #: The stream's rate and the enrolment profile the engine made it with.
        self.sample_rate = SAMPLE_RATE
        self.profile: bytes | None = None
        #: The `Transcript.score` and `.confidence` final results carry (tests set them to
        #: exercise rejection); confidence None means 1.0 for a result, 0.0 for none.
        self.score: float | None = None
        self.confidence: float | None = None

    @property
    def grammar(self) -> Grammar | None:
        """The active grammar."""
        return self._grammar

    def set_grammar(self, grammar: Grammar | None) -> None:
        """Switch grammar for the next utterance."""
        self._grammar = grammar

    def _text(self) -> str:
        text = " ".join(_decode(bytes(self._buffer)).split())
        if self._grammar is not None and text and not self._grammar.matches(text):
            return ""
        return text

    def accept(self, pcm: bytes) -> Transcript:
        """Buffer a chunk and return what decodes so far."""
        self._buffer.extend(pcm)
        return Transcript(self._text(), is_final=False)

    def hear_background(self, pcm: bytes) -> None:
        """Ignored: the fake engine has nothing to adapt."""

    def peek(self) -> Transcript:
        """What decodes so far (the buffer is kept)."""
        return Transcript(self._text(), is_final=False)

    def finish(self) -> Transcript:
        """Return the decoded utterance and clear the buffer."""
        text = self._text()
        self._buffer.clear()
        self.utterances.append(text)
        confidence = (1.0 if text else 0.0) if self.confidence is None else self.confidence
        return Transcript(text, is_final=True, confidence=confidence,
                          score=self.score if text else None)

    def close(self) -> None:
        """Nothing to release."""
        self._buffer.clear()


class FakeSpeechEngine:
    """Engine whose recognisers decode `encode_text` audio exactly (at any supported rate:
    the encoding is sample-wise). Its "adaptation" records the enrolment's texts, and each
    recogniser keeps the profile it was made with, so tests can see it reach the dialogue."""

    name = "fake"
    sample_rates: tuple[int, ...] = SAMPLE_RATES

    def __init__(self) -> None:
        """Create the engine; it keeps every recogniser it made, for inspection."""
        self.recognizers: list[FakeRecognizer] = []

    def recognizer(self, grammar: Grammar | None = None, *, sample_rate: int = SAMPLE_RATE,
                   profile: bytes | None = None) -> FakeRecognizer:
        """Return a new fake recogniser."""
        if sample_rate not in self.sample_rates:
            raise AudioFormatError(f"sample rate {sample_rate} Hz: use one of {SAMPLE_RATES}")
        rec = FakeRecognizer(grammar)
        rec.sample_rate, rec.profile = sample_rate, profile
        self.recognizers.append(rec)
        return rec

    def adapt(self, utterances: Sequence[EnrolmentUtterance], *,
              sample_rate: int) -> Adaptation:
        """A profile naming what was said (each utterance must decode to its text)."""
        if not utterances:
            raise EnrolmentError("an enrolment needs at least one utterance")
        heard = [" ".join(_decode(u.pcm).split()) for u in utterances]
        wrong = [u.text for u, h in zip(utterances, heard, strict=True) if h != u.text]
        data = json.dumps({"fake": [u.text for u in utterances]}).encode()
        return Adaptation(self.name, sample_rate, data, len(utterances),
                          {"mismatched": len(wrong)})

    def check_grammar(self, grammar: Grammar) -> None:
        """Every grammar is fine for the fake."""
