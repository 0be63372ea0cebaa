"""Lot actions: put a lot on hold, release it, recall it (the API's services and rules)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from assistant.actions.base import Done, Plan, action, refused
from assistant.errors import EntityNotFoundError, MissingSlotError
from assistant.handlers.base import HandlerContext
from assistant.handlers.stock import recall_preview
from core import Actor, CoreError
from core.lots import lot_by_code, set_hold
from core.people import allowed
from core.reports import stock_summary
from core.trace import recall_lot

__all__ = ["plan_hold", "plan_recall", "plan_release"]



def _lot(ctx: HandlerContext, slots: dict[str, str]) -> Any:
    code = slots.get("lot")
    if not code:
        raise MissingSlotError(ctx.say("missing.lot"))
    try:
        return lot_by_code(ctx.session, code)
    except CoreError as exc:
        raise EntityNotFoundError(ctx.say("error.not_found", what=code)) from exc


def _stock(ctx: HandlerContext, lot: str) -> dict[str, int]:
    return stock_summary(ctx.session, lot=lot)[1]


def _hold(session: Session, actor: Actor, params: dict[str, Any]) -> Done:
    lot = set_hold(session, actor=actor, code=params["lot"], hold=True, reason=params["reason"])
    return Done({"lot": lot.code, "status": str(lot.status)},
                [{"lot": lot.code, "status": str(lot.status), "reason": params["reason"]}])


def _release(session: Session, actor: Actor, params: dict[str, Any]) -> Done:
    lot = set_hold(session, actor=actor, code=params["lot"], hold=False, reason=params["reason"])
    return Done({"lot": lot.code, "status": str(lot.status)},
                [{"lot": lot.code, "status": str(lot.status), "reason": params["reason"]}])


# The lot API asks for qc:write to hold or release (not lots:write): the chat asks the same.
@action("hold_lot", permission="qc:write", execute=_hold)
def plan_hold(ctx: HandlerContext, slots: dict[str, str]) -> Plan:
    """Hold an approved lot: nothing of it can be picked until it is released."""
    lot = _lot(ctx, slots)
    if str(lot.status) != "approved":
        raise refused(ctx, CoreError(ctx.say("action.hold_lot.not_holdable", lot=lot.code,
                                             status=lot.status), code="lot-not-holdable"))
    stock = _stock(ctx, lot.code)
    reason = slots.get("reason") or ctx.say("action.default_reason")
    summary = ctx.say("action.hold_lot.plan", lot=lot.code,
                      pieces=ctx.many("unit.piece", int(stock["on_hand"])),
                      locations=ctx.many("unit.location", int(stock["locations"])),
                      reserved=stock["reserved"], reason=reason)
    return Plan(summary, {"lot": lot.code, "reason": reason},
                [{"lot": lot.code, "status": str(lot.status), **stock}])


@action("release_lot", permission="qc:write", execute=_release)
def plan_release(ctx: HandlerContext, slots: dict[str, str]) -> Plan:
    """Release a held lot whose QC passed back to approved stock."""
    lot = _lot(ctx, slots)
    if str(lot.status) != "on_hold" or lot.qc_result != "pass":
        raise refused(ctx, CoreError(
            ctx.say("action.release_lot.not_releasable", lot=lot.code, status=lot.status,
                    qc=lot.qc_result or "-"), code="lot-not-releasable"))
    stock = _stock(ctx, lot.code)
    reason = slots.get("reason") or ctx.say("action.default_reason")
    summary = ctx.say("action.release_lot.plan", lot=lot.code,
                      pieces=ctx.many("unit.piece", int(stock["on_hand"])),
                      locations=ctx.many("unit.location", int(stock["locations"])), reason=reason)
    return Plan(summary, {"lot": lot.code, "reason": reason},
                [{"lot": lot.code, "status": str(lot.status), **stock}])


def _recall(session: Session, actor: Actor, params: dict[str, Any]) -> Done:
    read = recall_lot(session, actor=actor, code=params["lot"], reason=params["reason"])
    pieces = sum(q.quantity for q in read.quarantined)
    customers = len(read.customers or [])
    names = read.customers if allowed(actor, "customers:read") else None
    return Done(
        {"lot": read.lot, "document": read.document, "pieces": pieces,
         "quarantine": read.quarantine or "-", "reservations": read.reservations_released,
         "picks": read.pick_lines_cancelled, "customers": customers,
         "names": ", ".join(names or []) or "-"},
        [{"document": read.document, "from": q.location, "to": read.quarantine, "sku": q.sku,
          "quantity": q.quantity, "serials": q.serials} for q in read.quarantined],
    )


@action("recall_lot", permission="recall:write", execute=_recall)
def plan_recall(ctx: HandlerContext, slots: dict[str, str]) -> Plan:
    """Recall a lot: block it, free its reservations and picks, quarantine every piece; the
    plan is the recall preview."""
    lot = _lot(ctx, slots)
    if str(lot.status) == "recalled":
        raise refused(ctx, CoreError(ctx.say("action.recall_lot.already", lot=lot.code),
                                     code="already-recalled"))
    preview = recall_preview(ctx, {"lot": lot.code})
    reason = slots.get("reason") or ctx.say("action.default_reason")
    summary = ctx.say("action.recall_lot.plan", lot=lot.code, preview=preview.text,
                      reason=reason)
    return Plan(summary, {"lot": lot.code, "reason": reason}, preview.data)
