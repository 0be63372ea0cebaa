"""Signing on to and off zones."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, SecretStr
from sqlalchemy.orm import Session

from core.api_deps import Writer, allow, context_of, read_session, writer
from core.errors import PermissionDenied
from core.fields import Text
from core.locations import presence
from core.lots.codes import location_code
from core.people.security import Actor
from core.people.signin import client_address

router = APIRouter(tags=["people"])


class ZoneBody(BaseModel):
    """A zone by its location code or its label's QR (``FACET:L:<code>``)."""

    zone: Text = Field(min_length=1, max_length=48)


class SignOnBody(ZoneBody):
    """A sign-on; a vault's is countersigned by a second person (the two-person rule)."""

    witness: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Vaults: the second person's sign-in name (admin, manager or security).",
    )
    witness_password: SecretStr | None = Field(
        default=None,
        min_length=1,
        max_length=256,
        description="Vaults: the witness's password, given at the door; leave out when the "
        "witness is already signed on inside.",
    )


class PresenceRead(BaseModel):
    """A sign-on."""

    zone: str
    signed_on_at: datetime
    signed_off_at: datetime | None


def _read(row: presence.ZonePresence) -> PresenceRead:
    return PresenceRead(
        zone=row.zone, signed_on_at=row.signed_on_at, signed_off_at=row.signed_off_at
    )


@router.post("/presence/sign-on", response_model=PresenceRead, status_code=201)
async def sign_on(
    body: SignOnBody, request: Request, w: Annotated[Writer, Depends(writer("read"))]
) -> object:
    """Sign yourself on to a zone (cameras then treat you as authorised there).

    A vault needs a second person who may enter it: ``witness`` and ``witness_password``, or a
    witness already signed on inside (403 ``witness-required`` / ``witness-refused``). The
    witness's password is checked once, on the sign-in pool, and wrong ones count as failed
    sign-ins of the witness (429 ``too-many-attempts``).
    """
    witness: presence.Witness | str | None = body.witness
    if body.witness is not None and body.witness_password is not None:
        witness = await _check_witness(request, w, body.witness, body.witness_password)
    return await run_in_threadpool(
        w.run,
        lambda s: _read(presence.sign_on(
            s, actor=w.actor, zone=location_code(body.zone), witness=witness)),
        status_code=201,
    )


async def _check_witness(
    request: Request, w: Writer, username: str, password: SecretStr
) -> presence.Witness:
    """The witness's password, checked before the write transaction on the sign-in pool."""
    context = context_of(request.app)
    sign_in_guard, address = context.sign_in_guard, client_address(request, context.token_key)
    sign_in_guard.check(username, address)

    def check() -> presence.Witness:
        with w.db.read() as session:
            return presence.verify_witness(
                session, actor=w.actor, username=username, password=password.get_secret_value()
            )

    try:
        return await sign_in_guard.run(check)
    except PermissionDenied:
        sign_in_guard.failed(username, address)
        raise


@router.post("/presence/sign-off", response_model=PresenceRead)
def sign_off(body: ZoneBody, w: Annotated[Writer, Depends(writer("read"))]) -> object:
    """Sign yourself off a zone."""
    return w.run(lambda s: _read(presence.sign_off(
        s, actor=w.actor, zone=location_code(body.zone))))


@router.get("/presence")
def who_is_where(
    _: Annotated[Actor, Depends(allow("read"))],
    session: Annotated[Session, Depends(read_session)],
    zone: str | None = None,
) -> dict[str, Any]:
    """Who is signed on now, per zone."""
    return {"items": presence.present(session, zone=zone)}
