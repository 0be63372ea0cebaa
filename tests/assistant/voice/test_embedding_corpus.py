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


def test_focused_sentences_are_vocabulary_and_repeat_digits_fast() -> None:
    rng = random.Random(3)
    drawn = [corpus.focus_sentence(rng) for _ in range(400)]
    known = set(corpus.vocabulary())
    assert all(words and set(words) <= known and 120 <= wpm <= 230 for words, wpm in drawn)
    repeats = [wpm for w, wpm in drawn if any(a == b for a, b in zip(w, w[1:], strict=False))]
    assert len(repeats) > 150 and sum(wpm >= 180 for wpm in repeats) > 0.8 * len(repeats)
    assert sum(w == ["help"] for w, _ in drawn) > 10
    assert sum(w[0] in corpus.FOCUS_DIGITS for w, _ in drawn) > len(drawn) / 2


def test_focused_digit_sequences_say_a_digit_twice_in_two_takes() -> None:
    recordings = {d: {t: np.full(800, d * 100.0 + t) for t in range(3)} for d in range(10)}
    for seed in range(30):
        digits = corpus.focus_digits(random.Random(seed))
        assert len(digits) in (2, 3) and any(a == b for a, b in zip(digits, digits[1:],
                                                                    strict=False))
        audio, words = corpus.digit_sequence(recordings, random.Random(seed), 0, gaps=(0,),
                                             digits=digits)
        assert words == [corpus.DIGIT_WORDS[d] for d in digits]
        assert audio.size == 2 * 800 * len(digits)


def test_random_digit_sequences_draw_as_before() -> None:
    recordings = {d: {t: np.full(80, d * 100.0 + t) for t in range(5)} for d in range(10)}
    rng, old = random.Random(9), random.Random(9)
    _, words = corpus.digit_sequence(recordings, rng, 4)
    expected = []
    for i in range(4):  # the draws of the shipped recipe: digit, take, then a pause
        digit = old.randrange(10)
        old.choice(sorted(recordings[digit]))
        expected.append(corpus.DIGIT_WORDS[digit])
        if i < 3:
            old.choice((0, 0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45))
    assert words == expected and rng.random() == old.random()


def test_a_focused_corpus_keeps_the_first_utterances_of_the_shipped_recipe() -> None:
    from assistant.speech.embedding.training import corpus_parts

    plain = corpus_parts(1200, 700, seed=11)
    focused = corpus_parts(1200, 700, seed=11, focus=0.2)
    assert [n for k, _, n in plain if k == "espeak"] == [500, 500, 200]
    kept = {kind: sum(n for k, _, n in focused if k == kind) for kind in
            ("espeak", "fsdd", "espeak-focus", "fsdd-focus")}
    assert kept == {"espeak": 960, "fsdd": 560, "espeak-focus": 240, "fsdd-focus": 140}
    for (kind, seed, count), (kind2, seed2, count2) in zip(plain, focused, strict=False):
        if kind == kind2 == "espeak":  # same seed per position: the focused corpus's are a prefix
            assert seed == seed2 and count2 <= count
    assert corpus_parts(1200, 700, seed=11, focus=0.0) == plain
    synthetic_only = corpus_parts(1200, 700, seed=11, focus=0.2, fsdd_focus=0.0)
    assert [p for p in synthetic_only if p[0].startswith("fsdd")] == [
        p for p in plain if p[0] == "fsdd"]
