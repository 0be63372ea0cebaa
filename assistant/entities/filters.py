"""Report filters in questions: where (a bin, aisle, zone or the vault), which supplier, and
which category, metal and purity ("dead stock in 18K rings from Valenza at aisle A")."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from assistant.entities.attributes import scan_attributes
from assistant.entities.catalogue import CHINESE_PLACES, CatalogueIndex

__all__ = ["KIND_WORDS", "PICK_ZH", "REPORT_FILTERS", "RESERVE_BACK_ZH", "RESERVE_ZH",
           "VAULT_WORDS", "FilterScan", "find_location", "find_supplier", "only_fillers",
           "scan_filters"]

REPORT_FILTERS = frozenset({"period", "category", "metal", "colour", "purity", "size",
                            "supplier", "location"})

# The back shelves in Chinese ('后排货架区', '後面貨架', read as simplified): the reserve.
RESERVE_BACK_ZH = ("后排货架", "后面货架", "后排的货架", "后面的货架", "后排架", "后面架子",
                   "后排架子", "后排", "后仓", "仓库后面", "后面那排", "后面嗰排",
                   # 'the shelves at the back' said with 架 alone or 后边 / 后头 / 后尾
                   # ('後面架上嘅貨', '后边的货架', Cantonese '後尾架')
                   "后面架", "后面的架", "后边架", "后边的架", "后边货架", "后头架", "后头的架",
                   "后头货架", "后尾架", "后尾货架", "后尾嗰排",
                   # formal written Chinese ('後備貨架', read as simplified)
                   "后备货架", "后备架")
# Words for the vault, whose code a manager rarely types: Spanish 'caja fuerte' (the safe), 金厍
# (金库 as a handwriting pad writes it). The one list of them: the report filters, the zone
# slot and the camera zone (assistant/entities/resolve.py) read these.
VAULT_WORDS = ("vault", "strong room", "strongroom", "safe room", "金库", "保险库", "保险柜",
               "caja fuerte", "金厍")
# Chinese words for the reserve and for the pick faces, read as a filter and as a zone.
RESERVE_ZH = ("储备区", "备货区", "预备区", "后备区", "后备仓", "备货仓", "储备仓", "备货架")
PICK_ZH = ("拣货区", "拣货位", "拣货处")
# Words for a kind of location; the filter is the code prefix its bins share.
KIND_WORDS = {
    "pick faces": "pick_face", "pick face": "pick_face", "pick zone": "pick_face",
    "pick area": "pick_face", "picking zone": "pick_face", "picking area": "pick_face",
    "pick 区": "pick_face", "pick-face": "pick_face", "pick-faces": "pick_face",
    "back shelves": "reserve", "back shelf": "reserve",
    "back racks": "reserve", "back rack": "reserve", **dict.fromkeys(RESERVE_BACK_ZH, "reserve"),
    "in the back": "reserve", "on the back": "reserve", "at the back": "reserve",
    **dict.fromkeys(VAULT_WORDS, "vault"), "reserve area": "reserve", "reserve": "reserve",
    "quarantine": "quarantine", "loading dock": "dock", "dock": "dock", "docks": "dock",
    "packing desk": "packing", "packing bench": "packing", "packing station": "packing",
    "packing area": "packing", "packing table": "packing",
    "收货口": "dock", "打包台": "packing", "包装台": "packing", "打包区": "packing",
    **dict.fromkeys(RESERVE_ZH, "reserve"), **dict.fromkeys(PICK_ZH, "pick_face"),
    "质检区": "quarantine", "隔离区": "quarantine",
}
_TOKEN = r"([a-z0-9][a-z0-9-]*)"
_LOCATION_EN = re.compile(
    rf"\b(?:aisle|zone|bay|bin|location|rack|row|shelf|area)\s+(?:no\s+|number\s+)?{_TOKEN}")
_LOCATION_ZH = (re.compile(rf"(?:通道|巷道|货架|库位|货位|区域|库区)\s*{_TOKEN}"),
                re.compile(rf"{_TOKEN}\s*(?:号通道|号货架|通道|巷道|货架|区|排)"))
_BAY = re.compile(r"(?<![\w-])[a-z]\d{2}-\d{2}(?![\w-])")
_LEVEL = re.compile(r"(?<![\w-])[a-z]\d{2}-\d{2}-\d(?![\w-])")  # a shelf level: 'R03-01-4'
_BARE = re.compile(r"(?<![\w-])(?=[a-z0-9-]*\d)(?=[a-z0-9-]*[a-z])[a-z0-9][a-z0-9-]*(?![\w-])")
# '玫瑰金库存', '白金库存' hold 金库 but mean a gold's stock (金 + 库存), not the vault.
_GOLD_STOCK = re.compile(r"(?:玫瑰|黄|白|k|足|色|铂)\s*金库存?$")
# Chinese words holding 金 that do not mean gold ('库存金额' is the stock's value).
_NOT_GOLD = re.compile(r"金额|资金|现金|金钱|(?<![玫瑰黄白k足色铂])金库")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_EDGE = re.compile(r"(?<=[\u3400-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u3400-\u9fff])")
_FILLERS_EN = re.compile(
    r"\b(?:in|for|from|at|of|by|on|the|our|my|with|and|only|just|all|any|supplier|suppliers|"
    r"vendor|category|metal|purity|made|items?|pieces?|stock|jewellery|jewelry|please|pls|"
    r"aisle|zone|bin|location|area|sku|skus|lots?|delivered|supplied)\b")
_FILLERS_ZH = re.compile(
    r"供应商|来自|品类|类别|类|位置|里面|里|中|内|的|在|从|按|和|请|一下|上|下|区")


@dataclass
class FilterScan:
    """The filter slots found and the text left once their words are removed."""

    slots: dict[str, str] = field(default_factory=dict)
    rest: str = ""


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end():]


def kind_location(text: str, index: CatalogueIndex) -> tuple[str, re.Match[str]] | None:
    """The location code a word for a kind of place names ('the vault' -> 'V04', 'reserve
    area' -> 'R03', 'pick face' -> 'A') and where the word stands; None when none does."""
    for word in sorted(KIND_WORDS, key=len, reverse=True):
        words = re.escape(word) if re.search(r"[\u3400-\u9fff]", word) else rf"\b{word}\b"
        if word.endswith("the back"):  # not 'at the back of the pick face', 'back office'
            words += r"(?!\s+(?:of|office|door|end|up|orders?|log)\b)"
        match = re.search(words, text)
        if match and word == "金库" and _GOLD_STOCK.search(text[: match.end() + 1]):
            continue  # '玫瑰金库存': rose gold's stock, not the vault
        if match and (code := index.kind_prefix(KIND_WORDS[word])):
            return code, match
    return None


def find_location(text: str, index: CatalogueIndex) -> tuple[str | None, str]:
    """The location a phrase names ('the vault', 'aisle A', 'A01-02') and the text left."""
    if (kind := kind_location(text, index)) is not None:
        return kind[0], _cut(text, kind[1])
    for pattern in (_LOCATION_EN, *_LOCATION_ZH):
        for match in pattern.finditer(text):
            token = match.group(1)
            code = index.aisle(token) if token.isdigit() else index.location_prefix(token)
            if code is not None:
                return code, _cut(text, match)
    for match in _BARE.finditer(text):
        if (code := index.location(match.group())) is not None:
            return code, _cut(text, match)
    for match in _LEVEL.finditer(text):  # a shelf level ('R03-01-4': R03-01-4L and 4R)
        if (code := index.level(match.group())) is not None:
            return code, _cut(text, match)
    for match in _BAY.finditer(text):  # a bay ('A02-03'), the start of its bins' codes
        if (code := index.location_prefix(match.group())) is not None:
            return code, _cut(text, match)
    return None, text


def find_supplier(text: str, index: CatalogueIndex) -> tuple[str | None, str]:
    """The supplier a phrase names (its code, name, or city in Chinese) and the text left
    (without the name: '仅瓦伦扎者' leaves '仅者')."""
    if _CJK.search(text) and (code := index.supplier_in(text.replace(" ", ""))) is not None:
        for chinese, english in CHINESE_PLACES.items():
            if chinese in text and index.supplier(english) == code:
                text = text.replace(chinese, " ")
        return code, text
    words = list(re.finditer(r"[\w']+", text))
    for size in (2, 1):
        for n in range(len(words) - size + 1):
            start, end = words[n].start(), words[n + size - 1].end()
            if (code := index.supplier(text[start:end])) is not None:
                return code, text[:start] + " " + text[end:]
    return None, text


def scan_filters(text: str, index: CatalogueIndex, wanted: Collection[str]) -> FilterScan:
    """The location, supplier, category, metal and purity a question names (those wanted)."""
    scan = FilterScan()
    rest = _CJK_EDGE.sub(" ", text)
    if "location" in wanted:
        code, rest = find_location(rest, index)
        if code is not None:
            scan.slots["location"] = code
    if "supplier" in wanted:
        code, rest = find_supplier(rest, index)
        if code is not None:
            scan.slots["supplier"] = code
    attributes = scan_attributes(_NOT_GOLD.sub(" ", rest), index.vocab, sizes="size" in wanted)
    for slot in ("category", "metal", "purity", "colour", "size"):
        if slot in wanted and slot in attributes.slots:
            scan.slots[slot] = attributes.slots[slot]
    scan.rest = re.sub(r"\s+", " ", attributes.rest).strip()
    return scan


def only_fillers(text: str) -> bool:
    """Whether nothing but joining words is left ('in the', '的')."""
    return not _FILLERS_ZH.sub("", _FILLERS_EN.sub(" ", text)).strip()
