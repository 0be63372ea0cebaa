"""Slots only actions use, scanned out of the question: how many, which alert, which camera
zone, why, and the goods or supplier of a purchase order.

The recogniser fills the code slots (lot, order, location, supplier); this adds the rest and
takes the item an action refers to ("two of these") from the conversation's last question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.entities.attributes import scan_attributes
from assistant.entities.catalogue import CatalogueIndex
from assistant.entities.codes import WORDS_OF_ADDRESS, normalise_text
from assistant.entities.numbers import NUMBERS as _NUMBERS
from assistant.entities.numbers import alert_number
from assistant.entities.numbers import zh_number as _zh_number
from assistant.entities.resolve import (
    Resolver,
    camera_zone,
    named_order,
    named_sku,
    order_reference,
    spelt_codes,
    spoken_codes_to_text,
    unknown_lot,
    written_lots,
    written_orders,
    zone_code,
    zone_slot,
)

__all__ = ["action_slots", "changed_quantity", "without_reason"]

# A count of goods ('40件'); one of a document is none ('做一个草稿采购单', '开一个盘点单').
_ZH_COUNT = re.compile(r"(十[一二三四五六七八九]?|[一两二三四五六七八九]十?[一二三四五六七八九]?"
                       r"|\d+)\s*(?:个|件|只|枚|条|对|套|颗)"
                       r"(?!\s*(?:新的?|草稿|采购|盘点|订货|补货)*\s*(?:单|po|订单|草稿))")
# '6 x ST0003-...', 'x6', '1x': a count written with a times sign.
_TIMES = re.compile(r"(?<![\w-])(?:x\s?(\d{1,5})|(\d{1,5})\s?x)(?![\w-])")
_EN_COUNT = re.compile(
    r"(?<![\w-])(\d+|" + "|".join(sorted((w for w in _NUMBERS if w.isascii()), key=len,
                                             reverse=True)) + r")(?![\w-])")
_CJK_EDGE = re.compile(r"(?<=[\u3400-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u3400-\u9fff])")
_ZONE_BEFORE = re.compile(r"(?:the\s+)?([a-z][a-z0-9_-]*)\s+(?:zone\s+)?(?:alert|alarm)")
_ZONE_AFTER = re.compile(r"(?:in|at|from|of)\s+(?:the\s+)?([a-z][a-z0-9_-]*)(?:\s+zone|\s*$)")
# Camera zones by their Chinese words (the vault's are read first, by camera_zone).
_ZONE_WORDS = {"码头": "dock", "包装": "packing", "收货": "receiving", "入口": "entrance"}
_NOT_ZONES = frozenset({"the", "a", "an", "this", "that", "latest", "last", "newest", "open",
                        "camera", "new", "recent", "current", "acknowledge", "ack", "false",
                        "it"})
_REASON = re.compile(
    r"(?:\bbecause(?:\s+of)?|\breason(?:\s+is)?:?|\bdue\s+to|\bsince"
    r"|\bas(?=\s+(?:the|it|its|they|there|we|a|our)\b)|因为|原因是|原因[:：]?|由于)\s*(.+)$")
_CLAUSE = re.compile(r"[,;，；]")
# A first clause that only agrees or leads in ('ok, recall it') gives no reason.
_ASIDE = re.compile(
    r"(?:ok|okay|yes|yeah|right|fine|alright|then|so|well|now|好|好的|行|那|那就|嗯"
    # or a word of address alone ('Sayama, please put lot G-1068 on hold, the clasp is loose')
    rf"|{'|'.join(map(re.escape, WORDS_OF_ADDRESS))})")
# A clause that is only politeness ('please?', 'thanks', '谢谢', '麻烦了') gives no reason.
_POLITE = re.compile(
    r"(?:(?:and|ok|okay|then|now|if you can|if you could|when you can|asap|mate|cheers|ta"
    r"|thanks?(?: you)?|thank you(?: very much)?|many thanks|pls|plz|please|kindly"
    r"|谢谢|谢了|多谢|唔该|麻烦(?:你|您)?了?|辛苦(?:你|您)?了|请|吧|啦|了|呀|哦)[\s.,!?。！？~]*)+")
# A clause that only repeats the command ('acknowledge it', 'do it now', '帮我确认一下吧',
# '马上召回', '马上给办了') is no reason either; politeness before a reason is not part of it.
_COMMAND = re.compile(
    r"(?:(?:you can|go ahead and|just|please|pls|then|now|so|ok|okay)\s+)*"
    r"(?:acknowledge|ack|release|unblock|unfreeze|hold|freeze|recall|do|start|confirm|clear"
    r"|close|sign|mark|lift|put|execute|run)(?:\s+(?:it|that|this|them|the hold|on hold|off"
    r"|as seen|now|please|again|asap|right away|to stock))*"
    r"|(?:帮我|请|马上|立即|立刻|即刻|赶紧|就|可以|先|给)*(?:确认|召回|启动召回|执行召回|执行|冻结"
    r"|解冻|解除冻结|释放|放行|扣住|扣起来|hold住|挂起|销掉|消掉|标记已处理|标记一下|签收|处理"
    r"|给办|办|弄|搞|整)(?:掉|吧|了|一下|佢|他|它|起来)*")
# Words of an action on a lot or alert: a clause holding one is no reason for it.
_ACTION_WORD = re.compile(
    r"\b(?:hold|freez|releas|recall|pull|acknowledg|ack|unblock|lift|quarantin|block|stop)\w*"
    r"|冻结|放行|召回|确认|扣|撤|解冻|释放|下架|隔离|锁定|暂停|追回|收回|停止|不要|别")
# What names a lot or alert without saying why ('批次', 'lot', 'alert 3'): no reason alone.
_NAMING = re.compile(r"\b(?:lot|batch|alert|alarm|number|no)\b|批次|批|告警|报警|警报|号|\d+")
_LEADING_POLITE = re.compile(r"^(?:(?:please|pls|thanks|thank you|谢谢|麻烦你?)[\s?.!,:;-]*)+")
_N = r"(\d{1,3}|[一二两三四五六七八九十]|one|two|three|four|five|six|seven|eight|nine|ten)"
_AISLE = re.compile(rf"(?:aisle|通道|过道)\s*{_N}(?![\da-z])|第?{_N}\s*号?\s*(?:通道|过道)")
_LOCATION_CODE = re.compile(r"(?<![\w-])[a-z]\d{2}(?:-\d{2}(?:-\d[lr]?)?)?(?![\w-])")
_THESE = re.compile(r"\b(these|those|them|it|this one|that one)\b|这些|这个|它们|那些")
_ITEM_SLOTS = ("sku", "serial", "lot", "style", "product")
_CODE_SLOTS = ("lot", "serial", "sku", "order", "location")
_CODE_TOKEN = re.compile(r"(?<![a-z0-9-])[a-z0-9][a-z0-9-]*\d[a-z0-9-]*(?![a-z0-9-])")


def action_slots(
    intent: str, text: str, slots: Mapping[str, str], resolver: Resolver,
    previous: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """``slots`` with the action-only slots of ``intent`` scanned out of ``text`` (and its
    codes, when the similarity tier matched it and left them out)."""
    index = resolver.index
    # codes said or typed in parts are one ('st0003 au750w 9': its size is no quantity)
    words = spelt_codes(written_orders(_CJK_EDGE.sub(" ", normalise_text(text))), index)
    found = dict(slots)
    if not any(k in found for k in _CODE_SLOTS):
        _codes(words, found, resolver)
    if intent in _WITH_REASON:
        words = _reason(text, words, found)
    if intent in _LOT_ACTIONS and "lot" not in found and (previous or {}).get("lot"):
        found["lot"] = str((previous or {})["lot"])  # 'ok, recall it' after a recall preview
    if intent == "reserve_for_order":
        if "order" not in found and (lot := found.get("lot")) and index.lot(lot) is None:
            found["order"] = found.pop("lot")  # '给W-1042留两件': no lot of ours, the order
        _reserve(words, found, previous or {})
    elif intent == "start_cycle_count":
        _location(words, found, index)
        _assignee(words, found, index)
    elif intent == "acknowledge_alert":
        _alert(words, found, index)
    elif intent == "draft_purchase_order":
        _purchase(words, found, index)
        if "sku" not in found and (named := named_sku(words, resolver)) is not None:
            found["sku"] = named  # 'ten of the Thea 18 carat yellow, size 6'
        if "supplier" not in found and (previous or {}).get("supplier"):
            found["supplier"] = str((previous or {})["supplier"])  # after reorder advice
        if "supplier" in found or "sku" in found:
            found.pop("source", None)  # the advice of the supplier or SKU named
        if (count := _quantity(words)) is not None:
            found.setdefault("quantity", str(count))
    return found


_PO_GOODS = ("category", "metal", "colour", "purity")
# A draft purchase order asked from the reorder advice ('draft a PO from reorder advice', 'PO
# draft per reorder adv', '按补货建议下个采购草稿单'): without a supplier it goes to the one whose
# advice proposes the most (assistant/actions/stock.py); traditional characters too ('按補貨建議').
_FROM_ADVICE = re.compile(r"(?<![a-z])(?:advice|adv|advised|suggest(?:ion|ions|ed|s)?|"
                          r"recommend(?:ation|ations|ed|s)?)(?![a-z])|建[议議]|推[荐薦]")
_WITH_REASON = frozenset({"hold_lot", "release_lot", "recall_lot", "acknowledge_alert"})
# Actions on one lot: named by the question, else the lot of the question before.
_LOT_ACTIONS = frozenset({"hold_lot", "release_lot", "recall_lot"})


def without_reason(text: str) -> list[str]:
    """The question read without its reason: before 'because ...', or each of two clauses
    ('QC passed, release lot G-2311'), so an action's templates match it; [] when there is
    no reason to take out."""
    found = []
    words = normalise_text(text)
    if (reason := _REASON.search(words)) is not None and reason.start():
        found.append(words[: reason.start()].strip())
    text = without_aside(text)
    clauses = [c.strip() for c in _CLAUSE.split(text, maxsplit=1)]
    if len(clauses) == 2 and all(clauses):
        found.extend(clauses)
    return found


def _reason(text: str, words: str, found: dict[str, str]) -> str:
    """The reason a question gives ('... because X', or the clause without the action: 'QC
    passed, release lot G-2311'); returns the words left to scan."""
    if (reason := _REASON.search(words)) is not None:
        found.setdefault("reason", reason.group(1).strip())
        return words[: reason.start()]
    clauses = [c.strip() for c in _CLAUSE.split(without_aside(text), maxsplit=1)]
    if len(clauses) == 2 and all(clauses) and not _ASIDE.fullmatch(normalise_text(clauses[0])):
        codes = [v.lower() for k, v in found.items() if k in _CODE_SLOTS]
        command = 1 if any(c in normalise_text(clauses[1]) for c in codes) else 0
        given = _given_reason(clauses[1 - command])
        other = _without_codes(clauses[command], codes)
        if given is None and _COMMAND.fullmatch(_bare(clauses[1 - command])) \
                and not _ACTION_WORD.search(other) and _given_reason(other) is not None \
                and _NAMING.sub(" ", other).strip():
            given = clauses[command]  # 'the dock alert is fine, acknowledge it'
        if given is not None:
            found.setdefault("reason", given)
    return words


def without_aside(text: str) -> str:
    """``text`` without a first clause that only agrees or leads in ('ok, recall it, purity
    deviation' -> 'recall it, purity deviation'), when more than one clause follows it."""
    clauses = _CLAUSE.split(text, maxsplit=1)
    if len(clauses) == 2 and _ASIDE.fullmatch(normalise_text(clauses[0]).strip()) \
            and _CLAUSE.search(clauses[1]):
        return clauses[1].strip()
    return text


def _without_codes(clause: str, codes: list[str]) -> str:
    """A clause without the codes it names ('G-9106检查完了' -> '检查完了')."""
    words = normalise_text(clause)
    for code in codes:
        words = words.replace(code, " ")
    return words


def _given_reason(clause: str) -> str | None:
    """A clause as the reason it gives, without politeness before it ('please - the assay
    came back wrong'); None when it is only politeness or repeats the command."""
    clause = _LEADING_POLITE.sub("", clause.strip()).strip()
    bare = _bare(clause)
    if not bare or _POLITE.fullmatch(bare) or _COMMAND.fullmatch(bare):
        return None
    return clause


def _bare(clause: str) -> str:
    """A clause normalised, without the politeness before it and the punctuation after it."""
    clause = _LEADING_POLITE.sub("", clause.strip())
    return re.sub(r"[\s.,!?;:~。，！？；：-]+$", "", normalise_text(clause)).strip()


def _codes(words: str, found: dict[str, str], resolver: Resolver) -> None:
    """Lot, serial, SKU, order and location codes written in the question, spelt out ('G two
    one two eight') or spaced ('g 8078') too; a lot-shaped code that is none of ours ('recall
    G-9999') is a lot, which the action then says it cannot find."""
    words = written_orders(written_lots(spoken_codes_to_text(words)))
    for match in _CODE_TOKEN.finditer(words):
        token = match.group()
        if token.isdigit():
            continue  # a quantity or an alert number, not a code
        order = order_reference(token, resolver.index)
        code = {"order": order} if order else resolver.resolve("code", token)
        if code is None and (lot := unknown_lot(token, words[: match.start()])) is not None:
            code = {"lot": lot}
        if code is None and (order := named_order(token, words[: match.start()])):
            code = {"order": order}  # 'reserve for order W-1042': the plan says not found
        if code is None and (sku := unknown_sku(token)) is not None:
            code = {"sku": sku}  # 'draft PO for ST0099-Au750Y': the plan says not found
        for key, value in (code or {}).items():
            found.setdefault(key, value)


# A SKU's shape (style, metal and purity with its colour, maybe a size: 'st0099-au750y-7').
_SKU_SHAPE = re.compile(r"([a-z]{2}\d{3,})-((?:au|pt|s)\d{3})([a-z]?)((?:-[a-z0-9]+)?)")


def unknown_sku(token: str) -> str | None:
    """A code shaped like a SKU ('st0099-au750y') written as the catalogue writes SKUs
    ('ST0099-Au750Y'), for one that is none of ours; None for other tokens."""
    if (m := _SKU_SHAPE.fullmatch(token.lower())) is None:
        return None
    size = m[4][1:]
    size = size.upper() if size.isalpha() and len(size) <= 2 else size
    return f"{m[1].upper()}-{m[2].capitalize()}{m[3].upper()}" + (f"-{size}" if size else "")


def _reserve(words: str, found: dict[str, str], previous: Mapping[str, str]) -> None:
    """The quantity, and the item of the last question when this one says 'these'."""
    rest = words
    for value in found.values():
        rest = rest.replace(value.lower(), " ")
    if "quantity" not in found and (count := _quantity(rest)) is not None:
        found["quantity"] = str(count)
    if not any(k in found for k in _ITEM_SLOTS) and _THESE.search(words):
        found.update({k: v for k, v in previous.items() if k in _ITEM_SLOTS})


# A reply that changes a waiting action's quantity ('no, make it 10', '唔係，改做40件', '改成40件',
# '25件就够了'):
# the action is stated again with that quantity (a draft from the advice then refuses it).
_CHANGE = re.compile(
    r"^(?:(?:no|nah|nope|actually|wait|不是|不对|不|唔係|唔系|唔是)\s*)?"
    r"(?:(?:make|change|set|put) (?:it|that|the quantity|the qty) (?:to |at )?|change to |"
    r"make that |改成|改做|改为|改|换成|要)\s*\S+?\s*(?:pcs|pieces|pc|units)?"
    r"(?:\s*(?:instead|only))?(?:\s*(?:cheers|thanks|thank you|thx|ta|please|pls|mate))*$"
    # fewer, said as enough ('不用那么多 25件就够了', Hakka '毋爱恁多，20只就够', 'too many, 25 will
    # do', 'just 25 is enough')
    r"|^(?:(?:不用|不要|毋爱|用不了|不需要)(?:那么|这么|恁)?多了?\s*)?\S+?\s*(?:就够了?|就行了?"
    r"|就好了?|就可以了?)$"
    r"|^(?:(?:that's |thats |it's |its )?too (?:many|much)\s*)?(?:just |only )?\S+?"
    r"(?: pcs| pieces| units)? (?:is enough|is plenty|will do|would do)$")


def changed_quantity(text: str) -> str | None:
    """The quantity a reply changes a waiting action to ('no, make it 10' -> '10'), or None
    when the reply is not only that."""
    words = normalise_text(text)
    if not _CHANGE.match(words):
        return None
    count = _quantity(words)
    return str(count) if count is not None else None


def _quantity(words: str) -> int | None:
    # a code said digit by digit is no quantity ('order b o u dash two six one one ...')
    words = spoken_codes_to_text(words)
    if (zh := _ZH_COUNT.search(words)) is not None:
        return _zh_number(zh.group(1))
    if (times := _TIMES.search(words)) is not None:
        return int(times.group(1) or times.group(2))
    # an order's number is no quantity ('order 1042', 'order W-1042'; 'order 4 more' is one)
    rest = re.sub(r"\border\s+(?:no\.?\s*|number\s+|#\s*)?(?=\S*[a-z-]|\d{3,})\S+", " ", words)
    # 'one' naming a thing already said is no count ('the wholesale one', 'that one')
    rest = re.sub(r"\b(?:the|that|this)\s+(?:[a-z]+\s+)?one\b", " ", rest)
    for match in _EN_COUNT.finditer(rest):
        value = match.group(1)
        if value in ("a", "an") and not re.match(r"\s*(?:couple|dozen)", rest[match.end():]):
            continue
        return int(value) if value.isdigit() else _NUMBERS[value]
    return None


def _location(words: str, found: dict[str, str], index: CatalogueIndex) -> None:
    """A bin, bay, aisle or zone code; 'aisle 7' is the one aisle whose number is 7."""
    if "location" in found:
        return
    if (code := _LOCATION_CODE.search(words)) is not None:
        found["location"] = code.group().upper()
        return
    if (aisle := _AISLE.search(words)) is not None:
        value = aisle.group(1) or aisle.group(2)
        number = int(value) if value.isdigit() else _NUMBERS[value]
        aisles = sorted(code for key, code in index.locations.items()
                        if "-" not in code and re.fullmatch(r"[A-Z]+0*(\d+)", key)
                        and int(re.sub(r"\D", "", key)) == number)
        if len(aisles) == 1:
            found["location"] = aisles[0]
        else:
            found["location"] = f"aisle {number}"  # the plan says no such aisle is known


# Who is to count: 'to be completed by picker2', 'assign it to Pia', 'picker to do it',
# 'for picker2 to count', '给 picker2 做', '让 picker2 盘', '由 picker2 负责'.
_ASSIGNEE = re.compile(
    r"(?<![\w-])(?:(?:completed|done|carried out|counted|handled) by|assign(?:ed)?(?: it)? to"
    r"|give it to|get|have|for)\s+([a-z][\w.-]*)"
    r"|(?<![\w-])([a-z][\w.-]*)\s+(?:to (?:do|count|handle|take) (?:it|this|them)|to count"
    r"|will (?:do|count) (?:it|this))(?![\w-])"
    r"|(?:给|让|叫|交给|派|由)\s*([a-z][\w.-]*)\s*(?:来|去)?(?:做|盘|数|点|负责|处理)")


def _assignee(words: str, found: dict[str, str], index: CatalogueIndex) -> None:
    """The person a count is given to, when the question names one of ours as the counter."""
    for match in _ASSIGNEE.finditer(words):
        name = next(g for g in match.groups() if g)
        if (person := index.person(name)) is not None:
            found.setdefault("person", person)
            return


def _alert(words: str, found: dict[str, str], index: CatalogueIndex) -> None:
    """An alert number, or the camera zone it was raised in ('the vault alert')."""
    if (number := alert_number(words)) is not None:
        found["alert"] = number
        return
    if (zone := camera_zone(words, index)) is not None:
        found.setdefault("zone", zone)
        return
    if (zone := zone_slot(words, index)) is not None:  # 'the packing area alert' -> OPS
        found.setdefault("zone", zone)
        return
    for word, zone in _ZONE_WORDS.items():
        if word in words:
            found.setdefault("zone", zone_code(zone, index))
            return
    for pattern in (_ZONE_AFTER, _ZONE_BEFORE):
        for match in pattern.finditer(words):
            if match.group(1) not in _NOT_ZONES:
                found.setdefault("zone", zone_code(match.group(1), index))
                return


def _purchase(words: str, found: dict[str, str], index: CatalogueIndex) -> None:
    """The supplier and the goods (category, metal, colour, purity) a draft purchase order is
    for ('order more platinum bangles from Antwerp')."""
    goods = scan_attributes(words, index.vocab, sizes=False).slots
    for slot in _PO_GOODS:
        if slot not in found and goods.get(slot):
            found[slot] = goods[slot]
    if "supplier" not in found and (code := index.supplier_in(words.replace(" ", ""))):
        found["supplier"] = code
    if "supplier" not in found:
        for name, code in sorted(index.suppliers.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", words):
                found["supplier"] = code
                break
    if _FROM_ADVICE.search(words):
        found["source"] = "reorder_advice"
