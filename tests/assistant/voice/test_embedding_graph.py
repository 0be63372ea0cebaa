"""Grammars compiled to token automata, and CTC prefix beam search constrained to them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from assistant.speech.embedding.graph import compile_grammar, decode
from assistant.speech.grammar import Alt, Grammar, Opt, Ref, Repeat, Seq, Word
from assistant.voice import load_language

EN = load_language("en")


def _sentences(graph, limit: int = 6) -> set[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """Every token sequence of up to `limit` tokens the automaton accepts."""
    out, frontier = set(), [(0, ())]
    for _ in range(limit + 1):
        nxt = []
        for state, seq in frontier:
            if state in graph.finals:
                out.add(seq)
            nxt += [(d, (*seq, t)) for s, t, d in graph.arcs if s == state]
        frontier = nxt
    return out


def test_a_grammar_accepts_exactly_its_sentences() -> None:
    grammar = Grammar("g", Alt((Seq((Ref("d"), Ref("d"))), Word("say again"),
                                Seq((Word("short"), Opt(Ref("d")))))),
                      {"d": Alt((Word("one"), Word("two")))})
    got = _sentences(compile_grammar(grammar))
    want = {("say", "again"), ("short",), ("short", "one"), ("short", "two")}
    want |= set(itertools.product(("one", "two"), repeat=2))
    assert got == want


def test_repeats_with_and_without_an_upper_bound() -> None:
    bounded = compile_grammar(Grammar("b", Repeat(Word("one"), 2, 3)))
    assert _sentences(bounded) == {("one",) * 2, ("one",) * 3}
    unbounded = compile_grammar(Grammar("u", Repeat(Word("one"), 1, None)))
    assert _sentences(unbounded, 5) == {("one",) * n for n in range(1, 6)}


def test_dialogue_grammars_compile_to_small_automata() -> None:
    for expect, options in (("digits", {"digits": 2}), ("digits", {"digits": 4}),
                            ("quantity", {"most": 24}), ("characters", {}), ("yes_no", {})):
        graph = compile_grammar(EN.grammar(expect, **options))  # type: ignore[arg-type]
        assert graph.states <= 12 and graph.finals, (expect, graph.states)
        sentences = _sentences(graph, 2 if expect == "characters" else 4)
        assert all(EN.grammar(expect, **options).matches(" ".join(s))  # type: ignore[arg-type]
                   for s in sentences)


def _frames(tokens: list[str], index: dict[str, int], *, blanks: int = 2,
            noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """Log-probs that say `tokens`, each for 2 frames, with blanks between."""
    rows = []
    for token in tokens:
        rows += [index["<blank>"]] * blanks + [index[token]] * 2
    rows += [index["<blank>"]] * blanks
    logits = np.random.default_rng(seed).normal(0, noise, (len(rows), len(index)))
    logits[np.arange(len(rows)), rows] += 6.0
    return logits - np.log(np.exp(logits).sum(1, keepdims=True))


INDEX = {t: i for i, t in enumerate(["<blank>", "one", "two", "four", "say", "again"])}


def test_decode_finds_the_grammar_sentence_and_scores_its_fit() -> None:
    grammar = Grammar("g", Alt((Seq((Ref("d"), Ref("d"))), Word("say again"))),
                      {"d": Alt((Word("one"), Word("two"), Word("four")))})
    graph = compile_grammar(grammar)
    said = decode(graph, _frames(["four", "two"], INDEX), INDEX)
    assert said.tokens == ("four", "two") and said.complete
    assert abs(said.score) < 0.1  # alignments summed can even beat the best single path
    # Repeated words need a blank between them; "one one" is still found.
    assert decode(graph, _frames(["one", "one"], INDEX), INDEX).tokens == ("one", "one")


def test_speech_outside_the_grammar_scores_far_below_zero() -> None:
    graph = compile_grammar(Grammar("g", Seq((Word("one"), Word("two")))))
    fit = decode(graph, _frames(["one", "two"], INDEX), INDEX)
    misfit = decode(graph, _frames(["say", "again"], INDEX), INDEX)
    assert misfit.tokens == ("one", "two") and misfit.score < fit.score - 2


def test_a_partial_result_may_stop_inside_the_grammar() -> None:
    graph = compile_grammar(EN.grammar("digits", digits=2))
    index = {t: i for i, t in enumerate(["<blank>", *sorted(graph.tokens)])}
    partial = decode(graph, _frames(["four"], index), index, partial=True)
    assert partial.tokens == ("four",) and not partial.complete
    final = decode(graph, _frames(["four"], index), index)
    assert final.complete and len(final.tokens) == 2  # the best complete sentence


def test_nothing_to_decode() -> None:
    graph = compile_grammar(Grammar("g", Word("one")))
    empty = decode(graph, np.zeros((0, len(INDEX))), INDEX)
    assert empty.tokens == () and empty.score == -np.inf


@pytest.mark.parametrize("noise", [0.5, 1.5])
def test_decoding_agrees_with_scoring_every_sentence(noise: float) -> None:
    """The beam search finds the sentence a brute-force CTC forward score prefers."""
    torch = pytest.importorskip("torch")
    graph = compile_grammar(EN.grammar("digits", digits=2))
    index = {t: i for i, t in enumerate(["<blank>", *sorted(graph.tokens)])}
    sentences = sorted(_sentences(graph, 3))
    for seed in range(5):
        lp = _frames(["four", "two"], index, noise=noise, seed=seed)
        got = decode(graph, lp, index, beam=64, prune=50.0)
        frames = torch.from_numpy(lp)[:, None, :].expand(-1, len(sentences), -1)
        targets = torch.tensor([index[t] for s in sentences for t in s])
        lengths = torch.tensor([len(s) for s in sentences])
        nll = torch.nn.functional.ctc_loss(frames, targets, torch.full((len(sentences),),
                                           lp.shape[0]), lengths, reduction="none")
        assert got.tokens == sentences[int(nll.argmin())]
        assert got.log_prob == pytest.approx(-float(nll.min()), abs=1e-4)
