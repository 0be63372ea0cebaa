"""PocketSphinx engine: the bundled US-English model decoding against JSGF grammars."""

from __future__ import annotations

import hashlib
import math
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.speech.base import SAMPLE_RATE, Transcript
from assistant.speech.errors import GrammarError, SpeechEngineError, SpeechModelNotFoundError
from assistant.speech.grammar import Grammar
from assistant.speech.noise import NoiseSuppressor

__all__ = [
    "DECODER_OPTIONS",
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


def _model_paths(model_dir: Path | None) -> tuple[Path, Path]:
    """Return (acoustic model dir, dictionary) for `model_dir` or the bundled model."""
    if model_dir is None:
        import pocketsphinx

        model_dir = Path(pocketsphinx.get_model_path())
    base = model_dir / "en-us" if (model_dir / "en-us").is_dir() else model_dir
    hmm = base / "en-us" if (base / "en-us").is_dir() else base
    dicts = sorted(base.glob("*.dict"))
    if not (hmm / "mdef").exists() or not dicts:
        raise SpeechModelNotFoundError(f"no PocketSphinx acoustic model/dictionary in {model_dir}")
    return hmm, dicts[0]


class PocketSphinxEngine:
    """Speech engine over PocketSphinx 5; one native decoder per recogniser."""

    name = "pocketsphinx"

    def __init__(self, model_dir: Path | None = None, *, lexicon: Path | None | bool = True,
                 noise_suppression: bool = True, **options: Any) -> None:
        """Remember where the model is; nothing is loaded until the first recogniser.

        `lexicon`: a file of extra pronunciations (see `read_lexicon`); True means the one
        shipped for the bundled model (only when `model_dir` is None), False or None none.
        `noise_suppression`: pass the audio through a `NoiseSuppressor` (WebRTC's) before
        decoding.
        `options` are PocketSphinx decoder settings (``silprob=0.1``), over `DECODER_OPTIONS`.
        """
        self._model_dir = model_dir
        if lexicon is True:
            lexicon = bundled_lexicon() if model_dir is None else None
        self._lexicon = read_lexicon(lexicon) if lexicon else []
        self._options = {**DECODER_OPTIONS, **options}
        self._noise_suppression = noise_suppression
        self._paths: tuple[Path, Path] | None = None
        self._lock = threading.Lock()
        self._checker: Any = None

    def _decoder(self) -> Any:
        import pocketsphinx

        if self._paths is None:
            self._paths = _model_paths(self._model_dir)
        hmm, dictionary = self._paths
        try:
            decoder = pocketsphinx.Decoder(
                hmm=str(hmm), dict=str(dictionary), lm=None, samprate=SAMPLE_RATE,
                loglevel="FATAL", **self._options,
            )
        except (RuntimeError, ValueError) as exc:
            raise SpeechEngineError(f"PocketSphinx failed to start: {exc}") from exc
        # The model's feat.params wins over options given to the decoder: apply feature
        # settings it overrode (remove_noise, cmn...) again, then rebuild the front end.
        overridden = {k: v for k, v in self._options.items() if decoder.config[k] != v}
        if overridden:
            for key, value in overridden.items():
                decoder.config[key] = value
            decoder.reinit_feat()
        add_pronunciations(decoder, self._lexicon)
        return decoder

    def recognizer(self, grammar: Grammar | None = None) -> PocketSphinxRecognizer:
        """Return a recogniser with its own decoder (about 0.1 s to create)."""
        suppressor = NoiseSuppressor() if self._noise_suppression else None
        return PocketSphinxRecognizer(self._decoder(), grammar, suppressor)

    def check_grammar(self, grammar: Grammar) -> None:
        """Raise `GrammarError` naming the words missing from the dictionary."""
        with self._lock:
            if self._checker is None:
                self._checker = self._decoder()
            missing = sorted(w for w in grammar.words if self._checker.lookup_word(w) is None)
        if missing:
            raise GrammarError(f"grammar {grammar.name!r}: words not in dictionary: {missing}")


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
