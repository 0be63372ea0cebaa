"""The demo's marks: certificates for stone pieces (a report batch per lab and half-month),
a hallmark for every lot, all through the register (the demo loads it at its end)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from core import Database
from core.catalogue.schemas import SkuCreate, StyleCreate
from core.catalogue.service import create_sku, create_style
from core.certificates import piece_marks
from core.certificates.models import Certificate, Hallmark
from core.demo.certificates import date_letter, file_marks
from tests.builders import Builder


def test_file_marks_certifies_big_stones_and_hallmarks_every_lot(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        create_style(session, actor=b.actor, data=StyleCreate(
            code="ST-D", name="Solitaire", category="ring"))
        for code, carat in (("SOL-100", 1.0), ("SOL-025", 0.25)):
            create_sku(session, actor=b.actor, data=SkuCreate(
                code=code, style="ST-D", metal="platinum", purity="Pt950", gross_weight_g=4.1,
                net_weight_g=3.9, price=Decimal("9800"), stone_type="diamond", carat=carat,
                clarity="SI1", colour_grade="G"))
        big = b.stock("SOL-100", "L-1", 3, bins[0])
        small = b.stock("SOL-025", "L-2", 2, bins[1])
    assert file_marks(db, seed=7) == {"certificates": 3, "hallmarks": 2}
    with db.read() as session:
        assert session.scalar(select(func.count(Hallmark.id))) == 2
        batches = set(session.scalars(select(Certificate.batch)))
        assert len(batches) <= 3 and all(b and b[:3] in {"GIA", "IGI", "HRD"} for b in batches)
        marks = piece_marks(session, big[0])
        assert marks.certificates[0].clarity == "SI1"
        assert marks.hallmarks[0].mark.startswith(("LON-950-SS", "BHM-950-SS", "SHF-950-SS",
                                                   "EDI-950-SS"))
        assert piece_marks(session, small[0]).certificates == []
    assert (date_letter(2024), date_letter(2025), date_letter(2026)) == ("z", "a", "b")
