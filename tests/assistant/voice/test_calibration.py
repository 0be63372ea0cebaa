"""Leave-one-speaker-out calibration of the rejection rule (small synthetic rows, no audio)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from assistant.speech.calibration import (
    Outcome,
    _Table,
    choose_rejection,
    dev_voice_halves,
    folds,
    outcome,
)
from assistant.speech.rejection import Rejection


def _row(got: str | None, said: str | None, *, expect: str = "digits",
         posts_if: str | None = None, acting: str | None = None, score: float = -1.0,
         confidence: float = 1.0) -> dict[str, Any]:
    posts_if = posts_if if posts_if is not None else said
    return {"got": got, "said": said, "posts_if": posts_if, "expect": expect,
            "acting": acting if acting is not None else posts_if, "heard": got or "",
            "score": score, "confidence": confidence, "in_grammar": said is not None,
            "posting_trial": said is not None and posts_if is not None and posts_if != said}


def test_folds_hold_out_each_speaker_once() -> None:
    assert folds(("george", "jackson", "x")) == [
        ("george", ("jackson", "x")), ("jackson", ("george", "x")), ("x", ("george", "jackson"))]
    with pytest.raises(ValueError):
        folds(("george",))


def test_voice_halves_split_by_variant_in_every_accent() -> None:
    voices = [f"{a}+{v}" for a in ("en", "en-us") for v in ("f1", "m3", "klatt", "john", "max")]
    train, held = dev_voice_halves(voices + ["en"])
    assert sorted(train + held) == sorted(voices + ["en"]) and train and held
    variants = {v.partition("+")[2] for v in held}
    assert not variants & {v.partition("+")[2] for v in train}


def test_outcome_counts_wrong_postings_reprompts_and_wrong_answers() -> None:
    rows = [
        _row("digits:42", "digits:42", score=-1.0, confidence=0.6),  # right, doubtful
        _row("digits:42", "digits:17", posts_if="digits:42", confidence=0.9),  # wrong slot
        _row("digits:18", "digits:17", acting="digits:17", score=-5.0),  # misheard
        _row("yes:None", None, expect="yes_no", posts_if="yes:None", score=-4.0),  # a cough
    ]
    assert outcome(rows, Rejection()) == Outcome(2, 0, 2, 1)
    assert outcome(rows, Rejection(answer=-4.5, checking=0.7)) == Outcome(2, 1, 1, 1)
    assert outcome(rows, Rejection(confirm=-3.5, checking=0.95)) == Outcome(0, 1, 1, 1)


def test_the_vectorised_table_agrees_with_outcome() -> None:
    rng = random.Random(3)
    rows = []
    for _ in range(300):
        said = rng.choice(["digits:42", "digits:17", None])
        rows.append(_row(rng.choice(["digits:42", "digits:17", None]), said,
                         posts_if=rng.choice(["digits:42", "digits:17"]),
                         score=rng.uniform(-8, 0), confidence=rng.random()))
    table = _Table(rows)
    for rule in (Rejection(), Rejection(-3.0, -4.0, 0.8, -2.0, 0.5),
                 Rejection(None, None, 0.9, None, None), Rejection(-5.0, None, None, -1.0, 0.7)):
        assert table.outcome(rule) == outcome(rows, rule)


def test_the_chosen_rule_posts_nothing_wrong_and_keeps_right_answers() -> None:
    # right answers fit at -2 or better and are sure; the wrong slot's digits fit at -3.2,
    # so an acting threshold between them stops the posting and re-prompts nothing right
    rows = [_row("digits:42", "digits:42", score=-2.0 + i / 10, confidence=0.99)
            for i in range(10)]
    rows.append(_row("digits:42", "digits:17", posts_if="digits:42", score=-3.2,
                     confidence=0.99))
    rule, tried = choose_rejection(rows)
    assert tried[0][0] == Outcome(0, 0, 0, 10)
    assert rule.acting is not None and -3.2 < rule.acting <= -2.0
    # the most lenient of the equals: nothing else switched on
    assert (rule.answer, rule.confirm, rule.posting, rule.checking) == (None,) * 4
