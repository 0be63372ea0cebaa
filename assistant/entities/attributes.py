"""Jewellery attributes in questions: metal, purity, colour, category and size, in English and
Chinese, scanned out of free text ("18K rose gold rings in size 7")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

__all__ = ["ATTRIBUTE_SLOTS", "AttributeScan", "Vocab", "scan_attributes"]

ATTRIBUTE_SLOTS = ("metal", "purity", "colour", "category", "size")

# 'karat' as speech-to-text hears it ('eighteen carrot gold').
_HEARD_KARAT = ("carrot", "carrots", "caret", "carets", "carrat", "karet", "kay", "kays")
# alias -> slots it sets; purities imply their metal ("18K" is gold, "platinum" is Pt950).
_ALIASES: dict[str, dict[str, str]] = {
    "18k": {"purity": "Au750", "metal": "gold"}, "18ct": {"purity": "Au750", "metal": "gold"},
    "18 karat": {"purity": "Au750", "metal": "gold"},
    "18 carat": {"purity": "Au750", "metal": "gold"}, "750": {"purity": "Au750", "metal": "gold"},
    "au750": {"purity": "Au750", "metal": "gold"},
    "14k": {"purity": "Au585", "metal": "gold"}, "14ct": {"purity": "Au585", "metal": "gold"},
    "14 karat": {"purity": "Au585", "metal": "gold"},
    "14 carat": {"purity": "Au585", "metal": "gold"}, "585": {"purity": "Au585", "metal": "gold"},
    "au585": {"purity": "Au585", "metal": "gold"},
    "24k": {"purity": "Au999", "metal": "gold"}, "24ct": {"purity": "Au999", "metal": "gold"},
    "24 karat": {"purity": "Au999", "metal": "gold"},
    "24 carat": {"purity": "Au999", "metal": "gold"}, "999": {"purity": "Au999", "metal": "gold"},
    "au999": {"purity": "Au999", "metal": "gold"},
    "pure gold": {"purity": "Au999", "metal": "gold"},
    "fine gold": {"purity": "Au999", "metal": "gold"},
    "22k": {"purity": "Au916", "metal": "gold"}, "22ct": {"purity": "Au916", "metal": "gold"},
    "22 karat": {"purity": "Au916", "metal": "gold"},
    "22 carat": {"purity": "Au916", "metal": "gold"}, "916": {"purity": "Au916", "metal": "gold"},
    "au916": {"purity": "Au916", "metal": "gold"},
    "platinum": {"purity": "Pt950", "metal": "platinum"},
    "plat": {"purity": "Pt950", "metal": "platinum"},
    "pt 950": {"purity": "Pt950", "metal": "platinum"},
    "铂950": {"purity": "Pt950", "metal": "platinum"},
    "铂": {"purity": "Pt950", "metal": "platinum"},
    "pt950": {"purity": "Pt950", "metal": "platinum"},
    "sterling silver": {"purity": "S925", "metal": "silver"},
    "sterling": {"purity": "S925", "metal": "silver"}, "925": {"purity": "S925", "metal": "silver"},
    "s925": {"purity": "S925", "metal": "silver"},
    "gold": {"metal": "gold"}, "silver": {"metal": "silver"},
    "yellow": {"colour": "yellow"}, "white": {"colour": "white"}, "rose": {"colour": "rose"},
    "pink": {"colour": "rose"},
    # hyphenated as often written ('18K rose-gold rings'): a code-safe alias needs the whole word
    "rose-gold": {"colour": "rose", "metal": "gold"},
    "pink-gold": {"colour": "rose", "metal": "gold"},
    "white-gold": {"colour": "white", "metal": "gold"},
    "yellow-gold": {"colour": "yellow", "metal": "gold"},
    # Chinese
    "18k金": {"purity": "Au750", "metal": "gold"}, "14k金": {"purity": "Au585", "metal": "gold"},
    "24k金": {"purity": "Au999", "metal": "gold"}, "足金": {"purity": "Au999", "metal": "gold"},
    "千足金": {"purity": "Au999", "metal": "gold"},
    "铂金": {"purity": "Pt950", "metal": "platinum"},
    "白金": {"purity": "Pt950", "metal": "platinum"},
    # 白金 alone is platinum; with a karat it is white gold ('18K白金', '白K金')
    "18k白金": {"purity": "Au750", "metal": "gold", "colour": "white"},
    "18k 白金": {"purity": "Au750", "metal": "gold", "colour": "white"},
    "14k白金": {"purity": "Au585", "metal": "gold", "colour": "white"},
    "14k 白金": {"purity": "Au585", "metal": "gold", "colour": "white"},
    "k白金": {"metal": "gold", "colour": "white"}, "白k金": {"metal": "gold", "colour": "white"},
    "白色k金": {"metal": "gold", "colour": "white"},
    "18k黄金": {"purity": "Au750", "metal": "gold", "colour": "yellow"},
    "18k 黄金": {"purity": "Au750", "metal": "gold", "colour": "yellow"},
    "14k黄金": {"purity": "Au585", "metal": "gold", "colour": "yellow"},
    "14k 黄金": {"purity": "Au585", "metal": "gold", "colour": "yellow"},
    "925银": {"purity": "S925", "metal": "silver"}, "纯银": {"purity": "S925", "metal": "silver"},
    "黄金": {"metal": "gold"}, "金": {"metal": "gold"}, "银": {"metal": "silver"},
    "玫瑰金": {"colour": "rose", "metal": "gold"}, "玫瑰": {"colour": "rose"},
    "玫瑰色": {"colour": "rose"}, "十八k": {"purity": "Au750", "metal": "gold"},
    "十四k": {"purity": "Au585", "metal": "gold"}, "二十四k": {"purity": "Au999", "metal": "gold"},
    # the old gold trade's 开 for karat (十八开, 十四开), and Spanish metals in a Chinese question
    "十八开": {"purity": "Au750", "metal": "gold"}, "十四开": {"purity": "Au585", "metal": "gold"},
    "二十四开": {"purity": "Au999", "metal": "gold"}, "18开": {"purity": "Au750", "metal": "gold"},
    "14开": {"purity": "Au585", "metal": "gold"}, "oro": {"metal": "gold"},
    "plata": {"metal": "silver"}, "platino": {"purity": "Pt950", "metal": "platinum"},
    "白银": {"metal": "silver"},
    "eighteen carat": {"purity": "Au750", "metal": "gold"},
    "fourteen carat": {"purity": "Au585", "metal": "gold"},
    # karats said in words ('eighteen karat', 'twenty-four carat', 'twenty two k'), and as
    # speech-to-text writes them ('eighteen carrot', '18 caret', 'for teen k', '14 kay')
    **{f"{said} {unit}": {"purity": purity, "metal": "gold"}
       for said, purity in (("eighteen", "Au750"), ("fourteen", "Au585"),
                            ("twenty four", "Au999"), ("twenty-four", "Au999"),
                            ("twenty two", "Au916"), ("twenty-two", "Au916"),
                            ("eight teen", "Au750"), ("for teen", "Au585"),
                            ("four teen", "Au585"), ("forteen", "Au585"),
                            ("twenty for", "Au999"), ("twenty too", "Au916"))
       for unit in ("karat", "carat", "karats", "carats", "k", "kt", "ct", *_HEARD_KARAT)},
    **{f"{said} {unit}": {"purity": purity, "metal": "gold"}
       for said, purity in (("18", "Au750"), ("14", "Au585"), ("24", "Au999"), ("22", "Au916"))
       for unit in _HEARD_KARAT},
    "黄色": {"colour": "yellow"}, "白色": {"colour": "white"},
    # the trade's K金 is 18K gold: K白, K黄, K红 its white, yellow and rose (K黄的Thea戒指)
    "k白": {"purity": "Au750", "metal": "gold", "colour": "white"},
    "k黄": {"purity": "Au750", "metal": "gold", "colour": "yellow"},
    "k红": {"purity": "Au750", "metal": "gold", "colour": "rose"},
    "千足": {"purity": "Au999", "metal": "gold"},
}
_CATEGORY_ALIASES: dict[str, str] = {
    "rings": "ring", "ring": "ring", "pendants": "pendant", "pendant": "pendant",
    "earrings": "earrings", "earring": "earrings", "studs": "earrings",
    "bracelets": "bracelet", "bracelet": "bracelet", "necklaces": "necklace",
    "necklace": "necklace", "bangles": "bangle", "bangle": "bangle", "brooches": "brooch",
    "brooch": "brooch", "cufflinks": "cufflinks", "cufflink": "cufflinks", "chains": "chain",
    "chain": "chain", "anklets": "anklet", "anklet": "anklet",
    "戒指": "ring", "吊坠": "pendant", "耳环": "earrings", "耳钉": "earrings", "手链": "bracelet",
    "项链": "necklace", "手镯": "bangle", "胸针": "brooch", "袖扣": "cufflinks", "链子": "chain",
    "脚链": "anklet", "颈链": "necklace", "链条": "chain", "链": "chain", "耳坠": "earrings",
    "吊咀": "pendant", "镯子": "bangle", "镯": "bangle",
    # Cantonese: 袖口鈕 / 袖鈕 (cufflinks; 鈕 may stay traditional after normalising)
    "袖口钮": "cufflinks", "袖口鈕": "cufflinks", "袖钮": "cufflinks", "袖鈕": "cufflinks",
    # look-alike characters a handwriting pad gives (吊队 for 吊坠, 戎指 for 戒指, 顶链 for 项链)
    "吊队": "pendant", "戎指": "ring", "胸钎": "brooch", "顶链": "necklace", "耳坏": "earrings",
    "手浊": "bangle", "手蜀": "bangle", "袖扌口": "cufflinks",
    # Spanish in a Chinese question ('collares 的货位', 'los colgantes 在仓库放了多久')
    "anillos": "ring", "anillo": "ring", "collares": "necklace",
    "colgantes": "pendant", "colgante": "pendant", "pendientes": "earrings", "aretes": "earrings",
    "pulseras": "bracelet", "pulsera": "bracelet", "broches": "brooch", "broche": "brooch",
    "gemelos": "cufflinks", "cadenas": "chain", "cadena": "chain", "brazaletes": "bangle",
    "brazalete": "bangle",
}
_NUMBER_WORDS = {
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "十": "10",
}
_LETTER_SIZES = {"small": "S", "medium": "M", "large": "L", "小号": "S", "中号": "M", "大号": "L"}
_ENGLISH_SIZES = "|".join(w for w in _LETTER_SIZES if w.isascii())
# A letter size said as a word (_LETTER_SIZES): after 'in' ('bangles in large'; not 'in large
# quantities'), alone (a follow-up's 'just the medium ones', read as 'medium'), or in Chinese
# before the goods ('大号手镯还剩几个').
# Words after which a size word means an amount ('in large quantities', 'a large order').
_NOT_A_SIZE = r"(?!\s+(?:quantit|number|amount|volume|batch|order|lot))"
_WORD_SIZE = re.compile(
    rf"\bin\s+({_ENGLISH_SIZES})\b{_NOT_A_SIZE}"
    rf"|^\s*({_ENGLISH_SIZES})\s*$"
    rf"|({'|'.join(w for w in _LETTER_SIZES if not w.isascii())})")
# A letter size said anywhere in a question about goods sized so ('how many large bangles').
_LETTER_SIZED = frozenset({"bangle"})
_ANY_WORD_SIZE = re.compile(rf"\b({_ENGLISH_SIZES})\b{_NOT_A_SIZE}")


@dataclass(frozen=True)
class Vocab:
    """Attribute values that exist in the live catalogue (categories and sizes)."""

    categories: frozenset[str] = frozenset()
    sizes: frozenset[str] = frozenset()


@dataclass
class AttributeScan:
    """What a scan found, and the text left over once the attribute words are removed."""

    slots: dict[str, str] = field(default_factory=dict)
    rest: str = ""
    matched: list[str] = field(default_factory=list)


# Chinese aliases that are part of other words: 链 (chain) in 供应链 (supply chain), 项链, 手链.
_GUARDS = {"链": r"(?<![应项手脚颈表])"}


@cache
def _alias_pattern(alias: str) -> re.Pattern[str]:
    """How an alias is found in a question, compiled once per alias."""
    if re.search(r"[\u3400-\u9fff]", alias):
        # Latin letters and Chinese may stand apart once codes are split off ('k 白金')
        pattern = re.sub(r"(?<=[a-z0-9])(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])(?=[a-z0-9])",
                         r"\\s?", alias)
        return re.compile(_GUARDS.get(alias, "") + pattern)
    # (a Chinese character may touch it: '18k的戒指', '585的戒指'; not a count: '750件')
    count = r"(?!\s*[件个只枚条对套颗元块号码天克])" if alias.isdigit() else ""
    return re.compile(rf"(?<![a-z0-9_-]){re.escape(alias)}(?![a-z0-9_-]){count}")


def _find(text: str, alias: str) -> re.Match[str] | None:
    return _alias_pattern(alias).search(text)


def scan_attributes(text: str, vocab: Vocab, *, sizes: bool = True) -> AttributeScan:
    """Find attribute words (longest aliases first) and sizes; return slots and leftover text."""
    scan, rest = AttributeScan(), f" {text} "
    for alias in sorted(_ALIASES, key=len, reverse=True):
        match = _find(rest, alias)
        if match is None:
            continue
        for slot, value in _ALIASES[alias].items():
            scan.slots.setdefault(slot, value)
        if alias == "白金" and scan.slots.get("purity", "").startswith("Au"):
            scan.slots.setdefault("colour", "white")  # '750白金': white gold of that purity
        scan.matched.append(alias)
        rest = rest[: match.start()] + " " + rest[match.end():]
    for alias in sorted(_CATEGORY_ALIASES, key=len, reverse=True):
        match = _find(rest, alias)
        if match is not None and "category" not in scan.slots:
            scan.slots["category"] = _CATEGORY_ALIASES[alias]
            scan.matched.append(alias)
            rest = rest[: match.start()] + " " + rest[match.end():]
    if "category" not in scan.slots and (typo := _mistyped_category(rest)) is not None:
        scan.slots["category"] = _CATEGORY_ALIASES[typo[1]]
        scan.matched.append(typo[0])
        rest = re.sub(rf"(?<![\w-]){re.escape(typo[0])}(?![\w-])", " ", rest, count=1)
    if sizes:
        rest = _scan_size(rest, vocab, scan)
    scan.rest = re.sub(r"\s+", " ", rest).strip()
    return scan


def one_edit(word: str, other: str) -> bool:
    """Whether ``word`` is ``other`` with one letter added, dropped, changed, or two
    neighbours swapped ('braclets', 'bangels', 'earings')."""
    if word == other or abs(len(word) - len(other)) > 1:
        return False
    if len(word) == len(other):
        diff = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and word[diff[0]] == other[diff[1]]
                                  and word[diff[1]] == other[diff[0]])
    short, long_ = sorted((word, other), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


# A category word mistyped ('slow movrs silver braclets'): English words of seven letters or
# more one edit from a category's name (shorter ones are too often other words: 'angles').
_TYPO_MIN = 7
_REAL_WORDS = frozenset({"tangles", "dangles", "jangles", "mangles", "bungles", "wangles",
                         "spangles", "pendent", "broaches", "brooked"})


def _mistyped_category(text: str) -> tuple[str, str] | None:
    """The first word of ``text`` that is a category's English name mistyped, and that name:
    one edit for words of seven letters or more, and for shorter ones (five letters or more)
    only two neighbouring letters swapped ('rigns', 'chians'), which makes no other word; else
    a name typed without its vowels ('rngs', 'bngls')."""
    for word in re.findall(r"(?<![\w-])[a-z]{5,}(?![\w-])", text):
        if word in _REAL_WORDS:
            continue
        for alias in _CATEGORY_ALIASES:
            if not alias.isascii():
                continue
            if len(word) >= _TYPO_MIN and len(alias) >= _TYPO_MIN - 1 and one_edit(word, alias):
                return word, alias
            if _swapped(word, alias):
                return word, alias
    for word in re.findall(r"(?<![\w-])[b-df-hj-np-tv-z]{4,}(?![\w-])", text):
        # typed without its vowels ('rngs', 'brclts', 'pndnts'): no English word is so
        for alias in _CATEGORY_ALIASES:
            if alias.isascii() and len(alias) > len(word) and \
                    re.sub(r"[aeiou]", "", alias) == word:
                return word, alias
    return None


def _swapped(word: str, other: str) -> bool:
    """Whether ``word`` is ``other`` with two neighbouring letters swapped."""
    if len(word) != len(other) or word == other:
        return False
    diff = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and \
        word[diff[0]] == other[diff[1]] and word[diff[1]] == other[diff[0]]


_EXPLICIT_SIZE = re.compile(r"(?:\bin\s+)?(?:\bsize(?!s)|\bsz(?![a-z])|尺码|尺寸|码数)\s*([\w]+)")
_MARKED_SIZE = re.compile(r"(\d+|[五六七八九十]|(?<![a-z])(?:xs|xl|s|m|l))\s*(?:号|码)")
_MEASURE = re.compile(r"(?<![\w-])(\d+\s*cm)(?![\w-])")
# A length said in words ('fifty centimetre', 'forty five cm', 'forty-two centimeters').
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}
_SPOKEN_MEASURE = re.compile(
    rf"(?<![\w-])({'|'.join(_TENS)})(?:[ -]({'|'.join(_UNITS)}))?\s*"
    r"(?:cm|cms|centimet(?:re|er)s?)(?![\w-])")


def _spoken_measures(text: str) -> str:
    """Lengths said in words written as a size is ('fifty centimetre' -> '50cm')."""
    text = _SPOKEN_MEASURE.sub(
        lambda m: f"{_TENS[m.group(1)] + _UNITS.get(m.group(2) or '', 0)}cm", text)
    return _DIGIT_CENTIMETRES.sub(
        lambda m: f"{m.group(1)}cm" if m.group(1) else f" {m.group(2)}cm ", text)


# '45 centimetres', and in Chinese '45公分', '45厘米' (a Chinese word may touch either side)
_DIGIT_CENTIMETRES = re.compile(r"(?<![\w-])(\d+)\s*(?:cms|centimet(?:re|er)s?)(?![\w-])"
                                r"|(?<![\d-])(\d+)\s*(?:公分|厘米|釐米)")


def _size_value(word: str, vocab: Vocab) -> str | None:
    word = word.strip().lower()
    value = _NUMBER_WORDS.get(word) or _LETTER_SIZES.get(word) or word.replace(" ", "")
    for size in vocab.sizes:
        if size.lower() == value.lower():
            return size
    return None


def _scan_size(rest: str, vocab: Vocab, scan: AttributeScan) -> str:
    if _SPOKEN_MEASURE.search(rest) or _DIGIT_CENTIMETRES.search(rest):
        rest = _spoken_measures(rest)
    patterns: tuple[re.Pattern[str], ...] = (_EXPLICIT_SIZE, _MARKED_SIZE, _MEASURE, _WORD_SIZE)
    if scan.slots.get("category") in _LETTER_SIZED:
        patterns = (*patterns, _ANY_WORD_SIZE)
    for pattern in patterns:
        match = pattern.search(rest)
        if match is None:
            continue
        size = _size_value(next(g for g in match.groups() if g), vocab)
        if size is not None:
            scan.slots["size"] = size
            scan.matched.append(match.group().strip())
            return rest[: match.start()] + " " + rest[match.end():]
    return rest


def category_of(word: str, categories: Mapping[str, str] | None = None) -> str | None:
    """The catalogue category a word names ('rings' -> 'ring'), or None."""
    return (categories or _CATEGORY_ALIASES).get(word.lower())
