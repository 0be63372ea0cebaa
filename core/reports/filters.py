"""The filters every analytics report takes: period, category, metal, colour, purity, size,
supplier, location and lot.

Each filter narrows a statement by an ``IN (subquery)`` on the column that names the SKU, lot or
location, so a report adds filters without changing its joins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVarTuple

from sqlalchemy import Select, func, select

from core.catalogue.models import Sku, Style
from core.clock import as_utc, now
from core.errors import ValidationFailed
from core.fields import FIRST_DAY, LAST_DAY, Lookup, SaneDateTime
from core.locations.models import VIRTUAL_KINDS, Location
from core.lots.models import Lot, Supplier

__all__ = ["DEFAULT_DAYS", "ReportFilter", "VIRTUAL"]

DEFAULT_DAYS = 90
VIRTUAL = [str(k) for k in VIRTUAL_KINDS]

_Ts = TypeVarTuple("_Ts")  # a filtered statement keeps its column types


@dataclass(frozen=True)
class ReportFilter:
    """Which stock a report looks at. The period is half-open: ``since <= at < until``.

    ``location`` is a location code or the start of one (a zone, aisle or bay prefix), with
    every location under it;
    ``lot`` is one lot's code (the reports over stock, moves and lots keep that lot's rows);
    ``colour`` is the metal's colour (yellow, white, rose), as the SKUs record it, and ``size``
    a SKU's size ('7', 'M', '42cm'); ``sku`` is a SKU's code or the start of several cut at a
    dash ('ST0007-S925W' of 'ST0007-S925W-7' and 'ST0007-S925W-8').
    """

    since: SaneDateTime | None = None
    until: SaneDateTime | None = None
    category: Lookup | None = None
    metal: Lookup | None = None
    purity: Lookup | None = None
    supplier: Lookup | None = None
    location: Lookup | None = None
    lot: Lookup | None = None
    colour: Lookup | None = None
    size: Lookup | None = None
    sku: Lookup | None = None

    def period(self) -> tuple[datetime, datetime]:
        """``(since, until)``: until defaults to now, since to :data:`DEFAULT_DAYS` before."""
        until = as_utc(self.until) if self.until else now()
        since = as_utc(self.since) if self.since else until - timedelta(days=DEFAULT_DAYS)
        if until <= since:
            raise ValidationFailed("A period must end after it starts.", code="bad-period")
        for moment in (since, until):  # callers other than the API pass plain datetimes
            if not FIRST_DAY <= moment.date() <= LAST_DAY:
                raise ValidationFailed(f"A period lies between {FIRST_DAY} and {LAST_DAY}.",
                                       code="bad-period")
        return since, until

    @property
    def goods(self) -> bool:
        """Whether the filter names goods by what they are (category, metal, colour, purity,
        size) or by their SKU code."""
        return bool(self.category or self.metal or self.colour or self.purity or self.size
                    or self.sku)

    def skus(self, column: Any, stmt: Select[*_Ts]) -> Select[*_Ts]:
        """Keep rows whose SKU (``column``) matches the category, metal, colour, purity, size
        and SKU code."""
        if not self.goods:
            return stmt
        wanted = select(Sku.id).join(Style, Style.id == Sku.style_id)
        for col, value in ((Style.category, self.category), (Sku.metal, self.metal),
                           (Sku.metal_colour, self.colour), (Sku.purity, self.purity),
                           (Sku.size, self.size)):
            if value:
                wanted = wanted.where(col == value)
        if self.sku:
            code = self.sku.strip().upper()
            wanted = wanted.where((func.upper(Sku.code) == code)
                                  | func.upper(Sku.code).startswith(f"{code}-", autoescape=True))
        return stmt.where(column.in_(wanted))

    def _supplier_ids(self) -> Select[int]:
        return select(Supplier.id).where(
            (Supplier.code == (self.supplier or "").upper()) | (Supplier.name == self.supplier))

    def lots(self, column: Any, stmt: Select[*_Ts]) -> Select[*_Ts]:
        """Keep rows whose lot (``column``) came from the supplier (code or name) and is the
        lot asked for."""
        if not (self.supplier or self.lot):
            return stmt
        wanted = select(Lot.id)
        if self.supplier:
            wanted = wanted.where(Lot.supplier_id.in_(self._supplier_ids()))
        if self.lot:
            wanted = wanted.where(Lot.code == self.lot.upper())
        return stmt.where(column.in_(wanted))

    def suppliers(self, column: Any, stmt: Select[*_Ts]) -> Select[*_Ts]:
        """Keep rows whose supplier (``column``, a supplier id) is the supplier (code or name)."""
        return stmt.where(column.in_(self._supplier_ids())) if self.supplier else stmt

    def locations(self, stmt: Select[*_Ts], *columns: Any) -> Select[*_Ts]:
        """Keep rows where any of ``columns`` is the location, lies under its code ('A01' of
        'A01-02-3L') or lies under it in the tree (a zone's bins, whose codes need not start
        with the zone's: DOCK-01 and PACK-01 of OPS)."""
        if not self.location:
            return stmt
        under = select(Location.id).where(
            Location.code.startswith(self.location, autoescape=True)).cte(recursive=True)
        under = under.union(select(Location.id).where(Location.parent_id == under.c.id))
        wanted = select(under.c.id)
        condition = columns[0].in_(wanted)
        for column in columns[1:]:
            condition = condition | column.in_(wanted)
        return stmt.where(condition)

    def stock(self, stmt: Select[*_Ts], *, sku: Any, lot: Any, location: Any | None = None,
              locations: tuple[Any, ...] = ()) -> Select[*_Ts]:
        """Every filter but the period, on the given SKU, lot and location columns."""
        stmt = self.lots(lot, self.skus(sku, stmt))
        cols = (location, *locations) if location is not None else locations
        return self.locations(stmt, *cols) if cols else stmt
