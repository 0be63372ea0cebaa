"""Stock questions: where something is, how many, a serial's history, a recall's reach.

Answers show what the asker may see through the API (`core.trace.visibility_for`): check
digits and customers only to the roles that need them, and nothing of the stock in bins the
asker is counting blind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, cast

from assistant.errors import EntityNotFoundError, MissingSlotError
from assistant.handlers.base import Answer, HandlerContext, handles
from core import CoreError
from core.reports import open_reservations, stock_summary
from core.trace import BlindCountOpen, locate, lot_trace, serial_history, visibility_for

__all__ = ["count_stock", "describe", "locate_item", "recall_preview", "serial_moves"]

_CODES = ("serial", "lot", "sku", "location")
# Slots that narrow the goods (a place alone is located as a code).
_NARROWING = ("style", "metal", "purity", "colour", "category", "size", "supplier", "outside")
_PURITY_WORDS = {"Au750": "18K", "Au585": "14K", "Au999": "24K", "Pt950": "Pt950",
                 "S925": "S925"}
_ZH = {"gold": "金", "silver": "银", "platinum": "铂金", "yellow": "黄", "white": "白",
       "rose": "玫瑰", "ring": "戒指", "pendant": "吊坠", "earrings": "耳环", "bracelet": "手链",
       "necklace": "项链", "bangle": "手镯", "brooch": "胸针", "cufflinks": "袖扣",
       "chain": "链子", "anklet": "脚链"}


def describe(ctx: HandlerContext, slots: Mapping[str, str]) -> str:
    """The filters of a question in words ('18K rose gold ring, size 7')."""
    zh = ctx.language == "zh"
    parts = []
    if purity := slots.get("purity"):
        parts.append(_PURITY_WORDS.get(purity, purity))
    if colour := slots.get("colour"):
        parts.append(_ZH.get(colour, colour) if zh else colour)
    if (metal := slots.get("metal")) and not (metal == "platinum" and purity == "Pt950"):
        parts.append(_ZH.get(metal, metal) if zh else metal)
    if product := slots.get("product"):
        parts.append(product)
    if category := slots.get("category"):
        parts.append(_ZH.get(category, category) if zh else category)
    text = ("" if zh else " ").join(parts) or ctx.say("stock.everything")
    if size := slots.get("size"):
        text += ctx.say("stock.size", size=size)
    return _where_from(ctx, slots, text)


def _where_from(ctx: HandlerContext, slots: Mapping[str, str], text: str) -> str:
    """``text`` with the supplier and place a question narrows it to ('bangle from JAIPUR
    outside V04' / 'JAIPUR的V04以外的手镯')."""
    if ctx.language == "zh":
        for key, word in (("outside", "{}以外的"), ("location", "{}的"), ("supplier", "{}的")):
            if value := slots.get(key):
                text = word.format(value) + text
        return text
    for key, word in (("supplier", " from {}"), ("location", " in {}"), ("outside", " outside {}")):
        if value := slots.get(key):
            text += word.format(value)
    return text


def _filters(ctx: HandlerContext, slots: Mapping[str, str]) -> dict[str, Any]:
    """Stock filters from slots; a described product that matched no style is an error."""
    if slots.get("product") and not slots.get("style"):
        raise EntityNotFoundError(ctx.say("error.no_product", what=slots["product"]))
    styles = tuple(s for s in slots.get("style", "").split(",") if s)
    return {"metal": slots.get("metal"), "colour": slots.get("colour"),
            "purity": slots.get("purity"), "size": slots.get("size"),
            "category": slots.get("category"), "styles": styles, "sku": slots.get("sku"),
            "lot": slots.get("lot"), "location": slots.get("location"),
            "supplier": slots.get("supplier"), "outside": slots.get("outside")}


def _where_rows(rows: list[dict[str, Any]]) -> list[str]:
    per: dict[str, int] = defaultdict(int)
    for row in rows:
        per[str(row["location"])] += int(row["on_hand"])
    return [f"{loc} ({qty})" for loc, qty in sorted(per.items(), key=lambda x: -x[1])[:6]]


@handles("locate")
def locate_item(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Where a serial, lot, SKU, bin's content or described product is, per location."""
    code = next(((k, slots[k]) for k in _CODES if slots.get(k)), None)
    view = visibility_for(ctx.session, ctx.actor)
    if code is not None and code[0] == "location" and any(slots.get(k) for k in _NARROWING):
        code = None  # 'where are the bangles in the vault': the goods, by bin under the place
    if code is not None:
        try:
            result = locate(ctx.session, q=code[1], view=view)
        except BlindCountOpen as exc:
            return Answer(exc.message, [])
        except CoreError as exc:
            raise EntityNotFoundError(ctx.say("error.not_found", what=code[1])) from exc
        # Any: the core types row values as object; these columns are known numbers and codes.
        rows = cast(list[dict[str, Any]], result.rows)
        label = f"{ctx.say('kind.' + result.kind)} {result.label}"
    elif any(slots.get(k) for k in _NARROWING):
        rows, _ = stock_summary(ctx.session, by="location", hidden=view.hidden_bins,
                                **_filters(ctx, slots))
        label = describe(ctx, slots)
    else:
        raise MissingSlotError(ctx.say("missing.item"))
    if not rows:
        return Answer(ctx.say("locate.none", what=label), [])
    total = sum(int(r["on_hand"]) for r in rows)
    places = _where_rows(rows)
    count = len({r["location"] for r in rows})
    return Answer(ctx.say("locate.found", what=label, pieces=ctx.many("unit.piece", total),
                          locations=ctx.many("unit.location", count),
                          places=ctx.join(places)), rows)


@handles("count_stock")
def count_stock(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """How many pieces match the attribute filters, with the SKUs they are."""
    hidden = visibility_for(ctx.session, ctx.actor).hidden_bins
    rows, totals = stock_summary(ctx.session, by="sku", hidden=hidden, **_filters(ctx, slots))
    code = next((slots[k] for k in ("serial", "lot", "sku") if slots.get(k)), None)
    label = code or describe(ctx, slots)
    if code and any(slots.get(k) for k in _NARROWING):  # 'necklaces from lot G-9106'
        label = f"{code} ({describe(ctx, {k: v for k, v in slots.items() if k in _NARROWING})})"
    return Answer(ctx.say("count.answer", what=label,
                          on_hand=ctx.many("unit.piece", int(totals["on_hand"])),
                          available=totals["available"],
                          skus=ctx.many("unit.sku", int(totals["skus"])),
                          locations=ctx.many("unit.location", int(totals["locations"]))), rows)


@handles("serial_history")
def serial_moves(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """Every move of one piece, and where it is now."""
    code = slots.get("serial")
    if not code:
        raise MissingSlotError(ctx.say("missing.serial"))
    view = visibility_for(ctx.session, ctx.actor)
    try:
        moves = serial_history(ctx.session, code=code, view=view)
        where = locate(ctx.session, q=code, view=view).rows
    except BlindCountOpen as exc:
        return Answer(exc.message, [])
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=code)) from exc
    if not moves:
        return Answer(ctx.say("history.none", serial=code), [])
    last = moves[-1]
    now_at = str(where[0]["location"]) if where else str(last["to_location"])
    return Answer(ctx.say("history.answer", serial=code, moves=len(moves),
                          first=str(moves[0]["at"])[:10], last=str(last["at"])[:10],
                          document=last["document"], actor=last["actor"], where=now_at), moves)


@handles("recall_preview", permissions=("recall:write", "audit:read"))
def recall_preview(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
    """What a recall of a lot would touch; a read-only preview that changes nothing."""
    lot = slots.get("lot")
    if not lot:
        raise MissingSlotError(ctx.say("missing.lot"))
    view = visibility_for(ctx.session, ctx.actor)
    try:
        trace = lot_trace(ctx.session, code=lot, view=view)
        held = [{**r, "customer": view.customer(str(r["customer"]))}
                for r in view.visible_rows(open_reservations(ctx.session, lot=lot))]
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=lot)) from exc
    on_hand = cast(list[dict[str, Any]], trace["on_hand"])
    shipped = cast(list[dict[str, Any]], trace["shipped"])
    rows = ([{"kind": "on_hand", **r} for r in on_hand]
            + [{"kind": "reservation", **r} for r in held]
            + [{"kind": "shipped", **r} for r in shipped])
    customers = sorted({str(s["customer"]) for s in shipped if s["customer"] is not None})
    text = ctx.say(
        "recall.answer", lot=trace["lot"], status=trace["status"],
        pieces=sum(int(r["on_hand"]) for r in on_hand),
        locations=len({r["location"] for r in on_hand}), reservations=len(held),
        orders=len({r["order"] for r in held}), shipped=len({s["order"] for s in shipped}),
        customers=len(customers), names=ctx.join(customers[:5]) or "-",
    )
    return Answer(text, rows)
