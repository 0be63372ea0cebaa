"""A piece's label for the screen, drawn as it prints (core.labels), and SVG data URIs."""

from __future__ import annotations

import base64
from typing import Any

from core.labels import LAYOUTS, PieceLabel, label_svg

__all__ = ["piece_label_svg", "data_uri"]


def piece_label_svg(serial: dict[str, Any]) -> str:
    """A piece's 60 x 30 mm roll label (QR of ``FACET:S:<code>``, Code 128, SKU, lot, weight)
    from the API's view of the serial, as SVG."""
    label = PieceLabel(code=str(serial["code"]), sku=str(serial.get("sku") or ""),
                       lot=str(serial.get("lot") or ""), weight_g=serial.get("weight_g"))
    return label_svg(label, LAYOUTS["roll-60x30"])


def data_uri(svg: str) -> str:
    """An SVG as a ``data:`` URI for an ``<img>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
