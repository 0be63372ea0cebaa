"""The word model's training audio: the wider augmentation (tempo, vocal tract, coughs and
clicks, digital zeros around noisy speech) keeps what is said and is reproducible."""

from __future__ import annotations

import random
import shutil

import numpy as np
import pytest

from assistant.speech.embedding import corpus

needs_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")


def _tone(seconds: float, rate: int = 16000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return 8000 * np.sin(2 * np.pi * 220 * t) * np.hanning(t.size)


@needs_sox
def test_tempo_changes_the_duration_not_the_pitch() -> None:
    audio = _tone(1.0)
    faster = corpus.tempo(audio, 16000, 1.25)
    assert abs(faster.size - audio.size / 1.25) < 0.03 * audio.size
    spectrum = np.abs(np.fft.rfft(faster))
    assert abs(np.argmax(spectrum) * 16000 / faster.size - 220) < 10


@needs_sox
def test_vocal_tract_moves_the_pitch_and_keeps_the_duration() -> None:
    audio = _tone(1.0)
    shorter = corpus.vocal_tract(audio, 16000, 1.15)
    assert abs(shorter.size - audio.size) < 0.03 * audio.size
    peak = np.argmax(np.abs(np.fft.rfft(shorter))) * 16000 / shorter.size
    assert abs(peak - 220 * 1.15) < 10
    assert corpus.vocal_tract(audio, 16000, 1.0) is audio


def test_a_burst_is_short_loud_and_decays() -> None:
    for seed in range(20):
        sound = corpus.burst(np.random.default_rng(seed))
        assert 0.004 * 16000 <= sound.size <= 0.36 * 16000
        assert abs(np.abs(sound).max() - 1.0) < 1e-6
        half = sound.size // 2
        assert np.abs(sound[half:]).max() < 1.0


def test_the_wide_channel_is_reproducible_and_sometimes_sends_exact_zeros() -> None:
    speech = _tone(0.8)
    first = [corpus.channel(speech, random.Random(seed), wide=True) for seed in range(40)]
    again = [corpus.channel(speech, random.Random(seed), wide=True) for seed in range(40)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert all(y.size > speech.size and np.abs(y).max() <= 32768 for y in first)
    zero_padded = [y for y in first if y[0] == 0 and y[-1] == 0 and (y != 0).mean() < 0.9]
    assert zero_padded, "no utterance kept digital zeros around its speech"
    assert any(not np.any(y == 0) for y in first), "every utterance had digital zeros"
