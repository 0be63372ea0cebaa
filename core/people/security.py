"""Password hashing (Argon2) and signed access tokens (JWT, HS256)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from core.clock import now
from core.errors import AuthError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2 hash of ``password``."""
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Actor:
    """The signed-in person a request acts for."""

    id: int
    username: str
    role: str


def issue_token(actor: Actor, *, key: str, ttl_minutes: int) -> str:
    """A signed token naming the person and their role."""
    claims = {
        "sub": str(actor.id),
        "name": actor.username,
        "role": actor.role,
        "exp": now() + timedelta(minutes=ttl_minutes),
    }
    return jwt.encode(claims, key, algorithm="HS256")


def read_token(token: str, *, key: str) -> Actor:
    """The actor a token names; AuthError when it is forged, malformed or expired."""
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("Your session has expired; sign in again.", code="token-expired") from exc
    except jwt.PyJWTError as exc:
        raise AuthError("The access token is not valid; sign in again.") from exc
    return Actor(id=int(claims["sub"]), username=claims["name"], role=claims["role"])
