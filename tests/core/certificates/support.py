"""A small shop with certified and hallmarked pieces, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.certificates import register_certificate, register_hallmark
from core.certificates.schemas import CertificateCreate, HallmarkCreate
from tests.builders import Builder

__all__ = ["Shop", "certify", "hallmark", "shop"]


@dataclass
class Shop:
    """The builder, its pick-face bins, and the pieces of lots L-1 (bin 1) and L-2 (bin 3)."""

    b: Builder
    bins: list[str]
    l1: list[str]
    l2: list[str]


def certify(b: Builder, number: str, *, serial: str | None = None, lot: str | None = None,
            batch: str | None = None, lab: str = "GIA") -> None:
    """Register a certificate of ``lab`` on a piece or a lot."""
    register_certificate(b.session, actor=b.actor, data=CertificateCreate(
        lab=lab, number=number, serial=serial, lot=lot, batch=batch, carat=0.52, colour="F",
        clarity="VS1", cut="Excellent"))


def hallmark(b: Builder, *, serial: str | None = None, lot: str | None = None,
             sponsor: str = "JM", fineness: int = 750) -> None:
    """Record a London hallmark of ``sponsor`` with date letter z."""
    register_hallmark(b.session, actor=b.actor, data=HallmarkCreate(
        office="LON", fineness=fineness, sponsor=sponsor, date_letter="z", serial=serial, lot=lot))


def shop(session: Session) -> Shop:
    """RING-1: lot L-1 with 6 pieces in bin 1, lot L-2 with 4 pieces in bin 3."""
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    b.sku("RING-1")
    l1 = b.stock("RING-1", "L-1", 6, bins[0])
    l2 = b.stock("RING-1", "L-2", 4, bins[2])
    return Shop(b, bins, l1, l2)
