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

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from fastapi import WebSocket

from assistant.settings import AssistantSettings
from assistant.voice.backend import (
    BackendUnavailableError,
    NothingToUndoError,
    PickLine,
    PickRejectedError,
    UnknownOperatorError,
)
from core import Actor, CoreError, Database
from core.dberrors import DBAPIError, IntegrityError
from core.errors import IdempotencyConflict
from core.orders import (
    AssignedLine,
    Sequencer,
    next_assignment,
    post_pick_once,
    record_pick_exception,
    refusal_kind,
    skip_pick,
    undo_last_pick,
)
from core.people import HEADSET_ROLES, headset_picker
from web.api.tickets import websocket_actor
from web.services import VoiceServices

__all__ = ["VOICE_ROLES", "CorePickingBackend", "voice_authenticate", "voice_services"]

log = logging.getLogger(__name__)

#: Roles that may sign on to a headset: whoever may confirm picks.
VOICE_ROLES: frozenset[str] = HEADSET_ROLES


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
            found = headset_picker(session, operator_id=operator_id)
        if found is None:
            raise UnknownOperatorError(f"no active picker with operator id {operator_id}")
        self._actors[operator_id] = found.actor
        return found.name

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
            lines = next_assignment(session, actor=actor, sequencer=self._sequencer, via="voice")
        return [self._pick_line(line) for line in lines]

    def _pick_line(self, line: AssignedLine) -> PickLine:
        if line.check_digits:
            self._digits[line.line_id] = line.check_digits
        return PickLine(
            line_id=str(line.line_id), location_code=line.location_code,
            aisle=line.aisle or line.location_code, bay=line.bay or "", level=line.level or "",
            check_digits=line.check_digits or "", description=line.description,
            sku_code=line.sku_code, quantity=line.quantity, serialised=line.serialised,
            serials=line.serials)

    # -- postings -----------------------------------------------------------------------

    def confirm_pick(self, operator_id: str, line_id: str, *, quantity: int,
                     serials: Sequence[str], idempotency_key: str) -> None:
        """Post a full pick once per idempotency key."""
        self._post(operator_id, line_id, quantity, serials, idempotency_key, short=False)

    def report_short(self, operator_id: str, line_id: str, *, quantity_picked: int,
                     serials: Sequence[str], idempotency_key: str) -> None:
        """Post a short pick (found `quantity_picked`, release the rest) once per key."""
        self._post(operator_id, line_id, quantity_picked, serials, idempotency_key, short=True)

    def _post(self, operator_id: str, line_id: str, quantity: int, serials: Sequence[str],
              key: str, *, short: bool) -> None:
        actor = self._actor(operator_id)
        line = _line_number(line_id)
        try:
            with self._calling():
                # A retry of a posting already stored (a retry that raced it included) replays.
                post_pick_once(self._db, actor=actor, line_id=line, quantity=quantity,
                               serials=serials, check_digits=self._digits.get(line), key=key,
                               short=short)
        except IdempotencyConflict as exc:
            raise PickRejectedError(f"idempotency key {key} was used for another posting") from exc
        except IntegrityError as exc:
            raise BackendUnavailableError("the posting collided; try again") from exc
        except CoreError as exc:
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
        try:
            with self._calling(), self._db.write() as session:
                line_id = undo_last_pick(session, actor=actor, reason="undone by voice")
        except CoreError as exc:
            raise NothingToUndoError(exc.message) from exc
        return str(line_id)


def _line_number(line_id: str) -> int:
    try:
        return int(line_id)
    except ValueError as exc:
        raise PickRejectedError(f"unknown pick line {line_id}") from exc


async def voice_authenticate(websocket: WebSocket) -> Actor | None:
    """Who opens a headset socket: a ticket (or bearer header) of a picking role, checked
    against the database (see ``web.api.tickets``); None refuses the socket."""
    actor = await websocket_actor(websocket)
    return actor if actor is not None and actor.role in VOICE_ROLES else None


def voice_profiles(db: Database) -> Callable[[str, str], bytes | None]:
    """A loader of an operator's enrolment for an engine."""
    from core.voice import voice_profile

    def load(operator_id: str, engine: str) -> bytes | None:
        with db.read() as session:
            found = voice_profile(session, operator_id=operator_id, engine=engine)
        return found.data if found is not None else None

    return load


def voice_services(db: Database, settings: AssistantSettings, *,
                   sequencer: Sequencer | None = None) -> VoiceServices:
    """What ``/ws/voice`` and ``/ws/voice/enrol`` need: the core backend, token sign-in and the
    operators' voice profiles; `settings` configure every headset (VAD, operator id length,
    out-of-grammar rejection)."""
    return VoiceServices(
        settings=settings,
        backend_factory=lambda: CorePickingBackend(db, sequencer=sequencer),
        authenticate=voice_authenticate,
        profiles=voice_profiles(db),
    )
