"""The inbox: every channel message is stored first, then applied in a transaction of its own.

:func:`receive` stores what a webhook or a poll brought (a repeat of a stored
``message_key`` is skipped: the first delivery wins). :func:`apply_message` applies one
stored message: a new order is created and its stock reserved in ONE transaction, so orders
from every channel reserve against the same ledger rows (row-locked) and the last piece is
promised once. A failure is recorded in a second transaction (attempts, error code, the next
try after an exponential backoff) and never raised; a message that cannot succeed by being
tried again, or has been tried :data:`MAX_ATTEMPTS` times, is dead until a person retries it.

Messages of one order are applied one at a time: applying one row-locks every stored message
of that order first, so a cancel and its create racing on two connections queue up, and the
second sees what the first did (cancel before create ends with the order cancelled and
nothing reserved).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.channels.errors import (
    OrderAlreadyPicked,
    OrderNotYetCreated,
    OrderWithoutLines,
    UnmappedSku,
)
from core.channels.models import Channel, ChannelMessage, MessageKind, MessageStatus
from core.channels.schemas import ChannelMessageRead, ChannelOrderMessage
from core.channels.service import get_channel, listed_skus
from core.clock import as_utc, now
from core.db import Database
from core.errors import CoreError, InsufficientStockError, NotFoundError, ValidationFailed
from core.orders import cancel_order, create_order
from core.orders.allocation import allocate_locked
from core.orders.models import OrderStatus, SalesOrder
from core.orders.schemas import OrderCreate, OrderLineIn
from core.people.security import Actor
from core.people.service import SYSTEM_USERNAME, system_actor
from core.prepared import Prepared, driver_dialect, insert_unless_taken

__all__ = [
    "BACKOFF_CAP_S",
    "MAX_ATTEMPTS",
    "Received",
    "apply_due",
    "apply_message",
    "backoff_s",
    "list_messages",
    "message_read",
    "poll_cursor",
    "receive",
    "record_channel_error",
    "retry_message",
    "store_polled",
]

log = logging.getLogger("facet.channels")

#: Tries before a message that keeps failing is given up on (dead).
MAX_ATTEMPTS = 8
#: The n-th failure waits 2**n seconds before the next try, at most this long.
BACKOFF_CAP_S = 300.0
#: :func:`apply_due` leaves messages never tried this young to whoever stored them.
FRESH_S = 5.0
#: Failures that no later try can fix: dead at once, for a person.
PERMANENT = frozenset(
    {
        "order-conflict",
        "order-already-picked",
        "order-not-cancellable",
        "order-not-allocatable",
        "order-without-lines",
        "bad-channel-message",
        "invalid-input",
        "unknown-lot",
    }
)
_CANCELS = (MessageKind.CANCELLED, MessageKind.REFUNDED)


@dataclass(frozen=True)
class Received:
    """One message of a delivery: its stored id, and whether it was new (False: a repeat)."""

    message_id: int
    message_key: str
    kind: str
    external_order_id: str
    new: bool


def backoff_s(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failure: 2, 4, 8 ... capped."""
    return min(2.0 ** max(attempts, 1), BACKOFF_CAP_S)


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def message_read(msg: ChannelMessage | _MessageRow, channel: str) -> ChannelMessageRead:
    """The API view of a stored message of ``channel``."""
    return ChannelMessageRead(
        id=msg.id,
        channel=channel,
        message_key=msg.message_key,
        kind=msg.kind,
        external_order_id=msg.external_order_id,
        status=MessageStatus(msg.status),
        attempts=msg.attempts,
        received_at=as_utc(msg.received_at),
        occurred_at=_utc(msg.occurred_at),
        next_attempt_at=_utc(msg.next_attempt_at),
        processed_at=_utc(msg.processed_at),
        outcome=msg.outcome,
        error_code=msg.error_code,
        last_error=msg.last_error,
        order_id=msg.order_id,
    )


# -- receive ----------------------------------------------------------------------------------


# Run on every webhook: prepared once, executed on the raw cursor (see core.prepared). Neither
# touches an ORM object: the channel and the message are read afresh where they are used.
# Stamps the channel's last message and names its id in one statement.
_STAMP = Prepared(
    update(Channel.__table__)
    .where(Channel.__table__.c.code == bindparam("b_code"))
    .values(last_message_at=bindparam("b_at"))
    .returning(Channel.__table__.c.id)
)
_MESSAGE_COLUMNS = ("channel_id", "message_key", "kind", "external_order_id", "payload", "raw",
                    "occurred_at", "received_at", "status", "attempts")  # fmt: skip


# A message is stored unless its key is stored already (then no row comes back).
_INSERT = insert_unless_taken(ChannelMessage.__table__, _MESSAGE_COLUMNS,
                              ["channel_id", "message_key"])


def receive(
    session: Session, *, channel: str, messages: Sequence[ChannelOrderMessage], raw: str
) -> list[Received]:
    """Store a delivery's messages as pending; a stored ``message_key`` is a repeat (``new``
    False, the first delivery kept, a different content logged). The caller commits.

    NotFoundError ``unknown-channel`` when no channel has the code.
    """
    at, out = now(), []
    stamped = _STAMP.first(session, {"b_code": channel, "b_at": at})
    if stamped is None:
        raise NotFoundError(f"No sales channel with code '{channel}'.", code="unknown-channel")
    channel_id: int = stamped[0]
    insert = _INSERT[driver_dialect(session).name]
    # Insert first (a new message is the common case); a key already stored inserts nothing.
    stored: dict[str, tuple[int, dict[str, object]]] = {}
    body_kept = False
    for m in messages:
        payload = m.model_dump(mode="json")
        if m.message_key not in stored:
            # The body once per delivery (on its first new message), not once per message:
            # a delivery of 100 messages would otherwise store its body 100 times.
            new_id = _insert(insert, session, channel_id, m, payload, "" if body_kept else raw, at)
            if new_id is not None:
                body_kept = True
                stored[m.message_key] = (new_id, payload)
                out.append(Received(new_id, m.message_key, m.kind, m.external_order_id, True))
                continue
            stored[m.message_key] = _stored(session, channel_id, m.message_key)
        first_id, first = stored[m.message_key]
        if first != payload:
            log.warning(
                "channel %s: message %s repeated with other content; the first kept",
                channel,
                m.message_key,
            )
        out.append(Received(first_id, m.message_key, m.kind, m.external_order_id, False))
    return out


def _insert(
    insert: Prepared[Any],
    session: Session,
    channel_id: int,
    m: ChannelOrderMessage,
    payload: dict[str, object],
    raw: str,
    at: datetime,
) -> int | None:
    row = insert.first(
        session,
        {
            "channel_id": channel_id,
            "message_key": m.message_key,
            "kind": str(m.kind),
            "external_order_id": m.external_order_id,
            "payload": payload,
            "raw": raw,
            "occurred_at": m.occurred_at,
            "received_at": at,
            "status": str(MessageStatus.PENDING),
            "attempts": 0,
        },
    )
    return None if row is None else int(row[0])


def _stored(session: Session, channel_id: int, key: str) -> tuple[int, dict[str, object]]:
    row = session.execute(
        select(ChannelMessage.id, ChannelMessage.payload).where(
            ChannelMessage.channel_id == channel_id, ChannelMessage.message_key == key
        )
    ).one()
    return row[0], row[1]


def poll_cursor(session: Session, *, channel: str) -> str | None:
    """Where polling ``channel`` resumes (None: from the channel's start)."""
    return get_channel(session, code=channel).poll_cursor


def store_polled(
    session: Session,
    *,
    channel: str,
    messages: Sequence[ChannelOrderMessage],
    cursor: str | None,
    raw: str = "",
) -> list[Received]:
    """Store what a poll brought and the cursor after it, together (a poll that is not stored
    is asked again from the old cursor, and its repeats are dropped); clears the channel's
    last error. The caller commits."""
    received = receive(session, channel=channel, messages=messages, raw=raw)
    ch = get_channel(session, code=channel)
    if cursor is not None:
        ch.poll_cursor = cursor[:256]
    ch.last_error = ch.last_error_at = None
    session.flush()
    return received


def record_channel_error(session: Session, *, channel: str, error: str) -> None:
    """Note that talking to ``channel`` failed (shown on the Channels page). Caller commits."""
    ch = get_channel(session, code=channel)
    ch.last_error, ch.last_error_at = error[:512], now()
    session.flush()


# -- apply ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ChannelRef:
    """The channel a message came from, as applying it needs it (read with the message)."""

    id: int
    code: str
    name: str


@dataclass
class _Ctx:
    session: Session
    channel: _ChannelRef
    actor: Actor
    message: ChannelOrderMessage
    siblings: list[_MessageRow]

    @property
    def cancelled_first(self) -> bool:
        """A cancel or refund of this order was applied before it existed."""
        return any(s.kind in _CANCELS and s.status == MessageStatus.DONE for s in self.siblings)


#: The system actor per database, kept once a transaction that used it committed.
_ACTORS: weakref.WeakKeyDictionary[Database, Actor] = weakref.WeakKeyDictionary()


def actor_for(db: Database, session: Session) -> Actor:
    """The system user channel messages are applied as (made in ``session`` the first time)."""
    return _ACTORS.get(db) or system_actor(session)


def remember_actor(db: Database, actor: Actor) -> None:
    """Keep ``actor`` for ``db`` once the transaction that found it committed."""
    _ACTORS[db] = actor


def apply_message(
    db: Database, *, message_id: int, max_attempts: int = MAX_ATTEMPTS
) -> ChannelMessageRead:
    """Apply one stored message in its own transaction and say what became of it.

    A failure is stored (attempts, error code, next try; dead after ``max_attempts`` tries or
    at once when no retry can fix it), never raised. A message already done or dead is
    returned as it is. NotFoundError ``unknown-message`` only for an id never stored.
    """
    try:
        with db.write() as session:
            actor = actor_for(db, session)
            read = apply_in(session, message_id, actor)
        remember_actor(db, actor)
        return read
    except Exception as exc:  # processing failures are stored, whatever they are
        if isinstance(exc, NotFoundError) and exc.code == "unknown-message":
            raise
        code, text, permanent = failure_of(exc)
        return record_failure(db, message_id, code, text, permanent, max_attempts)


def failure_of(exc: Exception) -> tuple[str, str, bool]:
    """A failure's error code, message and whether no retry can fix it."""
    if isinstance(exc, CoreError):
        return exc.code, exc.message, exc.code in PERMANENT
    if isinstance(exc, ValidationError):
        return "bad-channel-message", str(exc).splitlines()[0], True
    log.exception("channel message failed unexpectedly")
    return "internal-error", f"{type(exc).__name__}: {exc}", False


_M, _CH = ChannelMessage.__table__, Channel.__table__
_ME = _M.alias("me")


class _MessageRow(NamedTuple):
    """A stored message as applying it reads it (its body left out), with its channel."""

    id: int
    message_key: str
    kind: str
    external_order_id: str
    payload: dict[str, Any]
    status: str
    attempts: int
    received_at: datetime
    occurred_at: datetime | None
    next_attempt_at: datetime | None
    processed_at: datetime | None
    outcome: str | None
    error_code: str | None
    last_error: str | None
    order_id: int | None
    channel_id: int
    channel_code: str
    channel_name: str


# Applying a message reads, writes and answers with these, prepared once and run on the raw
# cursor (see core.prepared): built per call through the ORM, the read alone cost about a
# sixth of taking a webhook's order. Every message of the order the message belongs to,
# row-locked (PostgreSQL; SQLite writers are serialised), oldest first, with its channel.
_ORDER_MESSAGES = Prepared(
    select(*(_M.c[name] for name in _MessageRow._fields[:16]),
           _CH.c.code.label("channel_code"), _CH.c.name.label("channel_name"))
    .select_from(
        _M.join(_CH, _CH.c.id == _M.c.channel_id).join(
            _ME, and_(_ME.c.channel_id == _M.c.channel_id,
                      _ME.c.external_order_id == _M.c.external_order_id))
    )
    .where(_ME.c.id == bindparam("id"))
    .order_by(_M.c.id)
    .with_for_update(of=_M),
    _MessageRow,
)  # fmt: skip
_DONE_FIELDS = ("id", "status", "outcome", "processed_at", "order_id", "error_code",
                "last_error", "next_attempt_at")  # fmt: skip
_DONE = Prepared(
    update(_M)
    .where(_M.c.id == bindparam("p_id"))
    .values({name: bindparam(f"p_{name}") for name in _DONE_FIELDS[1:]})
)
# What waited for an order (a paid before its create) is due at once when the order comes.
_DUE_NOW = Prepared(
    update(_M).where(_M.c.id == bindparam("p_id")).values(next_attempt_at=bindparam("p_at"))
)
_ORDER = select(SalesOrder).where(
    SalesOrder.channel == bindparam("channel"), SalesOrder.external_id == bindparam("external_id")
)


def apply_in(session: Session, message_id: int, actor: Actor) -> ChannelMessageRead:
    """Apply one stored message in ``session`` (the caller's transaction); raises on failure."""
    if session.autoflush:  # the read below runs on the raw cursor: the session goes first
        session.flush()
    siblings = _ORDER_MESSAGES.rows(session, {"id": message_id})
    msg = next((m for m in siblings if m.id == message_id), None)
    if msg is None:
        raise NotFoundError(f"No channel message with id {message_id}.", code="unknown-message")
    if msg.status != MessageStatus.PENDING:
        return message_read(msg, msg.channel_code)
    channel = _ChannelRef(msg.channel_id, msg.channel_code, msg.channel_name)
    ctx = _Ctx(session, channel, actor, ChannelOrderMessage.model_validate(msg.payload), siblings)
    outcome, order = _HANDLERS[MessageKind(msg.kind)](ctx)
    at = now()
    if order is not None:  # what waited for this order (a paid before its create) goes now
        for other in siblings:
            if other.status == MessageStatus.PENDING and other.id != msg.id:
                _DUE_NOW.run(session, {"p_id": other.id, "p_at": at})
    session.flush()
    # The last write, so nothing after it can fail once the message is marked done.
    applied = msg._replace(status=str(MessageStatus.DONE), outcome=outcome, processed_at=at,
                           order_id=order.id if order is not None else None, error_code=None,
                           last_error=None, next_attempt_at=None)  # fmt: skip
    _DONE.run(session, {f"p_{name}": getattr(applied, name) for name in _DONE_FIELDS})
    return message_read(applied, channel.code)


def _order(ctx: _Ctx) -> SalesOrder | None:
    return ctx.session.scalar(
        _ORDER, {"channel": ctx.channel.code, "external_id": ctx.message.external_order_id}
    )


def _picked(order: SalesOrder) -> bool:
    return order.status in (OrderStatus.PICKED, OrderStatus.SHIPPED) or any(
        ln.picked_quantity > 0 for ln in order.lines
    )


def _create(ctx: _Ctx) -> tuple[str, SalesOrder]:
    """Create the order and reserve its stock at once (same transaction)."""
    m, channel = ctx.message, ctx.channel
    if not m.lines:
        raise OrderWithoutLines(f"Order {m.external_order_id} came without lines.")
    skus = listed_skus(ctx.session, channel.id, [ln.external_sku for ln in m.lines])
    if missing := sorted({ln.external_sku for ln in m.lines} - set(skus)):
        raise UnmappedSku(
            f"{channel.code} SKU '{missing[0]}' is mapped to no Facet SKU "
            f"(order {m.external_order_id})."
        )
    order, new = create_order(
        ctx.session,
        actor=ctx.actor,
        sku_ids=dict(skus.values()),  # read with the mapping: not looked up again
        data=OrderCreate(
            channel=channel.code,
            external_id=m.external_order_id,
            customer_name=m.customer_name or channel.name,
            customer_ref=m.customer_ref,
            lines=[
                OrderLineIn(
                    sku=skus[ln.external_sku][0], quantity=ln.quantity, unit_price=ln.unit_price
                )
                for ln in m.lines
            ],
        ),
    )
    if not new:
        return "duplicate", order
    if ctx.cancelled_first:
        cancel_order(ctx.session, actor=ctx.actor, order_id=order.id)
        return "created-cancelled", order
    try:
        # The order was created by this transaction: no one else can see it, let alone
        # change it, so it is not read again. No savepoint: allocate_locked refuses with
        # InsufficientStockError only when it reserved nothing (a refusal part-way raises
        # another error, which undoes the whole message, to be tried again).
        complete = allocate_locked(ctx.session, actor=ctx.actor, order=order).complete
    except InsufficientStockError:
        complete = False
    if complete:
        return "created", order
    found = ctx.session.get_one(Channel, channel.id)
    found.last_error = (
        f"Order {m.external_order_id} oversold: not all of it could be reserved; it stays open."
    )
    found.last_error_at = now()
    return "oversold", order


def _created(ctx: _Ctx) -> tuple[str, SalesOrder | None]:
    return _create(ctx)


def _cancelled(ctx: _Ctx) -> tuple[str, SalesOrder | None]:
    order = _order(ctx)
    if order is None:
        return "cancelled-before-created", None
    if order.status == OrderStatus.CANCELLED:
        return "duplicate", order
    if _picked(order):
        raise OrderAlreadyPicked(
            f"Order {order.external_id} is {order.status} with pieces "
            "picked; put them back and cancel it by hand."
        )
    cancel_order(ctx.session, actor=ctx.actor, order_id=order.id)
    return "cancelled", order


def _paid(ctx: _Ctx) -> tuple[str, SalesOrder | None]:
    order, outcome = _order(ctx), "paid"
    if order is None:
        if ctx.cancelled_first:
            return "cancelled-before-created", None
        if not ctx.message.lines:
            raise OrderNotYetCreated(
                f"Order {ctx.message.external_order_id} is paid but not "
                "received yet; tried again when it is."
            )
        outcome, order = _create(ctx)
    elif order.paid_at is not None:
        return "duplicate", order
    order.paid_at = ctx.message.occurred_at or now()
    audit.record(
        ctx.session,
        actor=ctx.actor.username,
        action="order.paid",
        entity=f"{order.channel}:{order.external_id}",
        detail={"order_id": order.id, "paid_at": order.paid_at.isoformat()},
    )
    return outcome, order


def _refunded(ctx: _Ctx) -> tuple[str, SalesOrder | None]:
    order = _order(ctx)
    if order is None:
        return "cancelled-before-created", None
    ref = ctx.message.refund_ref or ctx.message.message_key[:64]
    if order.refund_ref == ref:
        return "duplicate", order
    if order.status not in (OrderStatus.SHIPPED, OrderStatus.CANCELLED):
        if _picked(order):
            raise OrderAlreadyPicked(
                f"Order {order.external_id} is refunded with pieces "
                "picked; put them back and cancel it by hand."
            )
        cancel_order(ctx.session, actor=ctx.actor, order_id=order.id)
    order.refund_ref = ref
    audit.record(
        ctx.session,
        actor=ctx.actor.username,
        action="order.refund",
        entity=f"{order.channel}:{order.external_id}",
        detail={"order_id": order.id, "refund_ref": ref, "status": order.status},
    )
    return "refunded", order


_HANDLERS = {
    MessageKind.CREATED: _created,
    MessageKind.PAID: _paid,
    MessageKind.CANCELLED: _cancelled,
    MessageKind.REFUNDED: _refunded,
}


def record_failure(
    db: Database, message_id: int, code: str, text: str, permanent: bool, max_attempts: int
) -> ChannelMessageRead:
    """Store a failed try of a pending message in its own transaction: attempts, error, next
    try, or dead (after ``max_attempts`` tries, or at once when ``permanent``)."""
    try:
        with db.write() as session:
            msg = session.scalar(
                select(ChannelMessage)
                .where(ChannelMessage.id == message_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            if msg is None:
                raise NotFoundError(
                    f"No channel message with id {message_id}.", code="unknown-message"
                )
            channel = session.get_one(Channel, msg.channel_id)
            if msg.status != MessageStatus.PENDING:  # applied meanwhile by another worker
                return message_read(msg, channel.code)
            at = now()
            msg.attempts += 1
            dead = permanent or msg.attempts >= max_attempts
            msg.status = MessageStatus.DEAD if dead else MessageStatus.PENDING
            msg.error_code, msg.last_error = code[:48], text[:512]
            msg.next_attempt_at = None if dead else at + timedelta(seconds=backoff_s(msg.attempts))
            channel.last_error = f"{msg.external_order_id}: {text}"[:512]
            channel.last_error_at = at
            session.flush()
            return message_read(msg, channel.code)
    except CoreError as exc:  # busy: the message stays pending and is tried again later
        log.warning("channel message %d: failure not recorded (%s)", message_id, exc.code)
        with db.read() as session:
            msg = session.get_one(ChannelMessage, message_id)
            return message_read(msg, session.get_one(Channel, msg.channel_id).code)


# -- retry and list ---------------------------------------------------------------------------


def apply_due(db: Database, *, limit: int = 100) -> int:
    """Apply pending messages whose next try is due (oldest first); returns how many."""
    at = now()
    with db.read() as session:
        ids = list(
            session.scalars(
                select(ChannelMessage.id)
                .where(
                    ChannelMessage.status == MessageStatus.PENDING,
                    or_(
                        ChannelMessage.next_attempt_at <= at,
                        and_(
                            ChannelMessage.next_attempt_at.is_(None),
                            ChannelMessage.received_at <= at - timedelta(seconds=FRESH_S),
                        ),
                    ),
                )
                .order_by(ChannelMessage.id)
                .limit(limit)
            )
        )
    for message_id in ids:
        apply_message(db, message_id=message_id)
    return len(ids)


def retry_message(
    db: Database, *, channel: str, message_id: int, actor: Actor | None = None
) -> ChannelMessageRead:
    """A person tries a message again now (a dead letter after its SKU was mapped...).

    A message already done is returned as it is; NotFoundError ``unknown-message`` when the
    channel has no such message.
    """
    with db.write() as session:
        ch = get_channel(session, code=channel)
        msg = session.scalar(
            select(ChannelMessage).where(
                ChannelMessage.id == message_id, ChannelMessage.channel_id == ch.id
            )
        )
        if msg is None:
            raise NotFoundError(f"{channel} has no message {message_id}.", code="unknown-message")
        if msg.status == MessageStatus.DONE:
            return message_read(msg, ch.code)
        audit.record(
            session,
            actor=actor.username if actor else SYSTEM_USERNAME,
            action="channel.message.retry",
            entity=f"{channel}:{msg.message_key}",
            detail={
                "message_id": msg.id,
                "was": msg.status,
                "error_code": msg.error_code,
                "attempts": msg.attempts,
            },
        )
        msg.status, msg.next_attempt_at = MessageStatus.PENDING, now()
    return apply_message(db, message_id=message_id)


def list_messages(
    session: Session,
    *,
    channel: str,
    status: str | None = None,
    kind: str | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ChannelMessageRead], int]:
    """A page of a channel's messages, newest first, by status and kind, with ``search`` in
    the order id, message key or error code; and the total."""
    ch = get_channel(session, code=channel)
    if status and status not in set(MessageStatus):
        raise ValidationFailed(
            f"Unknown message status '{status}'; use pending, done or dead.", code="bad-status"
        )
    if kind and kind not in set(MessageKind):
        raise ValidationFailed(
            f"Unknown message kind '{kind}'; use created, paid, cancelled or refunded.",
            code="bad-kind",
        )
    stmt = select(ChannelMessage).where(ChannelMessage.channel_id == ch.id)
    if status:
        stmt = stmt.where(ChannelMessage.status == status)
    if kind:
        stmt = stmt.where(ChannelMessage.kind == kind)
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(
            or_(
                *(
                    func.lower(col).like(pattern, escape="\\")
                    for col in (
                        ChannelMessage.external_order_id,
                        ChannelMessage.message_key,
                        ChannelMessage.error_code,
                    )
                )
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(ChannelMessage.id.desc()).limit(limit).offset(offset))
    return [message_read(m, ch.code) for m in rows], total
