"""Password hashing (Argon2) and signed access tokens (JWT, HS256).

A token names the person and the ``token_version`` it was issued at; whoever reads it checks
that version, the person's activity and their role against the database (see
:func:`core.people.service.actor_from_token`), so a token can be revoked at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.clock import now
from core.errors import AuthError

_hasher = PasswordHasher()

# A real Argon2 hash of nothing anyone types: a sign-in for an unknown or inactive person is
# verified against it, so a failure costs the same time whether or not the username exists.
_DUMMY_HASH = _hasher.hash("facet: no such person \x00")


def hash_password(password: str) -> str:
    """An Argon2 hash of ``password``."""
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError, VerificationError):
        return False


def burn_password_check(password: str) -> None:
    """Spend the time of one real verification and fail (for unknown or inactive people)."""
    check_password(_DUMMY_HASH, password)


@dataclass(frozen=True)
class Actor:
    """The signed-in person a request acts for."""

    id: int
    username: str
    role: str
    # Set while the person still has to replace a temporary or published password: such an
    # actor may only read /api/me, change the password and sign out.
    must_change_password: bool = False


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says; the database has the last word on role and activity."""

    user_id: int
    username: str
    role: str  # as issued; the database's role wins
    version: int


def issue_token(actor: Actor, *, key: str, ttl_minutes: int, version: int = 0) -> str:
    """A signed token naming the person, their role and the ``token_version`` it belongs to."""
    claims = {
        "sub": str(actor.id),
        "name": actor.username,
        "role": actor.role,  # informative for clients; requests take the role from the database
        "ver": version,
        "exp": now() + timedelta(minutes=ttl_minutes),
    }
    return jwt.encode(claims, key, algorithm="HS256")


def decode_token(token: str, *, key: str) -> TokenClaims:
    """The claims of a genuine, unexpired token; AuthError when forged, malformed or expired."""
    try:
        claims = jwt.decode(
            token, key, algorithms=["HS256"], options={"require": ["sub", "name", "exp"]}
        )
        return TokenClaims(
            user_id=int(claims["sub"]),
            username=str(claims["name"]),
            role=str(claims.get("role", "")),
            version=int(claims.get("ver", 0)),
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("Your session has expired; sign in again.", code="token-expired") from exc
    except (jwt.PyJWTError, TypeError, ValueError) as exc:
        raise AuthError("The access token is not valid; sign in again.") from exc


def read_token(token: str, *, key: str) -> Actor:
    """The actor a token names, from the token alone: no revocation check.

    Prefer :func:`core.people.service.actor_from_token`, which checks the database.
    """
    claims = decode_token(token, key=key)
    return Actor(id=claims.user_id, username=claims.username, role=claims.role)
