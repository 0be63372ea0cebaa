"""Labels: pieces and locations as PDF sheets or roll labels, and ZPL for thermal printers."""

from core.labels.draw import label_svg
from core.labels.model import LAYOUTS, MAX_LABELS, Label, Layout, LocationLabel, PieceLabel
from core.labels.pdf import render_pdf
from core.labels.schemas import LabelPreview, LabelRequest
from core.labels.service import Printed, gather, preview, print_labels
from core.labels.zpl import render_zpl

__all__ = [
    "LAYOUTS",
    "MAX_LABELS",
    "Label",
    "LabelPreview",
    "LabelRequest",
    "Layout",
    "LocationLabel",
    "PieceLabel",
    "Printed",
    "gather",
    "label_svg",
    "preview",
    "print_labels",
    "render_pdf",
    "render_zpl",
]
