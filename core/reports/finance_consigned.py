"""What finance reads of consignment: which documents move pieces that are not ours, and the
receipts that record consigned pieces bought where they lie.

Pieces in on consignment are the supplier's until bought (``core.custody``, a layer above the
reports, names its documents by the kind values below). Buying them moves nothing (they are
already in our bins), so the purchase is a receipt document of its own
(:data:`CONSIGNMENT_PURCHASE`) whose done lines, one per piece, carry the piece's serial and the
unit cost recorded then: finance books those lines as receipts, and values the piece at that
cost whenever it leaves, before or after the purchase (sale or return: sold first, bought
after). A consigned piece that leaves before anyone has bought it is flagged (basis
``consigned``, at its memo value) until its purchase is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.documents.models import DocKind, Document, DocumentLine
from core.lots.models import Lot

__all__ = [
    "CONSIGNMENT_PURCHASE",
    "NOT_OWNED_SOURCES",
    "bought_costs",
    "consigned_lots",
    "purchase_count",
    "purchase_lines",
]

#: Kinds of document (custody kind values) whose moves carry pieces that are not ours: a
#: consignment's arrival and its send-back are neither a purchase nor an issue.
NOT_OWNED_SOURCES = frozenset({"consignment"})
#: The reason on the receipt that books consigned pieces bought where they lie.
CONSIGNMENT_PURCHASE = "consignment-purchase"
# The documents that are consignment purchases: receipts with that reason.
_PURCHASE_RECEIPT = (
    Document.kind == DocKind.RECEIPT.value,
    Document.reason == CONSIGNMENT_PURCHASE,
)


def purchase_lines(session: Session, where: Sequence[Any]) -> Sequence[Any]:
    """The done lines of consignment-purchase receipts matching ``where`` (conditions on
    ``Document`` and ``DocumentLine``), shaped like the register's move rows."""
    stmt = (
        select(
            DocumentLine.id,
            Document.created_at,
            DocumentLine.sku_id,
            DocumentLine.lot_id,
            DocumentLine.from_location_id,
            DocumentLine.to_location_id,
            DocumentLine.done_quantity.label("quantity"),
            Document.id.label("doc_id"),
            Document.number,
            Document.kind,
            Document.reference,
            Document.reason,
            Document.data,
            DocumentLine.line_no,
            DocumentLine.data.label("line_data"),
        )
        .join(Document, Document.id == DocumentLine.document_id)
        .where(*_PURCHASE_RECEIPT, DocumentLine.done_quantity > 0, *where)
        .order_by(Document.id, DocumentLine.line_no)
    )
    return session.execute(stmt).all()


def bought_costs(session: Session, lot_ids: Iterable[int]) -> dict[str, Decimal]:
    """Each consigned piece bought from the lots named: its serial and the unit cost recorded
    when it was bought."""
    lots = set(lot_ids)
    if not lots:
        return {}
    rows = session.execute(
        select(DocumentLine.data)
        .join(Document, Document.id == DocumentLine.document_id)
        .where(*_PURCHASE_RECEIPT, DocumentLine.lot_id.in_(lots))
    )
    return {
        str(data["serial"]): Decimal(str(data["unit_cost"]))
        for (data,) in rows
        if data and data.get("serial") and data.get("unit_cost") is not None
    }


def purchase_count(session: Session, where: Sequence[Any]) -> int:
    """How many lines :func:`purchase_lines` would answer for ``where``."""
    return (
        session.scalar(
            select(func.count())
            .select_from(DocumentLine)
            .join(Document, Document.id == DocumentLine.document_id)
            .where(*_PURCHASE_RECEIPT, DocumentLine.done_quantity > 0, *where)
        )
        or 0
    )


def consigned_lots(session: Session, lot_ids: Iterable[int]) -> set[int]:
    """Those of the lots named that came in on consignment (each is named after its document)."""
    lots = set(lot_ids)
    if not lots:
        return set()
    return set(
        session.scalars(
            select(Lot.id)
            .join(Document, Document.number == Lot.code)
            .where(Lot.id.in_(lots), Document.kind.in_(sorted(NOT_OWNED_SOURCES)))
        )
    )
