"""Putaway suggestions and velocity classification over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from core.api_deps import Writer, allow, context_of, read_session, writer
from core.fields import Text
from core.people.security import Actor
from core.slotting import service
from core.slotting.schemas import CandidateRead, SuggestionRead, VelocityRead
from core.trace.visibility import visibility_for

router = APIRouter(tags=["slotting"])


def vault_threshold(request: Request) -> float:
    """The unit price from which pieces belong in the vault (CoreSettings)."""
    return float(context_of(request.app).settings.vault_price_threshold)


@router.get("/slotting/suggest", response_model=SuggestionRead)
def suggest(
    actor: Annotated[Actor, Depends(allow("read"))],
    session: Annotated[Session, Depends(read_session)],
    threshold: Annotated[float, Depends(vault_threshold)],
    sku: Annotated[Text, Query(min_length=1, max_length=48)],
    quantity: Annotated[int, Query(gt=0, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SuggestionRead:
    """Bins to put ``quantity`` pieces of ``sku`` away in, best first, with reasons (bins
    under the reader's live blind count left out: their free room tells their stock)."""
    ranked = service.suggest_putaway(session, sku_code=sku, quantity=quantity,
                                     vault_price_threshold=threshold, limit=limit)
    hidden = visibility_for(session, actor).hidden_codes
    ranked = [c for c in ranked if c.location not in hidden]
    return SuggestionRead(sku=sku, quantity=quantity, candidates=[
        CandidateRead(location=c.location, kind=c.kind, score=c.score,
                      free_capacity=c.free_capacity, distance_to_packing=c.distance_to_packing,
                      reasons=list(c.reasons))
        for c in ranked
    ])


@router.post("/slotting/velocity", response_model=VelocityRead)
def classify(
    w: Annotated[Writer, Depends(writer("catalogue:write"))],
    days: Annotated[int, Query(ge=1, le=3650)] = 90,
) -> object:
    """Recompute ABC velocity classes from the last ``days`` of shipments."""
    def run(s: Session) -> VelocityRead:
        classes = service.classify_velocity(s, actor=w.actor, days=days)
        counts = {k: sum(1 for v in classes.values() if v == k) for k in "ABC"}
        return VelocityRead(days=days, counts=counts, classes=classes)

    return w.run(run)
