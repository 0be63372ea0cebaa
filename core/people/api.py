"""Sign-in, the signed-in person's own account, and users (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy.orm import Session

from core.api_deps import Writer, allow, context_of, read_session, signed_in_actor, writer
from core.people import service
from core.people.models import User
from core.people.schemas import (
    LanguageChange,
    PasswordChange,
    PasswordReset,
    RoleChange,
    Token,
    UserCreate,
    UserRead,
)
from core.people.security import Actor, hash_password, issue_token
from core.people.signin import client_address

router = APIRouter(tags=["people"])

def _token(request: Request, signed: service.SignedIn) -> Token:
    actor, context = signed.actor, context_of(request.app)
    token = issue_token(
        actor,
        key=context.token_key,
        ttl_minutes=context.settings.token_ttl_minutes,
        version=signed.token_version,
    )
    return Token(
        access_token=token,
        role=actor.role,
        username=actor.username,
        must_change_password=actor.must_change_password,
        language=signed.language,
    )


@router.post("/auth/token", response_model=Token)
async def sign_in(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange a username and password for a bearer token (OAuth2 password flow).

    Failed attempts are limited per username and per address (429 ``too-many-attempts`` with
    ``Retry-After``); the password check runs on the sign-in pool, off the event loop.
    """
    context = context_of(request.app)
    settings, address = context.settings, client_address(request, context.token_key)
    signed = await context.sign_in_guard.attempt(
        form.username,
        address,
        lambda: service.sign_in(
            context.db,
            username=form.username,
            password=form.password,
            demo_mode=settings.demo_mode,
        ),
    )
    return _token(request, signed)


@router.get("/me", response_model=UserRead)
def me(
    actor: Annotated[Actor, Depends(signed_in_actor)],
    session: Annotated[Session, Depends(read_session)],
) -> User:
    """The signed-in person (also while a password change is pending)."""
    return session.get_one(User, actor.id)


@router.post("/me/password", response_model=Token)
async def change_my_password(
    request: Request,
    body: PasswordChange,
    actor: Annotated[Actor, Depends(signed_in_actor)],
) -> Token:
    """Change your own password (the current one is needed); answers a fresh token, since
    every earlier token of yours stops working."""
    context = context_of(request.app)
    db, address = context.db, client_address(request, context.token_key)

    service.check_new_password(body.new_password, current=body.current_password)

    def check_and_hash() -> str:
        with db.read() as session:
            service.verify_own_password(session, actor=actor, password=body.current_password)
        return hash_password(body.new_password)

    new_hash = await context.sign_in_guard.attempt(actor.username, address, check_and_hash)

    def store() -> service.SignedIn:
        with db.write() as session:
            user = service.set_own_password(session, actor=actor, password_hash=new_hash)
            return service.SignedIn(service.actor_for(user), user.token_version, user.language)

    return _token(request, await run_in_threadpool(store))


@router.put("/me/language", response_model=UserRead)
def set_my_language(
    request: Request, body: LanguageChange, actor: Annotated[Actor, Depends(signed_in_actor)]
) -> UserRead:
    """Choose the language the pages are drawn in: ``en``, ``zh``, or null to follow the
    browser's preference (422 ``unknown-language``). Allowed while a password change is
    pending, so the person can read the page that asks for it."""
    with context_of(request.app).db.write() as session:
        user = service.set_own_language(session, actor=actor, language=body.language)
        return UserRead.model_validate(user)


@router.get("/users", response_model=list[UserRead])
def users(
    _: Annotated[Actor, Depends(allow("users:write"))],
    session: Annotated[Session, Depends(read_session)],
) -> list[User]:
    """Everyone who can sign in, active or not (admins only)."""
    return service.list_users(session)


@router.post("/users", response_model=UserRead, status_code=201)
def add_user(body: UserCreate, w: Annotated[Writer, Depends(writer("users:write"))]) -> object:
    """Add a person (admins only)."""
    return w.run(
        lambda s: UserRead.model_validate(
            service.create_user(s, actor=w.actor, **body.model_dump())
        ),
        status_code=201,
    )


@router.post("/users/{username}/deactivate", response_model=UserRead)
def deactivate_user(username: str, w: Annotated[Writer, Depends(writer("users:write"))]) -> object:
    """Stop a person signing in; their tokens stop working at once (409 ``last-admin``)."""
    return w.run(
        lambda s: UserRead.model_validate(
            service.deactivate_user(s, actor=w.actor, username=username)
        )
    )


@router.post("/users/{username}/activate", response_model=UserRead)
def activate_user(username: str, w: Annotated[Writer, Depends(writer("users:write"))]) -> object:
    """Let a deactivated person sign in again."""
    return w.run(
        lambda s: UserRead.model_validate(
            service.activate_user(s, actor=w.actor, username=username)
        )
    )


@router.put("/users/{username}/role", response_model=UserRead)
def change_role(
    username: str, body: RoleChange, w: Annotated[Writer, Depends(writer("users:write"))]
) -> object:
    """Give a person another role; it applies to their next request (409 ``last-admin``)."""
    return w.run(
        lambda s: UserRead.model_validate(
            service.change_role(s, actor=w.actor, username=username, role=body.role)
        )
    )


@router.post("/users/{username}/password-reset", response_model=UserRead)
def reset_password(
    username: str, body: PasswordReset, w: Annotated[Writer, Depends(writer("users:write"))]
) -> object:
    """Set a temporary password; the person must change it at their next sign-in."""
    return w.run(
        lambda s: UserRead.model_validate(
            service.reset_password(s, actor=w.actor, username=username, password=body.password)
        )
    )
