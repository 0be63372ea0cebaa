"""Every core router, for the composition root to mount under ``/api``."""

from __future__ import annotations

from fastapi import APIRouter

from core.catalogue.api import router as catalogue
from core.documents.api import router as documents
from core.ledger.api import router as ledger
from core.locations.api import router as locations
from core.lots.api import router as lots
from core.people.api import router as people
from core.trace.api import router as trace

ROUTERS: list[APIRouter] = [people, catalogue, locations, lots, documents, ledger, trace]
