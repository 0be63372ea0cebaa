"""Response shapes of slotting."""

from __future__ import annotations

from pydantic import BaseModel


class CandidateRead(BaseModel):
    """A suggested bin with its score and reasons."""

    location: str
    kind: str
    score: float
    free_capacity: int | None
    distance_to_packing: float
    reasons: list[str]


class SuggestionRead(BaseModel):
    """Ranked bins for putting a quantity of a SKU away."""

    sku: str
    quantity: int
    candidates: list[CandidateRead]


class VelocityRead(BaseModel):
    """ABC classes after a classification run."""

    days: int
    counts: dict[str, int]
    classes: dict[str, str]
