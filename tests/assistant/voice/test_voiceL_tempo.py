"""Test-time tempo variants of the embedding engine (`assistant.speech.embedding.tempo`)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.settings import VadSettings
from assistant.speech.audio import mix_noise, to_pcm
from assistant.speech.embedding import corpus
from assistant.speech.embedding.engine import EmbeddingEngine
from assistant.speech.embedding.graph import Decoded
from assistant.speech.embedding.tempo import combine, stretch_mel
from assistant.voice import load_language, vad_from_settings
from assistant.voice.listener import Listener

EN = load_language("en")
needs_fsdd = pytest.mark.skipif(not corpus.fsdd_dir().is_dir(), reason="FSDD recordings not "
                                "found (../shared/data/fsdd-dev or FACET_FSDD_DIR)")


def test_stretch_mel_keeps_the_ends_and_changes_the_length() -> None:
    mel = np.arange(100 * 32, dtype=np.float32).reshape(100, 32)
    assert stretch_mel(mel, 1.0) is mel
    slower, faster = stretch_mel(mel, 1 / 1.2), stretch_mel(mel, 1.2)
    assert slower.shape == (120, 32) and faster.shape == (83, 32)
    for out in (slower, faster):
        np.testing.assert_allclose(out[0], mel[0])
        np.testing.assert_allclose(out[-1], mel[-1])


def _decoded(nbest: list[tuple[tuple[str, ...], float]], free: float) -> Decoded:
    best, total = nbest[0]
    return Decoded(best, total, total - free, True, 1.0, tuple(nbest), free)


def test_combine_averages_each_sentence_over_the_variants() -> None:
    heard = _decoded([(("four", "one"), -10.0), (("one", "three"), -11.0)], -9.0)
    slower = _decoded([(("one", "three"), -8.0), (("four", "one"), -12.0)], -7.0)
    out = combine([heard, slower])
    assert out.tokens == ("one", "three")
    assert out.log_prob == pytest.approx(-9.5) and out.free == pytest.approx(-8.0)
    assert out.score == pytest.approx(-1.5)
    assert out.posterior == pytest.approx(1 / (1 + np.exp(-1.5)))


def test_combine_counts_a_sentence_a_variant_lost_at_its_worst_kept_one() -> None:
    heard = _decoded([(("two",), -5.0), (("three",), -6.0)], -5.0)
    other = _decoded([(("two",), -4.0), (("eight",), -9.0)], -4.0)
    out = combine([heard, other])
    assert out.tokens == ("two",)
    assert dict(out.nbest)[("three",)] == pytest.approx(-7.5)  # -6 and other's worst, -9
    assert dict(out.nbest)[("eight",)] == pytest.approx(-7.5)  # heard's worst, -6, and -9


def test_combine_keeps_the_answer_as_heard_when_it_is_incomplete() -> None:
    partial = Decoded(("four",), -3.0, -1.0, complete=False, posterior=0.0)
    other = _decoded([(("four", "one"), -4.0)], -3.0)
    assert combine([partial, other]) is partial
    assert combine([other]) is other


def test_tempos_are_off_by_default() -> None:
    assert EmbeddingEngine().tempos == ()
    assert EmbeddingEngine(tempos=(1.0, 1 / 1.2)).tempos == (1 / 1.2,)


def _heard(engine: EmbeddingEngine, pcm: bytes) -> list[tuple[str, float | None]]:
    settings = VadSettings()
    listener = Listener(engine.recognizer(EN.grammar("digits", digits=2), sample_rate=8000),
                        vad_from_settings(settings, 8000), hangover_ms=settings.hangover_ms,
                        sample_rate=8000)
    finals = [t for t in listener.feed(pcm) if t.is_final and t.text]
    last = listener.flush()
    finals += [last] if last is not None and last.text else []
    return [(t.text, t.score) for t in finals]


@needs_fsdd
@pytest.mark.parametrize(("speaker", "a", "b", "index"),
                         [("george", 4, 6, 11), ("jackson", 9, 3, 21), ("george", 1, 3, 30)])
def test_real_check_digits_through_the_tempo_variants(speaker: str, a: int, b: int,
                                                      index: int) -> None:
    """Development speakers' check digits heard the same with the variants, and a factor of 1
    gives back the decode as heard (the variants' front end is the stream's)."""
    recordings = corpus.read_fsdd((speaker,))[speaker]
    speech = np.concatenate([np.zeros(3200), recordings[a][index], np.zeros(800),
                             recordings[b][index], np.zeros(3200)])
    pcm = mix_noise(to_pcm(speech), 30.0, seed=index, rate=8000)
    want = f"{corpus.DIGIT_WORDS[a]} {corpus.DIGIT_WORDS[b]}"
    plain = _heard(EmbeddingEngine(), pcm)
    assert [text for text, _ in plain] == [want]
    same = _heard(EmbeddingEngine(tempos=(1.0001,), tempo_doubt=1.01), pcm)
    assert [text for text, _ in same] == [want]
    assert same[0][1] == pytest.approx(plain[0][1], abs=0.5)
    varied = _heard(EmbeddingEngine(tempos=(1 / 1.2,), tempo_doubt=1.01), pcm)
    assert [text for text, _ in varied] == [want]


def test_the_tempo_settings_reach_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.settings import AssistantSettings
    from assistant.speech.factory import create_speech_engine

    monkeypatch.setenv("FACET_ASSISTANT_EMBEDDING_TEMPOS", "[0.833, 1.2]")
    monkeypatch.setenv("FACET_ASSISTANT_EMBEDDING_TEMPO_DOUBT", "0.9")
    engine = create_speech_engine(AssistantSettings(language="en"))
    assert isinstance(engine, EmbeddingEngine)
    assert engine.tempos == (0.833, 1.2) and engine.tempo_doubt == 0.9
