"""Adjustments, cycle counts, recalls and the audit log over HTTP."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, context_of, page, read_session, writer
from core.audit.models import AuditEntry
from core.clock import now
from core.documents import adjustments, calendar, counts, rfid_counts
from core.documents.calendar import CountDayRead, DueBinRead
from core.documents.rfid_counts import RfidCountRead, TagRead, parse_reads, reads_of
from core.documents.schemas import (
    AdjustmentCreate,
    CountCreate,
    CountRead,
    CountReject,
    CountSubmit,
    DocumentRead,
    RecallBody,
    RecallRead,
)
from core.documents.service import to_read
from core.errors import ValidationFailed
from core.fields import Lookup, SaneDate, Text
from core.ledger.integrity import verify_records
from core.people.models import Role
from core.people.permissions import PERMISSIONS, allowed
from core.people.security import Actor
from core.trace import recall

router = APIRouter(tags=["stock control"])
Reader = Annotated[Actor, Depends(allow("read"))]
Auditor = Annotated[Actor, Depends(allow("audit:read"))]
DB = Annotated[Session, Depends(read_session)]
Counter = Annotated[Writer, Depends(writer("count:write"))]
Approver = Annotated[Writer, Depends(writer("count:approve"))]
# People who do the counting see no expected figures, so they count what is there (and while
# a count they may work is live, its bins' stock is hidden from them: core.trace.visibility).
BLIND_ROLES = frozenset(Role) - PERMISSIONS["count:expected"]


def _blind(actor: Actor) -> bool:
    return actor.role in BLIND_ROLES


@router.post("/adjustments", response_model=DocumentRead, status_code=201)
def adjust(body: AdjustmentCreate, w: Annotated[Writer, Depends(writer("adjust:write"))]) -> object:
    """Post a stock adjustment with a reason code (all lines or none)."""
    return w.run(
        lambda s: to_read(s, adjustments.adjust(s, actor=w.actor, data=body)), status_code=201
    )


@router.post("/counts", response_model=CountRead, status_code=201)
def create_count(body: CountCreate, w: Counter) -> object:
    """Open a cycle count of locations or a zone."""
    return w.run(
        lambda s: counts.count_read(
            s,
            counts.create_count(
                s,
                actor=w.actor,
                locations=body.locations,
                zone=body.zone,
                assignee=body.assignee,
                note=body.note,
            ),
            blind=_blind(w.actor),
        ),
        status_code=201,
    )


@router.get("/counts/calendar", response_model=list[CountDayRead])
def count_calendar(
    request: Request,
    _: Reader,
    session: DB,
    start: SaneDate | None = None,
    days: Annotated[int, Query(ge=1, le=calendar.MAX_CALENDAR_DAYS)] = 28,
) -> list[CountDayRead]:
    """The bins due for a cycle count on each day from ``start`` (today by default)."""
    schedule = calendar.CountSchedule.from_settings(context_of(request.app).settings)
    first = start or now().date()
    return [
        CountDayRead(day=d.day, bins=list(d.bins))
        for d in calendar.count_calendar(session, first, days, schedule)
    ]


@router.get("/counts/due", response_model=list[DueBinRead])
def counts_due(
    request: Request, actor: Reader, session: DB, day: SaneDate | None = None
) -> list[DueBinRead]:
    """The bins due for a cycle count on ``day`` (today by default), with their ABC class."""
    schedule = calendar.CountSchedule.from_settings(context_of(request.app).settings)
    due = calendar.due_counts(session, day or now().date(), schedule)
    return [DueBinRead.of(b, blind=_blind(actor)) for b in due]


async def _tag_reads(request: Request, location: Lookup | None = None) -> list[TagRead]:
    """The tags of an upload: a JSON list (or ``{"epcs": [...]}``), a text/CSV body, or a
    multipart form with a ``file``."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        upload = (await request.form()).get("file")
        if upload is None or isinstance(upload, str):
            raise ValidationFailed("Send the reader's file as the form field 'file'.",
                                   code="bad-epc-upload")
        raw = await upload.read()
    else:
        raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("The upload is not UTF-8 text.", code="bad-epc-upload") from None
    if kind != "application/json":
        return parse_reads(text, location)
    try:
        data = json.loads(text)
    except ValueError:
        raise ValidationFailed("The body is not JSON.", code="bad-epc-upload") from None
    if isinstance(data, dict):
        location = data.get("location") or location
        data = data.get("epcs")
    if not isinstance(data, list) or not (location is None or isinstance(location, str)):
        raise ValidationFailed('Send a list of EPCs, or {"epcs": [...], "location": "..."}.',
                               code="bad-epc-upload")
    return reads_of(data, location)


@router.post("/counts/{number}/epcs", response_model=RfidCountRead)
def count_epcs(
    number: Lookup,
    w: Counter,
    reads: Annotated[list[TagRead], Depends(_tag_reads)],
    submit: bool = True,
) -> object:
    """An RFID count: the reader's EPCs give every bin's missing and extra pieces at once;
    with ``submit`` (the default) the pieces seen are reported as the count's lines."""
    return w.run(lambda s: RfidCountRead.of(
        rfid_counts.rfid_count(s, actor=w.actor, number=number, reads=reads, submit=submit),
        blind=_blind(w.actor)))


@router.get("/counts/{number}", response_model=CountRead)
def get_count(number: Lookup, actor: Reader, session: DB) -> CountRead:
    """A count; pickers and clerks see it blind (no expected quantities or serials)."""
    return counts.count_read(session, counts.get_count(session, number=number), blind=_blind(actor))


@router.post("/counts/{number}/submit", response_model=CountRead)
def submit_count(number: Lookup, body: CountSubmit, w: Counter) -> object:
    """Report what was counted; lines that differ wait for a manager."""
    return w.run(
        lambda s: counts.count_read(
            s,
            counts.submit_count(
                s, actor=w.actor, number=number, lines=body.lines, bins=body.bins
            ),
            blind=_blind(w.actor),
        )
    )


@router.post("/counts/{number}/approve", response_model=CountRead)
def approve_count(number: Lookup, w: Approver) -> object:
    """Post the count's variances to or from V-ADJUSTMENT (managers)."""
    return w.run(
        lambda s: counts.count_read(
            s, counts.approve_count(s, actor=w.actor, number=number), blind=False
        )
    )


@router.post("/counts/{number}/reject", response_model=CountRead)
def reject_count(number: Lookup, w: Approver, body: CountReject | None = None) -> object:
    """Send a count's variance lines back for a recount (managers)."""
    reason = body.reason if body else ""
    return w.run(
        lambda s: counts.count_read(
            s, counts.reject_count(s, actor=w.actor, number=number, reason=reason), blind=False
        )
    )


@router.post("/lots/{code}/recall", response_model=RecallRead)
def recall_lot(
    code: Lookup, body: RecallBody, w: Annotated[Writer, Depends(writer("recall:write"))]
) -> object:
    """Recall a lot: block it, release reservations and picks, quarantine every piece (the
    customers null for roles without ``customers:read``)."""
    return w.run(lambda s: _customers_for(w.actor, recall.recall_lot(
        s, actor=w.actor, code=code, reason=body.reason)))


def _customers_for(actor: Actor, read: RecallRead) -> RecallRead:
    if allowed(actor, "customers:read"):
        return read
    shipped = [{**row, "customer": None} for row in read.shipped]
    return read.model_copy(update={"shipped": shipped, "customers": None})


def _hide_digits(action: str, detail: str) -> str:
    """A location entry's detail with its check digits blanked (the stored entry is unchanged:
    `facet audit verify` and ``/api/audit/verify`` check what was written)."""
    if not action.startswith("location.") or "check_digits" not in detail:
        return detail
    data = json.loads(detail)
    if isinstance(data, dict) and data.get("check_digits") is not None:
        data["check_digits"] = None
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def _audit_page(
    session: Session,
    *,
    reader: Actor,
    actor: str | None,
    action: str | None,
    entity: str | None,
    p: Page,
) -> dict[str, Any]:
    digits = allowed(reader, "locations:check-digits")
    stmt = select(AuditEntry)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(p.limit).offset(p.offset))
    items = [
        {
            "id": e.id,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "entity": e.entity,
            "detail": e.detail if digits else _hide_digits(e.action, e.detail),
            "hash": e.hash,
        }
        for e in rows
    ]
    return {"items": items, "total": total, "limit": p.limit, "offset": p.offset}


@router.get("/audit")
def audit_log(
    reader: Auditor,
    session: DB,
    p: Annotated[Page, Depends(page)],
    actor: Annotated[Text | None, Query(max_length=64)] = None,
    action: Annotated[Text | None, Query(max_length=64)] = None,
    entity: Annotated[Text | None, Query(max_length=96)] = None,
) -> dict[str, Any]:
    """The audit log, newest first, with filters; check digits only for roles that print
    labels (``locations:check-digits``)."""
    return _audit_page(session, reader=reader, actor=actor, action=action, entity=entity, p=p)


@router.get("/audit/verify")
def audit_verify(_: Auditor, session: DB) -> dict[str, Any]:
    """Check the keyed audit chain and every ledger move against its posting's entry; report
    the first broken entry or move (as `facet audit verify` without checkpoints)."""
    return asdict(verify_records(session))
