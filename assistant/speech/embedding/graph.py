"""Grammars as token graphs, and CTC decoding constrained to them.

A `Grammar` (the dialogue state's answers) compiles to an epsilon-free automaton over word
tokens. `decode` finds the grammar sentence that explains a matrix of per-frame token
log-probabilities best, summed over all its CTC alignments (prefix beam search over the
automaton), and says how far that is from the best unconstrained path: speech the grammar
cannot explain scores far below zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from assistant.speech.grammar import Alt, Expansion, Grammar, Opt, Ref, Repeat, Seq, Word

__all__ = ["Decoded", "TokenGraph", "compile_grammar", "decode"]

Arc = tuple[int, str, int]


@dataclass(frozen=True)
class TokenGraph:
    """An epsilon-free automaton: `arcs` are (source, token, target); state 0 is the start."""

    states: int
    arcs: tuple[Arc, ...]
    finals: frozenset[int]

    @cached_property
    def tokens(self) -> frozenset[str]:
        """Every token some arc carries."""
        return frozenset(token for _, token, _ in self.arcs)


class _Builder:
    """Thompson construction: each node becomes a sub-automaton with epsilon joins."""

    def __init__(self, rules: dict[str, Expansion]) -> None:
        self.rules = rules
        self.count = 0
        self.eps: dict[int, set[int]] = defaultdict(set)
        self.arcs: list[Arc] = []

    def state(self) -> int:
        self.count += 1
        return self.count - 1

    def build(self, node: Expansion, start: int) -> int:
        if isinstance(node, Word):
            for token in node.text.split():
                nxt = self.state()
                self.arcs.append((start, token, nxt))
                start = nxt
            return start
        if isinstance(node, Ref):
            return self.build(self.rules[node.name], start)
        if isinstance(node, Seq):
            for item in node.items:
                start = self.build(item, start)
            return start
        if isinstance(node, Alt):
            end = self.state()
            for item in node.items:
                self.eps[self.build(item, start)].add(end)
            return end
        if isinstance(node, Opt):
            end = self.build(node.item, start)
            self.eps[start].add(end)
            return end
        return self._repeat(node, start)

    def _repeat(self, node: Repeat, start: int) -> int:
        for _ in range(node.low):
            start = self.build(node.item, start)
        if node.high is None:
            end = self.build(node.item, start)
            self.eps[end].add(start)
            self.eps[start].add(end)
            return end
        ends = [start]
        for _ in range(node.high - node.low):
            start = self.build(node.item, start)
            ends.append(start)
        final = self.state()
        for end in ends:
            self.eps[end].add(final)
        return final


def _closure(eps: dict[int, set[int]], state: int) -> set[int]:
    seen, stack = {state}, [state]
    while stack:
        for nxt in eps.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def compile_grammar(grammar: Grammar) -> TokenGraph:
    """The grammar's sentences as an epsilon-free token automaton, trimmed to useful states."""
    builder = _Builder(dict(grammar.rules))
    start = builder.state()
    end = builder.build(grammar.top, start)
    by_source: dict[int, list[Arc]] = defaultdict(list)
    for arc in builder.arcs:
        by_source[arc[0]].append(arc)
    arcs: set[Arc] = set()
    finals: set[int] = set()
    for state in range(builder.count):
        closure = _closure(builder.eps, state)
        if end in closure:
            finals.add(state)
        arcs.update((state, tok, dst) for mid in closure for _, tok, dst in by_source[mid])
    return _minimize(_determinize(_trim(arcs, finals)))


def _trim(arcs: set[Arc], finals: set[int]) -> TokenGraph:
    """Keep states reachable from 0 that can reach a final state; renumber from 0."""
    forward, backward = defaultdict(set), defaultdict(set)
    for src, _, dst in arcs:
        forward[src].add(dst)
        backward[dst].add(src)
    reach = _closure(forward, 0)
    useful = set().union(*(_closure(backward, f) for f in finals)) if finals else set()
    keep = sorted(reach & useful)
    index = {old: new for new, old in enumerate(keep)}
    kept = tuple(sorted((index[s], t, index[d]) for s, t, d in arcs if s in index and d in index))
    return TokenGraph(len(keep), kept, frozenset(index[f] for f in finals if f in index))


@dataclass(frozen=True)
class Decoded:
    """The best grammar sentence, its log-score, and its distance from the free best path.

    `score` is the log-probability of the grammar sentence less that of the best unconstrained
    path: about 0 when the grammar explains the audio as well as any word sequence could
    (a little above, as a sentence sums over its alignments), several units below 0 for speech
    it cannot explain, which the unconstrained path gives to other words or to ``<unk>``.
    It is a total over the utterance, not per frame, so silence around the words does not
    dilute it.
    """

    tokens: tuple[str, ...]
    log_prob: float
    score: float
    complete: bool = True
    #: How much of the probability of the complete sentences found is this one's (0-1): low
    #: when another sentence of the grammar explains the audio almost as well.
    posterior: float = 1.0
    #: Every complete sentence the beam ended with and its acoustic log-probability (without
    #: the prior), best first: what `tempo.combine` weighs across tempo variants.
    nbest: tuple[tuple[tuple[str, ...], float], ...] = ()
    #: The log-probability of the best unconstrained path (`score` is `log_prob` less this).
    free: float = 0.0


def _logadd(a: float, b: float) -> float:
    if a == -np.inf:
        return b
    if b == -np.inf:
        return a
    return max(a, b) + float(np.log1p(np.exp(-abs(a - b))))


@dataclass
class _Prefix:
    """A partial sentence: its graph state, last token and CTC log-probs ending in blank or not."""

    state: int
    last: int
    blank: float
    token: float

    @property
    def total(self) -> float:
        return _logadd(self.blank, self.token)


def decode(graph: TokenGraph, log_probs: np.ndarray, index: dict[str, int], *,
           blank: int = 0, beam: int = 16, prune: float = 12.0, partial: bool = False,
           word_bonus: float = 0.0, token_bias: Mapping[str, float] | None = None,
           ) -> Decoded:
    """Best grammar sentence for `log_probs` (frames x tokens, log-softmax over `index`).

    CTC prefix beam search over the automaton: each sentence's score sums over all its
    alignments (better than the single best alignment on real speech), `beam` prefixes are
    kept per frame, and a token is tried only where its log-prob is within `prune` of the
    frame's best. With `partial`, the best prefix wins whether or not the grammar could end
    there (a running result while the utterance goes on).

    `word_bonus` (log units, per word) and `token_bias` (per word, added to each occurrence)
    are a prior over the grammar's sentences: they decide which sentence wins, and `posterior`
    is its share under the prior; `log_prob` and `score` stay acoustic (without the prior), so
    the score thresholds keep their meaning. A word bonus offsets CTC's preference for short
    sentences that drop a word ('twenty four' heard as 'twenty', 'eight eight' as 'repeat').
    """
    frames = log_probs.shape[0]
    free = float(log_probs.max(axis=1).sum())
    extra = np.full(log_probs.shape[1], float(word_bonus))
    for name, bias in (token_bias or {}).items():
        if name in index:
            extra[index[name]] += bias
    moves: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for src, label, dst in graph.arcs:
        moves[src].append((index[label], dst))
    beams: dict[tuple[int, ...], _Prefix] = {(): _Prefix(0, -1, 0.0, -np.inf)}
    for t in range(frames):
        row = log_probs[t]
        keep = row >= row.max() - prune
        nxt: dict[tuple[int, ...], _Prefix] = {}
        for seq, p in beams.items():
            _extend(nxt, seq, p.state, p.last, stay=(p, row, blank))
            for tok, dst in moves[p.state]:
                if keep[tok]:
                    base = p.blank if tok == p.last else p.total
                    _extend(nxt, (*seq, tok), dst, tok,
                            gain=base + float(row[tok]) + float(extra[tok]))
        beams = dict(sorted(nxt.items(), key=lambda kv: -kv[1].total)[:beam])
    done = [(p.total, seq, p.state in graph.finals) for seq, p in beams.items()
            if partial or p.state in graph.finals]
    if frames == 0 or not done:
        return Decoded((), -np.inf, -np.inf, complete=False)
    best, seq, complete = max(done)
    finals = np.array([t for t, _, ended in done if ended])
    posterior = float(np.exp(best - np.logaddexp.reduce(finals))) if complete else 0.0
    if extra.any():  # the acoustic totals: the prior only ranks the sentences
        done = [(t - float(extra[list(s)].sum()), s, ended) for t, s, ended in done]
    total = next(t for t, s, _ in done if s == seq)
    names = {i: name for name, i in index.items()}
    nbest = tuple((tuple(names[i] for i in s), t)
                  for t, s, ended in sorted(done, key=lambda d: -d[0]) if ended)
    return Decoded(tuple(names[i] for i in seq), total, total - free, complete, posterior,
                   nbest, free)


def _extend(beams: dict[tuple[int, ...], _Prefix], seq: tuple[int, ...], state: int, last: int,
            *, gain: float | None = None, stay: tuple[_Prefix, np.ndarray, int] | None = None,
            ) -> None:
    """Add probability mass to prefix `seq`: a new token (`gain`) or the same prefix again."""
    entry = beams.setdefault(seq, _Prefix(state, last, -np.inf, -np.inf))
    if gain is not None:
        entry.token = _logadd(entry.token, gain)
        return
    assert stay is not None
    p, row, blank = stay
    entry.blank = _logadd(entry.blank, p.total + float(row[blank]))
    if p.last >= 0:
        entry.token = _logadd(entry.token, p.token + float(row[p.last]))


def _determinize(graph: TokenGraph) -> TokenGraph:
    """Subset construction: one state per set of graph states, so no token is ambiguous."""
    out: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for src, tok, dst in graph.arcs:
        out[src][tok].add(dst)
    ids: dict[frozenset[int], int] = {frozenset({0}): 0}
    todo, arcs = [frozenset({0})], set()
    while todo:
        subset = todo.pop()
        moves: dict[str, set[int]] = defaultdict(set)
        for state in subset:
            for tok, dsts in out[state].items():
                moves[tok] |= dsts
        for tok, dsts in moves.items():
            key = frozenset(dsts)
            if key not in ids:
                ids[key] = len(ids)
                todo.append(key)
            arcs.add((ids[subset], tok, ids[key]))
    finals = {i for subset, i in ids.items() if subset & graph.finals}
    return TokenGraph(len(ids), tuple(sorted(arcs)), frozenset(finals))


def _minimize(graph: TokenGraph) -> TokenGraph:
    """Merge states with the same future (Moore's partition refinement) of a DFA."""
    step = {(s, t): d for s, t, d in graph.arcs}
    tokens = sorted(graph.tokens)
    block = [int(s in graph.finals) for s in range(graph.states)]
    while True:
        signature = [(block[s], *(block[step[s, t]] if (s, t) in step else -1 for t in tokens))
                     for s in range(graph.states)]
        names: dict[tuple[int, ...], int] = {}
        refined = [names.setdefault(sig, len(names)) for sig in signature]
        if len(names) == len(set(block)):
            break
        block = refined
    start = block[0]
    order = {b: i for i, b in enumerate([start, *sorted(set(block) - {start})])}
    arcs = {(order[block[s]], t, order[block[d]]) for s, t, d in graph.arcs}
    finals = {order[block[s]] for s in graph.finals}
    return TokenGraph(len(order), tuple(sorted(arcs)), frozenset(finals))
