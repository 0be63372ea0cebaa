"""Every core router, for the composition root to mount under ``/api``."""

from __future__ import annotations

from fastapi import APIRouter

from core.alerts.api import router as alerts
from core.catalogue.api import router as catalogue
from core.certificates.api import router as certificates
from core.channels.api import router as channels
from core.channels.api_stock import router as channel_stock
from core.custody.api import router as custody
from core.documents.api import router as documents
from core.documents.api_stock import router as stock_control
from core.imports.api import router as imports
from core.labels.api import router as labels
from core.ledger.api import router as ledger
from core.locations.api import router as locations
from core.locations.presence_api import router as presence
from core.lots.api import router as lots
from core.orders.api import router as orders
from core.people.api import router as people
from core.purchasing.api import router as purchasing
from core.reports.api import router as reports
from core.returns.api import router as returns
from core.scan.api import router as scan
from core.slotting.api import router as slotting
from core.trace.api import router as trace
from core.voice.api import router as voice
from core.weighing.api import router as weighing

ROUTERS: list[APIRouter] = [
    people, catalogue, locations, lots, documents, ledger, trace, stock_control, orders, slotting,
    alerts, presence, reports, purchasing, voice, labels, scan, channel_stock,
    returns, channels, custody,
    imports, certificates, weighing,
]
