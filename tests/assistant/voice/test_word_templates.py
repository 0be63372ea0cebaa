"""An enrolled picker's word templates (issue 12): kept in the profile, matched by time warping
against real speech, and choosing between the word model's close sentences."""

from __future__ import annotations

import random

import numpy as np
import pytest

from assistant.speech import SpeechModelNotFoundError
from assistant.speech.audio import resample_poly, to_pcm
from assistant.speech.base import EnrolmentUtterance
from assistant.speech.embedding import corpus
from assistant.speech.embedding.engine import EmbeddingEngine
from assistant.speech.embedding.graph import Decoded
from assistant.speech.embedding.model import WordModel
from assistant.speech.embedding.templates import (
    MAX_PER_WORD,
    WordTemplates,
    profile_bytes,
    read_profile,
    rescore,
)
from assistant.voice import load_language

DIGITS = corpus.DIGIT_WORDS
needs_fsdd = pytest.mark.skipif(not corpus.fsdd_dir().is_dir(), reason="FSDD recordings not "
                                "found (../shared/data/fsdd-dev or FACET_FSDD_DIR)")


@pytest.fixture(scope="module")
def engine() -> EmbeddingEngine:
    """One engine (models load once) for the module."""
    return EmbeddingEngine()


@pytest.fixture(scope="module")
def george() -> dict[int, dict[int, np.ndarray]]:
    """A development speaker's digits (8 kHz)."""
    if not corpus.fsdd_dir().is_dir():
        pytest.skip("FSDD recordings not found")
    return corpus.read_fsdd(["george"])["george"]


@pytest.fixture(scope="module")
def templates(engine: EmbeddingEngine, george: dict[int, dict[int, np.ndarray]],
              ) -> WordTemplates:
    """Templates of recordings 0-4 of each digit, as enrolment cuts them (16 kHz)."""
    units = [(resample_poly(george[d][i], 8000, 16000), DIGITS[d])
             for d in range(10) for i in range(5)]
    return WordTemplates.from_units(engine.shared().embedder, units)


def _answer(george: dict[int, dict[int, np.ndarray]], digits: tuple[int, ...], snr: float,
            seed: int) -> np.ndarray:
    """Recordings 10+ of `digits` joined with pauses, 0.5 s of room around, at `snr` dB."""
    rng = random.Random(seed)
    parts = [np.zeros(8000)]
    for n, d in enumerate(digits):
        speech = resample_poly(george[d][10 + rng.randrange(30)], 8000, 16000)
        parts += [speech, np.zeros(int(rng.uniform(0.05, 0.3) * 16000)) if n == 0 else
                  np.zeros(8000)]
    clean = np.concatenate(parts)
    return corpus.mix_snr(clean, snr, np.random.default_rng(seed), 16000, "pink")


def test_templates_and_profile_round_trip(engine: EmbeddingEngine,
                                          templates: WordTemplates) -> None:
    assert len(templates) == 50 and templates.vocabulary == set(DIGITS)
    model = engine.model
    model_back, back = read_profile(profile_bytes(model, templates))
    assert back is not None and back.words == templates.words
    assert back.levels == pytest.approx(templates.levels)
    assert all(np.allclose(a, b, atol=0.01) for a, b in zip(back.mels, templates.mels,
                                                              strict=True))
    assert model_back.tokens == model.tokens
    # a profile enrolled before templates were kept is a plain word model
    plain_model, none = read_profile(model.to_bytes())
    assert none is None and plain_model.tokens == model.tokens
    assert read_profile(profile_bytes(model, None))[1] is None


def test_a_broken_profile_is_refused(engine: EmbeddingEngine, templates: WordTemplates) -> None:
    arrays = templates.arrays()
    arrays["tpl_frames"] = arrays["tpl_frames"][:-1]
    with pytest.raises(ValueError, match="frame counts"):
        WordTemplates.from_arrays(arrays)
    with pytest.raises(SpeechModelNotFoundError):
        read_profile(b"not a profile")


def test_templates_per_word_are_capped(engine: EmbeddingEngine,
                                       george: dict[int, dict[int, np.ndarray]]) -> None:
    units = [(resample_poly(george[3][i], 8000, 16000), "three") for i in range(15)]
    units.append((np.zeros(100), "four"))  # too short to be a word: left out
    kept = WordTemplates.from_units(engine.shared().embedder, units)
    assert kept.words == ("three",) * MAX_PER_WORD


@needs_fsdd
@pytest.mark.parametrize(("snr", "first"), [(30.0, 4), (10.0, 3)])
def test_the_said_digits_are_the_closest_sentence(engine: EmbeddingEngine,
                                                  george: dict[int, dict[int, np.ndarray]],
                                                  templates: WordTemplates, snr: float,
                                                  first: int) -> None:
    """Unheard recordings of the same speaker: of all 100 two-digit sentences, the said one
    warps closest (in a quiet room every time; at 10 dB, with the answer's own noise added to
    the clean templates, most times, and always among the closest three)."""
    every = [(DIGITS[a], DIGITS[b]) for a in range(10) for b in range(10)]
    ranks = []
    for seed, said in enumerate([(3, 2), (6, 8), (0, 9), (7, 1)]):
        audio = _answer(george, said, snr, seed)
        mel = engine.shared().embedder.mel(audio.astype(np.float32))
        costs = templates.costs(audio, mel, every)
        ranks.append(sorted(costs, key=costs.__getitem__).index((DIGITS[said[0]],
                                                                 DIGITS[said[1]])))
    assert ranks.count(0) >= first and max(ranks) < 3, ranks


def _decoded(nbest: list[tuple[tuple[str, ...], float]]) -> Decoded:
    best, log_prob = nbest[0]
    return Decoded(best, log_prob, log_prob + 3.0, True, 0.6, tuple(nbest), -3.0)


@needs_fsdd
def test_rescoring_chooses_the_template_match_among_close_sentences(
        engine: EmbeddingEngine, george: dict[int, dict[int, np.ndarray]],
        templates: WordTemplates) -> None:
    audio = _answer(george, (3, 2), 20.0, 5)
    mel = engine.shared().embedder.mel(audio.astype(np.float32))
    # the word model slightly prefers 'two two' (as it does for some accents)
    heard = _decoded([(("two", "two"), -10.0), (("three", "two"), -10.5),
                      (("repeat",), -30.0)])
    chosen = rescore(heard, templates, audio, mel, weight=0.75)
    assert chosen.tokens == ("three", "two")
    assert chosen.log_prob == -10.5 and chosen.score == pytest.approx(-10.5 + 3.0)
    assert 0.5 < chosen.posterior <= 1.0
    # off, nothing to weigh against, or a best sentence without templates: unchanged
    assert rescore(heard, templates, audio, mel, weight=0.0) is heard
    alone = _decoded([(("two", "two"), -10.0), (("repeat",), -11.0)])
    assert rescore(alone, templates, audio, mel, weight=0.75) is alone
    command = _decoded([(("skip", "slot"), -9.0), (("three", "two"), -10.5),
                        (("two", "two"), -10.6)])
    assert rescore(command, templates, audio, mel, weight=0.75) is command


@needs_fsdd
def test_enrolment_keeps_templates_and_the_recogniser_uses_them(
        engine: EmbeddingEngine, george: dict[int, dict[int, np.ndarray]]) -> None:
    """The enrolment round trip: takes of single digits and pairs, a profile with the adapted
    model and the words cut out alone, a recogniser that hears an unheard pair with both."""
    takes = []
    for d in range(10):
        for i in range(2):
            room = np.concatenate([np.zeros(2400), george[d][i], np.zeros(2400)])
            noisy = corpus.mix_snr(room, 30.0, np.random.default_rng(d * 2 + i), 8000, "pink")
            takes.append(EnrolmentUtterance(to_pcm(noisy), DIGITS[d]))
    adaptation = engine.adapt(takes, sample_rate=8000)
    assert adaptation.details["templates"] == 20
    model, kept = read_profile(adaptation.data)
    assert kept is not None and kept.vocabulary == set(DIGITS)
    assert isinstance(model, WordModel) and model.tokens == engine.model.tokens
    grammar = load_language("en").grammar("digits", digits=2)
    recognizer = engine.recognizer(grammar, sample_rate=8000, profile=adaptation.data)
    assert recognizer.templates is not None
    answer = resample_poly(_answer(george, (4, 7), 30.0, 9), 16000, 8000)
    pcm = to_pcm(answer)
    for start in range(0, len(pcm), 320):
        recognizer.accept(pcm[start : start + 320])
    assert recognizer.finish().text == "four seven"
