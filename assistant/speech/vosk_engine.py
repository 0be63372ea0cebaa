"""Vosk engine: a Kaldi model directory decoding against a phrase-list grammar."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.speech.base import (
    SAMPLE_RATE,
    SAMPLE_RATES,
    Adaptation,
    EnrolmentUtterance,
    Transcript,
)
from assistant.speech.errors import (
    AudioFormatError,
    EnrolmentUnsupportedError,
    GrammarError,
    SpeechEngineError,
    SpeechModelNotFoundError,
)
from assistant.speech.grammar import Grammar

__all__ = ["VoskEngine", "VoskRecognizer"]

_UNK = "[unk]"


class VoskEngine:
    """Speech engine over Vosk; the model (hundreds of MB) loads once, on first use."""

    name = "vosk"
    sample_rates: tuple[int, ...] = SAMPLE_RATES

    def __init__(self, model_dir: Path) -> None:
        """Remember the model directory; nothing is loaded yet."""
        self._model_dir = Path(model_dir)
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        """The loaded `vosk.Model`."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self) -> Any:
        if not (self._model_dir / "am").is_dir():
            raise SpeechModelNotFoundError(f"no Vosk model in {self._model_dir}")
        import vosk

        vosk.SetLogLevel(-1)
        try:
            return vosk.Model(str(self._model_dir))
        except Exception as exc:  # vosk raises a bare Exception on a bad model
            raise SpeechEngineError(f"Vosk failed to load {self._model_dir}: {exc}") from exc

    def knows(self, word: str) -> bool:
        """True if `word` is in the model's vocabulary."""
        return int(self.model.vosk_model_find_word(word)) >= 0

    def grammar_json(self, grammar: Grammar) -> str:
        """The JSON phrase list for `grammar`, with ``[unk]`` when the model has it."""
        phrases = grammar.to_vosk()
        if self.knows(_UNK):
            phrases.append(_UNK)
        return json.dumps(phrases, ensure_ascii=False)

    def check_grammar(self, grammar: Grammar) -> None:
        """Raise `GrammarError` naming the words missing from the model."""
        missing = sorted(w for w in grammar.words if not self.knows(w))
        if missing:
            raise GrammarError(f"grammar {grammar.name!r}: words not in the model: {missing}")

    def recognizer(self, grammar: Grammar | None = None, *, sample_rate: int = SAMPLE_RATE,
                   profile: bytes | None = None) -> VoskRecognizer:
        """Return a recogniser for one audio stream (Kaldi resamples 8 kHz input itself to
        the model's rate; a narrowband Vosk model is the better choice for 8 kHz sites)."""
        if sample_rate not in self.sample_rates:
            raise AudioFormatError(f"sample rate {sample_rate} Hz: use one of {self.sample_rates}")
        if profile is not None:
            raise EnrolmentUnsupportedError("the Vosk engine has no speaker adaptation")
        return VoskRecognizer(self, grammar, sample_rate)

    def adapt(self, utterances: Sequence[EnrolmentUtterance], *,
              sample_rate: int) -> Adaptation:
        """Vosk models are not adapted per speaker here."""
        raise EnrolmentUnsupportedError(
            "the Vosk engine cannot adapt to a speaker; enrolment needs the embedding or "
            "pocketsphinx engine")


class VoskRecognizer:
    """Wraps `KaldiRecognizer(model, rate, json_grammar)`; Vosk endpointing ends utterances."""

    def __init__(self, engine: VoskEngine, grammar: Grammar | None,
                 sample_rate: int = SAMPLE_RATE) -> None:
        """Create the Kaldi recogniser for `grammar`, fed PCM at `sample_rate`."""
        self._engine = engine
        self._grammar = grammar
        self._rate = sample_rate
        self._rec: Any = None
        self._fresh = True
        self._reset()

    @property
    def grammar(self) -> Grammar | None:
        """The active grammar (None: the model's full vocabulary)."""
        return self._grammar

    def _reset(self) -> None:
        from vosk import KaldiRecognizer

        if self._grammar is None:
            self._rec = KaldiRecognizer(self._engine.model, self._rate)
        else:
            self._rec = KaldiRecognizer(
                self._engine.model, self._rate, self._engine.grammar_json(self._grammar)
            )
        self._fresh = True

    def set_grammar(self, grammar: Grammar | None) -> None:
        """Use `grammar` from the next utterance on."""
        if grammar is not None and not grammar.words:
            raise GrammarError(f"grammar {grammar.name!r} has no words")
        self._grammar = grammar
        self._reset()

    def hear_background(self, pcm: bytes) -> None:
        """Ignored: Vosk adapts within an utterance."""

    def accept(self, pcm: bytes) -> Transcript:
        """Feed a chunk; a final transcript means Vosk detected the end of speech."""
        self._fresh = False
        if self._rec.AcceptWaveform(pcm):
            text = _clean(json.loads(self._rec.Result()).get("text", ""))
            self._reset()
            return Transcript(text, is_final=True)
        return Transcript(_clean(json.loads(self._rec.PartialResult()).get("partial", "")), False)

    def peek(self) -> Transcript:
        """The running hypothesis (Vosk's partial result); the utterance goes on."""
        if self._fresh:
            return Transcript("", is_final=False)
        return Transcript(_clean(json.loads(self._rec.PartialResult()).get("partial", "")), False)

    def finish(self) -> Transcript:
        """End the utterance and return its final text."""
        if self._fresh:
            return Transcript("", is_final=True)
        text = _clean(json.loads(self._rec.FinalResult()).get("text", ""))
        self._reset()
        return Transcript(text, is_final=True)

    def close(self) -> None:
        """Drop the native recogniser."""
        self._rec = None


def _clean(text: str) -> str:
    return " ".join(w for w in text.split() if w != _UNK)
