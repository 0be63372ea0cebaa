"""The listener over the embedding engine, on real recordings (FSDD development speakers,
8 kHz): an answer ends early only on the audio the final decode uses, and gives its result."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.settings import VadSettings
from assistant.speech.audio import mix_noise, to_pcm
from assistant.speech.embedding import corpus
from assistant.speech.embedding.engine import EmbeddingEngine
from assistant.voice import load_language, vad_from_settings
from assistant.voice.listener import Listener

pytestmark = pytest.mark.skipif(not corpus.fsdd_dir().is_dir(), reason="FSDD recordings not "
                                "found (../shared/data/fsdd-dev or FACET_FSDD_DIR)")
EN = load_language("en")
RATE = 8000


@pytest.fixture(scope="module")
def engine() -> EmbeddingEngine:
    """One engine for the module."""
    return EmbeddingEngine()


@pytest.fixture(scope="module")
def answer() -> tuple[bytes, int]:
    """George's "four six" in a quiet room: (PCM, bytes up to the end of the words)."""
    george = corpus.read_fsdd(["george"])["george"]
    speech = np.concatenate([george[4][11], np.zeros(800), george[6][11]])
    lead, tail = np.zeros(3200), np.zeros(16000)
    pcm = mix_noise(to_pcm(np.concatenate([lead, speech, tail])), 30.0, seed=11, rate=RATE)
    return pcm, 2 * (lead.size + speech.size)


def test_a_final_after_a_complete_peek_is_the_same_decode(engine, answer) -> None:  # type: ignore[no-untyped-def]
    pcm, words_end = answer
    grammar = EN.grammar("digits", digits=2)
    finals = []
    for peek in (False, True):
        recognizer = engine.recognizer(grammar, sample_rate=RATE)
        for start in range(0, words_end + 2400, 320):
            recognizer.accept(pcm[start : min(start + 320, words_end + 2400)])
        if peek:
            assert recognizer.peek().text == "four six"
        finals.append(recognizer.finish())
    assert finals[0] == finals[1]
    assert finals[0].text == "four six" and finals[0].is_final


def test_a_real_answer_ends_after_the_short_hangover(engine, answer) -> None:  # type: ignore[no-untyped-def]
    """The words, the hangover, a VAD frame and a chunk: not the VAD's own 1 s hangover."""
    pcm, words_end = answer
    settings = VadSettings()
    listener = Listener(engine.recognizer(EN.grammar("digits", digits=2), sample_rate=RATE),
                        vad_from_settings(settings, RATE), hangover_ms=settings.hangover_ms,
                        sample_rate=RATE)
    chunk = 320  # 20 ms
    ended = [(t.text, start + chunk) for start in range(0, len(pcm), chunk)
             for t in listener.feed(pcm[start : start + chunk]) if t.is_final]
    assert [text for text, _ in ended] == ["four six"]
    waited_ms = (ended[0][1] - words_end) / (2 * RATE / 1000)
    assert waited_ms < settings.hangover_ms + 30 + 20
