"""Wrong picks caught: refused confirmations, kept as pick exceptions for the staff report.

A confirmation with wrong check digits, or naming a piece of another SKU, lot or bin, is
refused and its transaction rolls back, so it leaves nothing behind by itself. The routes (and
the voice backend) then record the refusal here, in a short transaction of its own: the
refusal still posts nothing, and the record survives it. The voice dialogue checks spoken
check digits and serials itself and reports what it refused through
:func:`record_pick_exception`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.clock import as_utc, now
from core.db import Database
from core.documents.models import DocKind, Document, DocumentLine
from core.errors import CoreError, NotFoundError, ValidationFailed
from core.locations.models import Location
from core.lots.models import Lot
from core.orders.models import PickException
from core.orders.picks import bind_to_picker
from core.orders.schemas import PickExceptionRead
from core.people.models import User
from core.people.security import Actor

__all__ = [
    "KINDS",
    "PickExceptionQuery",
    "list_pick_exceptions",
    "record_pick_exception",
    "recording_refusals",
    "refusal_kind",
]

log = logging.getLogger(__name__)

#: What a picker got wrong. ``wrong-serial`` is the voice dialogue's: a spoken serial ending
#: that matches no piece of the line; the others are the core's own refusal codes.
KINDS = frozenset({
    "wrong-check-digits", "wrong-serial", "serial-wrong-sku", "serial-wrong-lot",
    "serial-not-at-bin",
})
SOURCES = frozenset({"api", "voice"})
_Ts = TypeVarTuple("_Ts")  # a filtered statement keeps its column types
_GIVEN_MAX = 128


def refusal_kind(error: BaseException) -> str | None:
    """The pick-exception kind of a refused confirmation, or None if it was no wrong pick.

    Wrong check digits and a piece of another SKU, lot or bin are wrong picks; a missing serial
    count, an unknown code or a closed line are input or state errors, not the picker's
    mistake on the shelf.
    """
    code = getattr(error, "code", None)
    return code if isinstance(error, CoreError) and code in KINDS else None


def record_pick_exception(
    session: Session, *, actor: Actor, line_id: int, kind: str, given: str = "",
    source: str = "api", request_key: str | None = None, at: datetime | None = None,
) -> PickException:
    """Record one refused pick on line ``line_id`` by ``actor``; repeats of a key record once."""
    if kind not in KINDS:
        raise ValidationFailed(f"Unknown pick exception kind '{kind}'; use one of "
                               f"{', '.join(sorted(KINDS))}.", code="unknown-exception-kind")
    if source not in SOURCES:
        raise ValidationFailed(f"Unknown source '{source}'.", code="unknown-exception-source")
    if request_key is not None and (seen := session.scalar(select(PickException).where(
            PickException.user_id == actor.id, PickException.request_key == request_key))):
        return seen
    line = session.execute(
        select(DocumentLine.document_id, DocumentLine.from_location_id, DocumentLine.sku_id,
               DocumentLine.lot_id, Document.number, Document.assignee_id)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(DocumentLine.id == line_id, Document.kind == DocKind.PICK.value)
    ).first()
    if line is None or line.from_location_id is None:
        raise NotFoundError(f"No pick line {line_id}.", code="unknown-pick-line")
    # Only the list's picker reports on its lines (the first to do so claims an unassigned list).
    bind_to_picker(session, actor=actor, document_id=line.document_id, number=line.number,
                   assignee_id=line.assignee_id)
    row = PickException(
        at=at or now(), user_id=actor.id, pick_line_id=line_id, pick_list_id=line.document_id,
        kind=kind, given=given.strip()[:_GIVEN_MAX], location_id=line.from_location_id,
        sku_id=line.sku_id, lot_id=line.lot_id, source=source, request_key=request_key)
    session.add(row)
    session.flush()
    return row


def _given(kind: str, check_digits: str | None, serials: Sequence[str]) -> str:
    if kind == "wrong-check-digits":
        return check_digits or ""
    return ", ".join(serials)


@contextmanager
def recording_refusals(
    db: Database, *, actor: Actor, line_id: int, check_digits: str | None = None,
    serials: Sequence[str] = (), request_key: str | None = None,
) -> Iterator[None]:
    """Run a pick confirmation; if it is refused as a wrong pick, record that, then re-raise.

    The body must run (and roll back) its own transaction: the record is written afterwards,
    in a new one. A failure to record is logged and never hides the refusal itself.
    """
    try:
        yield
    except CoreError as exc:
        kind = refusal_kind(exc)
        if kind is not None:
            try:
                with db.write() as session:
                    record_pick_exception(
                        session, actor=actor, line_id=line_id, kind=kind,
                        given=_given(kind, check_digits, serials), request_key=request_key)
            except (CoreError, SQLAlchemyError) as failure:
                log.warning("pick exception on line %s not recorded: %s", line_id, failure)
        raise


@dataclass(frozen=True)
class PickExceptionQuery:
    """Filters of the pick-exception list; every one is optional."""

    user: str | None = None
    kind: str | None = None
    source: str | None = None
    pick_list: str | None = None
    sku: str | None = None
    location: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(stmt: Select[*_Ts], q: PickExceptionQuery) -> Select[*_Ts]:
    equal = ((User.username, q.user), (PickException.kind, q.kind),
             (PickException.source, q.source), (Document.number, q.pick_list), (Sku.code, q.sku))
    stmt = stmt.where(*(column == value for column, value in equal if value))
    if q.location:
        stmt = stmt.where(Location.code.startswith(q.location, autoescape=True))
    if q.since:
        stmt = stmt.where(PickException.at >= q.since)
    if q.until:
        stmt = stmt.where(PickException.at < q.until)
    return stmt


def list_pick_exceptions(
    session: Session, q: PickExceptionQuery, *, limit: int = 50, offset: int = 0
) -> tuple[list[PickExceptionRead], int]:
    """Pick exceptions, newest first, with the total that match the filters."""
    stmt = _filtered(
        select(PickException, User.username, Document.number, Location.code, Sku.code, Lot.code)
        .join(User, User.id == PickException.user_id)
        .join(Document, Document.id == PickException.pick_list_id)
        .join(Location, Location.id == PickException.location_id)
        .join(Sku, Sku.id == PickException.sku_id)
        .outerjoin(Lot, Lot.id == PickException.lot_id), q)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(PickException.at.desc(), PickException.id.desc()).limit(limit)
        .offset(offset)).all()
    items = [PickExceptionRead(
        id=e.id, at=as_utc(e.at), user=user, pick_line_id=e.pick_line_id, pick_list=number,
        kind=e.kind, given=e.given, location=bin_code, sku=sku, lot=lot, source=e.source)
        for e, user, number, bin_code, sku, lot in rows]
    return items, total
