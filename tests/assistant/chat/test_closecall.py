"""The learnt close-call model: its inputs from the classifier's probabilities, the pairs the
training writers found close, and its probability (assistant/intents/closecall.py)."""

from __future__ import annotations

import pytest

from assistant.intents.closecall import FEATURES, CloseCallModel, PairCounts, signals
from assistant.settings import AssistantSettings

COUNTS = PairCounts.of([("shrinkage", "traced_variances"), ("shrinkage", "traced_variances"),
                        ("shrinkage",), ("traced_variances",), ("locate",), ("locate",)])


def _signals(probabilities: dict[str, float], intent: str = "shrinkage", **kw: object):
    scores = {i: 1.5 * p for i, p in probabilities.items()}
    options: dict[str, object] = {"words": 3, "code": False, "settled": False,
                                  "template": False, **kw}
    return signals(intent, probabilities, scores, COUNTS, **options)  # type: ignore[arg-type]


def test_pair_counts_of_training_labels() -> None:
    assert COUNTS.close[frozenset({"shrinkage", "traced_variances"})] == 2
    assert COUNTS.clear == {"shrinkage": 1, "traced_variances": 1, "locate": 2}


def test_signals_name_the_best_other_intent_and_the_pair_seen() -> None:
    found = _signals({"shrinkage": 0.5, "traced_variances": 0.4, "locate": 0.1})
    assert found is not None and (found.intent, found.other) == ("shrinkage", "traced_variances")
    values = found.as_dict()
    assert set(values) == set(FEATURES)
    assert values["gap"] == pytest.approx(0.1)
    assert values["pair_seen"] > 0  # the writers found this pair close
    # the chat may answer an intent that is not the classifier's first: the gap is negative
    other = _signals({"shrinkage": 0.3, "traced_variances": 0.6, "locate": 0.1})
    assert other is not None and other.as_dict()["gap"] < 0
    assert _signals({"shrinkage": 1.0}) is None  # nothing else to ask about


def test_a_split_reading_is_likelier_a_close_call_than_a_decisive_one() -> None:
    model = CloseCallModel({"gap": -6.0, "pair_seen": 1.0}, bias=0.0)
    split = _signals({"shrinkage": 0.5, "traced_variances": 0.45, "locate": 0.05})
    sure = _signals({"shrinkage": 0.97, "traced_variances": 0.02, "locate": 0.01})
    assert split is not None and sure is not None
    assert model.probability(split) > 0.5 > model.probability(sure)


def test_shipped_model_names_only_known_inputs() -> None:
    settings = AssistantSettings()
    assert set(settings.close_call_weights) <= set(FEATURES)
