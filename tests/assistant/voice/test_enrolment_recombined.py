"""Enrolment takes cut into words and joined again (assistant.speech.embedding.enrol)."""

from __future__ import annotations

import random

import numpy as np

from assistant.speech.embedding import enrol


def _take(words: int, *, gap_s: float = 0.2, seed: int = 0) -> np.ndarray:
    """`words` bursts of loud noise (0.25 s) with `gap_s` of a quiet room between, 16 kHz."""
    rng = np.random.default_rng(seed)
    parts = [np.zeros(4000)]
    for i in range(words):
        if i:
            parts.append(np.zeros(int(gap_s * 16000)))
        parts.append(rng.normal(0, 3000, 4000))
    parts.append(np.zeros(4000))
    audio = np.concatenate(parts)
    return audio + rng.normal(0, 20, audio.size)


def test_a_take_with_one_burst_per_word_is_cut_into_its_words() -> None:
    units = enrol.word_units(_take(3), ("four", "seven", "two"))
    assert [words for _, words in units] == [("four",), ("seven",), ("two",)]
    for audio, _ in units:  # each piece is its burst and 30 ms either side
        assert 4000 <= audio.size <= 4000 + 2 * 480 + 2 * 160


def test_a_take_whose_words_run_together_stays_whole() -> None:
    take = _take(3, gap_s=0.03)  # pauses under 80 ms do not separate words
    units = enrol.word_units(take, ("four", "seven", "two"))
    assert [words for _, words in units] == [("four", "seven", "two")]
    assert units[0][0].size < take.size  # the quiet room before and after is cut off
    assert enrol.word_units(np.zeros(16000), ("ready",)) == []


def test_recombined_sequences_are_reproducible_and_say_their_pieces() -> None:
    units = enrol.word_units(_take(2), ("one", "two")) + enrol.word_units(_take(1), ("ready",))
    made = enrol.recombined(units, 30, random.Random(5))
    again = enrol.recombined(units, 30, random.Random(5))
    assert len(made) == 30
    assert all(np.array_equal(a, b) and u == v
               for (a, u), (b, v) in zip(made, again, strict=True))
    assert all(1 <= len(words) <= 4 and set(words) <= {"one", "two", "ready"}
               for _, words in made)
    assert any(len(words) >= 2 for _, words in made)
    assert all(audio.size >= 2 * 4800 + 3000 for audio, _ in made)  # room before and after
    assert enrol.recombined([], 30, random.Random(5)) == []
