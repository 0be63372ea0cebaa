"""Styles (products) and their variants (SKUs) with jewellery attributes."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.orm import Base


class Style(Base):
    """A product design, such as the 'Aurora heart pendant'."""

    __tablename__ = "styles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    collection: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(512), default="")
    skus: Mapped[list[Sku]] = relationship(back_populates="style")


class Sku(Base):
    """A variant of a style: metal, purity, size, stone, weights and price."""

    __tablename__ = "skus"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    style_id: Mapped[int] = mapped_column(ForeignKey("styles.id"), index=True)
    metal: Mapped[str] = mapped_column(String(16), index=True)
    metal_colour: Mapped[str | None] = mapped_column(String(16))
    purity: Mapped[str] = mapped_column(String(16), index=True)
    size: Mapped[str | None] = mapped_column(String(16), index=True)
    stone_type: Mapped[str | None] = mapped_column(String(32))
    carat: Mapped[float | None]
    clarity: Mapped[str | None] = mapped_column(String(8))
    colour_grade: Mapped[str | None] = mapped_column(String(8))
    gross_weight_g: Mapped[float]
    net_weight_g: Mapped[float]
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    serialised: Mapped[bool] = mapped_column(default=True)
    size_class: Mapped[str] = mapped_column(String(8), default="small")
    velocity_class: Mapped[str | None] = mapped_column(String(1))
    active: Mapped[bool] = mapped_column(default=True)
    style: Mapped[Style] = relationship(back_populates="skus")

    @property
    def description(self) -> str:
        """A spoken/printed description: '18K rose gold Aurora heart pendant, size 7'."""
        parts = [self.purity, self.metal_colour or "", self.metal, self.style.name]
        text = " ".join(p for p in parts if p)
        return f"{text}, size {self.size}" if self.size else text
