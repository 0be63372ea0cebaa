"""Imports for going live: catalogue, locations, stock and serials from CSV or XLSX."""

from core.imports.columns import KINDS, ImportKind, spec_for
from core.imports.schemas import ImportReport, RejectedRow
from core.imports.service import import_file, template

__all__ = [
    "KINDS",
    "ImportKind",
    "ImportReport",
    "RejectedRow",
    "import_file",
    "spec_for",
    "template",
]
