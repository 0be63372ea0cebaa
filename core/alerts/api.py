"""Camera alerts: list, snapshot, acknowledge."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from core.alerts import service
from core.api_deps import Page, Writer, allow, page, read_session, writer
from core.fields import DbId, Lookup, Text
from core.people.security import Actor

router = APIRouter(tags=["alerts"])
Reader = Annotated[Actor, Depends(allow("alerts:read"))]
DB = Annotated[Session, Depends(read_session)]


class AckBody(BaseModel):
    """What the person found."""

    note: Text = Field(min_length=1, max_length=512)


class AlertRead(BaseModel):
    """An alert."""

    id: int
    camera: str
    zone: str
    rule: str
    severity: str
    message: str
    acknowledged: bool
    ack_note: str | None


@router.get("/alerts")
def alerts(
    _: Reader,
    session: DB,
    p: Annotated[Page, Depends(page)],
    camera: Lookup | None = None,
    zone: Lookup | None = None,
    severity: Lookup | None = None,
    open_only: bool = False,
) -> dict[str, Any]:
    """Alerts, newest first, filtered by camera, zone, severity and whether still open."""
    rows, total = service.list_alerts(
        session,
        camera=camera,
        zone=zone,
        severity=severity,
        open_only=open_only,
        limit=p.limit,
        offset=p.offset,
    )
    return {"items": rows, "total": total, "limit": p.limit, "offset": p.offset}


@router.get("/alerts/{alert_id}/snapshot.jpg", response_class=Response)
def alert_snapshot(alert_id: DbId, _: Reader, session: DB) -> Response:
    """The snapshot of an alert, with boxes drawn."""
    return Response(service.snapshot(session, alert_id=alert_id), media_type="image/jpeg")


@router.post("/alerts/{alert_id}/ack", response_model=AlertRead)
def acknowledge(
    alert_id: DbId, body: AckBody, w: Annotated[Writer, Depends(writer("alerts:write"))]
) -> object:
    """Acknowledge an alert with a note."""
    return w.run(
        lambda s: AlertRead.model_validate(
            service.alert_row(
                service.acknowledge(s, actor=w.actor, alert_id=alert_id, note=body.note)
            )
        )
    )
