"""The word model's corpus with flite and festival voices (issue 12): off by default (the
shipped recipe's corpus is unchanged), split into development and test by recorded speaker,
and speaking what it is asked to."""

from __future__ import annotations

import random
import shutil

import numpy as np
import pytest

from assistant.speech.embedding import corpus
from assistant.speech.embedding.training import build_corpus, corpus_parts

needs_flite = pytest.mark.skipif(shutil.which("flite") is None,
                                 reason="flite is not installed (apt-get install flite)")


def test_without_a_synth_share_the_corpus_parts_are_the_shipped_recipes() -> None:
    plain = corpus_parts(1200, 700, seed=11)
    assert corpus_parts(1200, 700, seed=11, synth=0.0) == plain
    assert {k for k, _, _ in plain} == {"espeak", "fsdd"}


def test_a_synth_share_replaces_the_last_espeak_utterances_only() -> None:
    plain = corpus_parts(1200, 700, seed=11)
    mixed = corpus_parts(1200, 700, seed=11, synth=0.3)
    counts = {kind: sum(n for k, _, n in mixed if k == kind) for kind in ("espeak", "fsdd",
                                                                          "synth")}
    assert counts == {"espeak": 840, "fsdd": 700, "synth": 360}
    espeak = [p for p in mixed if p[0] == "espeak"]
    for (_, seed, count), (_, seed2, count2) in zip(plain, espeak, strict=False):
        assert seed == seed2 and count2 <= count  # a prefix of the shipped utterances
    assert [p for p in mixed if p[0] == "fsdd"] == [p for p in plain if p[0] == "fsdd"]


def test_no_recorded_speaker_is_in_both_halves() -> None:
    speakers = set(corpus.SYNTH_SPEAKERS.values())
    dev = {s for s in speakers if corpus._synth_split(s) == "dev"}
    test = speakers - dev
    assert dev and test, "both halves need a speaker"
    assert test == {"awb"}
    assert {corpus.SYNTH_SPEAKERS[v] for v in corpus.synth_voices("dev")} <= dev
    assert {corpus.SYNTH_SPEAKERS[v] for v in corpus.synth_voices("test")} <= test


@needs_flite
def test_flite_says_the_words_with_pauses_slower_when_stretched() -> None:
    voice = next(v for v in corpus.synth_voices("dev") if v.startswith("flite:"))
    words = ["eight", "eight", "four"]
    plain = corpus.synthesize_other(words, voice, 1.0, 1.0, random.Random(3), pause_p=0.0)
    again = corpus.synthesize_other(words, voice, 1.0, 1.0, random.Random(3), pause_p=0.0)
    assert np.array_equal(plain, again)
    assert 0.6 * 16000 < plain.size < 3 * 16000 and np.abs(plain).max() > 1000
    slow = corpus.synthesize_other(words, voice, 1.4, 1.0, random.Random(3), pause_p=0.0)
    assert slow.size > 1.2 * plain.size
    paused = corpus.synthesize_other(words, voice, 1.0, 1.0, random.Random(3), pause_p=1.0)
    assert paused.size > plain.size + 2 * 0.04 * 16000  # two pauses of at least 40 ms
    gaps = np.convolve((paused == 0).astype(float), np.ones(600), "valid")
    assert gaps.max() == 600  # exact silence between the words


@needs_flite
def test_a_synth_corpus_holds_vocabulary_tokens_from_flite_and_festival_voices() -> None:
    voices = [v for v in corpus.synth_voices("dev") if v.startswith("flite:")][:1]
    examples = build_corpus(3, 0, seed=5, workers=1, synth=1.0, synth_voices=voices)
    known = {*corpus.vocabulary(), "<unk>"}
    assert len(examples) == 3
    assert all(e.tokens and set(e.tokens) <= known and len(e.embeddings) >= len(e.tokens)
               for e in examples)
    again = build_corpus(3, 0, seed=5, workers=1, synth=1.0, synth_voices=voices)
    for a, b in zip(examples, again, strict=True):  # the same utterances (the embedder's
        assert a.tokens == b.tokens  # float arithmetic may differ in the last bits)
        assert a.embeddings.shape == b.embeddings.shape
        assert np.allclose(a.embeddings, b.embeddings, atol=0.1)


def test_a_synth_share_without_voices_is_refused() -> None:
    with pytest.raises(ValueError, match="flite"):
        build_corpus(2, 0, workers=1, synth=1.0, synth_voices=())
