"""Locations and their printable labels."""

from __future__ import annotations

import io
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from core.api_deps import Page, Writer, allow, page, read_session, writer
from core.fields import Lookup
from core.locations import service
from core.locations.schemas import LocationCreate, LocationRead, LocationUpdate, TreeNodeRead
from core.locations.service import location_by_code
from core.locations.tree import bins_under, location_tree
from core.lots import codes
from core.lots.qr import location_payload
from core.people.permissions import allowed, require
from core.people.security import Actor

router = APIRouter(tags=["locations"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]
Locations = Annotated[Writer, Depends(writer("locations:write"))]


def _read(location: object, actor: Actor) -> LocationRead:
    """The API view of a location; check digits are null for roles that may not see them."""
    read = LocationRead.model_validate(location)
    if not allowed(actor, "locations:check-digits"):
        read.check_digits = None
    return read


class LocationPage(BaseModel):
    """A page of locations."""

    items: list[LocationRead]
    total: int


@router.get("/locations", response_model=LocationPage)
def list_locations(
    actor: Reader,
    session: DB,
    p: Annotated[Page, Depends(page)],
    q: Lookup | None = None,
    kind: Lookup | None = None,
    tier: Lookup | None = None,
    parent: Lookup | None = None,
) -> LocationPage:
    """Locations with filters."""
    items, total = service.list_locations(
        session, q=q, kind=kind, tier=tier, parent=parent, limit=p.limit, offset=p.offset
    )
    return LocationPage(items=[_read(x, actor) for x in items], total=total)


@router.get("/locations/tree", response_model=list[TreeNodeRead])
def tree(_: Reader, session: DB) -> list[TreeNodeRead]:
    """The tree above the bins (warehouse > zone > aisle > bay > level), parents first."""
    return [TreeNodeRead.model_validate(node) for node in location_tree(session)]


@router.get("/locations/{code}/bins", response_model=LocationPage)
def bins(
    code: Lookup, actor: Reader, session: DB, p: Annotated[Page, Depends(page)]
) -> LocationPage:
    """The bins at any depth below a location, by code."""
    items, total = bins_under(session, code, limit=p.limit, offset=p.offset)
    return LocationPage(items=[_read(x, actor) for x in items], total=total)


@router.post("/locations", response_model=LocationRead, status_code=201)
def create_location(body: LocationCreate, w: Locations) -> object:
    """Add a location to the tree."""
    return w.run(
        lambda s: LocationRead.model_validate(service.create_location(s, actor=w.actor, data=body)),
        status_code=201,
    )


@router.get("/locations/{code}", response_model=LocationRead)
def get_location(code: Lookup, actor: Reader, session: DB) -> LocationRead:
    """One location by its code or its label's QR (``FACET:L:...``); ``check_digits`` null
    for roles that may not see them."""
    return _read(codes.location(session, code), actor)


@router.patch("/locations/{code}", response_model=LocationRead)
def update_location(code: Lookup, body: LocationUpdate, w: Locations) -> object:
    """Change a location."""
    return w.run(
        lambda s: LocationRead.model_validate(
            service.update_location(s, actor=w.actor, code=code, data=body)
        )
    )


@router.get("/locations/{code}/label.svg", response_class=Response)
def location_label(code: Lookup, actor: Reader, session: DB) -> Response:
    """A printable QR label for a location, with its check digits (label printers only)."""
    require(actor, "locations:check-digits")
    location = location_by_code(session, code)
    buffer = io.BytesIO()
    qr = segno.make(location_payload(location.code), error="m")
    qr.save(buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True)
    inner = buffer.getvalue().decode().replace("<svg ", '<svg x="0" y="0" ', 1)
    digits = location.check_digits or ""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="460" height="220">'
        f'<rect width="460" height="220" fill="white"/>{inner}'
        f'<text x="230" y="60" font-family="sans-serif" font-size="26">{location.code}</text>'
        f'<text x="230" y="170" font-family="sans-serif" font-size="72" '
        f'font-weight="bold">{digits}</text></svg>'
    )
    return Response(svg, media_type="image/svg+xml")
