"""Shapes for sign-in and users."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.people.models import Role


class Token(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: str = "bearer"
    role: str
    username: str


class UserCreate(BaseModel):
    """A new person."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._\-]*$")
    full_name: str = Field(default="", max_length=128)
    role: Role
    password: str = Field(min_length=8, max_length=256)
    operator_id: str | None = Field(default=None, pattern=r"^[0-9]{2,16}$")


class UserRead(BaseModel):
    """A person, without secrets."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    full_name: str
    role: str
    operator_id: str | None
    active: bool
