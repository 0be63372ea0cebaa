"""People: create users, sign in, revocable tokens, and the account verbs of an admin.

Every change that must end existing sessions (deactivation, role change, password change or
reset) raises the person's ``token_version``; :func:`actor_from_token` refuses a token issued
at an older version, and takes the role from the database, so such a change applies at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.clock import now
from core.db import Database
from core.errors import AuthError, ConflictError, NotFoundError, ValidationFailed
from core.people.models import Role, User
from core.people.schemas import UI_LANGUAGES
from core.people.security import (
    Actor,
    TokenClaims,
    burn_password_check,
    check_password,
    decode_token,
    hash_password,
)
from core.prepared import Prepared

SYSTEM_USERNAME = "system"
#: The password the demo loader gives its users. It is published (README, sign-in page), so
#: outside demo mode a sign-in with it must be followed by a change before anything else.
DEMO_PASSWORD = "facet-demo"
MIN_PASSWORD, MAX_PASSWORD = 8, 256


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


def _check_role(role: str) -> None:
    if role not in set(Role):
        raise ValidationFailed(
            f"Unknown role '{role}'; use one of {', '.join(r.value for r in Role)}.",
            code="unknown-role",
        )


def check_new_password(password: str, *, current: str | None = None) -> None:
    """Refuse a password that is too short, too long, published or the current one."""
    if password == current:
        raise ValidationFailed(
            "The new password must differ from the current one.", code="weak-password"
        )
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed(
            f"A password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters.",
            code="weak-password",
        )
    if password == DEMO_PASSWORD:
        raise ValidationFailed(
            "That is the published demo password; choose one of your own.", code="weak-password"
        )


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    operator_id: str | None = None,
    must_change_password: bool = False,
) -> User:
    """Add a person with a role; the password is stored as an Argon2 hash."""
    _check_role(role)
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed(
            f"A password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters.",
            code="weak-password",
        )
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
        must_change_password=must_change_password,
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


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: who, and the token version to issue the token at."""

    actor: Actor
    token_version: int
    language: str | None = None


def authenticate(session: Session, *, username: str, password: str) -> SignedIn:
    """The person for a correct username and password; AuthError otherwise.

    An unknown or inactive person costs one Argon2 verification too, so the time of a failure
    does not tell whether the username exists.
    """
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or user.username == SYSTEM_USERNAME:
        burn_password_check(password)
        raise AuthError("Wrong username or password.", code="bad-credentials")
    if not check_password(user.password_hash, password):
        raise AuthError("Wrong username or password.", code="bad-credentials")
    return SignedIn(actor_for(user), user.token_version, user.language)


def sign_in(db: Database, *, username: str, password: str, demo_mode: bool) -> SignedIn:
    """:func:`authenticate` in a read transaction; outside demo mode, a sign-in with the
    published demo password marks the account for a password change first."""
    with db.read() as session:
        signed = authenticate(session, username=username, password=password)
    if password == DEMO_PASSWORD and not demo_mode and not signed.actor.must_change_password:
        with db.write() as session:
            user = session.get_one(User, signed.actor.id)
            user.must_change_password = True
            signed = SignedIn(actor_for(user), user.token_version, user.language)
    return signed


_TOKEN_USER = Prepared(
    select(
        User.username, User.role, User.active, User.token_version, User.must_change_password
    ).where(User.id == bindparam("id"))
)
_TOKEN_SQL: dict[str, tuple[str, bool]] = {}  # per dialect: the lookup's SQL, positional?


def actor_from_token(session: Session, token: str, *, key: str) -> Actor:
    """The actor a bearer token stands for, checked against the database.

    AuthError (401) with code ``token-expired``, ``not-authenticated`` (forged or malformed),
    ``account-inactive`` (deactivated or removed) or ``token-revoked`` (issued before a
    password or role change). The role and the pending password change come from the
    database, so a role change applies to the very next request.
    """
    claims = decode_token(token, key=key)
    return _checked(claims, _TOKEN_USER.first(session, {"id": claims.user_id}))


def token_actor(db: Database, token: str, *, key: str) -> Actor:
    """:func:`actor_from_token` for every request: one primary-key read on a pooled DB-API
    connection, outside any transaction (a session's begin and rollback cost ten times the
    read itself)."""
    claims = decode_token(token, key=key)
    dialect = db.engine.dialect
    plan = _TOKEN_SQL.get(dialect.name)
    if plan is None:
        compiled = _TOKEN_USER.statement.compile(dialect=dialect)
        plan = _TOKEN_SQL[dialect.name] = (str(compiled), bool(dialect.positional))
    sql, positional = plan
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(sql, (claims.user_id,) if positional else {"id": claims.user_id})
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    return _checked(claims, None if row is None else _TokenRow(*row))


@dataclass(frozen=True)
class _TokenRow:
    username: str
    role: str
    active: bool
    token_version: int
    must_change_password: bool


def _checked(claims: TokenClaims, row: Any) -> Actor:
    if row is None or not row.active:
        raise AuthError(
            "This account is deactivated; ask an admin to reactivate it.",
            code="account-inactive",
        )
    if row.token_version != claims.version:
        raise AuthError(
            "This session was ended by a password or role change; sign in again.",
            code="token-revoked",
        )
    return Actor(
        id=claims.user_id,
        username=row.username,
        role=row.role,
        must_change_password=bool(row.must_change_password),
    )


def actor_for(user: User) -> Actor:
    """The actor a stored user acts as."""
    return Actor(
        id=user.id,
        username=user.username,
        role=user.role,
        must_change_password=user.must_change_password,
    )


def list_users(session: Session) -> list[User]:
    """Everyone who can sign in (active or not), by username."""
    return list(
        session.scalars(
            select(User).where(User.username != SYSTEM_USERNAME).order_by(User.username)
        )
    )


def _user(session: Session, username: str) -> User:
    """The person named ``username``, row-locked for the change (NotFoundError otherwise)."""
    user = session.scalar(
        select(User)
        .where(User.username == username, User.username != SYSTEM_USERNAME)
        .with_for_update()
    )
    if user is None:
        raise NotFoundError(f"There is no user '{username}'.", code="unknown-user")
    return user


def _keep_an_admin(session: Session, user: User, what: str) -> None:
    """Refuse to leave no active admin (the admins' rows are locked while counting)."""
    if user.role != Role.ADMIN or not user.active:
        return
    admins = session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.active, User.username != SYSTEM_USERNAME)
        .with_for_update()
    ).all()
    if len(admins) <= 1:
        raise ConflictError(
            f"'{user.username}' is the last active admin; make someone else an admin before "
            f"you {what}.",
            code="last-admin",
        )


def _revoke(user: User) -> None:
    user.token_version += 1


def deactivate_user(session: Session, *, actor: Actor, username: str) -> User:
    """Stop a person signing in and end their sessions at once (idempotent)."""
    user = _user(session, username)
    if not user.active:
        return user
    _keep_an_admin(session, user, "deactivate them")
    user.active = False
    _revoke(user)
    audit.record(
        session,
        actor=actor.username,
        action="user.deactivate",
        entity=username,
        detail={"token_version": user.token_version},
    )
    return user


def activate_user(session: Session, *, actor: Actor, username: str) -> User:
    """Let a deactivated person sign in again (idempotent); old tokens stay revoked."""
    user = _user(session, username)
    if user.active:
        return user
    user.active = True
    audit.record(session, actor=actor.username, action="user.activate", entity=username, detail={})
    return user


def change_role(session: Session, *, actor: Actor, username: str, role: str) -> User:
    """Give a person another role; their current sessions end (and the role applies at once)."""
    _check_role(role)
    user = _user(session, username)
    if user.role == role:
        return user
    if role != Role.ADMIN:
        _keep_an_admin(session, user, "change their role")
    previous, user.role = user.role, role
    _revoke(user)
    audit.record(
        session,
        actor=actor.username,
        action="user.role",
        entity=username,
        detail={"from": previous, "to": role},
    )
    return user


def reset_password(session: Session, *, actor: Actor, username: str, password: str) -> User:
    """Set a temporary password the person must change at their next sign-in."""
    check_new_password(password)
    password_hash = hash_password(password)  # before the row lock: Argon2 takes a while
    user = _user(session, username)
    user.password_hash = password_hash
    user.must_change_password = True
    user.password_changed_at = now()
    _revoke(user)
    audit.record(
        session,
        actor=actor.username,
        action="user.password-reset",
        entity=username,
        detail={"token_version": user.token_version},
    )
    return user


def verify_own_password(session: Session, *, actor: Actor, password: str) -> None:
    """Check the signed-in person's current password (ValidationFailed ``wrong-password``)."""
    stored = session.scalar(select(User.password_hash).where(User.id == actor.id))
    if stored is None or not check_password(stored, password):
        raise ValidationFailed("The current password is wrong.", code="wrong-password")


def set_own_password(session: Session, *, actor: Actor, password_hash: str) -> User:
    """Store the signed-in person's new password (hashed by the caller, off the lock); the
    pending change is done and every earlier session ends."""
    user = session.scalar(select(User).where(User.id == actor.id).with_for_update())
    if user is None or not user.active:
        raise AuthError("This account is deactivated; ask an admin.", code="account-inactive")
    user.password_hash = password_hash
    user.must_change_password = False
    user.password_changed_at = now()
    _revoke(user)
    audit.record(
        session,
        actor=actor.username,
        action="user.password-change",
        entity=user.username,
        detail={"token_version": user.token_version},
    )
    return user


def change_own_password(session: Session, *, actor: Actor, current: str, new: str) -> User:
    """Check the current password and set a new one (the CLI's and scripts' one-call form)."""
    check_new_password(new, current=current)
    verify_own_password(session, actor=actor, password=current)
    return set_own_password(session, actor=actor, password_hash=hash_password(new))


def set_own_language(session: Session, *, actor: Actor, language: str | None) -> User:
    """Store the UI language the signed-in person chose (None: follow the browser)."""
    if language is not None and language not in UI_LANGUAGES:
        raise ValidationFailed(
            f"Unknown language '{language}'; use one of {', '.join(UI_LANGUAGES)}, or null "
            "to follow the browser's preference.",
            code="unknown-language",
        )
    user = session.get(User, actor.id)
    if user is None or not user.active:
        raise AuthError("This account is deactivated; ask an admin.", code="account-inactive")
    user.language = language
    return user


def user_by_name(session: Session, username: str) -> User:
    """The user named ``username``; NotFoundError otherwise."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"No user named '{username}'.", code="unknown-user")
    return user
