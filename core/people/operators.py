"""Headset sign-on: the person behind a voice operator id, if they may pick."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.people.models import User
from core.people.permissions import PERMISSIONS
from core.people.security import Actor

__all__ = ["HEADSET_ROLES", "HeadsetPicker", "headset_picker"]

#: Roles that may sign on to a headset: whoever may confirm picks.
HEADSET_ROLES: frozenset[str] = frozenset(str(role) for role in PERMISSIONS["pick:write"])


@dataclass(frozen=True)
class HeadsetPicker:
    """Who signed on to a headset, and the name the headset greets them by."""

    actor: Actor
    name: str


def headset_picker(session: Session, *, operator_id: str) -> HeadsetPicker | None:
    """The active user with this operator id and a role that may pick; None if there is none."""
    user = session.scalar(
        select(User).where(
            User.operator_id == operator_id.strip(),
            User.active.is_(True),
            User.role.in_(HEADSET_ROLES),
        )
    )
    if user is None:
        return None
    actor = Actor(id=user.id, username=user.username, role=user.role)
    return HeadsetPicker(actor=actor, name=user.full_name or user.username)
