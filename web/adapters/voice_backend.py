"""Voice picking over the inventory core: `CorePickingBackend` and the websocket wiring.

This is the one place where the assistant's dialogue meets the core's pick services (``web``
is the composition layer; ``assistant`` and ``core`` never import each other). Every backend
call runs in its own write transaction; core errors become the voice errors the dialogue
understands, and database outages become `BackendUnavailableError`, which the dialogue retries
with the same idempotency key.

The core's pick rules hold here too: only a list's assignee works it (a headset gets the
operator's own list, else claims the oldest unassigned one), and a confirmation carries the
bin's check digits. The dialogue moves past a bin only once the operator has spoken the digits
this backend handed it for that line, so the backend posts with those digits; a line it never
handed out has none and is refused (``check-digits-required``). The digits stay on the server:
the headset hears prompts, never the digits.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, WebSocket
from sqlalchemy import Select, and_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, selectinload

from assistant.settings import AssistantSettings
from assistant.voice.backend import (
    BackendUnavailableError,
    NothingToUndoError,
    PickLine,
    PickRejectedError,
    UnknownOperatorError,
)
from core import Actor, CoreError, Database
from core.audit import service as audit
from core.audit.models import IdempotencyRecord
from core.catalogue.models import Sku
from core.clock import now
from core.documents.models import DocKind, Document, DocumentLine
from core.locations.models import Location
from core.lots.models import Serial
from core.orders import (
    confirm_pick,
    record_pick_exception,
    refusal_kind,
    short_pick,
    skip_pick,
    undo_pick,
)
from core.people import PERMISSIONS
from core.people.models import User
from web.api.tickets import websocket_actor

__all__ = ["VOICE_ROLES", "CorePickingBackend", "configure_voice", "voice_authenticate"]

log = logging.getLogger(__name__)

#: Roles that may sign on to a headset: whoever may confirm picks.
VOICE_ROLES: frozenset[str] = frozenset(str(role) for role in PERMISSIONS["pick:write"])

Sequencer = Callable[[list[str]], list[str]]


@dataclass(frozen=True)
class _Line:
    """A pick line as read for the headset, before it becomes a `PickLine`."""

    id: int
    sku_id: int
    lot_id: int
    location: Location
    sku: Sku
    remaining: int


class CorePickingBackend:
    """`PickingBackend` over the core's pick lists; one instance per headset connection.

    ``sequencer`` may reorder the bin codes of an assignment (the twin's routing from where the
    picker stands); without it lines come in the pick list's own travel order.
    """

    def __init__(self, db: Database, *, sequencer: Sequencer | None = None) -> None:
        """Use `db` for every call; nobody is signed on yet."""
        self._db = db
        self._sequencer = sequencer
        self._actors: dict[str, Actor] = {}
        # Check digits of the lines handed to the dialogue, which verifies the spoken ones.
        self._digits: dict[int, str] = {}

    # -- session ------------------------------------------------------------------------

    def sign_on(self, operator_id: str) -> str:
        """Sign on the active user with this operator id and a picking role; return the name."""
        with self._calling(), self._db.read() as session:
            user = session.scalar(select(User).where(
                User.operator_id == operator_id.strip(), User.active.is_(True),
                User.role.in_(VOICE_ROLES)))
            if user is None:
                raise UnknownOperatorError(f"no active picker with operator id {operator_id}")
            self._actors[operator_id] = Actor(id=user.id, username=user.username, role=user.role)
            return user.full_name or user.username

    def sign_off(self, operator_id: str) -> None:
        """Forget the operator; their pick list stays assigned to them for next time."""
        self._actors.pop(operator_id, None)

    def _actor(self, operator_id: str) -> Actor:
        actor = self._actors.get(operator_id)
        if actor is None:
            raise UnknownOperatorError(f"operator {operator_id} is not signed on")
        return actor

    @contextmanager
    def _calling(self) -> Iterator[None]:
        """Map database outages to `BackendUnavailableError` (the dialogue retries those)."""
        try:
            yield
        except IntegrityError:
            raise
        except DBAPIError as exc:
            log.warning("voice backend: database unavailable: %s", exc)
            raise BackendUnavailableError("the database is not reachable") from exc

    # -- work ---------------------------------------------------------------------------

    def next_assignment(self, operator_id: str) -> list[PickLine]:
        """The operator's open pick list, else the oldest unassigned one (now theirs)."""
        actor = self._actor(operator_id)
        with self._calling(), self._db.write() as session:
            doc_id = self._own_list(session, actor) or self._claim_list(session, actor)
            if doc_id is None:
                return []
            lines = self._open_lines(session, doc_id)
            return [self._pick_line(session, line) for line in self._sequenced(lines)]

    def _lists(self, *conditions: Any) -> Select[tuple[int]]:
        open_line = select(DocumentLine.id).where(DocumentLine.document_id == Document.id,
                                                  DocumentLine.status == "open").exists()
        return (select(Document.id)
                .where(Document.kind == DocKind.PICK.value, Document.status == "open", open_line,
                       *conditions)
                .order_by(Document.id))

    def _own_list(self, session: Session, actor: Actor) -> int | None:
        return session.scalar(self._lists(Document.assignee_id == actor.id).limit(1))

    def _claim_list(self, session: Session, actor: Actor) -> int | None:
        """Assign the oldest unassigned open list; a conditional UPDATE settles races."""
        for doc_id in session.scalars(self._lists(Document.assignee_id.is_(None)).limit(5)):
            claimed = session.execute(
                update(Document).where(Document.id == doc_id, Document.assignee_id.is_(None))
                .values(assignee_id=actor.id).returning(Document.number)
            ).scalar()
            if claimed is not None:
                audit.record(session, actor=actor.username, action="pick.assign",
                             entity=claimed, detail={"picker": actor.username, "via": "voice"})
                return doc_id
        return None

    def _open_lines(self, session: Session, doc_id: int) -> list[_Line]:
        rows = session.execute(
            select(DocumentLine, Location, Sku)
            .join(Location, Location.id == DocumentLine.from_location_id)
            .join(Sku, Sku.id == DocumentLine.sku_id)
            .where(DocumentLine.document_id == doc_id, DocumentLine.status == "open")
            .order_by(DocumentLine.line_no)
            .options(selectinload(Sku.style))
        ).all()
        return [_Line(ln.id, ln.sku_id, ln.lot_id, loc, sku, ln.quantity - ln.done_quantity)
                for ln, loc, sku in rows if ln.quantity > ln.done_quantity]

    def _sequenced(self, lines: list[_Line]) -> list[_Line]:
        if self._sequencer is None:
            return lines
        codes = list(dict.fromkeys(line.location.code for line in lines))
        proposed = list(self._sequencer(list(codes)))
        if sorted(proposed) != sorted(codes):
            log.warning("voice backend: sequencer changed the bins; keeping travel order")
            return lines
        position = {code: i for i, code in enumerate(proposed)}
        return sorted(lines, key=lambda line: position[line.location.code])

    def _pick_line(self, session: Session, line: _Line) -> PickLine:
        loc, sku = line.location, line.sku
        serials: tuple[str, ...] = ()
        if sku.serialised:
            serials = tuple(session.scalars(
                select(Serial.code).where(Serial.sku_id == line.sku_id,
                                          Serial.lot_id == line.lot_id,
                                          Serial.location_id == loc.id)
                .order_by(Serial.code)))
        if loc.check_digits:
            self._digits[line.id] = loc.check_digits
        return PickLine(
            line_id=str(line.id), location_code=loc.code, aisle=loc.aisle or loc.code,
            bay=loc.bay or "", level=loc.level or "", check_digits=loc.check_digits or "",
            description=sku.description, sku_code=sku.code, quantity=line.remaining,
            serialised=sku.serialised, serials=serials)

    # -- postings -----------------------------------------------------------------------

    def confirm_pick(self, operator_id: str, line_id: str, *, quantity: int,
                     serials: Sequence[str], idempotency_key: str) -> None:
        """Post a full pick once per idempotency key."""
        self._post("confirm", operator_id, line_id, quantity, serials, idempotency_key)

    def report_short(self, operator_id: str, line_id: str, *, quantity_picked: int,
                     serials: Sequence[str], idempotency_key: str) -> None:
        """Post a short pick (found `quantity_picked`, release the rest) once per key."""
        self._post("short", operator_id, line_id, quantity_picked, serials, idempotency_key)

    def _post(self, kind: str, operator_id: str, line_id: str, quantity: int,
              serials: Sequence[str], key: str) -> None:
        actor = self._actor(operator_id)
        line = _line_number(line_id)
        fingerprint = _fingerprint(kind, line, quantity, serials)
        try:
            with self._calling(), self._db.write() as session:
                if self._replayed(session, actor, key, fingerprint):
                    return
                digits = self._digits.get(line)
                if kind == "confirm":
                    outcome = confirm_pick(session, actor=actor, line_id=line, quantity=quantity,
                                           serials=list(serials), check_digits=digits)
                else:
                    outcome = short_pick(session, actor=actor, line_id=line,
                                         found_quantity=quantity, serials=list(serials),
                                         check_digits=digits)
                session.add(IdempotencyRecord(
                    user_id=actor.id, key=key, fingerprint=fingerprint, status_code=200,
                    body=json.dumps({"line": line, "moves": list(outcome.move_ids)}),
                    created_at=now()))
                session.flush()  # a concurrent retry fails here, on the unique key
        except (CoreError, IntegrityError) as exc:
            # A retry racing the first attempt loses on the line lock or the unique key;
            # if that first attempt is now recorded, this call has in fact succeeded.
            with self._calling(), self._db.read() as session:
                if self._replayed(session, actor, key, fingerprint):
                    return
            if isinstance(exc, IntegrityError):
                raise BackendUnavailableError("the posting collided; try again") from exc
            if (kind := refusal_kind(exc)) is not None:
                self._record_rejection(actor, line, kind, ", ".join(serials), key)
            raise PickRejectedError(exc.message) from exc

    def report_rejection(self, operator_id: str, line_id: str, *, kind: str, given: str) -> None:
        """Record a check digit or serial the dialogue refused as a pick exception."""
        actor = self._actor(operator_id)
        try:
            with self._calling(), self._db.write() as session:
                record_pick_exception(session, actor=actor, line_id=_line_number(line_id),
                                      kind=kind, given=given, source="voice")
        except CoreError as exc:
            raise PickRejectedError(exc.message) from exc

    def _record_rejection(self, actor: Actor, line: int, kind: str, given: str,
                          key: str) -> None:
        """Keep a wrong pick the core refused; its own transaction, once per posting key."""
        try:
            with self._calling(), self._db.write() as session:
                record_pick_exception(session, actor=actor, line_id=line, kind=kind,
                                      given=given, source="voice", request_key=key)
        except (CoreError, BackendUnavailableError, IntegrityError) as exc:
            log.warning("voice backend: rejection on line %s not recorded: %s", line, exc)

    @staticmethod
    def _replayed(session: Session, actor: Actor, key: str, fingerprint: str) -> bool:
        stored = session.scalar(select(IdempotencyRecord.fingerprint).where(
            IdempotencyRecord.user_id == actor.id, IdempotencyRecord.key == key))
        if stored is None:
            return False
        if stored != fingerprint:
            raise PickRejectedError(f"idempotency key {key} was used for another posting")
        return True

    def skip_line(self, operator_id: str, line_id: str) -> None:
        """Note the skip on the line (it stays open); a line closed meanwhile is let be."""
        actor = self._actor(operator_id)
        try:
            with self._calling(), self._db.write() as session:
                skip_pick(session, actor=actor, line_id=_line_number(line_id))
        except CoreError as exc:
            log.info("voice backend: skip of line %s not recorded: %s", line_id, exc.message)

    def undo_last(self, operator_id: str) -> str:
        """Reverse the operator's latest pick or short still in force, on a list still theirs."""
        actor = self._actor(operator_id)
        with self._calling(), self._db.write() as session:
            line_id = session.scalar(
                select(DocumentLine.id)
                .join(Document, and_(Document.id == DocumentLine.document_id,
                                     Document.kind == DocKind.PICK.value,
                                     Document.assignee_id == actor.id))
                .where(DocumentLine.done_by_id == actor.id, DocumentLine.done_at.is_not(None),
                       DocumentLine.status.in_(("open", "done", "short")))
                .order_by(DocumentLine.done_at.desc(), DocumentLine.id.desc()).limit(1))
            if line_id is None:
                raise NothingToUndoError(f"{actor.username} has no pick to undo")
            try:
                undo_pick(session, actor=actor, line_id=line_id, reason="undone by voice")
            except CoreError as exc:
                raise NothingToUndoError(exc.message) from exc
            return str(line_id)


def _line_number(line_id: str) -> int:
    try:
        return int(line_id)
    except ValueError as exc:
        raise PickRejectedError(f"unknown pick line {line_id}") from exc


def _fingerprint(kind: str, line: int, quantity: int, serials: Sequence[str]) -> str:
    body = json.dumps([kind, line, quantity, sorted(serials)])
    return hashlib.sha256(body.encode()).hexdigest()


def voice_authenticate(app: FastAPI) -> Callable[[WebSocket], Awaitable[Actor | None]]:
    """A check for ``app.state.voice_authenticate``: a ticket (or bearer header) of a picking
    role, checked against the database (see ``web.api.tickets``)."""
    del app  # each socket carries its app

    async def check(websocket: WebSocket) -> Actor | None:
        actor = await websocket_actor(websocket)
        return actor if actor is not None and actor.role in VOICE_ROLES else None

    return check


def voice_profiles(db: Database) -> Callable[[str, str], bytes | None]:
    """A loader for ``app.state.voice_profiles``: an operator's enrolment for an engine."""
    from core.voice import voice_profile

    def load(operator_id: str, engine: str) -> bytes | None:
        with db.read() as session:
            found = voice_profile(session, operator_id=operator_id, engine=engine)
        return found.data if found is not None else None

    return load


def configure_voice(app: FastAPI, *, sequencer: Sequencer | None = None,
                    settings: AssistantSettings | None = None) -> None:
    """Mount ``/ws/voice`` and ``/ws/voice/enrol`` and give them the core backend, token
    sign-in and the operators' voice profiles.

    `settings` configure every headset (VAD, operator id length, out-of-grammar rejection);
    without them ``/ws/voice`` reads `AssistantSettings` from the environment on first use.
    """
    from web.api import ws_voice, ws_voice_enrol

    if settings is not None:
        app.state.voice_settings = settings

    # First in line: the pages are mounted last and answer every path no route claimed.
    count = len(app.router.routes)
    app.include_router(ws_voice.router)
    app.include_router(ws_voice_enrol.router)
    added = app.router.routes[count:]
    del app.router.routes[count:]
    app.router.routes[0:0] = added
    db: Database = app.state.db
    app.state.voice_backend_factory = lambda: CorePickingBackend(db, sequencer=sequencer)
    app.state.voice_authenticate = voice_authenticate(app)
    app.state.voice_profiles = voice_profiles(db)
