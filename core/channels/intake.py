"""A webhook's messages stored and applied in one transaction (the fast path of the inbox).

:func:`receive` stores the delivery's messages; each new one is then applied in a savepoint of
the same transaction. A message whose application fails is rolled back to its savepoint, so it
stays stored and pending, and its failure (attempts, error code, next try) is recorded right
after the commit, exactly as :func:`core.channels.inbox.apply_message` records one. Nothing is
lost: the channel hears 200 only after the commit, and redelivers otherwise. One commit per
delivery instead of one per message plus one for storing is what lets a webhook per order keep
up with a marketplace's peak.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.channels.inbox import (
    MAX_ATTEMPTS,
    Received,
    actor_for,
    apply_in,
    failure_of,
    receive,
    record_failure,
    remember_actor,
)
from core.channels.schemas import ChannelMessageRead, ChannelOrderMessage
from core.db import Database
from core.events import savepoint

__all__ = ["receive_and_apply"]


def receive_and_apply(
    db: Database,
    *,
    channel: str,
    messages: Sequence[ChannelOrderMessage],
    raw: str,
    inline_limit: int = 100,
) -> tuple[list[Received], dict[int, ChannelMessageRead]]:
    """Store ``messages`` and apply the first ``inline_limit`` new ones, in one transaction.

    Returns what :func:`receive` says of each message and, by message id, what became of each
    one applied (the others wait, pending, for the inbox worker). NotFoundError
    ``unknown-channel`` (nothing stored) when no channel has the code.
    """
    reads: dict[int, ChannelMessageRead] = {}
    failed: list[tuple[int, tuple[str, str, bool]]] = []
    with db.write() as session:
        received = receive(session, channel=channel, messages=messages, raw=raw)
        actor = actor_for(db, session)
        for item in [r for r in received if r.new][:inline_limit]:
            try:
                with savepoint(session):
                    reads[item.message_id] = apply_in(session, item.message_id, actor)
            except Exception as exc:  # stored, like apply_message's, after the commit
                failed.append((item.message_id, failure_of(exc)))  # logged with its traceback
    remember_actor(db, actor)
    for message_id, (code, text, permanent) in failed:
        reads[message_id] = record_failure(db, message_id, code, text, permanent, MAX_ATTEMPTS)
    return received, reads
