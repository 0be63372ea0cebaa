"""HTTP shapes of weighing: a reading, a hold, a release, piece weights, a tolerance."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core.fields import Lookup, Text


class WeighingCreate(BaseModel):
    """A scale reading of one piece at a custody change."""

    model_config = ConfigDict(extra="forbid")

    serial: Lookup = Field(min_length=1, description="Serial code, piece QR or RFID EPC.")
    # A plain float: the service answers a NaN, infinite, negative or huge reading with
    # its own `bad-weight` code and a message a person can act on.
    measured_g: float = Field(description="The scale's reading in grams.")
    event: Text = Field(default="check", max_length=24,
                        description="receipt, qc, pick, pack, vault-in, vault-out, transfer, "
                        "return, memo-out, memo-back, ... or check (a spot check).")
    location: Lookup | None = Field(default=None, description="Where it was weighed "
                                    "(code or FACET:L: QR); default: where the piece lies.")
    reference: Text | None = Field(default=None, max_length=64,
                                   description="The document or order it was weighed for.")


class WeighingRead(BaseModel):
    """A weighing as recorded."""

    id: int
    serial: str
    event: str
    measured_g: float
    expected_g: float | None
    tolerance_g: float
    within: bool
    location: str | None
    reference: str | None
    actor: str
    at: datetime


class ReasonBody(BaseModel):
    """Why a piece is held or released (kept in the audit log)."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, max_length=512)


class HoldRead(BaseModel):
    """A weight hold on a piece."""

    id: int
    serial: str
    reason: str
    held_at: datetime
    held_by: str
    weighing_id: int | None
    released_at: datetime | None
    release_reason: str | None


class PieceWeights(BaseModel):
    """A piece's own weights as measured at receipt or QC."""

    model_config = ConfigDict(extra="forbid")

    gross_weight_g: float = Field(description="The whole piece, stones included, in grams.")
    net_weight_g: float | None = Field(default=None, description="The metal alone, in grams.")


class ToleranceBody(BaseModel):
    """A category's tolerance: grams either way."""

    model_config = ConfigDict(extra="forbid")

    tolerance_g: float
