"""bench/voice_decoder_bonus.py: the sign test, and the bench's judging its re-decodes reuse."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.settings import AssistantSettings
from assistant.speech.base import Transcript
from assistant.speech.factory import rejection_thresholds
from bench import assistant_voice as voice_bench
from bench import voice_decoder_bonus as bonus


def test_the_sign_test_is_two_sided_and_exact() -> None:
    assert bonus._sign_p(0, 0) == 1.0
    assert bonus._sign_p(3, 12) == bonus._sign_p(12, 3) == pytest.approx(0.0352, abs=1e-4)
    assert bonus._sign_p(0, 5) == pytest.approx(0.0625)
    assert bonus._sign_p(4, 4) == 1.0


def _row(said: str | None, posts_if: str | None) -> dict[str, Any]:
    return {"label": "check digits: four two", "said": said, "posts_if": posts_if,
            "acting": posts_if, "expect": "digits", "in_grammar": said is not None,
            "posting_trial": said is not None and posts_if not in (None, said)}


def test_judging_a_final_as_the_bench_does() -> None:
    rule = rejection_thresholds(AssistantSettings(), "embedding")
    sure = Transcript("four two", True, confidence=1.0, score=0.0)
    right = voice_bench.judge(_row("digits:42", "digits:42"), sure, rule)
    assert right["right"] and not right["rejected"] and not right["posts"]
    # The picker at another slot says its digits; heard as the expected ones, it would post.
    wrong = voice_bench.judge(_row("digits:17", "digits:42"), sure, rule)
    assert wrong["posts"] and not wrong["right"]
    # Nothing heard, or speech no answer of the state parses as: re-prompted.
    for heard in ("", "banana"):
        empty = voice_bench.judge(_row("digits:42", "digits:42"), Transcript(heard, True), rule)
        assert empty["rejected"] and not empty["right"] and not empty["posts"]
