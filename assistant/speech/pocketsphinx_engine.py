"""PocketSphinx engine: the bundled US-English model decoding against JSGF grammars.

16 kHz streams decode with the model as shipped; 8 kHz streams with a narrowband copy of it
(`assistant.speech.sphinx.narrowband`), derived once and cached in `cache_dir`. A speaker's
enrolment MAP-adapts the model of its rate with sphinxtrain (`adapt`); the result, a profile,
is handed back to `recognizer(profile=...)`.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
import threading
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.speech.base import (
    SAMPLE_RATE,
    SAMPLE_RATES,
    SAMPLE_WIDTH,
    Adaptation,
    EnrolmentUtterance,
    Transcript,
)
from assistant.speech.errors import (
    AudioFormatError,
    EnrolmentError,
    GrammarError,
    SpeechEngineError,
)
from assistant.speech.grammar import Grammar
from assistant.speech.noise import NoiseSuppressor
from assistant.speech.sphinx.adapt import SphinxTrain, map_adapt, training_files
from assistant.speech.sphinx.model import AcousticModel, extract_cepstra, find_model, open_decoder
from assistant.speech.sphinx.narrowband import narrowband_model
from assistant.speech.sphinx.profile import pack_profile, read_profile, unpack_profile

__all__ = [
    "DECODER_OPTIONS",
    "DEFAULT_CACHE_DIR",
    "MIN_ENROLMENT_UTTERANCES",
    "PocketSphinxEngine",
    "PocketSphinxRecognizer",
    "add_pronunciations",
    "bundled_lexicon",
    "read_lexicon",
]

#: Decoder settings over the model's feat.params (which already turn on -remove_noise): more
#: room for silence and noise fillers, so noise at the edges is not decoded as words.
#: `compallsen` scores every senone of every frame, so acoustic scores are normalised against
#: the best senone of the frame whatever the grammar is: that best senone is the garbage model
#: behind `Transcript.score`, comparable across grammars and utterances.
DECODER_OPTIONS: dict[str, Any] = {"silprob": 0.1, "fillprob": 0.1, "compallsen": True}
#: Where derived models and unpacked profiles go, relative to the working directory.
DEFAULT_CACHE_DIR = Path("var/speech")
#: The fewest utterances an enrolment adapts from, and the most.
MIN_ENROLMENT_UTTERANCES = 10
MAX_ENROLMENT_UTTERANCES = 1000
#: Decoder settings that change the features, so the narrowband model is derived with them.
_FRONT_END_OPTIONS = ("remove_noise", "remove_dc", "dither", "alpha")


def bundled_lexicon() -> Path:
    """The extra pronunciations shipped for the bundled US-English model."""
    return Path(str(resources.files("assistant").joinpath("data", "lexicon", "en-us.txt")))


def read_lexicon(path: Path) -> list[tuple[str, str]]:
    """(word, phones) pairs of a lexicon file: ``word PH ON ES`` per line, ``#`` comments."""
    entries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) < 2:
            raise SpeechEngineError(f"{path}:{number}: expected a word and its phones")
        entries.append((fields[0].lower(), " ".join(fields[1:]).upper()))
    return entries


def add_pronunciations(decoder: Any, entries: list[tuple[str, str]]) -> int:
    """Add each (word, phones) as the word's next alternate pronunciation, or as a new word.

    Pronunciations the dictionary already has are skipped; returns how many were added.
    Searches added later (every grammar is) see the new pronunciations.
    """
    added = 0
    for word, phones in entries:
        known, variant = [], word
        while (found := decoder.lookup_word(variant)) is not None:
            known.append(" ".join(found.split()))
            variant = f"{word}({len(known) + 1})"
        if phones in known:
            continue
        try:
            decoder.add_word(variant, phones, False)
        except RuntimeError as exc:
            raise SpeechEngineError(f"cannot add {variant} /{phones}/: {exc}") from exc
        added += 1
    return added


class PocketSphinxEngine:
    """Speech engine over PocketSphinx 5; one native decoder per recogniser."""

    name = "pocketsphinx"
    sample_rates: tuple[int, ...] = SAMPLE_RATES

    def __init__(self, model_dir: Path | None = None, *, lexicon: Path | None | bool = True,
                 noise_suppression: bool = True, cache_dir: Path | None = None,
                 sphinxtrain_dir: Path | None = None, **options: Any) -> None:
        """Remember where the model is; nothing is loaded until the first recogniser.

        `lexicon`: a file of extra pronunciations (see `read_lexicon`); True means the one
        shipped for the bundled model (only when `model_dir` is None), False or None none.
        `noise_suppression`: pass 16 kHz audio through a `NoiseSuppressor` (WebRTC's, which
        runs at 16 kHz only) before decoding; 8 kHz audio goes to the decoder as it is.
        `cache_dir`: where the 8 kHz model and unpacked profiles are kept (`DEFAULT_CACHE_DIR`
        when None). `sphinxtrain_dir`: where sphinxtrain's programs are (found when None).
        `options` are PocketSphinx decoder settings (``silprob=0.1``), over `DECODER_OPTIONS`.
        """
        self._model_dir = model_dir
        if lexicon is True:
            lexicon = bundled_lexicon() if model_dir is None else None
        self._lexicon = read_lexicon(lexicon) if lexicon else []
        self._options = {**DECODER_OPTIONS, **options}
        self._noise_suppression = noise_suppression
        self._cache_dir = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
        self._sphinxtrain_dir = sphinxtrain_dir
        self._models: dict[int, tuple[AcousticModel, str]] = {}
        self._model_lock = threading.Lock()
        self._lock = threading.Lock()
        self._checker: Any = None

    def _model(self, rate: int) -> tuple[AcousticModel, str]:
        """The acoustic model for streams at `rate` and its digest (the 8 kHz one is derived
        on first use: 5-10 s, once per cache folder)."""
        if rate not in self.sample_rates:
            raise AudioFormatError(f"sample rate {rate} Hz: use one of {self.sample_rates}")
        with self._model_lock:
            if rate not in self._models:
                model = find_model(self._model_dir)
                if model.sample_rate != rate:
                    if rate != 8000:
                        raise SpeechEngineError(f"{model.hmm} cannot decode {rate} Hz audio")
                    front_end = {k: v for k, v in self._options.items()
                                 if k in _FRONT_END_OPTIONS}
                    model = narrowband_model(model, self._cache_dir, front_end)
                self._models[rate] = (model, model.digest())
            return self._models[rate]

    def _decoder(self, rate: int = SAMPLE_RATE, files: dict[str, Path] | None = None) -> Any:
        decoder = open_decoder(self._model(rate)[0], self._options, files)
        add_pronunciations(decoder, self._lexicon)
        return decoder

    def recognizer(self, grammar: Grammar | None = None, *, sample_rate: int = SAMPLE_RATE,
                   profile: bytes | None = None) -> PocketSphinxRecognizer:
        """Return a recogniser with its own decoder (about 0.1 s to create) for PCM at
        `sample_rate`; `profile` (an `adapt` result's data) decodes with the speaker's
        adapted model (`EnrolmentError` if it is not one, or was made for another model or
        rate)."""
        files = self._profile_files(profile, sample_rate) if profile is not None else None
        decoder = self._decoder(sample_rate, files)
        suppress = self._noise_suppression and sample_rate == SAMPLE_RATE
        return PocketSphinxRecognizer(decoder, grammar, NoiseSuppressor() if suppress else None)

    def _profile_files(self, profile: bytes, rate: int) -> dict[str, Path]:
        about = read_profile(profile)
        if about.sample_rate != rate:
            raise EnrolmentError(f"this voice profile was made from {about.sample_rate} Hz "
                                 f"audio and cannot decode a {rate} Hz stream; enrol again")
        if about.model != self._model(rate)[1]:
            raise EnrolmentError("this voice profile was made for another acoustic model "
                                 "(the model changed since the enrolment); enrol again")
        return unpack_profile(profile, self._cache_dir)

    def check_grammar(self, grammar: Grammar) -> None:
        """Raise `GrammarError` naming the words missing from the dictionary."""
        missing = self._unknown(grammar.words)
        if missing:
            raise GrammarError(f"grammar {grammar.name!r}: words not in dictionary: {missing}")

    def _dictionary(self) -> Any:
        """A decoder at the model's own rate kept for dictionary look-ups (call with `_lock`
        held)."""
        if self._checker is None:
            self._checker = self._decoder(find_model(self._model_dir).sample_rate)
        return self._checker

    def _unknown(self, words: set[str] | frozenset[str]) -> list[str]:
        with self._lock:
            return sorted(w for w in words if self._dictionary().lookup_word(w) is None)

    def _pronunciations(self, words: set[str]) -> dict[str, str]:
        """Every pronunciation of `words` (alternates as ``word(2)``), lexicon included."""
        found = {}
        with self._lock:
            for word in words:
                variant, number = word, 1
                while (phones := self._dictionary().lookup_word(variant)) is not None:
                    found[variant] = phones
                    number += 1
                    variant = f"{word}({number})"
        return found

    def adapt(self, utterances: Sequence[EnrolmentUtterance], *,
              sample_rate: int) -> Adaptation:
        """MAP-adapt the model of `sample_rate` to one speaker (sphinxtrain's bw, map_adapt
        and mk_s2sendump; a few seconds for 50 short utterances). `EnrolmentError` for fewer
        than `MIN_ENROLMENT_UTTERANCES`, empty audio or texts, or words the dictionary lacks;
        `EnrolmentUnsupportedError` when sphinxtrain is not installed."""
        transcripts = _check_enrolment(utterances, sample_rate, self.sample_rates)
        unknown = self._unknown({w for words in transcripts for w in words})
        if unknown:
            raise EnrolmentError(f"enrolment words not in the dictionary: {unknown}")
        tools = SphinxTrain.find(self._sphinxtrain_dir)
        model, digest = self._model(sample_rate)
        train = training_files(model, self._cache_dir, tools)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="facet-enrol-") as tmp:
            work = Path(tmp)
            cepstra = extract_cepstra(model, self._enrolment_audio(utterances, sample_rate),
                                      work / "cepstra", self._options)
            files, details = map_adapt(
                model, train, tools, work, cepstra=cepstra, transcripts=transcripts,
                pronunciations=self._pronunciations({w for t in transcripts for w in t}))
        speech = sum(len(u.pcm) for u in utterances) / (sample_rate * SAMPLE_WIDTH)
        details = {"method": "map", **details, "speech_seconds": round(speech, 1),
                   "seconds": round(time.monotonic() - started, 1)}
        data = pack_profile(files, sample_rate=sample_rate, model=digest, details=details)
        return Adaptation(self.name, sample_rate, data, len(utterances), details)

    def _enrolment_audio(self, utterances: Sequence[EnrolmentUtterance],
                         rate: int) -> list[bytes]:
        """The audio as the decoder would hear it (through the noise suppressor at 16 kHz)."""
        if not (self._noise_suppression and rate == SAMPLE_RATE):
            return [u.pcm for u in utterances]
        suppressor = NoiseSuppressor()
        for utterance in utterances:  # first hear the room, as a session's recogniser does
            suppressor.learn(utterance.pcm)
        return [suppressor.process(u.pcm) + suppressor.flush() for u in utterances]


def _check_enrolment(utterances: Sequence[EnrolmentUtterance], rate: int,
                     rates: tuple[int, ...]) -> list[list[str]]:
    """The words of each utterance, once the enrolment is known to be usable."""
    if rate not in rates:
        raise AudioFormatError(f"sample rate {rate} Hz: use one of {rates}")
    if not MIN_ENROLMENT_UTTERANCES <= len(utterances) <= MAX_ENROLMENT_UTTERANCES:
        raise EnrolmentError(
            f"an enrolment needs {MIN_ENROLMENT_UTTERANCES} to {MAX_ENROLMENT_UTTERANCES} "
            f"utterances, got {len(utterances)}")
    transcripts = []
    for number, utterance in enumerate(utterances, 1):
        words = utterance.text.lower().split()
        seconds = len(utterance.pcm) / (rate * SAMPLE_WIDTH)
        if not words:
            raise EnrolmentError(f"enrolment utterance {number} has no text")
        if len(utterance.pcm) % SAMPLE_WIDTH or not 0.1 <= seconds <= 30:
            raise EnrolmentError(f"enrolment utterance {number} is not 0.1-30 s of 16-bit "
                                 f"PCM at {rate} Hz ({len(utterance.pcm)} bytes)")
        transcripts.append(words)
    return transcripts


class PocketSphinxRecognizer:
    """A PocketSphinx decoder; each grammar becomes a named JSGF search, added once."""

    def __init__(self, decoder: Any, grammar: Grammar | None,
                 suppressor: NoiseSuppressor | None = None) -> None:
        """Wrap `decoder` and activate `grammar`; `suppressor` cleans the audio first."""
        self._decoder = decoder
        self._suppressor = suppressor
        self._searches: set[str] = set()
        self._grammar: Grammar | None = None
        self._in_utterance = False
        self._last = ""
        self.set_grammar(grammar)

    @property
    def grammar(self) -> Grammar | None:
        """The active grammar."""
        return self._grammar

    def set_grammar(self, grammar: Grammar | None) -> None:
        """Activate `grammar` (a JSGF search); None is not supported by this engine."""
        if grammar is None:
            raise GrammarError("the PocketSphinx engine decodes against a grammar only")
        if self._in_utterance:
            self.finish()
        jsgf = grammar.to_jsgf()
        key = f"{grammar.name}_{hashlib.sha1(jsgf.encode()).hexdigest()[:12]}"
        if key not in self._searches:
            try:
                self._decoder.add_jsgf_string(key, jsgf)
            except (ValueError, RuntimeError) as exc:
                raise GrammarError(f"PocketSphinx rejected grammar {grammar.name!r}") from exc
            self._searches.add(key)
        self._decoder.activate_search(key)
        self._grammar = grammar

    def accept(self, pcm: bytes) -> Transcript:
        """Decode a chunk and return the running hypothesis."""
        if not self._in_utterance:
            self._decoder.start_utt()
            self._in_utterance = True
            self._last = ""
        if self._suppressor is not None:
            pcm = self._suppressor.process(pcm)
        if pcm:
            self._decoder.process_raw(pcm, False, False)
            hyp = self._decoder.hyp()
            self._last = hyp.hypstr if hyp is not None else ""
        return Transcript(self._last, is_final=False)

    def peek(self) -> Transcript:
        """The best hypothesis so far; the utterance goes on. No score: PocketSphinx only
        normalises segment scores once the utterance has ended (`finish` has them)."""
        if not self._in_utterance:
            return Transcript("", is_final=False)
        hyp = self._decoder.hyp()
        return Transcript(hyp.hypstr.strip() if hyp is not None else "", is_final=False)

    def hear_background(self, pcm: bytes) -> None:
        """Let the noise suppressor learn the room from audio between utterances."""
        if self._suppressor is not None and not self._in_utterance:
            self._suppressor.learn(pcm)

    def finish(self) -> Transcript:
        """End the utterance and return the best hypothesis."""
        if not self._in_utterance:
            return Transcript("", is_final=True)
        tail = self._suppressor.flush() if self._suppressor is not None else b""
        if tail:
            self._decoder.process_raw(tail, False, False)
        self._decoder.end_utt()
        self._in_utterance = False
        hyp = self._decoder.hyp()
        if hyp is None:
            return Transcript("", is_final=True)
        text = hyp.hypstr.strip()
        return Transcript(text, is_final=True, confidence=float(hyp.prob),
                          score=self._word_score() if text else None)

    def _word_score(self) -> float | None:
        """Mean acoustic log-score per frame of the recognised words (not silence or noise).

        With every senone scored, a frame's scores are relative to its best senone, which any
        speech fits: a word forced onto sounds it does not match scores far below zero.
        """
        total, frames = 0.0, 0
        for seg in self._decoder.seg() or ():
            if seg.word.startswith(("<", "[", "+")):
                continue
            total += math.log(seg.ascore) if seg.ascore > 0 else -1e4
            frames += seg.end_frame - seg.start_frame + 1
        return total / frames if frames else None

    def close(self) -> None:
        """End any open utterance; the decoder is freed with this object."""
        if self._in_utterance:
            if self._suppressor is not None:
                self._suppressor.flush()
            self._decoder.end_utt()
            self._in_utterance = False
