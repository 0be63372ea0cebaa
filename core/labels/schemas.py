"""What a label request names: which labels, in which format, on which stock."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.fields import Lookup

__all__ = ["LabelPreview", "LabelRequest"]

Code = Lookup


class LabelRequest(BaseModel):
    """Labels to print: a list of codes, or one selection (a lot, SKU or receipt's pieces, or
    the bins under a location prefix)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["piece", "location"]
    codes: list[Code] | None = Field(
        default=None, max_length=20_000,
        description="Serial codes, EPCs or FACET:S: payloads (pieces); location codes or "
                    "FACET:L: payloads (locations). Printed in this order.")
    lot: Lookup | None = Field(default=None, description="Every piece of this lot.")
    sku: Lookup | None = Field(default=None, description="Every piece of this SKU.")
    receipt: Lookup | None = Field(default=None,
                                   description="Every piece this receipt (RCV-...) brought in.")
    prefix: Lookup | None = Field(default=None,
                                  description="Every active bin whose code starts with this.")
    format: Literal["pdf", "zpl"] = "pdf"
    layout: Literal["a4-24", "letter-30", "roll-60x30", "roll-100x50"] = "a4-24"
    dpi: Literal[203, 300] = Field(default=203, description="The thermal printer's (ZPL).")


class LabelPreview(BaseModel):
    """How a request would print, and its first labels drawn as SVG."""

    kind: str
    count: int
    pages: int
    layout: str
    layout_title: str
    codes: list[str]
    svgs: list[str]
