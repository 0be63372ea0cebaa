"""Reserve stock for a sales order through the core's allocation (FIFO, pickable bins)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from assistant.actions.base import Done, Plan, action, refused
from assistant.errors import EntityNotFoundError, MissingSlotError
from assistant.handlers.base import HandlerContext
from core import Actor, CoreError
from core.lots import serial_read
from core.orders import allocate_order, allocation_read, get_order, list_orders, preview_allocation

__all__ = ["find_order", "plan_reserve"]


def find_order(ctx: HandlerContext, ref: str) -> Any:
    """The sales order a reference ('WEB-261203-82994') or order number names."""
    try:
        if ref.isdigit():
            return get_order(ctx.session, order_id=int(ref))
        orders, _ = list_orders(ctx.session, search=ref, limit=20)
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=ref)) from exc
    for order in orders:
        if order.external_id.upper() == ref.upper():
            return order
    raise EntityNotFoundError(ctx.say("error.not_found", what=ref))


def _sku(ctx: HandlerContext, slots: dict[str, str]) -> str | None:
    if sku := slots.get("sku"):
        return sku
    if serial := slots.get("serial"):
        try:
            return serial_read(ctx.session, serial).sku
        except CoreError as exc:
            raise EntityNotFoundError(ctx.say("error.not_found", what=serial)) from exc
    return None


def _refuse(ctx: HandlerContext, code: str, key: str, **params: object) -> Exception:
    return refused(ctx, CoreError(ctx.say(key, **params), code=code))


def _execute(session: Session, actor: Actor, params: dict[str, Any]) -> Done:
    read = allocation_read(session, allocate_order(session, actor=actor,
                                                   order_id=params["order_id"]))
    rows = [{"order": read.order.external_id, "line": ln.line_no, "sku": ln.sku,
             "location": r.location, "lot": r.lot, "quantity": r.quantity}
            for ln in read.lines for r in ln.reserved_now]
    return Done({"order": read.order.external_id, "pieces": sum(r["quantity"] for r in rows),
                 "missing": sum(ln.missing for ln in read.lines)}, rows)


@action("reserve_for_order", permission="order:write", execute=_execute)
def plan_reserve(ctx: HandlerContext, slots: dict[str, str]) -> Plan:
    """Reserve what an order still needs, oldest approved lot first, from pickable bins."""
    ref = slots.get("order")
    if not ref:
        raise MissingSlotError(ctx.say("missing.order"))
    order = find_order(ctx, ref)
    try:
        rows = preview_allocation(ctx.session, order_id=order.id)
    except CoreError as exc:
        raise refused(ctx, exc) from exc
    if not rows:
        raise _refuse(ctx, "nothing-to-reserve", "action.reserve_for_order.nothing",
                      order=order.external_id)
    if (sku := _sku(ctx, slots)) is not None:
        need = sum(int(str(r["quantity"])) for r in rows if r["sku"] == sku)
        if need == 0:
            raise _refuse(ctx, "not-needed", "action.reserve_for_order.not_needed",
                          order=order.external_id, sku=sku)
        if (wanted := slots.get("quantity")) and int(wanted) != need:
            raise _refuse(ctx, "quantity-mismatch", "action.reserve_for_order.mismatch",
                          order=order.external_id, sku=sku, need=need, wanted=wanted)
    elif (wanted := slots.get("quantity")) and int(wanted) != (
            need := sum(int(str(r["quantity"])) for r in rows)):
        raise _refuse(ctx, "quantity-mismatch", "action.reserve_for_order.mismatch_all",
                      order=order.external_id, need=need, wanted=wanted)
    free = [r for r in rows if r["location"] is not None]
    if not free:
        raise _refuse(ctx, "insufficient-stock", "action.reserve_for_order.no_stock",
                      order=order.external_id)
    parts = [ctx.say("action.reserve_for_order.part", quantity=r["quantity"], sku=r["sku"],
                     location=r["location"], lot=r["lot"]) for r in free]
    short = [ctx.say("action.reserve_for_order.short", quantity=r["quantity"], sku=r["sku"])
             for r in rows if r["location"] is None]
    summary = ctx.say("action.reserve_for_order.plan", order=order.external_id,
                      pieces=sum(int(str(r["quantity"])) for r in free), parts=ctx.join(parts),
                      short=(" " + ctx.join(short)) if short else "")
    return Plan(summary, {"order_id": order.id, "order": order.external_id},
                [{"order": order.external_id, **r} for r in rows])
