"""Croston and SBA forecasts and their backtest on synthetic series whose demand is known."""

from __future__ import annotations

import random
import statistics

import pytest

from core.errors import ValidationFailed
from core.reports.forecast import backtest, croston


def test_croston_learns_a_regular_intermittent_demand_exactly() -> None:
    series = [0, 0, 0, 4] * 13  # 4 pieces every 4th week: 1 a week
    fitted = croston(series, alpha=0.2, variant="croston")
    assert fitted[:4] == [0.0, 0.0, 0.0, 0.0]  # nothing known before the first sale
    assert all(f == pytest.approx(1.0) for f in fitted[4:])
    assert croston(series, alpha=0.2)[-1] == pytest.approx(0.9)  # SBA: times 1 - alpha/2
    test = backtest(series, holdout=12, alpha=0.2, variant="croston")
    # The forecast of 1 misses by 1 in three weeks of four and by 3 in the fourth.
    assert test.mae == pytest.approx(1.5) and test.bias == pytest.approx(0.0)
    assert test.rmse == pytest.approx((3 * 1 + 9) ** 0.5 / 2)


def test_croston_hand_computed_updates() -> None:
    # Sizes 2 then 6 after intervals 2 then 3, alpha 0.5: size 4, interval 2.5.
    fitted = croston([0, 2, 0, 0, 6], alpha=0.5, variant="croston")
    assert fitted == pytest.approx([0.0, 0.0, 1.0, 1.0, 1.0, 4 / 2.5])


def test_sba_tracks_a_random_intermittent_demand() -> None:
    rng = random.Random(7)
    # Sales in a quarter of weeks, 1 to 5 pieces: 0.25 * 3 = 0.75 a week on average.
    series = [rng.randint(1, 5) if rng.random() < 0.25 else 0 for _ in range(2000)]
    rates = croston(series, alpha=0.05)
    assert statistics.fmean(rates[500:]) == pytest.approx(0.75, rel=0.1)
    test = backtest(series, holdout=500, alpha=0.05)
    assert test.mae <= test.naive_mae * 1.05 and abs(test.bias) < 0.15
    assert test.relative_mae is not None and test.relative_mae < 1.05


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        croston([1, 0], alpha=0)
    with pytest.raises(ValidationFailed):
        backtest([1, 0, 1], holdout=3)
