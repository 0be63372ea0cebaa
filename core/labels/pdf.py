"""Labels as a PDF: a grid on A4 or Letter sheets, or one label per page for a roll."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics import renderPDF
from reportlab.pdfgen.canvas import Canvas

from core.labels.draw import label_drawing
from core.labels.model import Label, Layout

__all__ = ["render_pdf"]


def render_pdf(labels: Sequence[Label], layout: Layout, *, title: str = "Facet labels") -> bytes:
    """The labels laid out on ``layout``'s pages, as PDF bytes (nothing drawn between labels:
    pre-cut sheets must not get lines across their cuts)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(layout.page_w, layout.page_h), invariant=True,
                    pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Facet")
    canvas.setCreator("Facet labels")
    for index, label in enumerate(labels):
        if index and index % layout.per_page == 0:
            canvas.showPage()
        x, y = layout.origin(index)
        renderPDF.draw(label_drawing(label, layout), canvas, x, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
