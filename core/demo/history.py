"""A year of sales: orders from channels, allocation, picking, shipping (filled in below)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from core.db import Database
from core.demo.catalogue import DemoSku
from core.demo.layout import DemoLayout


def play_history(
    db: Database,
    rng: random.Random,
    *,
    skus: list[DemoSku],
    layout: DemoLayout,
    start: date,
    days: int,
    orders_per_day: int,
) -> dict[str, Any]:
    """Orders over the period, picked and shipped through the order services."""
    return {"orders": 0}
