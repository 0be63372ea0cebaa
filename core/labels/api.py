"""Batch label printing: pieces and locations as PDF sheets, roll labels or ZPL."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from core.api_deps import allow, read_session
from core.labels import service
from core.labels.schemas import LabelPreview, LabelRequest
from core.people.permissions import require
from core.people.security import Actor

router = APIRouter(tags=["labels"])
Reader = Annotated[Actor, Depends(allow("read"))]
DB = Annotated[Session, Depends(read_session)]


def _may_print(actor: Actor, request: LabelRequest) -> None:
    """Location labels carry check digits: only the roles that see them print them (as
    GET /api/locations/{code}/label.svg)."""
    if request.kind == "location":
        require(actor, "locations:check-digits")


@router.post(
    "/labels",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "text/plain": {}},
                     "description": "The labels as PDF, or as ZPL text."}},
)
def print_labels(body: LabelRequest, actor: Reader, session: DB) -> Response:
    """Labels as a PDF (sheets or roll) or ZPL; at most 2,000 per request."""
    _may_print(actor, body)
    printed = service.print_labels(session, body)
    return Response(printed.content, media_type=printed.media_type, headers={
        "Content-Disposition": f'attachment; filename="{printed.filename}"',
        "X-Label-Count": str(printed.count),
    })


@router.post("/labels/preview", response_model=LabelPreview)
def preview_labels(body: LabelRequest, actor: Reader, session: DB) -> LabelPreview:
    """How many labels and pages a request makes, and its first labels as SVG."""
    _may_print(actor, body)
    return service.preview(session, body)
