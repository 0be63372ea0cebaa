"""Facet's inventory core: the ledger, catalogue, lots, serials, documents, orders and people.

Other packages use the core only through the names exported here.

Importing the package registers every table (:mod:`core.models`) on the declarative base, so
the mappers can be configured whichever domain module is used first.
"""

import core.models  # noqa: F401  (the table registry: every mapper known before first use)
from core.db import Database
from core.errors import CoreError
from core.events import (
    AlertAcknowledged,
    AlertRaised,
    DocumentPosted,
    Event,
    EventBus,
    LocationsChanged,
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
    "LocationsChanged",
    "LotRecalled",
    "OrderCreated",
    "PickConfirmed",
    "StockMoved",
    "warehouse_bins",
]
