"""The demo's certificates and hallmarks: lab reports for stone pieces, hallmarks for lots.

Diamonds of half a carat and more carry their own GIA, IGI or HRD report, coloured stones a
GRS, SSEF or Gübelin one; the pieces a lab graded in one month share a report batch (what a
recall by batch names). Every lot received is hallmarked by the assay office its supplier uses, with
its fineness, the supplier's sponsor mark and the year's date letter. A random generator of
its own keeps the rest of the demo the same with or without this step.
"""

from __future__ import annotations

import random
import string
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select

from core.catalogue.models import Sku
from core.certificates import register_certificate, register_hallmark
from core.certificates.schemas import CertificateCreate, HallmarkCreate
from core.db import Database
from core.ledger.models import StockMove
from core.lots.models import Lot, Serial, Supplier
from core.people.service import system_actor

__all__ = ["file_marks"]

_DIAMOND_LABS = (("GIA", 5), ("IGI", 3), ("HRD", 2))
_COLOUR_LABS = (("GRS", 2), ("SSEF", 1), ("GUBELIN", 1))
_COLOURED = {"sapphire", "ruby", "emerald"}
_OFFICES = ("LON", "BHM", "SHF", "EDI")


def _number(rng: random.Random, lab: str, year: int) -> str:
    """A report number shaped as ``lab`` prints them."""
    return {
        "GIA": lambda: f"{rng.randint(10**9, 10**10 - 1)}",
        "IGI": lambda: f"LG{rng.randint(10**8, 10**9 - 1)}" if rng.random() < 0.3
        else f"{rng.randint(10**8, 10**9 - 1)}",
        "HRD": lambda: f"{rng.randint(10**11, 10**12 - 1)}",
        "GRS": lambda: f"GRS{year}-{rng.randint(10**5, 10**6 - 1)}",
        "SSEF": lambda: f"{rng.randint(10**5, 10**6 - 1)}",
        "GUBELIN": lambda: f"{rng.randint(10**7, 10**8 - 1)}",
    }[lab]()


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def date_letter(year: int) -> str:
    """The London date letter of ``year`` in the cycle that began in 1999 (2024 z, 2025 a)."""
    return string.ascii_lowercase[(year - 1999) % 26]


def _sponsor(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[0].isalpha())[:4].upper() or "XX"


def file_marks(db: Database, *, seed: int) -> dict[str, int]:
    """Register the demo's certificates and hallmarks; returns how many of each."""
    rng = random.Random(seed * 7919 + 19)
    with db.read() as session:
        pieces = session.execute(
            select(Serial.code, Lot.code, Lot.received_at, Sku.stone_type, Sku.carat,
                   Sku.clarity, Sku.colour_grade)
            .join(Lot, Lot.id == Serial.lot_id).join(Sku, Sku.id == Serial.sku_id)
            .where(Sku.stone_type.in_(["diamond", *_COLOURED]))
            .order_by(Lot.received_at, Serial.code)
        ).all()
        lots = session.execute(
            select(Lot.code, Lot.received_at, Supplier.code, Supplier.name, Sku.purity)
            .join(Supplier, Supplier.id == Lot.supplier_id)
            .join(Serial, Serial.lot_id == Lot.id, isouter=True)
            .join(Sku, Sku.id == Serial.sku_id, isouter=True)
            .where(select(StockMove.id).where(StockMove.lot_id == Lot.id).exists())
            .order_by(Lot.code)
        ).all()
    used: set[tuple[str, str]] = set()
    certs = 0
    with db.write() as session:
        actor = system_actor(session)
        for code, _lot, at, stone, carat, clarity, colour in pieces:
            if stone == "diamond" and (carat or 0) < 0.5:
                continue  # melee travels with its lot's parcel paper
            lab = _pick(rng, _DIAMOND_LABS if stone == "diamond" else _COLOUR_LABS)
            number = _number(rng, lab, at.year)
            if (lab, number) in used:
                continue
            used.add((lab, number))
            diamond = stone == "diamond"
            register_certificate(session, actor=actor, data=CertificateCreate(
                lab=lab, number=number, serial=code,
                issued_on=(at - timedelta(days=rng.randint(10, 45))).date(),
                batch=f"{lab}-{at:%y%m}-{1 + (at.day > 15)}",
                carat=round((carat or 0.5) + rng.uniform(-0.02, 0.03), 2),
                colour=colour if diamond else rng.choice(["vivid", "intense", "medium"]),
                clarity=clarity if diamond else None,
                cut=rng.choice(["Excellent", "Very Good", "Ideal" if lab == "IGI" else "Good"])
                if diamond else None,
                note="" if diamond else f"{stone}, no indications of heating",
            ))
            certs += 1
    purities: dict[str, Counter[str]] = defaultdict(Counter)
    heads: dict[str, tuple[datetime, str, str]] = {}
    for code, at, sup_code, sup_name, purity in lots:
        heads[code] = (at, sup_code, sup_name)
        if purity:
            purities[code][purity] += 1
    marks = 0
    with db.write() as session:
        actor = system_actor(session)
        for code, (at, sup_code, sup_name) in heads.items():
            digits = "".join(ch for ch in (purities[code].most_common(1) or [("750", 0)])[0][0]
                             if ch.isdigit())
            fineness = int(digits) if digits else 750
            office = "BHM" if sup_code == "BIRMINGHAM" else _OFFICES[sum(map(ord, sup_code)) % 4]
            register_hallmark(session, actor=actor, data=HallmarkCreate(
                lot=code, office=office, fineness=fineness, sponsor=_sponsor(str(sup_name)),
                date_letter=date_letter(at.year),
            ))
            marks += 1
    return {"certificates": certs, "hallmarks": marks}
