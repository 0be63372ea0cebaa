"""Orders, pick lists, pick confirmations and shipments over HTTP (thin routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, page, pick_sequencer, read_session, writer
from core.fields import DbId, Lookup, SaneDateTime
from core.orders import allocation, packing, picking, picks, service, views
from core.orders.exceptions import PickExceptionQuery, list_pick_exceptions, recording_refusals
from core.orders.schemas import (
    AllocationRead,
    OrderCreate,
    OrderPage,
    OrderRead,
    OrderTrailRead,
    PackCheck,
    PackingRead,
    PickAssign,
    PickConfirm,
    PickerRead,
    PickExceptionPage,
    PickListCreate,
    PickListPage,
    PickListRead,
    PickResultRead,
    PickShort,
    PickUndo,
    ShipCreate,
    ShipmentRead,
)
from core.people.permissions import allowed
from core.people.security import Actor
from core.trace.visibility import visibility_for

router = APIRouter(tags=["orders"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]
Orders = Annotated[Writer, Depends(writer("order:write"))]
Picks = Annotated[Writer, Depends(writer("pick:write"))]
Shipping = Annotated[Writer, Depends(writer("ship:write"))]
Packer = Annotated[Actor, Depends(allow("ship:write"))]
Paging = Annotated[Page, Depends(page)]
Analyst = Annotated[Actor, Depends(allow("audit:read"))]


@router.post("/orders", response_model=OrderRead, status_code=201)
def create_order(body: OrderCreate, w: Orders) -> object:
    """Take an order from a channel; a repeat of (channel, external_id) returns it unchanged."""
    return w.run(lambda s: service.order_read(s, service.create_order(
        s, actor=w.actor, data=body)[0], customers=allowed(w.actor, "customers:read")),
        status_code=201)


@router.get("/orders", response_model=OrderPage)
def list_orders(actor: Reader, session: DB, p: Paging, status: Lookup | None = None,
                channel: Lookup | None = None, q: Lookup | None = None) -> OrderPage:
    """Orders, newest first, filtered by status and channel, and ``q`` in the order number or
    channel (customers null for roles without ``customers:read``)."""
    items, total = service.list_orders(session, status=status, channel=channel, search=q,
                                       limit=p.limit, offset=p.offset)
    return OrderPage(items=service.order_reads(
        session, items, customers=allowed(actor, "customers:read")), total=total)


@router.get("/orders/{order_id}", response_model=OrderRead)
def get_order(order_id: DbId, actor: Reader, session: DB) -> OrderRead:
    """One order with its lines (the customer null for roles without ``customers:read``)."""
    return service.order_read(session, service.get_order(session, order_id=order_id),
                              customers=allowed(actor, "customers:read"))


@router.post("/orders/{order_id}/allocate", response_model=AllocationRead)
def allocate(order_id: DbId, w: Orders) -> object:
    """Reserve stock for the order (FIFO or named lot); partial allocation is reported."""
    return w.run(lambda s: views.allocation_read(s, allocation.allocate_order(
        s, actor=w.actor, order_id=order_id)))


@router.post("/orders/{order_id}/cancel", response_model=OrderRead)
def cancel(order_id: DbId, w: Orders) -> object:
    """Cancel the order and release what it holds."""
    return w.run(lambda s: service.order_read(s, allocation.cancel_order(
        s, actor=w.actor, order_id=order_id), customers=allowed(w.actor, "customers:read")))


@router.get("/orders/{order_id}/trail", response_model=OrderTrailRead)
def trail(order_id: DbId, actor: Reader, session: DB) -> OrderTrailRead:
    """The order's reservations, pick lines (list, picker, progress) and shipments (those at
    bins under the reader's live blind count left out)."""
    hidden = visibility_for(session, actor).hidden_codes
    return packing.order_trail(session, order_id=order_id, hidden=hidden)


@router.post("/orders/{order_id}/packing/check", response_model=PackingRead)
def check_packing(order_id: DbId, body: PackCheck, _: Packer, session: DB) -> PackingRead:
    """What waits in packing for the order, checked against the pieces a packer scanned
    (matched, missing, extra); it posts nothing."""
    return packing.check_packing(session, order_id=order_id, pieces=body.pieces)


@router.post("/orders/{order_id}/ship", response_model=ShipmentRead, status_code=201)
def ship(order_id: DbId, w: Shipping, body: ShipCreate | None = None) -> object:
    """Ship what was picked for the order to the customer, with its parcel; given the scanned
    pieces, only when they match the picks (``packing-mismatch`` otherwise)."""
    data = body or ShipCreate()
    return w.run(lambda s: packing.shipment_read(s, packing.ship_packed(
        s, actor=w.actor, order_id=order_id, data=data)), status_code=201)


@router.post("/picklists", response_model=PickListRead, status_code=201)
def create_pick_list(
    body: PickListCreate, w: Picks,
    sequencer: Annotated[picking.Sequencer | None, Depends(pick_sequencer)],
) -> object:
    """A pick list for named orders or a wave, in travel order, optionally assigned."""
    return w.run(lambda s: picking.pick_list_read(s, picking.create_pick_list(
        s, actor=w.actor, order_ids=body.order_ids, wave=body.wave, channel=body.channel,
        picker=body.picker, packing=body.packing, sequencer=sequencer)), status_code=201)


@router.get("/picklists", response_model=PickListPage)
def list_pick_lists(_: Reader, session: DB, p: Paging, status: Lookup | None = None,
                    picker: Lookup | None = None) -> PickListPage:
    """Pick lists, newest first, filtered by status and picker."""
    docs, total = picking.list_pick_lists(session, status=status, picker=picker, limit=p.limit,
                                          offset=p.offset)
    return PickListPage(items=[picking.pick_list_read(session, d) for d in docs], total=total)


@router.post("/picklists/{number}/assign", response_model=PickListRead)
def assign_pick_list(
    number: Lookup, body: PickAssign, w: Annotated[Writer, Depends(writer("pick:assign"))]
) -> object:
    """Give a pick list to a picker (supervisors): from now on only they may work its lines."""
    return w.run(lambda s: picking.pick_list_read(s, picking.assign_pick_list(
        s, actor=w.actor, number=number, picker=body.picker)))


@router.delete("/picklists/{number}/assign", response_model=PickListRead)
def unassign_pick_list(
    number: Lookup, w: Annotated[Writer, Depends(writer("pick:assign"))]
) -> object:
    """Take a pick list back from its picker (supervisors): the next picker to work it claims it."""
    return w.run(lambda s: picking.pick_list_read(s, picking.unassign_pick_list(
        s, actor=w.actor, number=number)))


@router.get("/pickers", response_model=list[PickerRead])
def pickers(_: Annotated[Actor, Depends(allow("pick:write"))], session: DB) -> list[PickerRead]:
    """Active people who may pick (user name, name, role): whom a pick list can go to."""
    return [PickerRead.model_validate(u) for u in picking.pickers(session)]


@router.get("/picklists/{number}", response_model=PickListRead)
def get_pick_list(number: Lookup, _: Reader, session: DB) -> PickListRead:
    """One pick list with its lines in travel order."""
    return picking.pick_list_read(session, picking.get_pick_list(session, number=number))


@router.post("/picks/{line_id}/confirm", response_model=PickResultRead)
def confirm(line_id: DbId, body: PickConfirm, w: Picks) -> object:
    """Confirm pieces taken from the bin (serials or piece QR payloads, check digits).

    A wrong pick (check digits, or a piece of another SKU, lot or bin) is refused and recorded
    as a pick exception."""
    with recording_refusals(w.db, actor=w.actor, line_id=line_id,
                            check_digits=body.check_digits or body.location,
                            serials=body.serials, request_key=w.key):
        return w.run(lambda s: views.pick_result_read(s, picks.confirm_pick(
            s, actor=w.actor, line_id=line_id, quantity=body.quantity, serials=body.serials,
            check_digits=body.check_digits, location=body.location, weights=body.weights)))


@router.post("/picks/{line_id}/short", response_model=PickResultRead)
def short(line_id: DbId, body: PickShort, w: Picks) -> object:
    """Report a short pick: post what was found, release the rest (wrong picks recorded)."""
    with recording_refusals(w.db, actor=w.actor, line_id=line_id,
                            check_digits=body.check_digits or body.location,
                            serials=body.serials, request_key=w.key):
        return w.run(lambda s: views.pick_result_read(s, picks.short_pick(
            s, actor=w.actor, line_id=line_id, found_quantity=body.found_quantity,
            serials=body.serials, check_digits=body.check_digits, location=body.location,
            weights=body.weights)))


@router.post("/picks/{line_id}/skip", response_model=PickResultRead)
def skip(line_id: DbId, w: Picks) -> object:
    """Pass a line by for now; it stays open."""
    return w.run(lambda s: views.pick_result_read(s, picks.skip_pick(
        s, actor=w.actor, line_id=line_id)))


@router.post("/picks/{line_id}/undo", response_model=PickResultRead)
def undo(line_id: DbId, w: Picks, body: PickUndo | None = None) -> object:
    """Undo a line's picks: pieces back to the bin, reserved again."""
    reason = body.reason if body else "pick undone"
    return w.run(lambda s: views.pick_result_read(s, picks.undo_pick(
        s, actor=w.actor, line_id=line_id, reason=reason)))


@router.get("/pick-exceptions", response_model=PickExceptionPage)
def pick_exceptions(
    _: Analyst, session: DB, p: Paging, user: Lookup | None = None, kind: Lookup | None = None,
    source: Lookup | None = None, pick_list: Lookup | None = None, sku: Lookup | None = None,
    location: Lookup | None = None, since: SaneDateTime | None = None,
    until: SaneDateTime | None = None,
) -> PickExceptionPage:
    """Wrong picks caught (refused check digits and pieces), newest first, filtered."""
    items, total = list_pick_exceptions(session, PickExceptionQuery(
        user=user, kind=kind, source=source, pick_list=pick_list, sku=sku, location=location,
        since=since, until=until), limit=p.limit, offset=p.offset)
    return PickExceptionPage(items=items, total=total)
