"""A webhook's messages stored and applied in one transaction (the fast path of the inbox).

:func:`receive` stores the delivery's messages; each new one is then applied in a savepoint of
the same transaction. A message whose application fails is rolled back to its savepoint, so it
stays stored and pending, and its failure (attempts, error code, next try) is recorded right
after the commit, exactly as :func:`core.channels.inbox.apply_message` records one. Nothing is
lost: the channel hears 200 only after the commit, and redelivers otherwise. One commit per
delivery instead of one per message plus one for storing is what lets a webhook per order keep
up with a marketplace's peak.

A delivery with one new message (a webhook per order, the common case) is applied without the
savepoint, whose SAVEPOINT and RELEASE cost about a tenth of the intake: if it fails, the whole
transaction is rolled back instead and the delivery is stored again, unapplied, in a second one,
so the outcome is the same as with the savepoint.
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

_Failure = tuple[str, str, bool]  # error code, message, permanent


class _LoneFailed(Exception):
    """The lone new message of a delivery failed: its transaction is rolled back."""

    def __init__(self, key: str, failure: _Failure) -> None:
        super().__init__(key)
        self.key, self.failure = key, failure


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
    failed: list[tuple[int, _Failure]] = []
    try:
        with db.write() as session:
            received = receive(session, channel=channel, messages=messages, raw=raw)
            actor = actor_for(db, session)
            new = [r for r in received if r.new][:inline_limit]
            if len(new) == 1:
                try:
                    reads[new[0].message_id] = apply_in(session, new[0].message_id, actor)
                except Exception as exc:  # read in here: an unexpected one logs its traceback
                    raise _LoneFailed(new[0].message_key, failure_of(exc)) from exc
            for item in new if len(new) > 1 else ():
                try:
                    with savepoint(session):
                        reads[item.message_id] = apply_in(session, item.message_id, actor)
                except Exception as exc:  # stored, like apply_message's, after the commit
                    failed.append((item.message_id, failure_of(exc)))
        remember_actor(db, actor)
    except _LoneFailed as lone:
        received = _store_only(db, channel=channel, messages=messages, raw=raw)
        failed = [(r.message_id, lone.failure) for r in received
                  if r.new and r.message_key == lone.key]  # fmt: skip
    for message_id, (code, text, permanent) in failed:
        reads[message_id] = record_failure(db, message_id, code, text, permanent, MAX_ATTEMPTS)
    return received, reads


def _store_only(
    db: Database, *, channel: str, messages: Sequence[ChannelOrderMessage], raw: str
) -> list[Received]:
    """Store the delivery again after its lone new message failed (and took the first
    transaction with it); a concurrent delivery may have stored it meanwhile (then not new)."""
    with db.write() as session:
        return receive(session, channel=channel, messages=messages, raw=raw)
