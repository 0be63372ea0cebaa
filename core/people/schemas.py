"""Shapes for sign-in and users."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.people.models import Role

#: The languages the pages are drawn in (the web package holds their catalogues).
UI_LANGUAGES = ("en", "zh")


class Token(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: str = "bearer"
    role: str
    username: str
    must_change_password: bool = Field(
        default=False,
        description="True: this token only allows GET /api/me and POST /api/me/password.",
    )
    language: str | None = Field(
        default=None,
        description="The UI language the person chose (en, zh); null follows the browser.",
    )


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
    must_change_password: bool = False
    language: str | None = None


class RoleChange(BaseModel):
    """A person's new role."""

    model_config = ConfigDict(extra="forbid")

    role: Role


class PasswordReset(BaseModel):
    """A temporary password an admin sets; the person must change it at next sign-in."""

    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=8, max_length=256)


class PasswordChange(BaseModel):
    """The signed-in person's current and new password."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class LanguageChange(BaseModel):
    """The UI language the signed-in person chooses; null goes back to the browser's choice."""

    model_config = ConfigDict(extra="forbid")

    language: str | None = Field(
        description=f"One of {', '.join(UI_LANGUAGES)}, or null to follow the browser.",
        max_length=16,
    )
