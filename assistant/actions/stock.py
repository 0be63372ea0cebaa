"""Stock-control actions: open a cycle count, acknowledge a camera alert, draft a purchase order
from reorder advice."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from assistant.actions.base import Done, Plan, action, refused
from assistant.entities.resolve import zone_matches
from assistant.errors import EntityNotFoundError, MissingSlotError
from assistant.handlers.base import HandlerContext
from core import Actor, CoreError
from core.alerts import acknowledge, list_alerts
from core.documents import create_count, preview_count
from core.lots import scanned_location
from core.purchasing import (
    PurchaseOrderCreate,
    PurchaseOrderLineIn,
    create_purchase_order,
    list_purchase_orders,
    purchase_order_reads,
)
from core.reports import ReportFilter, reorder_advice, reorder_advice_by_supplier

__all__ = ["draft_from_advice", "plan_acknowledge", "plan_count", "plan_draft_purchase"]

#: Reorder advice's default lead time: the draft expects delivery that far ahead.
LEAD_TIME = timedelta(weeks=2)
_SHOWN_BINS = 6


def _count(session: Session, actor: Actor, params: dict[str, Any]) -> Done:
    doc = create_count(session, actor=actor, locations=params["locations"],
                       zone=params["zone"], assignee=params.get("assignee"),
                       note=params["note"])
    bins = list(doc.data["locations"])
    return Done({"document": doc.number, "bins": len(bins), "location": params["place"]},
                [{"document": doc.number, "bin": b} for b in bins])


@action("start_cycle_count", permission="count:write", execute=_count)
def plan_count(ctx: HandlerContext, slots: dict[str, str]) -> Plan:
    """A count of every stock bin at or under a bin, bay, aisle or zone (a zone named by a
    word, 'the vault', comes as the zone slot)."""
    code = slots.get("location") or slots.get("zone")
    if not code:
        raise MissingSlotError(ctx.say("action.missing_location"))
    try:
        place = scanned_location(ctx.session, code)
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=code)) from exc
    zone = place.code if str(place.tier) == "zone" else None
    try:
        bins = preview_count(ctx.session, locations=[] if zone else [place.code], zone=zone)
    except CoreError as exc:
        raise refused(ctx, exc) from exc
    shown = ", ".join(bins[:_SHOWN_BINS]) + (" …" if len(bins) > _SHOWN_BINS else "")
    person = slots.get("person")  # who is to count ('..., to be completed by picker2')
    key = "action.start_cycle_count.plan_assigned" if person else "action.start_cycle_count.plan"
    summary = ctx.say(key, location=place.code, tier=place.tier, bins=len(bins), shown=shown,
                      person=person or "")
    return Plan(summary, {"locations": [] if zone else [place.code], "zone": zone,
                          "place": place.code, "assignee": person,
                          "note": f"{place.code}: started in the chat"},
                [{"bin": b} for b in bins])


def _ack(session: Session, actor: Actor, params: dict[str, Any]) -> Done:
    alert = acknowledge(session, actor=actor, alert_id=params["alert"], note=params["note"])
    return Done({"alert": alert.id, "zone": alert.zone, "camera": alert.camera},
                [{"alert": alert.id, "zone": alert.zone, "camera": alert.camera,
                  "rule": alert.rule, "acknowledged_at": alert.acknowledged_at,
                  "note": alert.ack_note}])


def _open_alert(ctx: HandlerContext, slots: dict[str, str]) -> dict[str, Any]:
    """The open alert the question names: by number, else the latest in the zone, else the
    latest of all."""
    alerts, _ = list_alerts(ctx.session, open_only=True, limit=500)
    if number := slots.get("alert"):
        found = [a for a in alerts if str(a["id"]) == number]
        if not found:
            raise refused(ctx, CoreError(ctx.say("action.acknowledge_alert.not_open",
                                                 alert=number), code="alert-not-open"))
        return found[0]
    if zone := slots.get("zone"):
        named = [a for a in alerts if zone_matches(zone, str(a["zone"]))]
        if not named:
            raise refused(ctx, CoreError(ctx.say("action.acknowledge_alert.none_in_zone",
                                                 zone=zone), code="no-open-alert"))
        return named[0]
    if not alerts:
        raise refused(ctx, CoreError(ctx.say("action.acknowledge_alert.none"),
                                     code="no-open-alert"))
    return alerts[0]


@action("acknowledge_alert", permission="alerts:write", execute=_ack)
def plan_acknowledge(ctx: HandlerContext, slots: dict[str, str]) -> Plan:
    """Acknowledge one open camera alert, with a note."""
    alert = _open_alert(ctx, slots)
    note = slots.get("reason") or ctx.say("action.default_note")
    summary = ctx.say("action.acknowledge_alert.plan", alert=alert["id"], zone=alert["zone"],
                      camera=alert["camera"], rule=alert["rule"], severity=alert["severity"],
                      at=alert["raised_at"].strftime("%Y-%m-%d %H:%M"), note=note)
    return Plan(summary, {"alert": int(alert["id"]), "note": note}, [alert])


def _draft(session: Session, actor: Actor, params: dict[str, Any]) -> Done:
    data = PurchaseOrderCreate(
        supplier=params["supplier"], expected_on=params["expected_on"], status="draft",
        note=params["note"], lines=[PurchaseOrderLineIn(**ln) for ln in params["lines"]])
    po = create_purchase_order(session, actor=actor, data=data)
    read = purchase_order_reads(session, [po])[0]
    return Done({"number": read.number, "supplier": params["supplier"], "lines": len(read.lines),
                 "pieces": sum(ln.quantity for ln in read.lines)},
                [{"purchase_order": read.number, "sku": ln.sku, "quantity": ln.quantity,
                  "unit_cost": ln.unit_cost} for ln in read.lines])


def _last_costs(ctx: HandlerContext, supplier: str) -> dict[str, str]:
    """Each SKU's unit cost on the supplier's newest purchase order that has it."""
    orders, _ = list_purchase_orders(ctx.session, supplier=supplier, limit=100)
    costs: dict[str, str] = {}
    for read in purchase_order_reads(ctx.session, orders):
        for line in read.lines:
            costs.setdefault(line.sku, str(line.unit_cost))
    return costs


def _advice(ctx: HandlerContext, f: ReportFilter) -> list[dict[str, Any]]:
    """Reorder advice up to the chat's present, the lines that say to buy."""
    try:
        advice = reorder_advice(ctx.session, replace(f, until=ctx.now))
    except CoreError as exc:
        raise refused(ctx, exc) from exc
    return [r for r in advice if int(str(r["suggested_quantity"])) > 0]


def _one_sku(ctx: HandlerContext, sku: str, supplier: str | None) -> tuple[str | None,
                                                                          list[dict[str, Any]]]:
    """The supplier and advice line for one SKU: the warehouse's need of it (the advice over
    every supplier's stock), ordered from the supplier named, else from the one whose own
    advice proposes most of it (None when none does). The advice is read once, for the SKU."""
    try:
        whole, own = reorder_advice_by_supplier(ctx.session, ReportFilter(sku=sku,
                                                                          until=ctx.now))
    except CoreError as exc:
        raise refused(ctx, exc) from exc

    def buying(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in rows if int(str(r["suggested_quantity"])) > 0
                and str(r["sku"]).upper() == sku.upper()]

    line = buying(whole)
    if supplier is None and line:
        proposed = {code: sum(int(str(r["suggested_quantity"])) for r in buying(
            own.get(code, []))) for code in sorted(set(ctx.index.suppliers.values()))}
        code, most = max(proposed.items(), key=lambda kv: kv[1])  # the first of a tie
        supplier = code if most > 0 else None
    return supplier, line


def _most_advised(ctx: HandlerContext, f: ReportFilter) -> tuple[str | None,
                                                                list[dict[str, Any]]]:
    """The supplier whose own reorder advice proposes the most pieces now (the first of a tie;
    None when none proposes any), and that advice's lines to buy now (of the goods ``f``
    names): what the supplier would be asked for had it been named, so a draft to it holds only
    goods it supplies. Read once per question (``ctx.reads``)."""
    key = ("most_advised", f)
    if key in ctx.reads:
        found: tuple[str | None, list[dict[str, Any]]] = ctx.reads[key]
        return found
    try:
        _, own = reorder_advice_by_supplier(ctx.session, replace(f, until=ctx.now))
    except CoreError as exc:
        raise refused(ctx, exc) from exc
    buying = {code: [r for r in own.get(code, []) if int(str(r["suggested_quantity"])) > 0]
              for code in sorted(set(ctx.index.suppliers.values()))}
    proposed = {code: sum(int(str(r["suggested_quantity"])) for r in rows)
                for code, rows in buying.items()}
    most = max(proposed.values(), default=0)
    supplier = next((code for code, n in proposed.items() if n == most), None) \
        if most > 0 else None
    found = supplier, buying.get(supplier, []) if supplier else []
    ctx.reads[key] = found
    return found


def _goods_filter(slots: dict[str, str]) -> ReportFilter:
    """The goods the slots name (category, metal, colour, purity) as a report filter."""
    return ReportFilter(category=slots.get("category") or None,
                        metal=slots.get("metal") or None, colour=slots.get("colour") or None,
                        purity=slots.get("purity") or None)


def draft_from_advice(ctx: HandlerContext, slots: dict[str, str]) -> dict[str, str]:
    """The slots of a draft purchase order asked from the reorder advice naming no supplier
    ('draft a PO from reorder advice': ``source`` is reorder_advice) with the supplier whose own
    advice proposes the most and the pieces that advice proposes as its quantity (a quantity
    the question names is kept: it is checked against the advice when planned); other slots as
    they are."""
    if slots.get("source") != "reorder_advice" or slots.get("supplier") or slots.get("sku"):
        return slots
    supplier, buy = _most_advised(ctx, _goods_filter(slots))
    if supplier is None:
        return slots
    advised = sum(int(str(r["suggested_quantity"])) for r in buy)
    return {**slots, "supplier": supplier, "quantity": slots.get("quantity") or str(advised)}


def _own_quantity(ctx: HandlerContext, quantity: str | None, advised: int,
                  buy: list[dict[str, Any]]) -> int | None:
    """The quantity the question names when it is not the advice's, for a draft of the one SKU
    the advice proposes (None: the advice's quantities); refused for a draft of several SKUs
    (a number of pieces cannot be split between them) or a line core would not take."""
    if not quantity or quantity == str(advised) or not buy:  # nothing to order: said below
        return None
    if len(buy) > 1:
        raise refused(ctx, CoreError(ctx.say("action.draft_purchase_order.no_quantity",
                                             quantity=quantity, advised=advised),
                                     code="quantity-not-advised"))
    try:
        return PurchaseOrderLineIn(sku=str(buy[0]["sku"]), quantity=int(quantity),
                                   unit_cost=Decimal(0)).quantity
    except (ValueError, ValidationError) as exc:
        raise refused(ctx, CoreError(ctx.say("action.draft_purchase_order.bad_quantity",
                                             quantity=quantity),
                                     code="quantity-out-of-range")) from exc


@action("draft_purchase_order", permission="purchase:write", execute=_draft)
def plan_draft_purchase(ctx: HandlerContext, slots: dict[str, str]) -> Plan:
    """A DRAFT purchase order to one supplier of what reorder advice says to buy now: of the
    one SKU the question names, or of everything the supplier's advice proposes (of the goods
    named: category, metal, colour, purity). Asked from the reorder advice without a supplier
    ('draft a PO from reorder advice'), it goes to the supplier whose own advice proposes the
    most and orders what that advice proposes, as if the supplier had been named
    (:func:`draft_from_advice`). A quantity named other than the advice's is drafted for a
    draft of one SKU, saying what the advice proposes (`_own_quantity`); one SKU, its supplier
    and a quantity all named are drafted even when the advice proposes none of it now."""
    supplier, sku = slots.get("supplier"), slots.get("sku")
    goods = {k: slots[k] for k in ("category", "metal", "colour", "purity") if slots.get(k)}
    category = " ".join(goods.values()) or None  # what the advice is narrowed to, in words
    if not sku and slots.get("source") == "reorder_advice":
        most, buy = _most_advised(ctx, _goods_filter(slots))
        supplier = supplier or most
        what = ctx.say("action.draft_purchase_order.most", supplier=supplier or "-",
                       category=f" ({category})" if category else "")
    elif not supplier and not sku:
        names = sorted(set(ctx.index.suppliers.values()))
        raise MissingSlotError(ctx.say("action.draft_purchase_order.which", suppliers=ctx.join(
            names)))
    elif sku:
        if ctx.index.sku_prefix(sku) is None:  # 'draft PO for ST0099-Au750Y'
            raise EntityNotFoundError(ctx.say("error.not_found", what=sku))
        supplier, buy = _one_sku(ctx, sku, supplier)
        if not buy and supplier and slots.get("quantity") and (code := ctx.index.sku(sku)):
            # one SKU, its supplier and a quantity named: drafted though the advice has none
            buy = [{"sku": code, "suggested_quantity": 0,
                    "explanation": ctx.say("action.draft_purchase_order.unadvised")}]
        what = ctx.say("action.draft_purchase_order.what", supplier=supplier or "-",
                       category=f" ({sku})")
        if buy and supplier is None:
            names = sorted(set(ctx.index.suppliers.values()))
            raise MissingSlotError(ctx.say("action.draft_purchase_order.which",
                                           suppliers=ctx.join(names)))
    else:
        assert supplier is not None
        buy = _advice(ctx, replace(_goods_filter(slots), supplier=supplier))
        what = ctx.say("action.draft_purchase_order.what", supplier=supplier,
                       category=f" ({category})" if category else "")
    advised = sum(int(str(r["suggested_quantity"])) for r in buy)
    own = _own_quantity(ctx, slots.get("quantity"), advised, buy)
    if not buy:
        raise refused(ctx, CoreError(ctx.say("action.draft_purchase_order.nothing", what=what),
                                     code="nothing-to-order"))
    assert supplier is not None
    costs = _last_costs(ctx, supplier)
    lines: list[dict[str, Any]] = [
        {"sku": str(r["sku"]), "quantity": own or int(str(r["suggested_quantity"])),
         "unit_cost": costs.get(str(r["sku"]), "0.00")} for r in buy]
    expected = (ctx.now + LEAD_TIME).date().isoformat()
    unpriced = sum(1 for ln in lines if Decimal(str(ln["unit_cost"])) == 0)
    summary = ctx.say(
        "action.draft_purchase_order.plan", what=what, lines=ctx.many("unit.line", len(lines)),
        pieces=ctx.many("unit.piece", sum(ln["quantity"] for ln in lines)), expected=expected,
        items=ctx.join([f"{ln['quantity']} × {ln['sku']}" for ln in lines[:8]])
        + (" …" if len(lines) > 8 else ""),
        unpriced=ctx.say("action.draft_purchase_order.unpriced", n=unpriced) if unpriced else "")
    if own:
        summary += ctx.say("action.draft_purchase_order.own", quantity=own, advised=advised)
    scope = f" ({sku or category})" if sku or category else ""
    asked = f"; {own} pieces as asked, the advice proposed {advised}" if own else ""
    return Plan(summary, {"supplier": supplier, "expected_on": expected, "lines": lines,
                          "note": f"Draft from reorder advice{scope}, asked in the chat{asked}"},
                [{"supplier": supplier, **ln, "reason": r["explanation"]}
                 for ln, r in zip(lines, buy, strict=True)])
