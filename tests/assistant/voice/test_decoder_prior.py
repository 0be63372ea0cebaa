"""A prior over grammar sentences in the CTC grammar decoder (word bonus, per-word bias)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.speech.embedding.graph import compile_grammar, decode
from assistant.speech.grammar import Grammar, Word
from assistant.voice import load_language

EN = load_language("en")


def _frames(spans: list[tuple[str, float]], index: dict[str, int]) -> np.ndarray:
    """Log-probs with each (word, strength) for 2 frames between blanks; a weak word's
    frames give most of their mass to the blank, as a word said quickly or softly does."""
    rows: list[tuple[int, float]] = []
    for word, strength in spans:
        rows += [(index["<blank>"], 6.0)] * 2 + [(index[word], strength)] * 2
    rows += [(index["<blank>"], 6.0)] * 2
    logits = np.zeros((len(rows), len(index)))
    for t, (tok, strength) in enumerate(rows):
        logits[t, tok] = strength
        logits[t, index["<blank>"]] = max(logits[t, index["<blank>"]], 6.0 - strength)
    out: np.ndarray = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    return out


@pytest.fixture(scope="module")
def quantity() -> tuple[object, dict[str, int]]:
    graph = compile_grammar(EN.grammar("quantity", most=24))
    index = {t: i for i, t in enumerate(["<blank>", *sorted(graph.tokens)])}
    return graph, index


def test_a_word_bonus_keeps_a_weak_second_word(quantity) -> None:  # type: ignore[no-untyped-def]
    graph, index = quantity
    lp = _frames([("twenty", 6.0), ("four", 2.5)], index)
    plain = decode(graph, lp, index)
    assert plain.tokens == ("twenty",)  # CTC prefers the shorter sentence
    prior = decode(graph, lp, index, word_bonus=1.5)
    assert prior.tokens == ("twenty", "four")
    # The score stays acoustic: about what a grammar of that sentence alone gives (the beam
    # keeps a little less of the sentence's alignments among the full grammar's).
    only = decode(compile_grammar(_sentence("twenty four")), lp, index)
    assert prior.log_prob == pytest.approx(only.log_prob, abs=0.02)
    assert prior.score == pytest.approx(only.log_prob - float(lp.max(axis=1).sum()), abs=0.02)
    assert prior.score < plain.score  # the acoustically better sentence scores higher
    # The posterior is the chosen sentence's share under the prior, so it is no longer tiny.
    assert 0.5 < prior.posterior <= 1.0


def test_no_prior_is_the_plain_decoder(quantity) -> None:  # type: ignore[no-untyped-def]
    graph, index = quantity
    for spans in ([("twenty", 6.0), ("four", 3.2)], [("two", 5.0)], [("help", 4.0)]):
        lp = _frames(spans, index)
        a, b = decode(graph, lp, index), decode(graph, lp, index, word_bonus=0.0, token_bias={})
        assert (a.tokens, a.log_prob, a.score, a.posterior) == (b.tokens, b.log_prob, b.score,
                                                                  b.posterior)


def test_a_word_bias_ranks_commands_against_numbers() -> None:
    graph = compile_grammar(EN.grammar("digits", digits=2))
    index = {t: i for i, t in enumerate(["<blank>", *sorted(graph.tokens)])}
    lp = _frames([("eight", 3.0), ("eight", 3.0)], index)
    lp[:, index["repeat"]] = np.maximum(lp[:, index["repeat"]], lp[:, index["eight"]] + 0.3)
    lp -= np.logaddexp.reduce(lp, axis=1, keepdims=True)
    assert decode(graph, lp, index).tokens == ("repeat",)
    assert decode(graph, lp, index, token_bias={"repeat": -3.0}).tokens == ("eight", "eight")
    # Unknown words in the bias are ignored (the grammar may not hold them).
    assert decode(graph, lp, index, token_bias={"nonsense": -3.0}).tokens == ("repeat",)


def _sentence(text: str) -> Grammar:
    return Grammar("one", Word(text))


def test_the_word_bonus_setting_reaches_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.settings import AssistantSettings
    from assistant.speech.embedding.engine import EmbeddingEngine
    from assistant.speech.factory import create_speech_engine

    default = AssistantSettings().speech.embedding_word_bonus  # whatever the settings ship
    engine = create_speech_engine(AssistantSettings())
    assert isinstance(engine, EmbeddingEngine) and engine.word_bonus == default >= 0.0
    for value in (0.0, 1.5):
        monkeypatch.setenv("FACET_ASSISTANT_SPEECH__EMBEDDING_WORD_BONUS", str(value))
        engine = create_speech_engine(AssistantSettings())
        assert isinstance(engine, EmbeddingEngine) and engine.word_bonus == value
    monkeypatch.setenv("FACET_ASSISTANT_SPEECH__EMBEDDING_WORD_BONUS", "-1")
    with pytest.raises(ValueError, match="embedding_word_bonus"):
        AssistantSettings()
