"""Sign-in and users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.api_deps import Writer, allow, current_actor, read_session, writer
from core.people import service
from core.people.models import User
from core.people.schemas import Token, UserCreate, UserRead
from core.people.security import Actor, issue_token

router = APIRouter(tags=["people"])


@router.post("/auth/token", response_model=Token)
def sign_in(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: Annotated[Session, Depends(read_session)],
) -> Token:
    """Exchange a username and password for a bearer token (OAuth2 password flow)."""
    actor = service.authenticate(session, username=form.username, password=form.password)
    token = issue_token(
        actor,
        key=request.app.state.token_key,
        ttl_minutes=request.app.state.core_settings.token_ttl_minutes,
    )
    return Token(access_token=token, role=actor.role, username=actor.username)


@router.get("/me", response_model=UserRead)
def me(
    actor: Annotated[Actor, Depends(current_actor)],
    session: Annotated[Session, Depends(read_session)],
) -> User:
    """The signed-in person."""
    return session.get_one(User, actor.id)


@router.get("/users", response_model=list[UserRead])
def users(
    _: Annotated[Actor, Depends(allow("users:write"))],
    session: Annotated[Session, Depends(read_session)],
) -> list[User]:
    """Everyone who can sign in."""
    return list(session.scalars(select(User).where(User.username != service.SYSTEM_USERNAME)))


@router.post("/users", response_model=UserRead, status_code=201)
def add_user(body: UserCreate, w: Annotated[Writer, Depends(writer("users:write"))]) -> object:
    """Add a person (admins only)."""
    return w.run(
        lambda s: UserRead.model_validate(
            service.create_user(s, actor=w.actor, **body.model_dump())
        ),
        status_code=201,
    )
