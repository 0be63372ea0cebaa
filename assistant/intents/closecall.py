"""Whether a question is a close call between two intents, learnt from the writers' close calls.

The training files hold a few hundred questions their writers labelled as close calls (two
intents genuinely plausible: ``intents: [a, b]``) beside thousands of clear ones. For a question
the chat is about to answer as ``intent``, :func:`signals` reads what the trained classifier
makes of it: how far the intent's probability leads the best other intent's, how spread the
probability is, how often the training writers found that pair a close call, how short the
question is, whether it names a code and whether the words settle it, and ``phrasing``: how much
its words and characters look like the writers' close calls (a classifier of close calls against
clear questions, trained on the same files: 'how much', 'old stock', 'stuck orders' are said of
either intent of a pair). :class:`CloseCallModel`,
a logistic regression over those signals, gives the probability that the question is a close
call; at or above ``settings.close_call_threshold`` the chat asks back which one was meant.

Its weights were fitted out of fold (bench/assistant_chat_cv.py ``--dump`` and ``--close-calls``):
each writer's signals come from the classifier trained without that writer, so the model learns
how a close call looks to a classifier that has not seen the question.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["FEATURES", "CloseCallModel", "PairCounts", "Signals", "features", "signals"]

#: The model's inputs, in order (see :func:`features`).
FEATURES = ("gap", "log_ratio", "entropy", "pair_share", "pair_seen", "pair_clear", "words",
            "code", "score_gap", "settled", "template", "phrasing")


@dataclass(frozen=True)
class Signals:
    """What the classifier makes of a question answered as ``intent``: ``other`` is the best
    other intent; the rest are the model's inputs (see :data:`FEATURES`)."""

    intent: str
    other: str
    values: tuple[float, ...]

    def as_dict(self) -> dict[str, float]:
        """The inputs by name."""
        return dict(zip(FEATURES, self.values, strict=True))


@dataclass(frozen=True)
class PairCounts:
    """How many training questions are a close call of each pair of intents, and how many are
    a clear question of each intent."""

    close: Mapping[frozenset[str], int]
    clear: Mapping[str, int]

    @classmethod
    def of(cls, labels: Iterable[Sequence[str]]) -> PairCounts:
        """The counts over the training questions' labels (two intents: a close call)."""
        close: Counter[frozenset[str]] = Counter()
        clear: Counter[str] = Counter()
        for pair in labels:
            if len(pair) == 2:
                close[frozenset(pair)] += 1
            elif len(pair) == 1:
                clear[pair[0]] += 1
        return cls(close, clear)


def signals(
    intent: str, probabilities: Mapping[str, float], scores: Mapping[str, float],
    counts: PairCounts, *, words: int, code: bool, settled: bool, template: bool,
    phrasing: float = 0.0, named: frozenset[str] = frozenset(),
) -> Signals | None:
    """The signals for ``intent`` among the intents of ``scores`` (the real intents the chat
    ranked, those a named code allows); ``probabilities`` are the classifier's. None when no
    other intent is left to ask about. The other intent is the likeliest of those the question
    names by a word (``named``: 'the numbers' names a count), else the likeliest of all."""
    mine = {i: float(probabilities.get(i, 0.0)) for i in scores}
    others = sorted((i for i in mine if i != intent), key=lambda i: (i not in named, -mine[i]))
    if intent not in mine or not others:
        return None
    other = others[0]
    total = sum(mine.values()) or 1.0
    shares = [p / total for p in mine.values() if p > 0]
    entropy = -sum(p * math.log(p) for p in shares)
    first, second = mine[intent], mine[other]
    return Signals(intent, other, features(
        first, second, entropy, (first + second) / total,
        counts.close.get(frozenset({intent, other}), 0),
        counts.clear.get(intent, 0) + counts.clear.get(other, 0),
        words, code, scores[intent] - scores[other], settled, template, phrasing))


def features(first: float, second: float, entropy: float, pair_share: float, pair_seen: int,
             pair_clear: int, words: int, code: bool, score_gap: float, settled: bool,
             template: bool, phrasing: float) -> tuple[float, ...]:
    """The model's inputs from raw values (the order of :data:`FEATURES`)."""
    return (first - second, math.log((second + 1e-4) / (first + 1e-4)), entropy, pair_share,
            math.log1p(pair_seen), math.log1p(pair_clear), math.log1p(words), float(code),
            score_gap, float(settled), float(template), phrasing)


@dataclass(frozen=True)
class CloseCallModel:
    """A logistic regression over :data:`FEATURES`: P(close call | signals)."""

    weights: Mapping[str, float]
    bias: float

    def probability(self, found: Signals) -> float:
        """The probability that the question is a close call between its two intents."""
        z = self.bias + sum(self.weights.get(name, 0.0) * value
                            for name, value in zip(FEATURES, found.values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
