"""The live vocabulary of the warehouse (lots, SKUs, styles, bins, people, suppliers, channels)
and resolvers that turn what a person wrote or said into its canonical code."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import takewhile
from os.path import commonprefix

from assistant.entities.attributes import Vocab
from assistant.entities.codes import code_key, normalise_text, spoken_to_code

__all__ = ["COUNTRY_CITIES", "CatalogueIndex", "StyleEntry", "strip_fillers"]

_FILLERS = re.compile(
    r"^(?:(?:the|a|an|our|my|this|that|lot|batch|serial|serial number|piece|item|sku|order|"
    r"number|no|code|bin|location|supplier|picker|style|product|批次|序列号|编号|订单|货号|"
    r"款式|供应商|号码)(?:\b|(?<=[\u3400-\u9fff]))\s*)+"
)
_SERIAL_SHAPE = re.compile(r"^[A-Z]{1,4}\d{5,}$")
_ORDER_SHAPE = re.compile(r"^([A-Z]{2,4})(\d{6})(\d{3,6})$")
# A shelf level: a bin's code without its side (V04-01-4 for V04-01-4L and V04-01-4R).
_LEVEL = re.compile(r"[A-Z]{1,3}\d{2}-\d{2}-\d")
_SKU_ATTRIBUTES = ("style", "metal", "colour", "purity", "size")
_ME = {"me", "i", "myself", "my", "mine", "我", "我自己"}


_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _spoken(username: str) -> tuple[str, ...]:
    """How a username ending in a digit is said or typed apart ('picker2' -> 'picker 2',
    'picker two')."""
    if (m := re.fullmatch(r"([a-z]+)(\d)", username)) is None:
        return ()
    return f"{m.group(1)} {m.group(2)}", f"{m.group(1)} {_DIGIT_WORDS[int(m.group(2))]}"


# What a Chinese question may say around a supplier's city ('安特卫普那家', '那个安特卫普供应商').
_SUPPLIER_WORDS_ZH = re.compile(r"那家|这家|那边|这边|那个|这个|供应商|供货商|公司|厂家|家|的|\s")


def strip_fillers(text: str) -> str:
    """Drop leading words that only say what kind of thing follows ('the lot', '批次')."""
    return _FILLERS.sub("", normalise_text(text)).strip()


# Chinese names of the cities jewellery suppliers are named after (a supplier named 'Antwerp
# Diamond House' is '安特卫普那家' in a Chinese question), longest first when matched.
CHINESE_PLACES: dict[str, str] = dict(sorted({
    "安特卫普": "antwerp", "斋浦尔": "jaipur", "斋普尔": "jaipur", "杰普尔": "jaipur",
    "瓦伦扎": "valenza", "瓦伦萨": "valenza", "瓦伦札": "valenza", "华伦萨": "valenza",
    "华伦扎": "valenza", "华伦札": "valenza", "瓦朗萨": "valenza",
    "瓦朗扎": "valenza", "阿雷佐": "arezzo", "阿雷索": "arezzo", "维琴察": "vicenza",
    "佛罗伦萨": "florence", "米兰": "milan", "罗马": "rome", "孟买": "mumbai", "苏拉特": "surat",
    "曼谷": "bangkok", "迪拜": "dubai", "香港": "hong kong", "深圳": "shenzhen", "番禺": "panyu",
    "水贝": "shuibei", "广州": "guangzhou", "上海": "shanghai", "北京": "beijing",
    "伦敦": "london", "纽约": "new york", "日内瓦": "geneva", "伊斯坦布尔": "istanbul",
    "特拉维夫": "tel aviv", "东京": "tokyo", "巴黎": "paris", "普福尔茨海姆": "pforzheim",
    # countries, which name a supplier when it is the only one from there
    "比利时": "belgium", "印度": "india", "意大利": "italy", "泰国": "thailand",
    "德国": "germany", "土耳其": "turkey", "以色列": "israel",
}.items(), key=lambda kv: -len(kv[0])))
# A country (and its adjective) names the one supplier named after a city there ('the Belgian
# supplier' is the one named after Antwerp); with two from there it names none.
_CITIES = {"belgium": ("antwerp",), "india": ("jaipur", "mumbai", "surat"),
           "italy": ("valenza", "arezzo", "vicenza", "florence", "milan", "milano", "rome"),
           "thailand": ("bangkok",), "germany": ("pforzheim",), "turkey": ("istanbul",),
           "israel": ("tel aviv",)}
COUNTRY_CITIES: dict[str, tuple[str, ...]] = {
    **_CITIES, "belgian": _CITIES["belgium"], "indian": _CITIES["india"],
    "italian": _CITIES["italy"], "thai": _CITIES["thailand"], "german": _CITIES["germany"],
    "turkish": _CITIES["turkey"], "israeli": _CITIES["israel"]}


@dataclass(frozen=True)
class StyleEntry:
    """A style as the chat sees it."""

    code: str
    name: str
    category: str
    description: str


@dataclass
class CatalogueIndex:
    """Lookup tables built from :func:`core.reports.vocabulary`; rebuilt when it changes."""

    lots: dict[str, str] = field(default_factory=dict)
    lot_digits: dict[str, list[str]] = field(default_factory=dict)
    skus: dict[str, str] = field(default_factory=dict)
    sku_colours: dict[str, str] = field(default_factory=dict)
    #: Each SKU's style and what it is made of: style, metal, colour, purity, size.
    sku_attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    location_kinds: dict[str, str] = field(default_factory=dict)
    location_zones: dict[str, str] = field(default_factory=dict)
    styles: list[StyleEntry] = field(default_factory=list)
    people: dict[str, str] = field(default_factory=dict)
    full_names: dict[str, str] = field(default_factory=dict)
    suppliers: dict[str, str] = field(default_factory=dict)
    supplier_names: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    vocab: Vocab = field(default_factory=Vocab)
    #: The purities the catalogue's SKUs are made in ('Au750', 'S925').
    purities: frozenset[str] = frozenset()

    @cached_property
    def name_words(self) -> frozenset[str]:
        """Words of names a speller must leave alone: people, suppliers, channels, styles."""
        names = [*self.people, *self.suppliers, *self.channels, *self.vocab.categories,
                 *(s.name.lower() for s in self.styles)]
        return frozenset(w for name in names for w in name.split())

    @cached_property
    def first_names(self) -> frozenset[str]:
        """The people's first names, lower case ('pia' of Pia Picker)."""
        return frozenset(n.split()[0].lower() for n in self.full_names.values() if n.strip())

    @cached_property
    def _sku_keys(self) -> list[str]:
        """The SKUs' keys in order, for finding those a code starts (any_code asks per token)."""
        return sorted(self.skus)

    @classmethod
    def build(cls, data: Mapping[str, Sequence[Mapping[str, object]]]) -> CatalogueIndex:
        """Index a vocabulary (as returned by core.reports.vocabulary)."""
        index = cls()
        for lot in data.get("lots", ()):
            code = str(lot["code"])
            index.lots[code_key(code)] = code
            index.lot_digits.setdefault(re.sub(r"\D", "", code), []).append(code)
        index.skus = {code_key(str(s["code"])): str(s["code"]) for s in data.get("skus", ())}
        index.sku_colours = {str(s["code"]): str(s["colour"]) for s in data.get("skus", ())
                             if s.get("colour")}
        index.sku_attributes = {str(s["code"]): {k: str(s[k]) for k in _SKU_ATTRIBUTES if s.get(k)}
                                for s in data.get("skus", ())}
        index.locations = {code_key(str(loc["code"])): str(loc["code"])
                           for loc in data.get("locations", ())}
        index.location_kinds = {str(loc["code"]): str(loc["kind"])
                                for loc in data.get("locations", ()) if loc.get("kind")}
        index.location_zones = {str(loc["code"]): str(loc["zone"])
                                for loc in data.get("locations", ()) if loc.get("zone")}
        index.styles = [StyleEntry(str(s["code"]), str(s["name"]), str(s["category"]),
                                   str(s.get("description") or "")) for s in data.get("styles", ())]
        for person in data.get("people", ()):
            username, full = str(person["username"]), str(person["full_name"])
            index.people[username.lower()] = username
            index.full_names[username] = full
            for name in (full.lower(), full.split()[0].lower(), *_spoken(username.lower())):
                index.people.setdefault(name, username)
        for supplier in data.get("suppliers", ()):
            code, name = str(supplier["code"]), str(supplier["name"])
            index.suppliers[code.lower()] = code
            index.supplier_names[code] = name
            for alias in (name.lower(), name.split()[0].lower()):
                index.suppliers.setdefault(alias, code)
        for country, cities in COUNTRY_CITIES.items():
            found = {index.suppliers[c] for c in cities if c in index.suppliers}
            if len(found) == 1:
                index.suppliers.setdefault(country, found.pop())
        index.channels = {str(c["code"]).lower(): str(c["code"]) for c in data.get("channels", ())}
        sizes = {str(s["size"]) for s in data.get("skus", ()) if s.get("size")}
        index.vocab = Vocab(frozenset(s.category for s in index.styles), frozenset(sizes))
        index.purities = frozenset(str(s["purity"]) for s in data.get("skus", ())
                                   if s.get("purity"))
        return index

    def unknown_purity(self, purity: str | None) -> bool:
        """Whether ``purity`` is named but no SKU of the catalogue is made in it ('Au916',
        read from '22K'); False when nothing is named or the purities are not known."""
        return bool(purity) and bool(self.purities) and purity not in self.purities

    def lot(self, text: str) -> str | None:
        """The lot a phrase names ('g 2311', 'golf two three one one', '2311'), or None."""
        key = code_key(spoken_to_code(strip_fillers(text)))
        if not key:
            return None
        if key in self.lots:
            return self.lots[key]
        same_digits = self.lot_digits.get(key, []) if key.isdigit() else []
        return same_digits[0] if len(same_digits) == 1 else None

    def sku(self, text: str) -> str | None:
        """The SKU a phrase names, or None."""
        return self.skus.get(code_key(spoken_to_code(strip_fillers(text))))

    def sku_prefix(self, text: str) -> str | None:
        """The SKU a code names, or the start of several cut at a dash ('ST0007-S925W' of
        'ST0007-S925W-7' and 'ST0007-S925W-8'), as written in upper case; None otherwise."""
        if (code := self.sku(text)) is not None:
            return code
        key = code_key(text)
        keys = self._sku_keys  # sorted: the SKUs starting so stand together
        found = [self.skus[k] for k in takewhile(lambda k: k.startswith(key),
                                                 keys[bisect_left(keys, key):])]
        start = found[0][: len(text.strip())] if found else ""
        if found and all(c.startswith(start) and c[len(start):][:1] == "-" for c in found):
            return start
        return None

    def style_sku(self, style: str, attributes: Mapping[str, str]) -> str:
        """The SKU a style and the attributes a question gives it name ('Thea rings, 18K yellow,
        size 6' -> 'ST0003-Au750Y-6'), else the longest start all its SKUs so made share, cut
        at a dash ('ST0003-Au750W' for white Thea rings); the style's code when no attribute is
        given or none matches."""
        if not set(attributes) & set(_SKU_ATTRIBUTES[1:]):
            return style
        made = sorted(code for code, attrs in self.sku_attributes.items()
                      if attrs.get("style") == style and all(
                          attrs.get(k, "").lower() == str(v).lower()
                          for k, v in attributes.items() if k in _SKU_ATTRIBUTES[1:]))
        if len(made) <= 1:
            return made[0] if made else style
        start = commonprefix(made)
        while start and not all(c == start or c[len(start):][:1] == "-" for c in made):
            start = start[:-1]  # back to where each of them goes on with a dash
        return start or style

    def _sku_start(self, text: str) -> str | None:
        """The start of several SKUs a code with a digit names ('ST0003'), or None."""
        code = spoken_to_code(strip_fillers(text)).strip()
        return self.sku_prefix(code) if any(c.isdigit() for c in code) else None

    def location(self, text: str) -> str | None:
        """The bin, aisle or zone a phrase names, or None."""
        return self.locations.get(code_key(spoken_to_code(strip_fillers(text))))

    def level(self, text: str) -> str | None:
        """A shelf level named by its bins' code without their side ('V04-01-4' for V04-01-4L
        and V04-01-4R), when bins start so; None otherwise (it is no serial)."""
        code = spoken_to_code(strip_fillers(text))
        if not _LEVEL.fullmatch(code):
            return None
        return code if any(c.startswith(code) for c in self.locations.values()) else None

    def location_prefix(self, text: str) -> str | None:
        """A location code, or the start of some (an aisle letter 'A', a bay 'A01-02'), as the
        reports filter by it; None when no location starts so."""
        if (code := self.location(text)) is not None:
            return code
        prefix = spoken_to_code(text)  # not strip_fillers: aisle 'a' is no article here
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]*", prefix):
            return None
        return prefix if any(c.startswith(prefix) for c in self.locations.values()) else None

    def zone_of(self, code: str) -> str | None:
        """The zone a location (or every location starting with ``code``) lies in, or None."""
        if (zone := self.location_zones.get(code)) is not None:
            return zone
        zones = {z for c, z in self.location_zones.items() if c.startswith(code)}
        return zones.pop() if len(zones) == 1 else None

    def aisle(self, number: str) -> str | None:
        """The one aisle (or zone) code that is letters then ``number`` ('7' -> 'A07')."""
        found = {c for c in self.locations.values()
                 if re.fullmatch(rf"[A-Z]{{1,3}}0*{int(number)}", c)}
        return found.pop() if len(found) == 1 else None

    def kind_prefix(self, kind: str) -> str | None:
        """The code prefix every bin of ``kind`` shares ('vault' -> 'V04'), or None."""
        codes = [c for c, k in self.location_kinds.items() if k == kind]
        if not codes:
            return None
        prefix = codes[0]
        for code in codes[1:]:
            while not code.startswith(prefix):
                prefix = prefix[:-1]
        if len(codes) > 1:  # cut at a whole part: 'V04-0' -> 'V04', 'A0' -> 'A'
            prefix = prefix.rsplit("-", 1)[0] if "-" in prefix else prefix.rstrip("0123456789")
        return prefix or None

    def serial(self, text: str) -> str | None:
        """A code shaped like a serial (letters then five or more digits) that is no lot, SKU or
        order reference (an order's date and number run together look like a long serial)."""
        code = code_key(spoken_to_code(strip_fillers(text)))
        if (_SERIAL_SHAPE.match(code) and not _ORDER_SHAPE.match(code)
                and code not in self.lots and code not in self.skus):
            return code
        return None

    def order(self, text: str) -> str | None:
        """An order reference ('WEB-261125-46439', 'web 261125 46439') or order number."""
        code = code_key(spoken_to_code(strip_fillers(text)))
        if (match := _ORDER_SHAPE.match(code)) is not None:
            return f"{match[1]}-{match[2]}-{match[3]}"
        return code if code.isdigit() and 0 < len(code) <= 9 else None

    def person(self, text: str, *, me: str | None = None) -> str | None:
        """The username a name, username or 'me' stands for, or None."""
        words = strip_fillers(text).removesuffix("'s").strip()
        if words in _ME:
            return me
        whole = normalise_text(text).removesuffix("'s").strip()
        if not words:  # a username that is a role word, named alone ('and picker?')
            words = whole
        # a role word before a number is a username ('picker two': 'picker' is a filler)
        return self.people.get(words) or self.people.get(whole)

    def supplier(self, text: str) -> str | None:
        """The supplier code a code or (first word of a) name stands for, or None."""
        return self.suppliers.get(strip_fillers(text))

    def supplier_in(self, text: str) -> str | None:
        """The supplier a Chinese question names by its city or name written in Chinese
        ('安特卫普那家' -> the supplier named after Antwerp), or None."""
        for chinese, english in CHINESE_PLACES.items():
            if chinese in text and (code := self.supplier(english)) is not None:
                return code
        return None

    def supplier_said(self, text: str) -> str | None:
        """The supplier a template's slot names by its Chinese city, when the slot says nothing
        else ('安特卫普那家', '安特卫普供应商'); not a whole question that names it
        ('安特卫普的货库龄怎么样' asks its goods' ageing, it is no 'and Antwerp?')."""
        code = self.supplier_in(text)
        rest = text
        for chinese in CHINESE_PLACES:
            rest = rest.replace(chinese, "")
        return code if code is not None and not _SUPPLIER_WORDS_ZH.sub("", rest).strip() \
            else None

    def channel(self, text: str) -> str | None:
        """The sales channel a word names, or None."""
        word = strip_fillers(text)
        return self.channels.get(word) or self.channels.get(word.rstrip("s"))

    def any_code(self, text: str) -> dict[str, str] | None:
        """Classify a code: lot, SKU, bin, shelf level, anything shaped like a serial, then the
        start of several SKUs cut at a dash (a style 'ST0003', its metal 'ST0003-Au750Y')."""
        for slot, finder in (("lot", self.lot), ("sku", self.sku), ("location", self.location),
                             ("location", self.level), ("serial", self.serial),
                             ("sku", self._sku_start)):
            if (found := finder(text)) is not None:
                return {slot: found}
        return None
