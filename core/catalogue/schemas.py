"""Request and response shapes for styles and SKUs."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from core.fields import CODE_PATTERN as CODE
from core.fields import FREE_TEXT, Carat, Grams, Text


class StyleCreate(BaseModel):
    """A new style."""

    model_config = ConfigDict(extra="forbid")

    code: Text = Field(min_length=1, max_length=32, pattern=CODE)
    name: Text = Field(min_length=1, max_length=128)
    category: Text = Field(min_length=1, max_length=32)
    collection: Text | None = Field(default=None, max_length=64)
    description: Text = Field(default="", max_length=FREE_TEXT)


class StyleUpdate(BaseModel):
    """Fields of a style that may change."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(default=None, min_length=1, max_length=128)
    category: Text | None = Field(default=None, min_length=1, max_length=32)
    collection: Text | None = Field(default=None, max_length=64)
    description: Text | None = Field(default=None, max_length=FREE_TEXT)


class StyleRead(BaseModel):
    """A style."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    category: str
    collection: str | None
    description: str


class SkuAttributes(BaseModel):
    """What makes a variant: metal, purity, stone, weights, price (shared by one SKU and a run)."""

    model_config = ConfigDict(extra="forbid")

    metal: Text = Field(min_length=1, max_length=16, examples=["gold"])
    metal_colour: Text | None = Field(default=None, max_length=16, examples=["rose"])
    purity: Text = Field(min_length=1, max_length=16, examples=["Au750"])
    stone_type: Text | None = Field(default=None, max_length=32)
    carat: Carat | None = None
    clarity: Text | None = Field(default=None, max_length=8)
    colour_grade: Text | None = Field(default=None, max_length=8)
    gross_weight_g: Grams
    net_weight_g: Grams
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    serialised: bool = True
    size_class: Text = Field(default="small", pattern=r"^(small|medium|large)$")


class SkuCreate(SkuAttributes):
    """A new variant of a style."""

    code: Text = Field(min_length=1, max_length=48, pattern=CODE)
    style: Text = Field(min_length=1, max_length=32, description="Style code.")
    size: Text | None = Field(default=None, max_length=16)


#: A size as it appears in a SKU code of a run: letters, digits, '.', '-' (ring 7.5, chain 45).
SIZE = r"^[A-Za-z0-9][A-Za-z0-9.\-]*$"


class SizeRunCreate(SkuAttributes):
    """One SKU per size of a style, all alike but for the size; codes are ``<prefix>-<size>``."""

    code_prefix: Text = Field(min_length=1, max_length=31, pattern=CODE,
                              description="SKU codes are this, a hyphen and the size.")
    sizes: list[Annotated[Text, Field(min_length=1, max_length=16, pattern=SIZE)]] = Field(
        min_length=1, max_length=60, description="The sizes, each once (ring sizes, lengths).")


class SkuUpdate(BaseModel):
    """Fields of a SKU that may change (identity fields never do)."""

    model_config = ConfigDict(extra="forbid")

    price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    gross_weight_g: Grams | None = None
    net_weight_g: Grams | None = None
    size_class: Text | None = Field(default=None, pattern=r"^(small|medium|large)$")
    active: bool | None = None


class SkuRead(BaseModel):
    """A SKU with its style's code and name."""

    id: int
    code: str
    style: str
    style_name: str
    description: str
    metal: str
    metal_colour: str | None
    purity: str
    size: str | None
    stone_type: str | None
    carat: float | None
    clarity: str | None
    colour_grade: str | None
    gross_weight_g: float
    net_weight_g: float
    price: Decimal
    serialised: bool
    size_class: str
    velocity_class: str | None
    active: bool
