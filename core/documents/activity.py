"""Work scheduled at a bin: whether an open document line will take stock from it or bring some."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.documents.models import DocKind, Document, DocumentLine, LineStatus
from core.locations.models import Location

__all__ = ["SHELF_CHANGING_KINDS", "open_activity_at"]

#: Documents whose open lines mean someone is about to take from or fill a shelf.
SHELF_CHANGING_KINDS: frozenset[DocKind] = frozenset({DocKind.PICK, DocKind.PUTAWAY})


def open_activity_at(
    session: Session, *, code: str, kinds: Collection[DocKind] = SHELF_CHANGING_KINDS
) -> bool:
    """True while an open line of a document of ``kinds`` moves stock from or to bin ``code``.

    An unknown bin has no activity (False).
    """
    loc_id = session.scalar(select(Location.id).where(Location.code == code))
    if loc_id is None:
        return False
    open_line = session.scalar(
        select(DocumentLine.id)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(
            DocumentLine.status == LineStatus.OPEN,
            Document.kind.in_([str(kind) for kind in kinds]),
            (DocumentLine.from_location_id == loc_id) | (DocumentLine.to_location_id == loc_id),
        )
        .limit(1)
    )
    return open_line is not None
