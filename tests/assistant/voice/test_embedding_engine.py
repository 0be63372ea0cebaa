"""The embedding engine on real audio: espeak-ng speech at 16 and 8 kHz, streaming, peeking,
out-of-grammar scores and enrolment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.speech import AudioFormatError, GrammarError, SpeechModelNotFoundError
from assistant.speech.audio import resample_poly, to_pcm
from assistant.speech.base import EnrolmentUtterance
from assistant.speech.embedding.engine import EmbeddingEngine, Upsampler
from assistant.speech.embedding.model import WordModel
from assistant.speech.errors import EnrolmentError
from assistant.voice import load_language
from tests.assistant.voice.conftest import Synth

EN = load_language("en")


@pytest.fixture(scope="module")
def engine() -> EmbeddingEngine:
    """One engine (models load once) for the module."""
    return EmbeddingEngine()


def _narrow(pcm: bytes) -> bytes:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return to_pcm(resample_poly(samples, 16000, 8000))


def _decode(engine: EmbeddingEngine, pcm: bytes, grammar, rate: int = 16000,  # type: ignore[no-untyped-def]
            chunk: int = 640):
    recognizer = engine.recognizer(grammar, sample_rate=rate)
    for start in range(0, len(pcm), chunk):
        recognizer.accept(pcm[start : start + chunk])
    return recognizer.finish()


def test_upsampling_in_chunks_equals_upsampling_at_once() -> None:
    samples = np.random.default_rng(1).normal(0, 3000, 8000)
    upsampler = Upsampler()
    parts = [upsampler.process(samples[i : i + 333]) for i in range(0, samples.size, 333)]
    streamed = np.concatenate([*parts, upsampler.tail()])
    whole = resample_poly(samples, 8000, 16000)
    assert streamed.shape == whole.shape
    assert np.allclose(streamed, whole, atol=1e-6)


@pytest.mark.parametrize("rate", [16000, 8000])
def test_check_digits_and_commands_at_both_rates(engine: EmbeddingEngine, synth: Synth,
                                                 rate: int) -> None:
    grammar = EN.grammar("digits", digits=2)
    for text in ("four two", "eight five", "skip slot"):
        pcm = synth(text)
        heard = _decode(engine, pcm if rate == 16000 else _narrow(pcm), grammar, rate)
        assert heard.text == text and heard.is_final and heard.score is not None


def test_chunk_size_does_not_change_the_result(engine: EmbeddingEngine, synth: Synth) -> None:
    grammar = EN.grammar("quantity", most=24)
    pcm = synth("twenty four")
    results = {_decode(engine, pcm, grammar, chunk=c).score for c in (320, 1000, 4096)}
    assert len({round(s, 4) for s in results if s is not None}) == 1


def test_peek_leaves_the_utterance_open(engine: EmbeddingEngine, synth: Synth) -> None:
    grammar = EN.grammar("digits", digits=2)
    first, second = synth("four"), synth("two")
    recognizer = engine.recognizer(grammar)
    recognizer.accept(first)
    peeked = recognizer.peek()
    assert not peeked.is_final and peeked.text.split()[0] == "four"
    recognizer.accept(second)
    assert recognizer.finish().text == "four two"
    assert recognizer.finish().text == ""  # nothing heard since


def test_out_of_grammar_speech_scores_lower(engine: EmbeddingEngine, synth: Synth) -> None:
    grammar = EN.grammar("quantity", most=2)
    said = _decode(engine, synth("two"), grammar)
    other = _decode(engine, synth("hold on a second"), grammar)
    assert said.text == "two" and said.score is not None and other.score is not None
    assert other.score < said.score - 0.5


def test_grammar_words_the_model_lacks_are_named(engine: EmbeddingEngine) -> None:
    with pytest.raises(GrammarError, match="好了"):
        engine.check_grammar(load_language("zh").grammar("ready"))
    engine.check_grammar(EN.grammar("characters"))


def test_rates_and_profiles_are_checked(engine: EmbeddingEngine) -> None:
    with pytest.raises(AudioFormatError):
        engine.recognizer(EN.grammar("ready"), sample_rate=44100)
    with pytest.raises(SpeechModelNotFoundError):
        engine.recognizer(EN.grammar("ready"), profile=b"not a profile")


def test_enrolment_round_trip(engine: EmbeddingEngine, synth: Synth) -> None:
    texts = ["four two", "seven one", "ready", "skip slot", "twenty four", "one three five",
             "eight six", "nine zero", "sign off", "yes", "no", "kilo seven two alpha"]
    takes = [EnrolmentUtterance(_narrow(synth(t, voice="en-gb+m3", speed=150)), t)
             for t in texts]
    adaptation = engine.adapt(takes, sample_rate=8000)
    assert adaptation.engine == "embedding" and adaptation.utterances == len(texts)
    assert adaptation.sample_rate == 8000 and len(adaptation.data) < 1_000_000
    assert 0 <= float(adaptation.details["understood_before"]) <= 1  # type: ignore[arg-type]
    recognizer = engine.recognizer(EN.grammar("digits", digits=2), sample_rate=8000,
                                   profile=adaptation.data)
    assert recognizer.model is not engine.model
    recognizer.accept(_narrow(synth("four two", voice="en-gb+m3", speed=150)))
    assert recognizer.finish().text == "four two"


def test_bad_enrolments_are_refused(engine: EmbeddingEngine, synth: Synth) -> None:
    good = EnrolmentUtterance(synth("four two"), "four two")
    with pytest.raises(EnrolmentError, match="10-400 utterances"):
        engine.adapt([good] * 3, sample_rate=16000)
    with pytest.raises(EnrolmentError, match="banana"):
        engine.adapt([good] * 9 + [EnrolmentUtterance(synth("ready"), "banana")],
                     sample_rate=16000)
    with pytest.raises(EnrolmentError, match="silent"):
        engine.adapt([good] * 9 + [EnrolmentUtterance(bytes(16000), "ready")],
                     sample_rate=16000)
    with pytest.raises(EnrolmentError, match="lasts"):
        engine.adapt([good] * 9 + [EnrolmentUtterance(b"\x01\x02" * 100, "ready")],
                     sample_rate=16000)


def test_an_ensemble_file_is_a_word_model_the_engine_decodes_with(
        engine: EmbeddingEngine, synth: Synth, tmp_path: Path) -> None:
    """Two networks joined into one file (here the shipped one twice: the same probabilities)
    decode what the single network does."""
    single = engine.model
    path = tmp_path / "ensemble.npz"
    path.write_bytes(WordModel.ensemble([single, single]).to_bytes())
    joined = EmbeddingEngine(path)
    assert len(joined.model.members()) == 2
    grammar = EN.grammar("digits", digits=2)
    for text in ("four two", "skip slot"):
        pcm = synth(text)
        alone, both = _decode(engine, pcm, grammar), _decode(joined, pcm, grammar)
        assert alone.text == both.text == text
        assert alone.score is not None and both.score == pytest.approx(alone.score, abs=1e-3)
