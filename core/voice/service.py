"""Voice profile verbs: enrol (save or replace), fetch for the dialogue, list and delete.

A profile is the stored result of a picker's voice enrolment: the speech engine's speaker
adaptation, as bytes only that engine understands. The core checks who may store what and
how much, keeps one profile per person and engine, and audits every change.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, bindparam, delete, func, select
from sqlalchemy.orm import Session, aliased

from core.audit import service as audit
from core.clock import as_utc, now
from core.errors import PermissionDenied
from core.orm import insert_for
from core.people.models import Role, User
from core.people.security import Actor
from core.voice.errors import (
    BadVoiceProfile,
    InactiveOperator,
    NoOperatorId,
    UnknownOperator,
    VoiceProfileNotFound,
    VoiceProfileTooLarge,
)
from core.voice.models import VoiceProfile
from core.voice.schemas import VoiceProfileRead

__all__ = [
    "ENGINE_PATTERN",
    "MAX_PROFILE_BYTES",
    "SAMPLE_RATES",
    "VoiceEnrollee",
    "VoiceProfileData",
    "delete_voice_profile",
    "list_voice_profiles",
    "own_voice_profiles",
    "save_voice_profile",
    "voice_enrollee",
    "voice_profile",
]

#: The largest adaptation a profile may hold (16 MiB).
MAX_PROFILE_BYTES = 16 * 1024 * 1024
#: The audio bands an enrolment may have been recorded in, in Hz.
SAMPLE_RATES = (8000, 16000)
#: What an engine name looks like (the ``type`` setting of a speech engine).
ENGINE_PATTERN = r"[a-z][a-z0-9_-]{0,31}"
_ENGINE = re.compile(ENGINE_PATTERN)
_MAX_UTTERANCES = 100_000
_MAX_DETAILS_CHARS = 16 * 1024
_MAX_ID = 2**63 - 1  # the widest id any database here can hold
# Who may enrol or delete anyone's profile; everyone else only their own.
_MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})
_LISTERS = _MANAGERS | {Role.SECURITY}


@dataclass(frozen=True)
class VoiceProfileData:
    """A voice profile with its adaptation bytes, for the speech engine that made it."""

    id: int
    user_id: int
    username: str
    operator_id: str
    engine: str
    sample_rate: int
    utterances: int
    details: dict[str, Any] | None
    created_at: datetime
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class VoiceEnrollee:
    """Whose voice an enrolment is for: the person and the operator id they sign on with."""

    user_id: int
    username: str
    full_name: str
    operator_id: str


def voice_enrollee(
    session: Session, *, actor: Actor, operator_id: str | None = None
) -> VoiceEnrollee:
    """Who ``actor`` may enrol: themself (``operator_id`` None or their own), or anyone active
    for admins and managers; checked as `save_voice_profile` will check it, so an enrolment
    can be refused before the picker says a word."""
    if operator_id is None:
        own = session.get(User, actor.id)
        if own is None or not own.operator_id:
            raise NoOperatorId(
                f"{actor.username} has no operator id to sign on with; ask a manager for one."
            )
        operator_id = own.operator_id
    user = _enrollee(session, actor=actor, operator_id=operator_id)
    return VoiceEnrollee(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name or user.username,
        operator_id=str(user.operator_id),
    )


def save_voice_profile(
    session: Session,
    *,
    actor: Actor,
    operator_id: str,
    engine: str,
    sample_rate: int,
    data: bytes,
    utterances: int,
    details: Mapping[str, Any] | None = None,
) -> VoiceProfileRead:
    """Store the operator's enrolment for ``engine``, replacing the one they had before.

    The operator may enrol themself; admins and managers may enrol anyone who is active.
    """
    blob = _checked_data(data)
    _check_settings(engine=engine, sample_rate=sample_rate, utterances=utterances)
    figures = _checked_details(details)
    user = _enrollee(session, actor=actor, operator_id=operator_id)
    # Row-locked on PostgreSQL when it exists; the upsert below settles a concurrent first save.
    previous = session.scalar(
        select(VoiceProfile.id)
        .where(VoiceProfile.user_id == user.id, VoiceProfile.engine == engine)
        .with_for_update()
    )
    values = {
        "user_id": user.id,
        "engine": engine,
        "sample_rate": sample_rate,
        "data": blob,
        "utterances": utterances,
        "details": figures,
        "created_at": now(),
        "created_by_id": actor.id,
    }
    profile_id = session.execute(_upsert(session, values)).scalar_one()
    _audit_save(
        session,
        actor=actor,
        user=user,
        profile_id=profile_id,
        values=values,
        replaced=previous is not None,
    )
    return _reads(session, VoiceProfile.id == profile_id)[0]


def voice_profile(session: Session, *, operator_id: str, engine: str) -> VoiceProfileData | None:
    """The operator's profile for ``engine`` with its bytes; None if they have none or are off."""
    if not isinstance(operator_id, str):  # None would match everyone without an operator id
        return None
    row = session.execute(
        select(
            VoiceProfile.id,
            VoiceProfile.user_id,
            User.username,
            User.operator_id,
            VoiceProfile.engine,
            VoiceProfile.sample_rate,
            VoiceProfile.utterances,
            VoiceProfile.details,
            VoiceProfile.created_at,
            VoiceProfile.data,
        )
        .join(User, User.id == VoiceProfile.user_id)
        .where(
            User.operator_id == operator_id,
            User.active.is_(True),
            VoiceProfile.engine == engine,
        )
        .order_by(VoiceProfile.created_at.desc(), VoiceProfile.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return VoiceProfileData(
        id=row.id,
        user_id=row.user_id,
        username=row.username,
        operator_id=row.operator_id,
        engine=row.engine,
        sample_rate=row.sample_rate,
        utterances=row.utterances,
        details=row.details,
        created_at=as_utc(row.created_at),
        data=bytes(row.data),
    )


def list_voice_profiles(session: Session, *, actor: Actor) -> list[VoiceProfileRead]:
    """Everyone's voice profiles (metadata only), for admins, managers and security."""
    if actor.role not in _LISTERS:
        raise PermissionDenied(
            f"Your role ({actor.role}) may not list voice profiles; ask a manager."
        )
    return _reads(session)


def own_voice_profiles(session: Session, *, actor: Actor) -> list[VoiceProfileRead]:
    """The actor's own voice profiles (metadata only), one per engine."""
    return _reads(session, VoiceProfile.user_id == actor.id)


def delete_voice_profile(session: Session, *, actor: Actor, profile_id: int) -> None:
    """Delete a voice profile: the person's own, or anyone's for admins and managers."""
    if (
        isinstance(profile_id, bool)
        or not isinstance(profile_id, int)
        or not (1 <= profile_id <= _MAX_ID)
    ):
        raise VoiceProfileNotFound(f"No voice profile {profile_id}.")
    where = VoiceProfile.id == bindparam("profile_id", profile_id, type_=BigInteger)
    row = session.execute(
        select(VoiceProfile.user_id, VoiceProfile.engine, User.username, User.operator_id)
        .join(User, User.id == VoiceProfile.user_id)
        .where(where)
        .with_for_update(of=VoiceProfile)
    ).first()
    if row is None:
        raise VoiceProfileNotFound(f"No voice profile {profile_id}.")
    if row.user_id != actor.id and actor.role not in _MANAGERS:
        raise PermissionDenied("You may delete only your own voice profile; ask a manager.")
    session.execute(delete(VoiceProfile).where(where))
    audit.record(
        session,
        actor=actor.username,
        action="voice_profile.delete",
        entity=row.username,
        detail={"profile_id": profile_id, "operator_id": row.operator_id, "engine": row.engine},
    )


def _checked_data(data: object) -> bytes:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise BadVoiceProfile("A voice profile's data must be bytes.")
    size = memoryview(data).nbytes  # measured before anything is copied
    if size == 0:
        raise BadVoiceProfile("The voice profile is empty; enrol again.")
    if size > MAX_PROFILE_BYTES:
        raise VoiceProfileTooLarge(
            f"The voice profile is {size} bytes; at most {MAX_PROFILE_BYTES} "
            f"({MAX_PROFILE_BYTES // (1024 * 1024)} MiB) may be stored."
        )
    return bytes(data)


def _check_settings(*, engine: object, sample_rate: object, utterances: object) -> None:
    if not isinstance(engine, str) or _ENGINE.fullmatch(engine) is None:
        shown = engine[:40] if isinstance(engine, str) else type(engine).__name__
        raise BadVoiceProfile(
            f"{shown!r} is not an engine name: lower-case letters, digits, '_' or '-', "
            "starting with a letter, at most 32 characters."
        )
    if isinstance(sample_rate, bool) or sample_rate not in SAMPLE_RATES:
        raise BadVoiceProfile(f"Sample rate {sample_rate} Hz is not supported; use 8000 or 16000.")
    if (
        isinstance(utterances, bool)
        or not isinstance(utterances, int)
        or not 1 <= utterances <= _MAX_UTTERANCES
    ):
        raise BadVoiceProfile(
            f"A voice profile is made from 1 to {_MAX_UTTERANCES} utterances, not {utterances}."
        )


def _checked_details(details: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if details is None:
        return None
    if not isinstance(details, Mapping):
        raise BadVoiceProfile("A voice profile's details must map names to figures.")
    try:
        text = json.dumps(dict(details), allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise BadVoiceProfile(
            f"A voice profile's details must be plain JSON (numbers, text, lists): {exc}."
        ) from exc
    if len(text) > _MAX_DETAILS_CHARS:
        raise BadVoiceProfile(
            f"A voice profile's details take {len(text)} characters as JSON; "
            f"at most {_MAX_DETAILS_CHARS} may be stored."
        )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _enrollee(session: Session, *, actor: Actor, operator_id: object) -> User:
    """The person signing on as ``operator_id``, once ``actor`` may enrol them."""
    user = (
        session.scalar(select(User).where(User.operator_id == operator_id))
        if isinstance(operator_id, str)
        else None
    )
    # Checked before existence, so only managers learn which operator ids are taken.
    if actor.role not in _MANAGERS and (user is None or user.id != actor.id):
        raise PermissionDenied("You may enrol only your own voice; ask a manager.")
    if user is None:
        raise UnknownOperator(f"No one signs on as operator {operator_id}.")
    if not user.active:
        raise InactiveOperator(
            f"Operator {operator_id} ({user.username}) is switched off and cannot be enrolled."
        )
    return user


def _audit_save(
    session: Session,
    *,
    actor: Actor,
    user: User,
    profile_id: int,
    values: dict[str, Any],
    replaced: bool,
) -> None:
    """Who enrolled whom, for which engine, and a fingerprint of what was stored."""
    blob: bytes = values["data"]
    audit.record(
        session,
        actor=actor.username,
        action="voice_profile.save",
        entity=user.username,
        detail={
            "profile_id": profile_id,
            "operator_id": user.operator_id,
            **{name: values[name] for name in ("engine", "sample_rate", "utterances")},
            "bytes": len(blob),
            "sha256": hashlib.sha256(blob).hexdigest(),
            "replaced": replaced,
        },
    )


def _upsert(session: Session, values: dict[str, Any]) -> Any:
    """INSERT, or on a clash with the (user, engine) profile UPDATE that row in place."""
    stmt = insert_for(session)(VoiceProfile.__table__).values(values)
    replaced = ("sample_rate", "data", "utterances", "details", "created_at", "created_by_id")
    return stmt.on_conflict_do_update(
        index_elements=["user_id", "engine"],
        set_={name: stmt.excluded[name] for name in replaced},
    ).returning(VoiceProfile.__table__.c.id)


def _reads(session: Session, *where: ColumnElement[bool]) -> list[VoiceProfileRead]:
    """Profiles' metadata (never their bytes), by username then engine."""
    creator = aliased(User)
    stmt: Select[Any] = (
        select(
            VoiceProfile.id,
            VoiceProfile.user_id,
            User.username,
            User.operator_id,
            User.active,
            VoiceProfile.engine,
            VoiceProfile.sample_rate,
            VoiceProfile.utterances,
            func.length(VoiceProfile.data).label("size"),
            VoiceProfile.details,
            VoiceProfile.created_at,
            creator.username.label("created_by"),
        )
        .join(User, User.id == VoiceProfile.user_id)
        .join(creator, creator.id == VoiceProfile.created_by_id)
        .where(*where)
        .order_by(User.username, VoiceProfile.engine)
    )
    return [
        VoiceProfileRead(**{**row._asdict(), "created_at": as_utc(row.created_at)})
        for row in session.execute(stmt)
    ]
