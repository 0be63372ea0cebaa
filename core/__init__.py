"""Facet's inventory core: the ledger, catalogue, lots, serials, documents, orders and people.

Other packages use the core only through the names exported here.
"""

from core.db import Database
from core.errors import CoreError
from core.events import (
    AlertAcknowledged,
    AlertRaised,
    DocumentPosted,
    Event,
    EventBus,
    LotRecalled,
    OrderCreated,
    PickConfirmed,
    StockMoved,
)
from core.locations.service import warehouse_bins
from core.people.security import Actor
from core.settings import CoreSettings

__all__ = [
    "Actor",
    "AlertAcknowledged",
    "AlertRaised",
    "CoreError",
    "CoreSettings",
    "Database",
    "DocumentPosted",
    "Event",
    "EventBus",
    "LotRecalled",
    "OrderCreated",
    "PickConfirmed",
    "StockMoved",
    "warehouse_bins",
]
