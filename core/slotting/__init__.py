"""Slotting: where to put stock away, and which SKUs move fast."""

from core.slotting.service import (
    PutawayCandidate,
    best_putaway_bin,
    classify_velocity,
    suggest_putaway,
)

__all__ = ["PutawayCandidate", "best_putaway_bin", "classify_velocity", "suggest_putaway"]
