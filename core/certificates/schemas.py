"""Certificates and hallmarks at the edge: what a register request carries and what is read."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.fields import Carat, SaneDate, Text

__all__ = [
    "CertificateCreate",
    "CertificateRead",
    "CertificateUpdate",
    "HallmarkCreate",
    "HallmarkRead",
    "HallmarkUpdate",
    "PieceMarks",
]

_CODE = r"^[A-Za-z0-9][A-Za-z0-9._/\-]*$"


class _Target(BaseModel):
    """A piece (serial code, QR or EPC) or a lot: exactly one of the two."""

    model_config = ConfigDict(extra="forbid")

    serial: Text | None = Field(default=None, max_length=128, description="Piece code, QR or EPC.")
    lot: Text | None = Field(default=None, max_length=32, description="Lot code.")

    @model_validator(mode="after")
    def _one_target(self) -> _Target:
        if (self.serial is None) == (self.lot is None):
            raise ValueError("name exactly one of serial or lot")
        return self


class _Grading(BaseModel):
    """The grading summary a certificate states (any part may be missing)."""

    model_config = ConfigDict(extra="forbid")

    issued_on: SaneDate | None = None
    batch: Text | None = Field(
        default=None, min_length=1, max_length=64, pattern=_CODE,
        description="The lab's report batch covering many pieces sent together.",
    )
    carat: Carat | None = Field(default=None, gt=0)
    colour: Text | None = Field(default=None, min_length=1, max_length=32)
    clarity: Text | None = Field(default=None, min_length=1, max_length=8)
    cut: Text | None = Field(default=None, min_length=1, max_length=16)
    note: Text = Field(default="", max_length=256)


class CertificateCreate(_Grading, _Target):
    """A laboratory certificate to register against one piece or one lot."""

    lab: Text = Field(min_length=1, max_length=16, description="GIA, IGI, HRD, NGTC, AGS...")
    number: Text = Field(min_length=1, max_length=64, description="The report number.")


class CertificateUpdate(_Grading):
    """Grading details of a registered certificate (lab and number never change)."""


class CertificateRead(BaseModel):
    """A registered certificate and the piece or lot it belongs to."""

    model_config = ConfigDict(from_attributes=True)

    lab: str
    number: str
    issued_on: date | None
    batch: str | None
    carat: float | None
    colour: str | None
    clarity: str | None
    cut: str | None
    note: str
    serial: str | None
    lot: str | None
    #: ``register`` for rows of this register, ``lot record`` for a lot's own certificate fields.
    source: str = "register"
    created_by: str | None = None
    created_at: datetime | None = None


class _Marks(BaseModel):
    """The four parts of a hallmark."""

    model_config = ConfigDict(extra="forbid")

    office: Text = Field(min_length=2, max_length=16, pattern=r"^[A-Za-z][A-Za-z0-9]*$",
                         description="Assay office code: LON, BHM, SHF, EDI, NTC...")
    fineness: int = Field(description="Millesimal fineness: 375, 585, 750, 916, 925, 950, 999...")
    sponsor: Text = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9&]+$",
                          description="The sponsor's (maker's) mark.")
    date_letter: Text = Field(min_length=1, max_length=4, pattern=r"^[A-Za-z0-9]+$",
                              description="The date letter (case matters: a and A differ).")


class HallmarkCreate(_Marks, _Target):
    """A hallmark to register against one piece or one lot."""


class HallmarkUpdate(_Marks):
    """A registered hallmark read again (a misread corrected)."""


class HallmarkRead(BaseModel):
    """A registered hallmark and the piece or lot it is on."""

    id: int
    mark: str
    office: str
    fineness: int
    sponsor: str
    date_letter: str
    serial: str | None
    lot: str | None
    created_by: str
    created_at: datetime


class PieceMarks(BaseModel):
    """A piece's certificates and hallmark: its own, and those of its lot."""

    serial: str
    lot: str
    certificates: list[CertificateRead]
    hallmarks: list[HallmarkRead]
