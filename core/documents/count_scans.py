"""A blind count by scanning: the pieces found at a bin, turned into count lines.

A counter with a handheld scans every piece in a bin (serial labels, piece QRs, or one pull of
an RFID reader's trigger, which gives the EPCs of every tag in range) without knowing what the
books expect. Each scanned bin reports every serialised line of the count at that bin: the
pieces of the line's SKU and lot found there, none if none was found; pieces of a SKU and lot
the count has no line for at that bin become new lines, as stock nobody expected. A code that
names no piece is refused with the list of such codes, as counts refuse unknown serials: the
piece is recorded with a 'found' adjustment, not by a count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.db import pairs
from core.documents.models import Document, LineStatus
from core.documents.schemas import BinScanIn, CountLineIn
from core.errors import ValidationFailed
from core.lots import codes as scans
from core.lots.models import Lot, Serial

__all__ = ["scan_entries"]

_SHOWN = 10  # unknown codes named in the refusal; the rest are counted


def scan_entries(session: Session, doc: Document, bins: Sequence[BinScanIn]) -> list[CountLineIn]:
    """Count entries for each scanned bin: every serialised line there, and new ones."""
    counted = set((doc.data or {}).get("locations", []))
    places = [scans.location(session, b.location) for b in bins]
    for place in places:
        if place.code not in counted:
            raise ValidationFailed(
                f"{place.code} is not part of count {doc.number}.", code="location-not-in-count"
            )
    if len({p.id for p in places}) != len(places):
        raise ValidationFailed("A bin is scanned twice; send each bin once.", code="duplicate-bin")
    found = _pieces(session, [v for b in bins for v in b.pieces])
    entries: list[CountLineIn] = []
    for place, scan in zip(places, bins, strict=True):
        groups: dict[tuple[int, int], list[str]] = defaultdict(list)
        for value in scan.pieces:
            serial = found[value]
            groups[(serial.sku_id, serial.lot_id)].append(serial.code)
        entries += _bin_entries(session, doc, place.id, place.code, groups)
    return entries


def _pieces(session: Session, values: list[str]) -> dict[str, Serial]:
    """The piece each scanned value names; unknown codes refused, listed as scanned."""
    keys = scans.piece_codes(session, values)
    known: dict[str, Serial] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.scalars(select(Serial).where(Serial.code.in_(chunk)))
        known.update((s.code, s) for s in rows)
    unknown = [v for v, k in zip(values, keys, strict=True) if k not in known]
    if unknown:
        more = f" and {len(unknown) - _SHOWN} more" if len(unknown) > _SHOWN else ""
        raise ValidationFailed(
            f"{len(unknown)} scanned code(s) name no piece in the books: "
            f"{', '.join(unknown[:_SHOWN])}{more}. Record found pieces with a 'found' "
            "adjustment, then count again.",
            code="unknown-serial",
        )
    return {v: known[k] for v, k in zip(values, keys, strict=True)}


def _bin_entries(
    session: Session,
    doc: Document,
    location_id: int,
    location: str,
    groups: dict[tuple[int, int], list[str]],
) -> list[CountLineIn]:
    """Entries of one bin: its open serialised lines (closed ones were settled) and new stock."""
    here = [ln for ln in doc.lines if ln.from_location_id == location_id]
    serialised = set(
        session.scalars(
            select(Sku.id).where(Sku.id.in_({ln.sku_id for ln in here}), Sku.serialised.is_(True))
        )
    )
    entries = []
    for line in here:
        key = (line.sku_id, line.lot_id or 0)
        pieces = groups.pop(key, [])
        if line.sku_id in serialised and line.status == LineStatus.OPEN:
            entries.append(CountLineIn(line_no=line.line_no, counted=len(pieces), serials=pieces))
    if groups:
        skus = pairs(session, select(Sku.id, Sku.code).where(Sku.id.in_({k[0] for k in groups})))
        lots = pairs(session, select(Lot.id, Lot.code).where(Lot.id.in_({k[1] for k in groups})))
        entries += [
            CountLineIn(sku=skus[sku_id], lot=lots[lot_id], location=location,
                        counted=len(pieces), serials=pieces)
            for (sku_id, lot_id), pieces in groups.items()
        ]
    return entries
