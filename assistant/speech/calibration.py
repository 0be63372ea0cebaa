"""Choosing the rejection rule on speech the word model never heard (issue 12).

A word model is confident on the speakers and voices it was trained on, so thresholds tuned on
them re-prompt unseen people. The calibration therefore holds speech out of training: one
development speaker per fold (`folds`), and half of the development espeak-ng voices, split by
variant as the test voices are (`dev_voice_halves`). `choose_rejection` then picks the rule
on the held-out rows: fewest wrong postings first, then fewest right answers re-prompted,
then fewest wrong answers or out-of-grammar speech let through.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.speech.base import Transcript
from assistant.speech.rejection import Rejection

__all__ = ["Outcome", "choose_rejection", "dev_voice_halves", "folds", "outcome"]

#: The thresholds searched, per field of `Rejection` (None: off).
ANSWERS: tuple[float | None, ...] = (None, -8.0, -7.0, -6.0, -5.5, -5.0, -4.4, -4.0, -3.6, -3.4,
                                      -3.0, -2.6, -2.4, -2.0)
CONFIRMS: tuple[float | None, ...] = (None, -5.0, -4.4, -4.0, -3.6, -3.2, -2.8, -2.4, -2.0,
                                       -1.6)
POSTINGS: tuple[float | None, ...] = (None, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)
ACTINGS: tuple[float | None, ...] = (None, -4.0, -3.5, -3.0, -2.5, -2.0, -1.5)
CHECKINGS: tuple[float | None, ...] = (None, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def folds(speakers: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Leave one speaker out: (held-out speaker, the speakers trained on) for each speaker."""
    if len(speakers) < 2:
        raise ValueError("leave-one-speaker-out needs at least two speakers")
    return [(held, tuple(s for s in speakers if s != held)) for held in speakers]


def _variant(voice: str) -> str:
    return voice.partition("+")[2] or "default"


def dev_voice_halves(voices: Sequence[str]) -> tuple[list[str], list[str]]:
    """(voices to train on, voices held out): split by variant (a hash of its name), so a
    held-out variant is heard in no accent during training."""
    train: list[str] = []
    held: list[str] = []
    for voice in voices:
        digest = int(hashlib.sha1(f"calibration:{_variant(voice)}".encode()).hexdigest(), 16)
        (held if digest % 2 else train).append(voice)
    return train, held


@dataclass(frozen=True, order=True)
class Outcome:
    """What a rule does to decoded rows, in the order they are minimised."""

    wrong_postings: int
    reprompted: int
    wrong_accepted: int
    right: int = 0


def outcome(rows: Iterable[dict[str, Any]], rule: Rejection) -> Outcome:
    """Wrong postings (a posting trial or out-of-grammar speech heard as the answer that
    posts), right answers re-prompted, wrong answers and out-of-grammar speech let through,
    and right answers heard.

    Each row is a decoded answer as bench/assistant_voice.py records it: ``got`` (the parsed
    answer or None), ``said``, ``posts_if``, ``acting`` (the answer that acts in its state),
    ``expect``, ``heard``, ``score``, ``confidence``, ``in_grammar``, ``posting_trial``."""
    wrong = reprompted = let_through = right = 0
    for r in rows:
        got = r["got"]
        acting = got is not None and got == r["acting"]
        checks = acting and r["expect"] == "digits"
        final = Transcript(r["heard"], True, r["confidence"], r["score"])
        rejected = got is None or rule.rejects(final, confirming=r["expect"] == "yes_no",
                                               acts=acting and not checks, checks=checks)
        if not r["in_grammar"] or r["posting_trial"]:
            wrong += not rejected and got == r["posts_if"] and got != r["said"]
            let_through += not r["in_grammar"] and not rejected
        elif got == r["said"]:
            right += 1
            reprompted += rejected
        else:
            let_through += not rejected
    return Outcome(wrong, reprompted, let_through, right)


def choose_rejection(rows: Sequence[dict[str, Any]], *, log: bool = False,
                     ) -> tuple[Rejection, list[tuple[Outcome, Rejection]]]:
    """The rule with the fewest wrong postings on `rows`, then the fewest right answers
    re-prompted, then the fewest wrong answers or out-of-grammar speech let through; among
    equals the most lenient (the fewest thresholds on, then the lowest). Also every rule
    tried, best first."""
    table = _Table(rows)
    tried = [(table.outcome(rule), rule)
             for rule in map(Rejection, *zip(*itertools.product(
                 ANSWERS, CONFIRMS, POSTINGS, ACTINGS, CHECKINGS), strict=True))
             if not _redundant(rule)]
    tried.sort(key=lambda pair: (pair[0], _strictness(pair[1])))
    if log:
        for result, rule in tried[:15]:
            print(result, rule)
    return tried[0][1], tried


class _Table:
    """`outcome` over many rules at once: the rows as arrays."""

    def __init__(self, rows: Sequence[dict[str, Any]]) -> None:
        def column(key: str) -> np.ndarray:
            return np.array([np.nan if r[key] is None else r[key] for r in rows], dtype=float)

        got = [r["got"] for r in rows]
        acting = np.array([g is not None and g == r["acting"] for g, r in zip(got, rows,
                                                                             strict=True)])
        digits = np.array([r["expect"] == "digits" for r in rows])
        self.checks, self.acts = acting & digits, acting & ~digits
        self.confirming = np.array([r["expect"] == "yes_no" for r in rows])
        self.unparsed = np.array([g is None for g in got])
        self.score, self.confidence = column("score"), column("confidence")
        posting = np.array([not r["in_grammar"] or r["posting_trial"] for r in rows])
        self.would_post = posting & np.array([g == r["posts_if"] and g != r["said"]
                                              for g, r in zip(got, rows, strict=True)])
        heard_right = np.array([g == r["said"] for g, r in zip(got, rows, strict=True)])
        self.right, self.wrong = ~posting & heard_right, ~posting & ~heard_right
        self.wrong |= np.array([not r["in_grammar"] for r in rows])

    def outcome(self, rule: Rejection) -> Outcome:
        """`outcome(rows, rule)`."""
        limit = np.full(self.score.shape, -np.inf)
        for value, where in ((rule.answer, True), (rule.confirm, self.confirming),
                             (rule.acting, self.checks | self.acts)):
            if value is not None:
                limit = np.where(where, np.maximum(limit, value), limit)
        rejected = self.unparsed | (self.score < limit)
        for value, where in ((rule.posting, self.acts), (rule.checking, self.checks)):
            if value is not None:
                rejected |= where & (self.confidence < value)
        return Outcome(int((self.would_post & ~rejected).sum()),
                       int((self.right & rejected).sum()), int((self.wrong & ~rejected).sum()),
                       int(self.right.sum()))


def _redundant(rule: Rejection) -> bool:
    """A confirm or acting threshold no stricter than the answer threshold changes nothing."""
    floor = rule.answer if rule.answer is not None else float("-inf")
    return any(v is not None and v <= floor for v in (rule.confirm, rule.acting))


def _strictness(rule: Rejection) -> tuple[int, float]:
    values = [v for v in (rule.answer, rule.confirm, rule.acting) if v is not None]
    confidences = [v for v in (rule.posting, rule.checking) if v is not None]
    return (len(values) + len(confidences), sum(values) + 10 * sum(confidences))
