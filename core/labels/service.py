"""Gathering what labels carry (pieces, locations) and printing them as PDF or ZPL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku, Style
from core.documents.models import DocKind, Document
from core.errors import InvalidQRError, NotFoundError, ValidationFailed
from core.labels.draw import label_svg
from core.labels.model import LAYOUTS, MAX_LABELS, Label, LocationLabel, PieceLabel
from core.labels.pdf import render_pdf
from core.labels.schemas import LabelPreview, LabelRequest
from core.labels.zpl import render_zpl
from core.ledger.models import MoveSerial, StockMove
from core.locations.models import VIRTUAL_KINDS, Location, Tier
from core.lots.models import Lot, Serial
from core.lots.qr import parse

__all__ = ["PREVIEW_LABELS", "Printed", "gather", "preview", "print_labels"]

#: Labels a preview draws (the rest are counted).
PREVIEW_LABELS = 6
_CHUNK = 500


@dataclass(frozen=True)
class Printed:
    """A print run: the bytes, their media type, a file name and how many labels."""

    content: bytes
    media_type: str
    filename: str
    count: int


def _plain(value: str, kind: str) -> str:
    """A code from a plain code or its label's QR payload; a payload of the other kind is
    refused (a location label scanned into a list of pieces)."""
    value = value.strip()
    if not value.upper().startswith("FACET:"):
        return value
    found, code = parse(value)
    found = "piece" if found == "serial" else found
    if found != kind:
        raise InvalidQRError(f"'{value}' is a {found} label, not a {kind} label.")
    return code


def _selection(request: LabelRequest) -> str:
    """The one way the request names its labels; refused unless exactly one is given."""
    named = [k for k in ("codes", "lot", "sku", "receipt", "prefix")
             if getattr(request, k) not in (None, [], "")]
    allowed = {"piece": {"codes", "lot", "sku", "receipt"}, "location": {"codes", "prefix"}}
    if len(named) != 1 or named[0] not in allowed[request.kind]:
        choices = " or ".join(sorted(allowed[request.kind]))
        got = ", ".join(named) or "none"
        raise ValidationFailed(
            f"Name the {request.kind} labels one way: {choices} (got {got}).",
            code="bad-label-selection")
    return named[0]


def _check_count(count: int, what: str) -> None:
    if count == 0:
        raise ValidationFailed(f"{what} has nothing to label.", code="no-labels")
    if count > MAX_LABELS:
        raise ValidationFailed(
            f"{what} makes {count:,} labels; print at most {MAX_LABELS:,} at a time "
            "(split it by lot, SKU or a longer prefix).", code="too-many-labels")


def _unknown(missing: list[str], kind: str) -> None:
    if missing:
        shown = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20
                                           else "")
        raise ValidationFailed(f"Unknown {kind} code(s): {shown}. Check them and try again.",
                               code="unknown-codes")


PieceRows = Select[str, str | None, str, str, str, float | None, str, str]
_PIECES: PieceRows = (
    select(Serial.code, Serial.epc, Sku.code, Lot.code, Style.name, Serial.weight_g, Sku.metal,
           Sku.purity)
    .join(Sku, Sku.id == Serial.sku_id).join(Style, Style.id == Sku.style_id)
    .join(Lot, Lot.id == Serial.lot_id)
)


PieceRow = tuple[str, str | None, str, str, str, float | None, str, str]


def _piece(row: PieceRow) -> PieceLabel:
    code, _epc, sku, lot, name, weight, metal, purity = row
    return PieceLabel(code=code, sku=sku, lot=lot, name=name or "", weight_g=weight,
                      metal=metal or None, purity=purity or None)


def _pieces_by_codes(session: Session, values: Sequence[str]) -> list[PieceLabel]:
    """Pieces by serial code, QR payload or EPC, in the order given; unknown ones listed."""
    codes = [_plain(v, "piece") for v in values]
    _check_count(len(codes), "The list")
    by_code: dict[str, PieceLabel] = {}
    by_epc: dict[str, PieceLabel] = {}
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        epcs = [c.upper() for c in chunk]  # EPCs are kept in capitals, scanned in any case
        for row in session.execute(_PIECES.where(or_(Serial.code.in_(chunk),
                                                      Serial.epc.in_(epcs)))):
            label = by_code[row[0]] = _piece(row)
            if row[1]:
                by_epc[row[1]] = label
    found = [by_code.get(c) or by_epc.get(c.upper()) for c in codes]
    _unknown([c for c, label in zip(codes, found, strict=True) if label is None], "piece")
    return [label for label in found if label is not None]


def _piece_query(session: Session, selection: str, value: str) -> tuple[PieceRows, str]:
    """The pieces of a lot, SKU or receipt, and the selection's name for messages."""
    if selection == "lot":
        lot_id = session.scalar(select(Lot.id).where(Lot.code == value.upper()))
        if lot_id is None:
            raise NotFoundError(f"No lot with code '{value}'.", code="unknown-lot")
        return _PIECES.where(Serial.lot_id == lot_id), f"Lot {value.upper()}"
    if selection == "sku":
        sku_id = session.scalar(select(Sku.id).where(Sku.code == value))
        if sku_id is None:
            raise NotFoundError(f"No SKU with code '{value}'.", code="unknown-sku")
        return _PIECES.where(Serial.sku_id == sku_id), f"SKU {value}"
    doc_id = session.scalar(select(Document.id).where(
        Document.number == value.upper(), Document.kind == DocKind.RECEIPT))
    if doc_id is None:
        raise NotFoundError(f"No receipt numbered '{value}'.", code="unknown-receipt")
    carried = (select(MoveSerial.serial_id).join(StockMove, StockMove.id == MoveSerial.move_id)
               .where(StockMove.document_id == doc_id))
    return _PIECES.where(Serial.id.in_(carried)), f"Receipt {value.upper()}"


def _pieces(session: Session, request: LabelRequest, selection: str) -> list[PieceLabel]:
    if selection == "codes":
        return _pieces_by_codes(session, request.codes or [])
    stmt, what = _piece_query(session, selection, str(getattr(request, selection)))
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    _check_count(count, what)
    return [_piece(row) for row in session.execute(stmt.order_by(Serial.code))]


def _tree(session: Session) -> dict[int, tuple[int | None, str, str]]:
    """Every location's parent, tier and code by id, for finding each label's zone."""
    rows = session.execute(select(Location.id, Location.parent_id, Location.tier, Location.code))
    return {row[0]: (row[1], str(row[2]), str(row[3])) for row in rows}


def _zone_of(location_id: int, tree: dict[int, tuple[int | None, str, str]]) -> str:
    seen = 0
    current: int | None = location_id
    while current is not None and seen < 32:  # a tree is never this deep; a cycle stops here
        parent, tier, code = tree[current]
        if tier == Tier.ZONE:
            return code
        current, seen = parent, seen + 1
    return ""


def _location_labels(session: Session, found: Sequence[Location]) -> list[LocationLabel]:
    tree = _tree(session)
    return [LocationLabel(code=loc.code, name=loc.name or "", zone=_zone_of(loc.id, tree),
                          check_digits=loc.check_digits) for loc in found]


def _locations(session: Session, request: LabelRequest, selection: str) -> list[LocationLabel]:
    physical = Location.kind.not_in([str(k) for k in VIRTUAL_KINDS])
    if selection == "prefix":
        prefix = str(request.prefix)
        stmt = select(Location).where(Location.code.startswith(prefix, autoescape=True),
                                      Location.tier == Tier.BIN, Location.active.is_(True),
                                      physical)
        count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        _check_count(count, f"Prefix {prefix}")
        return _location_labels(session, list(session.scalars(stmt.order_by(Location.code))))
    codes = [_plain(v, "location") for v in request.codes or []]
    _check_count(len(codes), "The list")
    by_code: dict[str, Location] = {}
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        by_code.update((loc.code, loc) for loc in session.scalars(
            select(Location).where(Location.code.in_(chunk))))
    _unknown([c for c in codes if c not in by_code], "location")
    virtual = [c for c in codes if by_code[c].is_virtual]
    if virtual:
        raise ValidationFailed(
            f"{', '.join(virtual[:20])}: the outside world (supplier, customer, adjustment, "
            "scrap) has no shelf to label.", code="virtual-location")
    return _location_labels(session, [by_code[c] for c in codes])


def gather(session: Session, request: LabelRequest) -> list[Label]:
    """The labels a request names, in print order; 4xx errors for unknown or too many."""
    selection = _selection(request)
    if request.kind == "piece":
        return list(_pieces(session, request, selection))
    return list(_locations(session, request, selection))


def _check_format(request: LabelRequest) -> None:
    if request.format == "zpl" and not LAYOUTS[request.layout].is_roll:
        raise ValidationFailed(
            f"ZPL prints on a thermal printer's roll: choose roll-60x30 or roll-100x50, not "
            f"the sheet layout {request.layout}.", code="zpl-needs-roll")


def print_labels(session: Session, request: LabelRequest) -> Printed:
    """The request's labels as a PDF sheet or roll, or as ZPL."""
    _check_format(request)
    labels = gather(session, request)
    layout = LAYOUTS[request.layout]
    name = f"facet-{request.kind}-labels-{request.layout}"
    if request.format == "zpl":
        text = render_zpl(labels, layout, request.dpi)
        return Printed(text.encode(), "text/plain; charset=utf-8", f"{name}-{request.dpi}dpi.zpl",
                       len(labels))
    content = render_pdf(labels, layout, title=f"Facet {request.kind} labels")
    return Printed(content, "application/pdf", f"{name}.pdf", len(labels))


def preview(session: Session, request: LabelRequest) -> LabelPreview:
    """How many labels and pages a request makes, with the first few drawn as SVG."""
    _check_format(request)
    labels = gather(session, request)
    layout = LAYOUTS[request.layout]
    return LabelPreview(kind=request.kind, count=len(labels), pages=layout.pages(len(labels)),
                        layout=layout.name, layout_title=layout.title,
                        codes=[label.code for label in labels[:PREVIEW_LABELS]],
                        svgs=[label_svg(label, layout) for label in labels[:PREVIEW_LABELS]])
