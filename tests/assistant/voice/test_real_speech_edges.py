"""Edge cases on real speech (FSDD development speakers, 8 kHz): each answer is decoded as the
dialogue would (VAD, endpointing, the embedding engine) with and without the edge."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.settings import VadSettings
from assistant.speech.audio import mix_noise, sox_available, to_pcm
from assistant.speech.embedding import corpus
from assistant.speech.embedding.engine import EmbeddingEngine
from assistant.voice import load_language, vad_from_settings
from assistant.voice.listener import Listener

pytestmark = [
    pytest.mark.skipif(not corpus.fsdd_dir().is_dir(), reason="FSDD recordings not found "
                       "(../shared/data/fsdd-dev or FACET_FSDD_DIR)"),
    pytest.mark.skipif(not sox_available(), reason="sox is not installed"),
]
EN = load_language("en")
# (speaker, first digit, second digit, recording index): development speakers only.
ANSWERS = [("george", 4, 6, 11), ("jackson", 9, 3, 21), ("george", 0, 8, 33),
           ("jackson", 7, 2, 44)]


@pytest.fixture(scope="module")
def engine() -> EmbeddingEngine:
    """One engine for the module."""
    return EmbeddingEngine()


@pytest.fixture(scope="module")
def speakers() -> dict[str, dict[int, dict[int, np.ndarray]]]:
    """The development speakers' recordings."""
    return corpus.read_fsdd(corpus.FSDD_DEV_SPEAKERS)


def _heard(engine: EmbeddingEngine, pcm: bytes) -> list[str]:
    """Every answer the dialogue would take from `pcm` (8 kHz), in order."""
    settings = VadSettings()
    listener = Listener(engine.recognizer(EN.grammar("digits", digits=2), sample_rate=8000),
                        vad_from_settings(settings, 8000), hangover_ms=settings.hangover_ms,
                        sample_rate=8000)
    heard = [t.text for t in listener.feed(pcm) if t.is_final and t.text]
    last = listener.flush()
    return heard + ([last.text] if last is not None and last.text else [])


def _pair(recordings: dict[int, dict[int, np.ndarray]], a: int, b: int, index: int,
          gap_s: float) -> tuple[np.ndarray, np.ndarray]:
    first, second = recordings[a][index], recordings[b][index]
    return first, np.concatenate([first, np.zeros(int(gap_s * 8000)), second])


def _room(speech: np.ndarray, seed: int) -> bytes:
    """`speech` with 400 ms of room before and after, 30 dB SNR."""
    return mix_noise(to_pcm(np.concatenate([np.zeros(3200), speech, np.zeros(3200)])), 30.0,
                     seed=seed, rate=8000)


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: f"{a[0]}-{a[1]}{a[2]}")
def test_digital_silence_around_the_answer(engine, speakers, answer) -> None:  # type: ignore[no-untyped-def]
    speaker, a, b, index = answer
    _, speech = _pair(speakers[speaker], a, b, index, 0.1)
    noisy = mix_noise(to_pcm(speech), 30.0, seed=index, rate=8000)
    gated = bytes(8000) + noisy + bytes(8000)  # half a second of exact zeros each side
    want = f"{corpus.DIGIT_WORDS[a]} {corpus.DIGIT_WORDS[b]}"
    assert _heard(engine, _room(speech, index)) == [want]
    assert _heard(engine, gated) == [want]


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: f"{a[0]}-{a[1]}{a[2]}")
def test_a_pause_inside_the_check_digits_keeps_them_one_answer(engine, speakers, answer,  # type: ignore[no-untyped-def]
                                                               ) -> None:
    speaker, a, b, index = answer
    want = [f"{corpus.DIGIT_WORDS[a]} {corpus.DIGIT_WORDS[b]}"]
    for gap in (0.4, 0.6):
        assert _heard(engine, _room(_pair(speakers[speaker], a, b, index, gap)[1], index)) == want


def test_clipping_fast_speech_and_a_cough(engine, speakers) -> None:  # type: ignore[no-untyped-def]
    speaker, a, b, index = ANSWERS[0]
    _, speech = _pair(speakers[speaker], a, b, index, 0.1)
    want = [f"{corpus.DIGIT_WORDS[a]} {corpus.DIGIT_WORDS[b]}"]
    assert _heard(engine, _room(np.clip(speech * 4, -32767, 32767), 1)) == want
    fast = np.interp(np.arange(0, speech.size, 1.25), np.arange(speech.size), speech)
    assert _heard(engine, _room(fast, 2)) == want
    rng = np.random.default_rng(3)
    burst = rng.normal(0, 6000, 1400) * np.exp(-np.arange(1400) / 400)
    coughed = np.concatenate([burst, np.zeros(2400), speech])
    assert _heard(engine, _room(coughed, 4)) == want


@pytest.mark.parametrize("snr", [30.0, 10.0])
@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: f"{a[0]}-{a[1]}{a[2]}")
def test_a_gated_microphone_hears_what_an_open_one_does(engine, speakers, answer,  # type: ignore[no-untyped-def]
                                                        snr) -> None:
    """The same noisy answer sample for sample, its room before and after replaced by exact
    zeros (a gated or muted microphone): VAD, endpointing and the embedding windows' lead-in
    and tail on zeros lose nothing (the bench's digital-silence edge on real speech)."""
    speaker, a, b, index = answer
    _, speech = _pair(speakers[speaker], a, b, index, 0.1)
    noisy = mix_noise(to_pcm(np.concatenate([np.zeros(3200), speech, np.zeros(3200)])), snr,
                      seed=index, rate=8000)
    gated = bytes(8000) + noisy[6400:-6400] + bytes(8000)
    open_mic = _heard(engine, noisy)
    assert _heard(engine, gated) == open_mic
    if snr == 30.0:
        assert open_mic == [f"{corpus.DIGIT_WORDS[a]} {corpus.DIGIT_WORDS[b]}"]
