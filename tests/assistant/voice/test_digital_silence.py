"""Digital silence (exact zeros from a gated or muted microphone): the VAD's noise floor and
the embedding engine's front end, and real check digits behind a noise gate (FSDD development
speakers, 8 kHz) heard as with the microphone open."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.speech.audio import mix_noise, sox_available, to_pcm
from assistant.speech.embedding import corpus
from assistant.speech.embedding.engine import COMFORT_NOISE, EmbeddingEngine
from assistant.speech.vad import EnergyVad
from assistant.voice import load_language
from tests.assistant.voice.test_real_speech_edges import _heard

EN = load_language("en")


def _noise(std: float, seconds: float, seed: int) -> bytes:
    return np.random.default_rng(seed).normal(0, std, int(16000 * seconds)).astype("<i2").tobytes()


def test_digital_silence_leaves_the_vads_noise_floor_alone() -> None:
    vad = EnergyVad()
    assert vad.feed(_noise(300, 1.98, 1)) == []  # 66 whole frames
    floor = vad.floor_db
    assert floor is not None and -45 < floor < -35
    assert vad.feed(bytes(32000)) == []  # the microphone muted for a second
    assert vad.floor_db == floor


def test_a_stream_that_opens_on_digital_silence_learns_the_room_once_it_opens() -> None:
    vad = EnergyVad()
    assert vad.feed(bytes(16000)) == []
    assert vad.floor_db == vad.min_level_db - vad.margin_db  # min_level_db alone decides
    assert vad.feed(_noise(60, 1.0, 2)) == []  # the room (about -55 dBFS), not speech
    assert vad.floor_db is not None and vad.floor_db > -58


def test_the_front_end_never_hears_exact_zeros() -> None:
    recognizer = EmbeddingEngine().recognizer(EN.grammar("digits", digits=2), sample_rate=8000)
    wide = recognizer._wide(bytes(3200))  # 200 ms of digital silence, upsampled
    assert wide.size == 2 * 1600 - 2 * 32 and not np.any(wide == 0)
    assert 0.8 * COMFORT_NOISE < float(np.std(wide)) < 1.2 * COMFORT_NOISE
    again = EmbeddingEngine().recognizer(EN.grammar("digits", digits=2), sample_rate=8000)
    assert np.array_equal(again._wide(bytes(3200)), wide)  # seeded: decodes are repeatable


needs_fsdd = pytest.mark.skipif(not corpus.fsdd_dir().is_dir(), reason="FSDD recordings "
                                "not found (../shared/data/fsdd-dev or FACET_FSDD_DIR)")
needs_sox = pytest.mark.skipif(not sox_available(), reason="sox is not installed")
# (speaker, digits, recording indices, noise seed): development speakers only, answers of
# bench/voice_edges_dev.py's gated variant; the two of george's were heard as 'one eight' and
# 'five seven' behind the gate before digital silence was filled with comfort noise.
GATED = [("george", (1, 3), (25, 38), 10089), ("george", (1, 7), (37, 14), 10117),
         ("jackson", (5, 2), (11, 36), 11013)]


def _gate(clean: np.ndarray, noisy: np.ndarray) -> np.ndarray:
    """`noisy` zeroed wherever `clean` is 40 dB under its loudest 10 ms (held 30 ms)."""
    level = np.sqrt(np.mean(clean[: clean.size // 80 * 80].reshape(-1, 80) ** 2, axis=1))
    loud = level >= level.max() / 100
    held = loud.copy()
    for lag in (1, 2, 3):
        held[lag:] |= loud[:-lag]
    mask = np.concatenate([np.repeat(held, 80), np.zeros(clean.size % 80, dtype=bool)])
    return np.where(mask, noisy, 0.0)


@needs_fsdd
@needs_sox
@pytest.mark.parametrize("answer", GATED, ids=lambda a: f"{a[0]}-{a[1][0]}{a[1][1]}")
def test_check_digits_behind_a_noise_gate(answer) -> None:  # type: ignore[no-untyped-def]
    """Zeros right up to the first word, in the 100 ms between the digits and after the
    last: heard as the same noisy audio with the microphone open."""
    speaker, digits, indices, seed = answer
    recordings = corpus.read_fsdd((speaker,))[speaker]
    picks = [recordings[d][i] for d, i in zip(digits, indices, strict=True)]
    clean = np.concatenate([np.zeros(3200), picks[0], np.zeros(800), picks[1], np.zeros(3200)])
    noisy = mix_noise(to_pcm(clean), 30.0, kind="pinknoise", seed=seed, rate=8000)
    gated = to_pcm(_gate(clean, np.frombuffer(noisy, dtype="<i2").astype(np.float64)))
    engine = EmbeddingEngine()
    want = [" ".join(corpus.DIGIT_WORDS[d] for d in digits)]
    assert _heard(engine, noisy) == want
    assert _heard(engine, gated) == want
