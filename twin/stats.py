"""Confidence intervals over simulation replications (Student's t)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

from twin.errors import SimulationError

__all__ = ["Estimate", "confidence_interval"]


@dataclass(frozen=True)
class Estimate:
    """A mean with its two-sided t confidence interval over ``n`` replications."""

    mean: float
    low: float
    high: float
    half_width: float
    n: int
    confidence: float

    def to_dict(self) -> dict[str, float | int]:
        """Plain JSON-ready data."""
        return {
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
            "half_width": self.half_width,
            "n": self.n,
            "confidence": self.confidence,
        }


def confidence_interval(values: Sequence[float], confidence: float = 0.95) -> Estimate:
    """The t-distribution confidence interval of the mean of ``values`` (at least two).

    Examples
    --------
    >>> e = confidence_interval([10.0, 12.0, 11.0, 13.0])
    >>> round(e.mean, 2), round(e.half_width, 3)
    (11.5, 2.054)
    """
    if not 0 < confidence < 1:
        raise SimulationError("confidence must be between 0 and 1")
    data = np.asarray(values, dtype=float)
    if data.ndim != 1 or len(data) < 2:
        raise SimulationError("a confidence interval needs at least two replications")
    if not np.all(np.isfinite(data)):
        raise SimulationError("replication values must be finite")
    mean = float(data.mean())
    sem = float(data.std(ddof=1)) / math.sqrt(len(data))
    half = float(_st.t.ppf(0.5 + confidence / 2, df=len(data) - 1)) * sem
    return Estimate(mean, mean - half, mean + half, half, len(data), confidence)
