"""The report of an import: what was read, what was written, and every rejected row."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RejectedRow(BaseModel):
    """One reason a row was refused: its line in the file (header = 1), column and code."""

    line: int = Field(description="Line in the file as a person sees it; the header is line 1.")
    column: str | None = Field(description="The column at fault (None: the row as a whole).")
    code: str = Field(description="Stable kebab-case reason code.")
    message: str


class ImportReport(BaseModel):
    """What an import read, what it wrote, and why each refused row was refused."""

    kind: str
    file: str
    dry_run: bool
    partial: bool
    rows: int = Field(description="Data rows read.")
    accepted: int = Field(description="Rows that passed every check.")
    rejected_rows: int = Field(description="Rows refused (each may have several reasons).")
    imported: int = Field(description="Rows written (0 in a dry run or when refused).")
    document: str | None = Field(default=None, description="Opening-balance document number.")
    rejected: list[RejectedRow]
