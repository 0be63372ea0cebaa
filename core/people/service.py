"""People: create users, sign in, and look them up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.errors import AuthError, ConflictError, ValidationFailed
from core.people.models import Role, User
from core.people.security import Actor, check_password, hash_password

SYSTEM_USERNAME = "system"


def system_actor(session: Session) -> Actor:
    """The built-in actor for the CLI and the demo loader (created by bootstrap)."""
    user = session.scalar(select(User).where(User.username == SYSTEM_USERNAME))
    if user is None:
        user = User(
            username=SYSTEM_USERNAME,
            full_name="Facet system",
            role=Role.ADMIN,
            password_hash="!",
            active=False,
        )
        session.add(user)
        session.flush()
    return Actor(id=user.id, username=user.username, role=user.role)


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    operator_id: str | None = None,
) -> User:
    """Add a person with a role; the password is stored as an Argon2 hash."""
    if role not in set(Role):
        raise ValidationFailed(
            f"Unknown role '{role}'; use one of {', '.join(r.value for r in Role)}.",
            code="unknown-role",
        )
    if len(password) < 8:
        raise ValidationFailed("A password needs at least 8 characters.", code="weak-password")
    if operator_id is not None and not operator_id.isdigit():
        raise ValidationFailed("An operator id is digits only (it is spoken).", code="bad-operator")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"User '{username}' already exists.", code="user-exists")
    user = User(
        username=username,
        full_name=full_name or username,
        role=role,
        operator_id=operator_id,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="user.create",
        entity=username,
        detail={"role": role, "operator_id": operator_id},
    )
    return user


def authenticate(session: Session, *, username: str, password: str) -> Actor:
    """The actor for a correct username and password; AuthError otherwise."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not check_password(user.password_hash, password):
        raise AuthError("Wrong username or password.", code="bad-credentials")
    return Actor(id=user.id, username=user.username, role=user.role)


def actor_for(user: User) -> Actor:
    """The actor a stored user acts as."""
    return Actor(id=user.id, username=user.username, role=user.role)
