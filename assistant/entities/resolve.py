"""Slot resolution: template slots checked against the catalogue, and slots scanned out of
free text for questions the similarity tier matched."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from assistant.entities.attributes import one_edit, scan_attributes
from assistant.entities.catalogue import CatalogueIndex, StyleEntry, strip_fillers
from assistant.entities.codes import (
    NATO,
    SPOKEN_DIGITS,
    WORDS_OF_ADDRESS,
    normalise_text,
    spoken_to_code,
)
from assistant.entities.filters import (
    KIND_WORDS,
    PICK_ZH,
    REPORT_FILTERS,
    RESERVE_BACK_ZH,
    RESERVE_ZH,
    VAULT_WORDS,
    find_location,
    find_supplier,
    only_fillers,
    scan_filters,
)
from assistant.entities.numbers import alert_number
from assistant.entities.periods import (
    none_in_period,
    parse_period,
    past_days_at_end,
    period_pattern,
)
from assistant.entities.products import ProductIndex, content_words

__all__ = [
    "FOLLOW_UP_SLOTS",
    "GOODS",
    "bare_refinement",
    "INTENT_SLOTS",
    "REPORT_INTENTS",
    "RESTRICTIONS",
    "RESTRICTIONS_ZH",
    "Resolver",
    "extract_slots",
    "ZONE_WORDS",
    "camera_zone",
    "zone_slot",
    "order_reference",
    "outside_place",
    "zone_code",
    "zone_matches",
    "spoken_codes_to_text",
    "spelt_codes",
    "unknown_lot",
    "without_negated",
    "named_order",
    "named_sku",
    "written_lots",
    "written_orders",
]

# What goods are: the filters that name goods by what they are (a question on orders or QC
# failures may name them besides a report's: 'open orders with rings', 'QC rejects for 18K
# rings'). The one list of them; the handlers read it too.
GOODS = ("category", "metal", "colour", "purity", "size")
_GOODS = frozenset(GOODS)
# Which slots the similarity tier looks for, per intent (names would otherwise be mistaken:
# the user 'qc' in "qc failures").
INTENT_SLOTS: dict[str, frozenset[str]] = {
    "locate": frozenset({"code", "query"}),
    "count_stock": frozenset({"code", "query"}),
    "serial_history": frozenset({"code"}),
    "recall_preview": frozenset({"code"}),
    "best_sellers": REPORT_FILTERS | {"channel"},
    "slow_movers": REPORT_FILTERS,
    "stock_turnover": REPORT_FILTERS | {"sku"},
    # Open orders with a line of such goods ('open orders with rings in them').
    "pending_orders": frozenset({"channel", "code", "period"}) | _GOODS,
    "who_picked": frozenset({"code"}),
    # Failed inspections of lots holding such goods, of one lot, or with pieces in a place.
    "qc_failures": REPORT_FILTERS | {"lot"},
    # Alerts in a zone, or in the zone of a place ('camera alerts at DOCK-01'), or one alert.
    "camera_alerts": frozenset({"period", "zone", "location", "alert"}),
    # Picking in a place ('pickers in the pick face', 'vault picks'): the picks from its bins.
    "picker_performance": frozenset({"person", "period", "location", "zone"}),
    "supplier_quality": REPORT_FILTERS,
    # Late orders, or whether one order is late ('is MAR-261125-08461 late').
    "late_orders": REPORT_FILTERS | {"order"},
    # Reports over stock and moves take one lot or SKU ('what is lot G-2311 worth').
    **dict.fromkeys(("stock_ageing", "stock_value"), REPORT_FILTERS | {"lot", "sku"}),
    # Reports whose rows name a SKU (and a person) are narrowed to the one a question names.
    "dead_stock": REPORT_FILTERS | {"lot", "sku"},
    **dict.fromkeys(("stock_on_order", "reorder_advice", "slotting_advice"),
                    REPORT_FILTERS | {"sku"}),
    **dict.fromkeys(("shrinkage", "traced_variances", "anomalies"),
                    REPORT_FILTERS | {"sku", "person", "lot"}),
}
# Reports of what has happened: 'in 90 days' ending such a question is the days just gone.
_PAST_REPORTS = frozenset({
    "best_sellers", "slow_movers", "stock_turnover", "qc_failures", "camera_alerts",
    "picker_performance", "supplier_quality", "dead_stock", "shrinkage", "traced_variances",
    "anomalies"})
# Report intents whose filters come from the Reports page's (period, category, metal, colour,
# purity, size, supplier, location), scanned by assistant.entities.filters.
REPORT_INTENTS = frozenset(i for i, wanted in INTENT_SLOTS.items() if wanted >= REPORT_FILTERS)
# Slots a follow-up may change, per intent ("and in size 8?" refines a count, not a report).
_STOCK = frozenset({"lot", "serial", "sku", "location", "style", "product", "metal", "purity",
                    "colour", "category", "size", "supplier", "outside"})
_REPORT = frozenset({"period", "category", "channel", "metal", "purity", "supplier"})
FOLLOW_UP_SLOTS: dict[str, frozenset[str]] = {
    "locate": _STOCK, "count_stock": _STOCK, "serial_history": frozenset({"serial"}),
    "recall_preview": frozenset({"lot"}), "best_sellers": _REPORT, "slow_movers": _REPORT,
    "stock_turnover": _REPORT, "pending_orders": frozenset({"channel", "order"}) | _GOODS,
    "who_picked": frozenset({"order", "serial"}),
    "camera_alerts": frozenset({"period", "zone", "location"}),
    "picker_performance": frozenset({"person", "period", "location", "zone"}),
    **{intent: INTENT_SLOTS[intent] for intent in REPORT_INTENTS},
}
_PERIOD = re.compile(period_pattern())
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_EDGE = re.compile(r"(?<=[\u3400-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u3400-\u9fff])")
_SPOKEN = "|".join(sorted([*map(re.escape, NATO), "zero", "oh", "one", "two", "three", "four",
                           "five", "six", "seven", "eight", "nine", "dash"], key=len, reverse=True))
_CODE_SPANS = (
    re.compile(r"(?<![\w-])[a-z]{2,4}-\d{6}-\d{3,6}(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:(?:{_SPOKEN})\b\s*){{3,}}"),
    re.compile(r"(?<![\w-])[a-z]{0,4}[\s-]?\d[\w-]*(?![\w-])"),
)


@dataclass
class Resolver:
    """Resolves slot text for one question: the catalogue, products, who asks, and when."""

    index: CatalogueIndex
    products: ProductIndex
    me: str
    now: datetime
    product_threshold: float = 0.55

    def resolve(self, slot: str, text: str) -> dict[str, str] | None:
        """Canonical slots for ``text`` in a slot of type ``slot``; None when it does not fit."""
        if slot == "period":
            return self._period(text)
        if slot == "filters":
            return self.filters(text)
        if slot == "goods":  # filters that name goods, not only a metal ('the value of gold')
            goods = self.filters(text)
            return goods if goods and {"category", "supplier", "location"} & set(goods) else None
        if slot in ("query", "item", "code"):
            return self._compound(slot, text)
        finders: dict[str, Callable[[str], str | None]] = {
            "lot": self.index.lot, "serial": self.index.serial, "sku": self.index.sku,
            "order": self.index.order, "location": self.index.location,
            "supplier": lambda t: self.index.supplier(t) or self.index.supplier_said(t),
            "channel": self.index.channel,
            "person": lambda t: self.index.person(t, me=self.me),
            "size": lambda t: scan_attributes(f"size {t}", self.index.vocab).slots.get("size"),
        }
        finder = finders.get(slot)
        found = finder(text) if finder else None
        return {slot: found} if found is not None else None

    def _period(self, text: str) -> dict[str, str] | None:
        words = normalise_text(text)
        if not _PERIOD.fullmatch(words):
            return None
        period = parse_period(words, self.now)
        return {"period": period.key} if period else None

    def filters(self, text: str) -> dict[str, str] | None:
        """Report filters that make up all of ``text`` ('in rings from Valenza this quarter')."""
        words = normalise_text(text)
        slots: dict[str, str] = {}
        for match in _PERIOD.finditer(words):
            if (period := parse_period(match.group(), self.now)) is not None:
                slots["period"] = period.key
                words = words[: match.start()] + " " + words[match.end():]
                break
        scan = scan_filters(words, self.index, REPORT_FILTERS)
        slots.update(scan.slots)
        return slots if slots and only_fillers(scan.rest) else None

    def _compound(self, slot: str, text: str) -> dict[str, str] | None:
        if slot in ("item", "code"):
            code = self.index.any_code(text)
            if code is None and (order := self.index.order(text)) and not order.isdigit():
                code = {"order": order}
            if code is None and slot == "code":  # 'what about the vault', '那A通道的呢'
                place, rest = find_location(_CJK_EDGE.sub(" ", normalise_text(text)), self.index)
                code = {"location": place} if place and only_fillers(rest) else None
            if code is not None or slot == "code":
                return code
        return self.query(text)

    def query(self, text: str) -> dict[str, str] | None:
        """Attributes and a product description ('18k rose gold heart pendants in size 7')."""
        said = normalise_text(text)
        scan = scan_attributes(said, self.index.vocab)
        slots = dict(scan.slots)
        if not any(self.index.any_code(word) for word in said.split()):
            # (not over a code: 'that Celeste necklace lot G-9106' is the lot)
            _named_style(said, self, slots, several=True)
        if "sku" in slots:  # 'Sienna bezel bangles in medium': the code they are written with
            return slots
        words = content_words(strip_fillers(scan.rest)) if scan.rest else []
        words = [w for w in words if not self._mistyped_filler(w)]  # 'how mny ... in stok'
        if words:
            matches = self.products.match(" ".join(words), category=slots.get("category"),
                                          threshold=self.product_threshold)
            if not matches:
                return None
            slots["product"] = " ".join(words)
            slots["style"] = ",".join(m.style.code for m in matches)
        return slots or None


    def _mistyped_filler(self, word: str) -> bool:
        """Whether ``word`` is a question's filler word mistyped ('mny', 'stok', 'peices'):
        one edit from a filler of four letters or more, and no word of any style's name
        ('leaf' is one edit from 'left', but names the leaf pendants)."""
        if len(word) < 3 or not word.isascii() or not word.isalpha():
            return False
        names = self.products.name_words
        if word in names or word.rstrip("s") in names:
            return False
        return any(len(filler) >= 4 and one_edit(word, filler) for filler in _TYPO_FILLERS)


#: Words that only narrow the question before ('only rings', 'solo Arezzo', 只看戒指): with no
#: question before them there is nothing to narrow.
RESTRICTIONS = ("just", "only", "solo", "soltanto")
RESTRICTIONS_ZH = ("只看", "只要", "只算", "光看", "光要", "就要", "仅看", "淨係", "净系")
# Words around a bare value that say nothing of it: 'just' / 'only' / 'and' ('n') / 'also' /
# 'how about' before it ('just picker2', 'n this wk'), a Singlish particle or 'also' / 'too' /
# 'how' after it ('yesterday leh?', 'pendants also', 'last quarter how'), and in Chinese 那 /
# 还有 / 换成 before it and 呢 / 也看看 / 怎么样 after it, with a category's 类 ('戒指類呢？',
# '吊坠也看看', '那上个月呢', '手链喃'; read as simplified); 'the … ones', Gen-Z filler ('last year
# tho', 'bangles rn'), Italian 'e' / 'solo' ('e Arezzo?'), Taglish 'lang' / 'po' ('14K lang',
# 'picker2 lang po': only), a Northern 'ta' / 'like' ('same for last quarter, ta'), 'the …
# stuff' and a word of address ('just the AREZZO stuff', 'this year bruv'), and 只算 / 光要 … 的
# ('只算保险库的', '光要7号的'); written Chinese 仅 / 限 … 者 / 一排 ('仅瓦伦扎者',
# '限 V04 一排') and Spanish 'y' and an article ('y la caja fuerte?'); 'for' before it ('for
# rings naman'), a closing 'eh', 'so', 'la', 'cher', 'chur', Geordie 'pet' or 'hinny', 'kid',
# Boston 'guy', Taglish 'naman', Guyanese 'bai', Belizean 'bwai', Nyanja 'bane', Liberian 'my
# man' / 'oh', 'dear' or Maritime 'bud' ('what about last week, eh?', 'and last week, bai?'),
# 完毕 or 谢谢 after a Chinese one ('上月的，完毕'), Bajan 'wuh about' ('wuh
# about Antwerp'), 咋样 / 怎样 after it ('这周的咋样') and Wu 个呢 ('金库个呢').
_BARE_EDGES = re.compile(
    rf"^(?:(?:{'|'.join(RESTRICTIONS)}|and|n|&|also|plus|then|ok|okay|now|how about|what about"
    r"|and what about|what of|and what of|how bout|what bout|wat about|wuh about|wha about"
    r"|same for|same thing for|same deal for|same again for|same but|and for"
    # radio and regional openings: 'say again for this week', 'vale, now Arezzo's', 'and down
    # in the strongroom?', 'and over the last 7 days'
    r"|say again for|say again|vale|oye|over|during|down in|up in|over in|down at|up at"
    r"|for"
    # a terse analyst's 'Restrict to JAIPUR.', 'Extend to the last 30 days.'; Norfolk "an'"
    r"|restrict to|restrict it to|limit to|limit it to|narrow to|narrow it to|extend to"
    r"|extend it to|widen to|widen it to|change to|switch to|an'|an|an' what about"
    r"|and also|the|e|ed|y|la|el|los|las"
    r"|anche|please|kindly|could you|can you|would you|(?:provide|give|show|send|run|prepare"
    r"|share|do)(?: me| us)?(?: the)? same(?: report| figures| analysis| list| again)? for)\s+)+"
    r"(?=\S)"
    # a sentence's own full stop ('Please provide the same for the reserve zone.')
    r"|(?<=\S)\s*[.。]+\s*$"
    # a possessive closing it ('just Arezzo's')
    r"|(?<=[a-z])'s(?=[?!.\s]*$)"
    r"|(?<=\S)(?:\s+(?:leh|lah|ah|meh|hor|lor|also|too|as well|how|then|instead|pls|please"
    r"|plz|ones|one|only|tho|though|fr|ngl|rn|lol|lmao|bruh|fam|pure|anche|solo|alone|lang|po"
    rf"|ta|cheers|like|love|mate|stuff|things|brah|{'|'.join(WORDS_OF_ADDRESS)}"
    r"|eh|so|naman|la|cher|chur|pet|hinny|kid|guy|bai|bwai|bane|my man|oh|dear|bud"
    r"|same thing|same period|same again|all told|hon|chacho|over|bor|up till now|up to now"
    r"|what's that come to|what does that come to|what's that"
    r"|on (?:his|her|their) own|by (?:himself|herself|themselves)))+[?!.\s]*$"
    # the formal 'the same for X' (烦请同样提供上季度的结果: X's results, likewise)
    r"|^(?:烦请|请|麻烦|劳烦)?同样(?:提供|给出|列出|查|看|出具)?(?:一下)?\s*(?=\S)"
    r"|(?<=\S)\s*的?(?:结果|数据|情况|报告|分析|明细)[。.？?\s]*$"
    r"|(?<=\S)\s*(?:同样口径|同一口径|口径一样|口径相同|同口径)[。.？?\s]*$"  # '储备区同样口径'
    r"|^(?:那么|那麼|那|咁|还有|還有|仲有|再看看|再看|换成|換成|改成|改为|改為|换为|換為|改看|换看|換看|看看|看下"
    rf"|{'|'.join(RESTRICTIONS_ZH)}|只计|只計|只数|只數|光算|仅限|只限|仅|限)\s*(?=\S)"
    r"|(?<=\S)\s*[类類]?(?:个呢|個呢|呢|咧|也看看|也看下|也看一下|也拉一下|也拉下|也查一下|也查下"
    r"|也要|也一样|也一樣|又如何|又怎么样|又怎樣|怎么样"
    r"|怎麼樣|咋样|咋樣|怎样|怎樣|如何|点样|點樣|又点|又點|就好|就得|就行|就可以|也|的|者|一排|这排|那排"
    # sentence-final particles of the south-west and of chat ('手链喃', '昨天的哈', '银的嘛')
    r"|喃|哈|噻|撒|哦|啊|呀|吧|咯|哟|嘛"
    # radio's 完毕 (over) and thanks closing it ('上月的，完毕')
    r"|完毕|完畢|谢谢|謝謝)+[?？。.\s]*$")


def bare_refinement(text: str, relevant: Collection[str], resolver: Resolver
                    ) -> dict[str, str] | None:
    """The slots of a question that only names a value ('AREZZO?', 'platinum?', 'last
    month?', 'rings?', 'G-2311?', 'Pia?'), when each is one the question before may change
    (``relevant``: its intent's follow-up slots); None for anything else."""
    words = _BARE_EDGES.sub("", normalise_text(text)).strip()
    if not words or not relevant or len(_CJK_EDGE.sub(" ", words).split()) > 3:
        return None
    index = resolver.index
    found = resolver.filters(words)  # a period and report filters making up all the words
    if found is None and (code := index.any_code(words)) is not None:
        found = code
    if found is None and (order := order_reference(words, index)) is not None:
        found = {"order": order}
    if found is None and not _CJK.search(words) and (person := index.person(words)):
        found = {"person": person}
    if found is None and (zone := _zone_alone(words, index)) is not None:
        found = {"zone": zone}
    # a zone is a place: it refines a question that takes one ('收发区的呢?' after the reserve's
    # stock value, whose zone has no single location)
    places = {"zone"} if "location" in relevant else set()
    if not found or not set(found) <= set(relevant) | places:
        return None
    return found


_THERE_ZH = re.compile(r"那边|这边|那里|这里|那儿|这儿|那块|这块|那頭|那头|嗰边|嗰度")


def _zone_alone(words: str, index: CatalogueIndex) -> str | None:
    """The zone a follow-up names when its words are little more than the zone's ('the
    vault', '收发区'); None for a whole question that names one ('金库库存值多少钱')."""
    if (zone := zone_slot(words, index)) is None:
        return None
    if not _CJK.search(words):
        return zone if len(words.split()) <= 2 else None
    squeezed = _THERE_ZH.sub("", words.replace(" ", ""))  # '金库那边': the vault
    said = [p for patterns in _ZONE_NAMES.values() for p in patterns
            if _CJK.search(p) and p in squeezed]
    return zone if any(only_fillers(squeezed.replace(p, " ")) for p in said) else None


# Filler words a question often mistypes (content_words drops them spelt right).
_TYPO_FILLERS = ("many", "much", "stock", "stocks", "pieces", "piece", "items", "units",
                 "left", "have", "there", "available", "currently", "total", "quantity")


# A speaker correcting what they said ('last year... no, last quarter', '去年……不对，上个季度').
_CORRECTION = re.compile(
    r"(?<![\w-])(?:no wait|wait no|i mean|i meant|sorry|no,|actually|make that|scratch that"
    r"|or rather|correction)(?![\w-])|不对|不對|唔系|唔係|唔啱|讲错|講錯|说错|說錯|应该系|应该是"
    r"|(?:\.{2,}|…+)\s*不是")  # ('上个月……唔係，呢個月' reads '上个月......不是这个月')


def _period_slot(rest: str, resolver: Resolver, slots: dict[str, str]) -> str:
    """Fill ``slots['period']`` from the first period the reports know, or from the last one
    said after a correction ('去年第四季……不对，上个季度' is last quarter); return ``rest``
    without the period words."""
    found = [(m, p) for m in _PERIOD.finditer(rest)
             if (p := parse_period(m.group(), resolver.now)) is not None]
    if not found:
        if (none_in := none_in_period(rest, resolver.now)) is not None:
            period, start, end = none_in  # "hasn't sold in 90 days": the last 90 days
            slots["period"] = period.key
            return rest[:start] + " " + rest[end:]
        return rest
    chosen = [found[0]]
    last = found[-1]
    if len(found) > 1 and _CORRECTION.search(rest, found[0][0].end(), last[0].start()):
        chosen = found  # every period said is taken out; the last one counts
    slots["period"] = chosen[-1][1].key
    for match, _ in reversed(chosen):
        rest = rest[: match.start()] + " " + rest[match.end():]
    return rest


def period_said(text: str, resolver: Resolver) -> str | None:
    """The key of the period a whole question names ('open orders today' -> 'today'), or
    None (for a template whose words take 'today' as 'now' and fill no period slot)."""
    slots: dict[str, str] = {}
    _period_slot(without_negated(_CJK_EDGE.sub(" ", normalise_text(text))), resolver, slots)
    return slots.get("period")


def _take(pattern: re.Pattern[str], text: str) -> tuple[list[str], str]:
    found = [m.group().strip() for m in pattern.finditer(text)]
    return found, pattern.sub(" ", text)


def extract_slots(text: str, intent: str, resolver: Resolver) -> dict[str, str]:
    """Scan a whole question for the slots its intent uses (the similarity tier's slots)."""
    wanted = INTENT_SLOTS.get(intent, frozenset())
    slots: dict[str, str] = {}
    # Codes and numbers written against Chinese ('帮我查一下G-5921在哪') stand apart first;
    # what the question sets aside ('not the vault but the pick zone') is no filter.
    spaced = _CJK_EDGE.sub(" ", normalise_text(text))
    rest = without_negated(spaced)
    rest = re.sub(r"(?<=[a-z])'s\b", "", rest)  # "JAIPUR's quality" names JAIPUR
    if "alert" in wanted and (number := alert_number(spaced)) is not None:
        slots["alert"] = number  # 'show alert 3', '3号告警是什么情况'
    if "query" in wanted and (outside := outside_place(spaced, resolver.index)) is not None:
        slots["outside"] = outside  # 'how many bangles not in the vault'
    if "period" in wanted:
        rest = _period_slot(rest, resolver, slots)
    if intent in _PAST_REPORTS and "period" not in slots \
            and (days := past_days_at_end(rest, resolver.now)) is not None:
        period, start, end = days  # 'S925 turnover in 90 days'
        slots["period"], rest = period.key, rest[:start] + " " + rest[end:]
    if "code" in wanted:
        rest = _codes(rest, resolver, slots)
    elif "lot" in wanted:
        rest = _lot(rest, resolver.index, slots)
    if "code" not in wanted and "sku" in wanted:
        rest = _sku(rest, resolver.index, slots)
    if "code" not in wanted and "order" in wanted:
        rest = _order(rest, resolver.index, slots)
    if {"query", "sku"} & wanted and not {"lot", "sku", "serial"} & set(slots):
        _named_style(rest, resolver, slots, several="query" in wanted)
    unscanned = rest  # (a camera zone is read before its word is taken as a place)
    if wanted & _SCANNED:
        filters = scan_filters(rest, resolver.index, wanted)
        slots.update(filters.slots)
        rest = filters.rest
    if "zone" in wanted and "person" in wanted:  # a place's zone: 'pickers in the vault'
        if (zone := zone_slot(text, resolver.index)) is not None:
            slots["zone"] = zone  # (by its words only: 'pick' is what pickers do)
    elif "zone" in wanted and (zone := camera_zone(unscanned, resolver.index)) is not None:
        slots["zone"] = zone
    words = re.findall(r"[\w']+", rest)
    phrases = [" ".join(words[n : n + size]) for size in (2, 1) for n in range(len(words))
               if n + size <= len(words)]
    if "person" in wanted and (person := _person(rest, phrases, resolver)) is not None:
        slots["person"] = person
    for slot in ("supplier", "channel"):
        if slot in wanted:
            for phrase in phrases:
                if (found := resolver.resolve(slot, phrase)) is not None:
                    slots.update(found)
                    break
    if "category" in wanted:
        category = scan_attributes(rest, resolver.index.vocab).slots.get("category")
        slots.update({"category": category} if category else {})
    if "person" in wanted and "person" not in slots:
        if (name := bare_username(text, resolver.index)) is not None:
            slots["person"] = name
    if "person" in wanted and "person" not in slots and "我" in _ASKER_ZH.sub("", rest):
        slots["person"] = resolver.me
    if "query" in wanted and not {"lot", "sku", "serial"} & set(slots):
        supplier, rest = find_supplier(rest, resolver.index)  # 'how many pieces from Jaipur'
        slots.update({"supplier": supplier} if supplier else {})
    if "query" in wanted and not {"lot", "sku", "serial", "location"} & set(slots):
        # a place named by its kind ('in the vault', 'in the reserve area') filters the goods
        place, left = find_location(rest, resolver.index)
        if place is not None and place in _kind_places(resolver.index):
            slots["location"], rest = place, left
    if "query" in wanted and {"location", "lot"} & set(slots) \
            and not {"sku", "serial"} & set(slots):
        # In a bin, an aisle or a lot, the goods' attributes filter too ('how many necklaces in
        # R03', 'how many necklaces from lot G-9106').
        attributes = scan_attributes(rest, resolver.index.vocab).slots
        slots.update({k: v for k, v in attributes.items()
                      if k in ("category", "metal", "purity", "colour", "size")})
    elif "query" in wanted and not ({"lot", "sku", "serial", "location"} & set(slots)):
        found = resolver.query(rest)
        if found is None:  # a description that matches no style: say so, do not drop it
            scan = scan_attributes(rest, resolver.index.vocab)
            found = dict(scan.slots)
            # (with a supplier named, the words left only say how: 'pieces from', 'holding')
            if (words := content_words(strip_fillers(scan.rest))) and "supplier" not in slots:
                found["product"] = " ".join(words)
        slots.update(found)
    return slots


def _named_style(rest: str, resolver: Resolver, slots: dict[str, str], *, several: bool) -> None:
    """A style the question names by its name, as the code it would be written with: 'Thea
    rings' is ST0003 (every Thea ring), 'K黄的Thea 5号戒指' ST0003-Au750Y-5, white Thea rings
    ST0003-Au750W (`CatalogueIndex.style_sku`). Several styles of one name ('Pia cufflinks')
    are kept as styles where the question may name several (`several`: a count, a place)."""
    styles, attributes = _named_styles(rest, resolver)
    if styles:  # what the goods are made of stays said ('18K white gold Thea rings')
        for slot in GOODS:
            if slot in attributes:
                slots.setdefault(slot, attributes[slot])
    if len(styles) == 1:
        slots["sku"] = resolver.index.style_sku(styles[0].code, attributes)
    elif styles and several:
        slots["style"] = ",".join(s.code for s in styles)
        slots["product"] = styles[0].name.split()[0].lower()


def _named_styles(text: str, resolver: Resolver) -> tuple[list[StyleEntry], dict[str, str]]:
    """The styles ``text`` names by their names (`ProductIndex.named`; a person's first name
    is taken) and the attributes it gives them."""
    attributes = scan_attributes(text, resolver.index.vocab).slots
    return resolver.products.named(text, attributes.get("category"),
                                   taken=resolver.index.first_names), attributes


def named_sku(text: str, resolver: Resolver) -> str | None:
    """The one SKU ``text`` names by its style's name and attributes ('ten of the Thea 18 carat
    yellow, size 6' -> 'ST0003-Au750Y-6'), or None (no style, several, or several SKUs)."""
    styles, attributes = _named_styles(text, resolver)
    code = resolver.index.style_sku(styles[0].code, attributes) if len(styles) == 1 else None
    return code if code is not None and resolver.index.sku(code) == code else None


_SCANNED = frozenset({"location", "supplier", "metal", "purity", "colour"})
# 'I' who only asks ('I need to know ...', "I'd like ...") is not the person asked about.
# So is the 'me' who is told or shown the answer ('could you tell me', 'show me', 'let me know').
_ASKER = re.compile(r"(?<![\w'])i(?:'d| would)?\s+(?:need|want|like|wonder|wanna|have to|must"
                    r"|was wondering|am (?:looking|trying)|'m (?:looking|trying))\b"
                    r"|\b(?:tell|show|give|get|send|find|let|help|remind|bring)\s+me\b")
# The Chinese asker ('帮我查一下', '给我看看', '俾我睇', '我想看看') and 'we' ('我们的损耗率')
# name nobody; '我拣了多少' names me.
_ASKER_ZH = re.compile(r"(?:帮|幫|给|給|俾|畀|告诉|告訴|替|让|讓|同|话|話)我|我们|我們|我哋"
                       r"|我(?:想|要|需要)(?:看|知道|查|了解|睇)")


def _person(rest: str, phrases: list[str], resolver: Resolver) -> str | None:
    """The person a question names: someone by name before 'me' ('I need to know how many
    lines picker2 did'), and not the 'I' who only asks."""
    me = None
    for phrase in phrases:
        if (found := resolver.resolve("person", phrase)) is None:
            continue
        if not strip_fillers(phrase) and normalise_text(phrase) not in _ME_WORDS \
                and _role_not_name(phrase, rest):
            continue  # 'picker performance', 'error rate per picker': the role, no one
        if normalise_text(phrase) not in _ME_WORDS:
            return found["person"]
        me = me or found["person"]
    if me is not None and _ASKER.search(rest):  # 'I need to know ...': does 'me' stay?
        left = _ASKER.sub(" ", rest)
        if not any(word in _ME_WORDS for word in re.findall(r"[\w']+", left)):
            return None
    return me


_ME_WORDS = frozenset({"me", "i", "myself", "my", "mine", "我", "我自己"})
# After a role word, these report nouns make it the role ('picker performance', 'picker
# error rate'), not a user's name.
_ROLE_NOUNS = frozenset({"performance", "error", "errors", "rate", "rates", "productivity",
                         "stats", "statistics", "speed", "accuracy", "leaderboard", "ranking",
                         "rankings", "kpi", "kpis", "output", "score", "scores", "league"})


def _role_not_name(phrase: str, rest: str) -> bool:
    """Whether a one-word phrase (a username that is a role word) stands for the role in
    ``rest``: before a report noun or after 'per', 'each', 'which'...."""
    words = re.findall(r"[\w']+", rest.lower())
    word = phrase.lower()
    for n, each in enumerate(words):
        if each != word:
            continue
        if (n + 1 < len(words) and words[n + 1] in _ROLE_NOUNS) or (
                n and words[n - 1] in _ROLE_BEFORE):
            return True
    squeezed = normalise_text(rest)
    return any(_ROLE_BEFORE_ZH.search(squeezed[: m.start()])
               for m in re.finditer(re.escape(word), squeezed))


def _kind_places(index: CatalogueIndex) -> frozenset[str]:
    """The code prefixes that words for a kind of place stand for ('vault' -> 'V04')."""
    return frozenset(code for kind in set(KIND_WORDS.values())
                     if (code := index.kind_prefix(kind)) is not None)
# Before a role word, these make it the role ('the picker', 'which picker'), not a user's name.
_ROLE_BEFORE = frozenset({"the", "a", "an", "which", "what", "each", "every", "per", "any", "our",
                          "my", "your", "their", "top", "best", "worst", "fastest", "slowest",
                          "one", "that", "this", "by", "most", "least", "new", "no"})


def bare_username(text: str, index: CatalogueIndex) -> str | None:
    """A username that is also a role word ('picker'), named bare as a person: 'how is picker
    doing', 'for picker,', 'picker's', '上个月picker拣了多少'. Not after a determiner ('the
    picker', 'which picker'), not in the plural, and not before another noun ('picker
    performance')."""
    words = normalise_text(text)
    for name, username in index.people.items():
        if name != username.lower() or strip_fillers(name):  # only role words are ambiguous
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?!['\w-])|"
                                 rf"(?<![a-z0-9-]){re.escape(name)}(?=[\u3400-\u9fff])|"
                                 rf"(?<=[\u3400-\u9fff]){re.escape(name)}(?![a-z0-9-])|"
                                 rf"(?<![\w-]){re.escape(name)}(?='s\b)", words):
            before = words[: match.start()].split()
            after = words[match.end():]
            if _ROLE_BEFORE_ZH.search(words[: match.start()]):
                continue  # '邊個 picker 最勤力', '琴日啲 picker' (which / the pickers)
            cjk = bool(re.match(r"[\u3400-\u9fff]", after)) or bool(
                re.search(r"[\u3400-\u9fff]$", words[: match.start()]))
            if cjk or after.startswith("'s"):
                return username
            if before and before[-1] in _ROLE_BEFORE:
                continue
            following = after.split()[:1]
            if not following or following[0] in _NAME_FOLLOWERS or not following[0][0].isalpha():
                return username
    return None


# In Chinese (read as simplified), these before a role word make it the role: which, every,
# each, all, the plural 些 ('哪个picker', '谁picker', '每个picker', '这些picker').
_ROLE_BEFORE_ZH = re.compile(r"(?:哪个|哪位|哪些|谁|每个|每位|各个|各位|各|些|所有|全部)\s*$")


# After a bare name, these show it is one ('is picker doing', 'for picker, last week').
_NAME_FOLLOWERS = frozenset({"doing", "do", "did", "does", "pick", "picked", "picks", "has",
                             "have", "had", "is", "was", "this", "last", "today", "yesterday",
                             "in", "on", "over", "during", "so", "and", "vs", "versus", "compared",
                             "been", "got", "managed", "made", "handled", "performing",
                             "perform", "performed", "since", "for", "at", "per"})
_ZONE_TOKEN = re.compile(r"(?<![\w-])([a-z]{2,6})(?![\w-])")
# Words for the vault zone, whose code ('VLT') a manager rarely types.
ZONE_WORDS = dict.fromkeys(VAULT_WORDS, "vault")


# Goods moved nearer a place ('move closer to the pack station') are not in its zone.
_NOT_NEAR = "".join(f"(?<!{before} )" for before in (
    "closer to", "closer to the", "nearer", "nearer the", "nearer to", "nearer to the", "near",
    "near the", "next to", "next to the"))
# Words for the warehouse's zones, by what the zone's code abbreviates ('vault' -> 'VLT',
# 'reserve' -> 'RES', 'pick' -> 'PICK', 'operations' -> 'OPS': goods in and out).
_ZONE_NAMES: dict[str, tuple[str, ...]] = {
    "vault": tuple(map(re.escape, VAULT_WORDS)),
    "reserve": (r"reserve (?:zone|area|stock|storage|racks?|bins|side|shelves|stuff|goods|items)",
                r"(?:the|in|from|at|of|for) reserve(?! for\b)", r"overstock", r"bulk storage",
                r"back (?:shelves|shelf|racks?|stock|store)",
                # 'in the back', 'on the back' (not where goods go: 'move to the back')
                r"(?:in|on|at|from) the back(?!\s+(?:of|office|door|end|up|orders?|log)\b)",
                r"reserve(?=(?: pls| please| now)?$)", r"reserve(?= [\u3400-\u9fff])",
                # 'what about reserve, mate?'
                r"(?:what about|how about|and|just|only) reserve(?! for\b)",
                # 'Reserve's looking chocka' (the reserve is), 'the reserve's bins'
                r"reserve's",
                *RESERVE_ZH, "存储区", "后备库", "备用仓", "备货作业", "储备作业", "存储作业",
                *RESERVE_BACK_ZH),
    "pick": (r"pick(?:ing)?[ -]?(?:faces?|area|zone|locations|aisles?|shelves)",
             r"forward pick", *PICK_ZH, "拣选区", "拣货通道", "pick区", "拣货作业", "拣选作业"),
    "operations": (r"goods[ -]in(?: and |/| & )(?:goods[ -])?out", r"goods[ -]in",
                   r"goods[ -]out", r"dispatch(?: area| zone)?", r"shipping (?:area|zone|dock)",
                   r"receiving (?:area|zone|dock|bay)", r"loading (?:bay|dock)", r"docks?",
                   _NOT_NEAR + r"pack(?:ing)? (?:area|desk|bench|station|zone|table|room)",
                   r"(?:in|at|from) (?:the )?(?:packing|receiving)(?! (?:qc|inspection"
                   r"|check|slip|list|error|errors|mistake|mistakes))",
                   r"ops (?:zone|area)", r"operations (?:zone|area)",
                   r"(?:in|at|from|for) (?:the )?(?:ops|operations)(?! (?:manager|team|report))",
                   "收发区", "收发货区", "收货区", "发货区", "码头",
                   "包装区", "打包区", "包装台", "打包台", "装卸区", "出入库区", "ops区", "营运区",
                   "运营区",
                   # a work area (作业区) of another zone is that zone's ('拣货作业区': pick,
                   # matched above); said alone, the writers mean goods in and out (trainE)
                   "作业区"),
}
# '玫瑰金库存' is rose gold's stock (金 + 库存), not the vault (金库).
_GOLD_BEFORE = re.compile(
    r"(?:玫瑰|黄|白|k|足|色|铂|18k|14k|24k)金库存$|(?:玫瑰|黄|白|k|足|铂)金库$")


def zone_slot(text: str, index: CatalogueIndex) -> str | None:
    """The zone code a question names by a word for it ('the vault' -> 'VLT', 'reserve zone'
    -> 'RES', '收发区' -> 'OPS') or by the zone's own code ('the VLT zone'), when the warehouse
    has that zone; None otherwise."""
    words = without_negated(_CJK_EDGE.sub(" ", normalise_text(text)))
    for name, patterns in _ZONE_NAMES.items():
        for pattern in patterns:
            if re.search(r"[\u3400-\u9fff]", pattern):
                at = words.replace(" ", "").find(pattern)
                squeezed = words.replace(" ", "")
                if at < 0 or (pattern == "金库" and _GOLD_BEFORE.search(
                        squeezed[: at + len(pattern) + 1])):
                    continue
            elif re.search(rf"(?<![\w-]){pattern}(?![\w-])", words) is None:
                continue
            code = zone_code(name, index)
            if code != name and code in index.locations.values():
                return code
    for match in _ZONE_TOKEN.finditer(words):
        named = index.location(match.group(1))
        if named is not None and named.isalpha() and match.group(1).upper() == named and \
                re.search(rf"\b{match.group(1)}\s+(?:zone|area)\b|\b(?:zone|area)\s+"
                          rf"{match.group(1)}\b", words):
            return named
    return None


# 'not (in) the vault but the pick zone', '不是金库，是拣货区', '唔係金庫，係 pick zone' (read as
# '不是金库 是 pick zone'): the place set aside before 'but' / '是' is not asked about.
_NEGATED = re.compile(
    r"(?<![\w-])not\s+(?:in\s+|at\s+|from\s+|for\s+)?(?:the\s+)?[\w-]+(?:\s+[\w-]+)?\s+"
    r"(?:but|rather)(?![\w-])|(?<!是)(?:不是|不在)\s*[\u3400-\u9fffa-z0-9-]{1,6}?\s*(?:而是|是|在)")


def without_negated(words: str) -> str:
    """Normalised words without the place a question sets aside ('not the vault but ...',
    'not in the vault', '金库以外')."""
    return _OUTSIDE.sub(" ", _NEGATED.sub(" ", words))


# A place a question leaves out ('how many bangles not in the vault', 'outside the pick zone',
# 'excluding aisle A', '不在金库的手镯', '金库以外'): a word for a zone or a location code.
_PLACE = (r"(?:vault|strong ?room|safe room|reserve(?: zone| area)?"
          r"|pick(?:ing)? ?(?:faces?|zone|area)|quarantine|docks?"
          r"|(?:aisle|zone|bay|bin|rack|area)\s+[a-z0-9-]+|[a-z]\d{2}(?:-\d{2})*)")
_PLACE_ZH = r"(?:金库|保险库|保险柜|备货区|储备区|预备区|后备区|拣货区|拣货位|质检区|隔离区)"
_OUTSIDE = re.compile(
    rf"(?<![\w-])(?:not\s+(?:in|at|from|inside)|outside(?:\s+of)?|excluding|except(?:\s+for)?"
    rf"|apart\s+from|other\s+than|besides|but\s+not(?:\s+in)?)\s+(?:the\s+|our\s+)?"
    rf"({_PLACE})(?![\w-])(?!\s+(?:but|rather)\b)"
    rf"|(?:不在|除了|除)\s*({_PLACE_ZH}|[a-z]\d{{2}}(?:-\d{{2}})*)(?:以外|之外|外)?"
    rf"|({_PLACE_ZH}|[a-z]\d{{2}}(?:-\d{{2}})*)\s*(?:以外|之外)")


def outside_place(words: str, index: CatalogueIndex) -> str | None:
    """The location code (or prefix) of the place normalised ``words`` leave out ('not in
    the vault' -> 'V04'), when the warehouse has it; None otherwise."""
    for match in _OUTSIDE.finditer(without_negated_but(words)):
        phrase = next(g for g in match.groups() if g)
        place, rest = find_location(phrase, index)
        if place is None and (named := index.location_prefix(phrase.replace(" ", ""))):
            place, rest = named, ""
        if place is not None and only_fillers(rest):
            return place
    return None


def without_negated_but(words: str) -> str:
    """Words without 'not X but Y' (where X is set aside and Y asked about)."""
    return _NEGATED.sub(" ", words)


def camera_zone(text: str, index: CatalogueIndex) -> str | None:
    """The camera zone a question names: a zone's code ('VLT'), or a word for one ('the vault'),
    given as the code of the zone that abbreviates it when the warehouse has one ('vault' ->
    'VLT'), else as the word."""
    for match in _ZONE_TOKEN.finditer(text):
        code = index.location(match.group(1))
        if code is not None and code.isalpha():
            return code
    for word, zone in ZONE_WORDS.items():
        if word in text:
            return zone_code(zone, index)
    return None


def zone_code(word: str, index: CatalogueIndex) -> str:
    """The one zone code (letters only) that abbreviates ``word`` ('vault' -> 'VLT'), or
    ``word`` itself when none or several do."""
    found = {c for c in index.locations.values() if c.isalpha() and abbreviates(c, word)}
    return found.pop() if len(found) == 1 else word


def abbreviates(short: str, word: str) -> bool:
    """Whether ``short`` is ``word`` shortened: its first letter, then others in order ('VLT'
    of 'vault', 'RES' of 'reserve'); case is ignored."""
    short, word = short.lower(), word.lower()
    if not short or not word or short[0] != word[0] or len(short) > len(word):
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in short[1:])


def zone_matches(asked: str, zone: str) -> bool:
    """Whether an alert's camera zone is the one asked for: by code, part of it, or one being
    the other shortened ('VLT' and 'vault')."""
    asked, zone = asked.lower(), zone.lower()
    if asked == "vault" and zone == "v":
        return True
    return asked == zone or asked in zone or abbreviates(asked, zone) or abbreviates(zone, asked)


def order_reference(text: str, index: CatalogueIndex) -> str | None:
    """The order a reference written with its dashes names ('web-261125-06272'), or None.

    Such a reference also has a serial's shape (letters, then digits), so it is checked first;
    a lot or SKU code of the same shape stays what the catalogue says it is.
    """
    if not _CODE_SPANS[0].fullmatch(text.strip().lower()):
        return None
    if index.lot(text) is not None or index.sku(text) is not None:
        return None
    return index.order(text)


def _codes(rest: str, resolver: Resolver, slots: dict[str, str]) -> str:
    converted = spelt_codes(written_orders(spoken_to_code_spans(rest)), resolver.index)
    for pattern in _CODE_SPANS:
        for match in pattern.finditer(converted):
            order = order_reference(match.group(), resolver.index)
            found = {"order": order} if order else resolver.resolve("code", match.group())
            if found is None and (lot := unknown_lot(match.group(),
                                                     converted[: match.start()])) is not None:
                found = {"lot": lot}  # a mistyped lot ('G-9999'): the answer says not found
            if found is None and (order := resolver.index.order(match.group())):
                found = {"order": order} if not order.isdigit() or "order" in rest else None
            if found is None and (order := named_order(match.group(),
                                                       converted[: match.start()])):
                found = {"order": order}  # 'who picked order W-1042': the answer says not found
            if found:
                slots.update({k: v for k, v in found.items() if k not in slots})
                converted = converted.replace(match.group(), " ")
    return converted


# An order reference written with spaces ('mar 261125 08461'), as the warehouse writes it (also
# against Chinese: '那个bou 261125 35830的订单').
_SPACED_ORDER = re.compile(r"(?<![a-z0-9-])([a-z]{2,4})\s(\d{6})\s(\d{3,6})(?![a-z0-9-])")
# Words that say the code after them is an order's ('order W-1042', '订单 W-1042').
_ORDER_BEFORE = re.compile(r"(?:\border\s*(?:no\.?|number|#|ref(?:erence)?)?|订单|单号)\s*$")


def written_orders(text: str) -> str:
    """``text`` with each order reference written with spaces joined by dashes."""
    return _SPACED_ORDER.sub(r"\1-\2-\3", text)


def named_order(token: str, before: str) -> str | None:
    """A code the words ``before`` it name as an order's ('order W-1042'), in upper case, when
    it has letters and digits (an order of ours or not: the answer says which); else None."""
    token = token.strip()
    if not (re.search(r"[a-z]", token, re.IGNORECASE) and re.search(r"\d", token)):
        return None
    return token.upper() if _ORDER_BEFORE.search(normalise_text(before)) else None


# A lot's shape (a letter, a dash, four digits: 'G-9999', 'g9999', 'g 9999'), as the demo's and
# the warehouse's lots are written.
_LOT_SHAPE = re.compile(r"[a-z][\s-]?\d{4}")
# Words that make a code of that shape something else ('order W-1042', 'bin A-0102').
_NOT_LOT_WORDS = re.compile(r"(?:\b(?:order|bin|aisle|rack|shelf|po|sku|serial)|订单|单号)"
                            r"\s*(?:no\.?|number|#)?\s*$")


def unknown_lot(token: str, before: str) -> str | None:
    """A code shaped like a lot that is none of ours ('G-9999'), as a lot in upper case, when
    the words ``before`` it do not say it is another kind of code ('order W-1042'); None
    otherwise."""
    token = normalise_text(token)
    if not _LOT_SHAPE.fullmatch(token) or _NOT_LOT_WORDS.search(normalise_text(before)):
        return None
    return f"{token[0].upper()}-{token[-4:]}"


# A lot written as the warehouse writes it ('G-2311', 'g 2311', 'g2311', spelt out).
_LOT_TOKEN = re.compile(r"(?<![\w-])[a-z][\s-]?\d{4}(?![\w-])")


# A lot written apart or run together ('g 8078', 'G2311'), as 'g-8078'.
_WRITTEN_LOT = re.compile(r"(?<![\w-])([a-z])\s?(\d{4})(?![\w-])", re.IGNORECASE)


def written_lots(text: str) -> str:
    """``text`` with each lot written apart or run together ('hold lot g 8078', 'G 二一二八'
    once read as 'g 2128', 'g8078') written as the warehouse writes it, in lower case
    ('g-8078'); the one way the chat's report questions and actions read a lot."""
    return _WRITTEN_LOT.sub(lambda m: f"{m[1].lower()}-{m[2]}", text)


def _lot(rest: str, index: CatalogueIndex, slots: dict[str, str]) -> str:
    """The lot a report question names (ours, or one shaped like a lot that is none of ours:
    the answer says it is not found); the text without it."""
    converted = written_lots(spoken_to_code_spans(spoken_codes_to_text(rest)))
    for match in _LOT_TOKEN.finditer(converted):
        lot = index.lot(match.group()) or unknown_lot(match.group(), converted[: match.start()])
        if lot is not None:
            slots["lot"] = lot
            return converted[: match.start()] + " " + converted[match.end():]
    return rest


def _order(rest: str, index: CatalogueIndex, slots: dict[str, str]) -> str:
    """The order a report question names, by its reference ('WEB-261125-56426', written with
    spaces too) or as an order ('order W-1042'); the text without it."""
    converted = written_orders(rest)
    for match in _CODE_SPANS[0].finditer(converted):
        if (order := order_reference(match.group(), index)) is not None:
            slots["order"] = order
            return converted[: match.start()] + " " + converted[match.end():]
    for match in _CODE_SPANS[2].finditer(converted):
        if (order := named_order(match.group(), converted[: match.start()])) is not None:
            slots["order"] = order
            return converted[: match.start()] + " " + converted[match.end():]
    return rest


_SKU_TOKEN = re.compile(r"(?<![\w-])[a-z]{1,4}\d{2,}(?:-[a-z0-9]+)*(?![\w-])")


def _sku(rest: str, index: CatalogueIndex, slots: dict[str, str]) -> str:
    """A SKU code (or the start of some, cut at a dash: 'ST0007-S925W') written in a report
    question; the text without it."""
    rest = spelt_codes(rest, index)  # 'st0015 pt950w 40cm'
    for match in _SKU_TOKEN.finditer(rest):
        if (sku := index.sku_prefix(match.group())) is not None:
            slots["sku"] = sku
            return rest[: match.start()] + " " + rest[match.end():]
    return rest


def spoken_codes_to_text(text: str) -> str:
    """Spelled-out codes written as codes ('golf two three one one' -> 'G2311')."""
    return _CODE_SPANS[1].sub(lambda m: spoken_to_code(m.group()) + " ", text).strip()


# A part of a code said or typed apart: a letter or up to four, a letter's radio word, a digit
# said as a word, 'dash', or a run with a digit ('fc 000 0001', 'st0015 pt950w 40cm').
_DIGIT_WORDS = frozenset(SPOKEN_DIGITS)
_LETTERS = re.compile(r"[a-z]{1,4}")
_WITH_DIGIT = re.compile(r"[a-z0-9-]*\d[a-z0-9-]*")
_LONGEST_SPELT = 10
# Short English words that come before a number ('of 12 pieces', 'to 5'): joined to the
# digits they look like a serial ('OF99999'), so they start only a code the catalogue knows.
_WORDS_BEFORE_NUMBERS = frozenset({
    "of", "to", "in", "on", "at", "by", "for", "from", "with", "is", "are", "was", "be", "and",
    "or", "the", "per", "all", "any", "me", "my", "us", "we", "it", "its", "qty", "make", "only",
})


def _code_part(token: str) -> bool:
    return token in _DIGIT_WORDS or token in NATO or token == "dash" \
        or _WITH_DIGIT.fullmatch(token) is not None or _LETTERS.fullmatch(token) is not None


def _starts_code(tokens: list[str], at: int) -> bool:
    """Whether a code said apart may start at ``tokens[at]``: a single letter or its radio word,
    a run with a digit, or a few letters right before digits ('fc 000 0001'; not 'is fc ...')."""
    token = tokens[at]
    if len(token) == 1 and token.isalpha() or token in NATO or _WITH_DIGIT.fullmatch(token):
        return True
    following = tokens[at + 1] if at + 1 < len(tokens) else ""
    return _LETTERS.fullmatch(token) is not None and (
        following in _DIGIT_WORDS or following[:1].isdigit())


# A run of Latin letters and digits written against Chinese ('412的历史', '02那个位置').
_LATIN_THEN_CJK = re.compile(r"([a-z0-9-]+)(?=[\u3400-\u9fff])")


def _bay(window: list[str], index: CatalogueIndex) -> dict[str, str] | None:
    """A bay typed with a space for its dash ('a01 02' -> A01-02), when bins start with it."""
    if len(window) != 2 or not all(re.fullmatch(r"[a-z]{1,3}\d{1,3}|\d{1,3}", t) for t in window):
        return None
    bay = "-".join(window).upper()
    return {"location": bay} if index.location_prefix(bay) == bay else None


def spelt_codes(text: str, index: CatalogueIndex) -> str:
    """Normalised ``text`` with each code said or typed in parts written as one, when the
    catalogue knows it (or it has a serial's shape): 'f c zero zero zero zero one two three' ->
    'fc0000123', 'fc 000 0001' -> 'fc0000001', 'st0015 pt950w 40cm' -> 'st0015-pt950w-40cm',
    'aisle a zero two' -> 'aisle a02', 'fc 0000 412的历史' -> 'fc0000412的历史', a bay 'a01 02' ->
    'a01-02'. The longest such run from the left is taken."""
    # the code's last part may be written against the Chinese after it: a token of its own,
    # written back without a space (marked by a leading NUL)
    tokens = _LATIN_THEN_CJK.sub("\\1 \x00", text).split()
    out: list[str] = []
    at = 0
    while at < len(tokens):
        found = None
        if _code_part(tokens[at]) and _starts_code(tokens, at):
            end = at + 1
            while end < len(tokens) and end - at < _LONGEST_SPELT and _code_part(tokens[end]):
                end += 1
            for stop in range(end, at + 1, -1):
                window = tokens[at:stop]
                if not any(t in _DIGIT_WORDS or any(c.isdigit() for c in t) for t in window):
                    continue
                code = index.any_code(spoken_to_code(" ".join(window))) \
                    or _bay(window, index)
                if code is not None and "serial" in code and window[-1] in _DIGIT_WORDS \
                        and _known_code_before(tokens[at:stop - 1], index):
                    continue  # 'lot G-5921 oh': the lot, and a spoken ending, not a serial
                if code is not None and not ("serial" in code
                                             and window[0] in _WORDS_BEFORE_NUMBERS):
                    found = (stop, next(iter(code.values())).lower())
                    break
        if found is None:
            out.append(tokens[at])
            at += 1
        else:
            out.append(found[1])
            at = found[0]
    return " ".join(out).replace(" \x00", "").replace("\x00", "")


def _known_code_before(window: list[str], index: CatalogueIndex) -> bool:
    """Whether ``window`` (a spoken code's parts but its last) is a lot, SKU or place the
    catalogue knows, so that a digit word after it is no part of it."""
    code = index.any_code(spoken_to_code(" ".join(window))) if window else None
    return code is not None and "serial" not in code


def spoken_to_code_spans(text: str) -> str:
    """Chinese digit runs as Arabic digits, so that '批次二三一一' shows its code."""
    return re.sub(r"[零〇一二三四五六七八九]{3,}",
                  lambda m: spoken_to_code(m.group()), text)
