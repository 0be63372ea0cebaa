"""The documented columns of each kind of import, with their header aliases (English, Chinese).

Header names are matched case-insensitively, with spaces and hyphens read as underscores.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["KINDS", "Column", "ImportKind", "KindSpec", "spec_for"]


class ImportKind(enum.StrEnum):
    """What a file imports."""

    CATALOGUE = "catalogue"
    LOCATIONS = "locations"
    STOCK = "stock"
    SERIALS = "serials"


@dataclass(frozen=True)
class Column:
    """A column: canonical name, whether every file must have it, an example and aliases."""

    name: str
    required: bool
    example: str
    help: str
    aliases: tuple[str, ...] = ()


def _normal(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


@dataclass(frozen=True)
class KindSpec:
    """The columns of one kind of import."""

    kind: ImportKind
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        """The canonical column names, in template order."""
        return [c.name for c in self.columns]

    def column_for(self, header: str) -> str | None:
        """The canonical name a header cell means, or None."""
        wanted = _normal(header)
        for column in self.columns:
            if wanted == column.name or wanted in (_normal(a) for a in column.aliases):
                return column.name
        return None


_LOT = (
    Column(
        "lot",
        True,
        "L-2026-001",
        "Lot code; a new lot needs supplier and purchase_date.",
        ("lot_code", "batch", "批次", "批号"),
    ),
    Column(
        "supplier",
        False,
        "SUP-A",
        "Supplier code (new lots; checked against known lots).",
        ("supplier_code", "供应商"),
    ),
    Column(
        "purchase_date",
        False,
        "2026-01-15",
        "Purchase date of a new lot (YYYY-MM-DD).",
        ("purchased", "date", "采购日期", "进货日期"),
    ),
    Column(
        "declared_purity", False, "Au750", "Purity the supplier declares (new lots).", ("申报成色",)
    ),
)
_COST = Column(
    "unit_cost",
    False,
    "1280.00",
    "Cost of one piece (kept on the document line).",
    ("cost", "成本", "单位成本"),
)

KINDS: dict[ImportKind, KindSpec] = {
    ImportKind.CATALOGUE: KindSpec(
        ImportKind.CATALOGUE,
        (
            Column(
                "style",
                True,
                "ST-AURORA",
                "Style code (a new style needs name and category).",
                ("style_code", "款号", "款式编码"),
            ),
            Column(
                "name", False, "Aurora heart pendant", "Style name.", ("style_name", "款名", "名称")
            ),
            Column("category", False, "pendant", "Style category.", ("品类", "类别")),
            Column("collection", False, "Aurora", "Collection.", ("系列",)),
            Column("description", False, "", "Style description.", ("描述",)),
            Column(
                "sku", True, "AUR-750R-45", "SKU code (unique).", ("sku_code", "货号", "商品编码")
            ),
            Column("metal", True, "gold", "Metal.", ("金属", "材质")),
            Column("metal_colour", False, "rose", "Metal colour.", ("colour", "color", "颜色")),
            Column("purity", True, "Au750", "Purity.", ("成色", "纯度")),
            Column("size", False, "45", "Size (ring size, chain length).", ("尺寸", "圈号")),
            Column("stone", False, "diamond", "Stone type.", ("stone_type", "石头", "主石")),
            Column("carat", False, "0.25", "Stone weight in carats.", ("克拉",)),
            Column("clarity", False, "VS1", "Stone clarity.", ("净度",)),
            Column("colour_grade", False, "G", "Stone colour grade.", ("color_grade", "色级")),
            Column(
                "gross_weight_g",
                True,
                "3.2",
                "Weight of the whole piece in grams.",
                ("gross_weight", "毛重"),
            ),
            Column(
                "net_weight_g",
                True,
                "2.9",
                "Weight of the metal in grams.",
                ("net_weight", "净重", "金重"),
            ),
            Column("price", True, "4999.00", "Price.", ("售价", "价格")),
            Column(
                "serialised",
                False,
                "yes",
                "One code per piece (yes/no; default yes).",
                ("serialized", "一物一码"),
            ),
            Column(
                "size_class", False, "small", "small, medium or large (bin sizing).", ("尺寸类别",)
            ),
        ),
    ),
    ImportKind.LOCATIONS: KindSpec(
        ImportKind.LOCATIONS,
        (
            Column(
                "code", True, "A01-01-1-01", "Location code (unique).", ("location", "编码", "库位")
            ),
            Column("name", False, "", "Name.", ("名称",)),
            Column(
                "parent",
                False,
                "A01-01-1",
                "Parent's code (in the database or the file).",
                ("parent_code", "上级"),
            ),
            Column("tier", True, "bin", "warehouse, zone, aisle, bay, level or bin.", ("层级",)),
            Column(
                "kind",
                False,
                "pick_face",
                "view, pick_face, reserve, vault, packing, dock or quarantine.",
                ("类型",),
            ),
            Column("aisle", False, "1", "Aisle.", ("巷道",)),
            Column("bay", False, "1", "Bay.", ("列",)),
            Column("level", False, "1", "Level.", ("层",)),
            Column("x", False, "2.0", "Position x in metres."),
            Column("y", False, "1.0", "Position y in metres."),
            Column("z", False, "0", "Position z in metres."),
            Column("capacity", False, "40", "Capacity in pieces.", ("容量",)),
            Column(
                "check_digits",
                False,
                "17",
                "Check digits (2-3; bins need them).",
                ("check", "校验码"),
            ),
            Column("security_level", False, "0", "Security level 0-3.", ("安全级别",)),
        ),
    ),
    ImportKind.STOCK: KindSpec(
        ImportKind.STOCK,
        (
            Column(
                "sku",
                True,
                "AUR-750R-45",
                "SKU code (not serialised: those come as serials).",
                ("sku_code", "货号", "商品编码"),
            ),
            Column("location", True, "A01-01-1-01", "Bin code.", ("bin", "库位")),
            *_LOT,
            Column("quantity", True, "12", "Pieces on hand.", ("qty", "数量")),
            _COST,
        ),
    ),
    ImportKind.SERIALS: KindSpec(
        ImportKind.SERIALS,
        (
            Column(
                "serial",
                True,
                "P-000001",
                "The piece's code (unique).",
                ("serial_code", "code", "序列号", "编码"),
            ),
            Column(
                "sku",
                True,
                "AUR-750R-45",
                "SKU code (serialised).",
                ("sku_code", "货号", "商品编码"),
            ),
            Column("location", True, "A01-01-1-01", "Bin code.", ("bin", "库位")),
            *_LOT,
            Column("epc", False, "", "RFID EPC (8-32 hex digits).", ("rfid",)),
            Column(
                "weight_g", False, "3.21", "The piece's own weight in grams.", ("weight", "重量")
            ),
            _COST,
        ),
    ),
}


def spec_for(kind: str) -> KindSpec:
    """The columns of ``kind``."""
    return KINDS[ImportKind(kind)]
