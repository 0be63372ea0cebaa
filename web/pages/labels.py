"""Printable QR labels: pieces (drawn here) and locations (from the API's label.svg)."""

from __future__ import annotations

import base64
import io
from html import escape
from typing import Any

import segno

from core.lots.qr import serial_payload

__all__ = ["piece_label_svg", "data_uri"]


def piece_label_svg(serial: dict[str, Any]) -> str:
    """A 60 x 30 mm style label for a piece: QR of ``FACET:S:<code>``, code, SKU, lot, weight."""
    buffer = io.BytesIO()
    segno.make(serial_payload(serial["code"]), error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=True
    )
    qr = buffer.getvalue().decode().replace("<svg ", '<svg x="0" y="0" ', 1)
    weight = f'{serial["weight_g"]:.2f} g' if serial.get("weight_g") else ""
    rows = [(f'{escape(serial["code"])}', 30, "bold"), (escape(serial.get("sku") or ""), 18, ""),
            (f'Lot {escape(serial.get("lot") or "")}', 18, ""), (weight, 18, "")]
    texts = "".join(
        f'<text x="190" y="{40 + 34 * n}" font-family="sans-serif" font-size="{size}" '
        f'font-weight="{weight_ or "normal"}">{text}</text>'
        for n, (text, size, weight_) in enumerate(rows)
    )
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="460" height="190">'
            f'<rect width="460" height="190" fill="white"/>{qr}{texts}</svg>')


def data_uri(svg: str) -> str:
    """An SVG as a ``data:`` URI for an ``<img>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
