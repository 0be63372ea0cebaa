"""People who sign in, with one role each."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, String, false
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.orm import Base


class Role(enum.StrEnum):
    """Roles; each API endpoint names which of them may use it."""

    ADMIN = "admin"
    MANAGER = "manager"
    CLERK = "clerk"
    PICKER = "picker"
    QC_INSPECTOR = "qc_inspector"
    FINANCE_AUDITOR = "finance_auditor"
    SECURITY = "security"


class User(Base):
    """A person: sign-in name, role, voice operator id and a password hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str | None] = mapped_column(String(16), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    # Raised on deactivation, role change and password change/reset: a token carries the
    # version it was issued at and is refused once the stored one has moved on.
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    # The UI language the person chose ("en", "zh"); None follows the browser's preference.
    language: Mapped[str | None] = mapped_column(String(8))
