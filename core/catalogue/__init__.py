"""The catalogue: styles and the SKUs (metal, purity, size) made from them."""

from core.catalogue.service import (
    create_sku,
    create_style,
    list_skus,
    list_styles,
    sku_by_code,
    sku_read,
    style_by_code,
    update_sku,
    update_style,
)

__all__ = [
    "create_sku",
    "create_style",
    "list_skus",
    "list_styles",
    "sku_by_code",
    "sku_read",
    "style_by_code",
    "update_sku",
    "update_style",
]
