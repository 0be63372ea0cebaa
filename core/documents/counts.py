"""Cycle counts: open (snapshot of what the books expect), submit blind, approve or recount.

A count line keeps the expected quantity in ``quantity`` and the expected serials in
``data["expected"]``; the counter's figures go to ``counted_quantity`` and ``data["seen"]``.
Approval posts the difference between what was counted and what the books hold *at approval*,
so moves made between counting and approving cannot leave the ledger and the shelf apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.catalogue.models import Sku
from core.catalogue.service import sku_by_code
from core.db import pairs
from core.documents.count_scans import scan_entries
from core.documents.models import DocKind, DocStatus, Document, DocumentLine, LineStatus
from core.documents.schemas import BinScanIn, CountLineIn, CountLineRead, CountRead
from core.documents.service import new_document, set_status
from core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDenied,
    SerialError,
    ValidationFailed,
)
from core.ledger.models import Balance
from core.ledger.posting import MoveRequest, post_moves
from core.locations.models import STOCK_KINDS, Kind, Location, Tier
from core.locations.service import virtual_location
from core.lots import codes as scans
from core.lots.models import Lot, Serial
from core.lots.service import lot_by_code
from core.people.models import User
from core.people.permissions import allowed
from core.people.security import Actor
from core.people.service import user_by_name

__all__ = [
    "approve_count",
    "count_read",
    "create_count",
    "get_count",
    "preview_count",
    "reject_count",
    "submit_count",
]

_ACTIVE = (DocStatus.OPEN, DocStatus.COUNTED, DocStatus.RECOUNT)
# Where a counted piece may legitimately come back from: it was written off earlier.
_WRITTEN_OFF = frozenset({Kind.ADJUSTMENT, Kind.SCRAP})


def _descendant_bins(session: Session, roots: Iterable[int]) -> list[Location]:
    """Stock bins at or under ``roots`` (the tree is shallow: one query per tier)."""
    seen: set[int] = set(roots)
    frontier = set(seen)
    while frontier:
        frontier = (
            set(
                session.scalars(
                    select(Location.id).where(
                        Location.parent_id.in_(frontier), Location.active.is_(True)
                    )
                )
            )
            - seen
        )
        seen |= frontier
    bins = session.scalars(
        select(Location)
        .where(
            Location.id.in_(seen),
            Location.tier == Tier.BIN,
            Location.kind.in_([str(k) for k in STOCK_KINDS]),
        )
        .order_by(Location.code)
    )
    return list(bins)


def _bins_to_count(session: Session, codes: Sequence[str], zone: str | None) -> list[Location]:
    roots = [scans.location(session, c) for c in codes]
    if zone:
        zone_loc = scans.location(session, zone)
        if zone_loc.tier != Tier.ZONE:
            raise ValidationFailed(f"{zone} is a {zone_loc.tier}, not a zone.", code="not-a-zone")
        roots.append(zone_loc)
    virtual = next((r.code for r in roots if r.is_virtual), None)
    if virtual is not None:
        raise ValidationFailed(
            f"{virtual} is virtual; count bins in the warehouse.", code="virtual-location"
        )
    bins = _descendant_bins(session, [r.id for r in roots])
    if not bins:
        raise ValidationFailed(
            "Name locations or a zone that hold stock bins.", code="nothing-to-count"
        )
    return bins


def _refuse_overlap(session: Session, codes: set[str]) -> None:
    """Two live counts of one bin would post its variance twice."""
    for number, data in session.execute(
        select(Document.number, Document.data).where(
            Document.kind == DocKind.COUNT, Document.status.in_(_ACTIVE)
        )
    ):
        shared = codes & set((data or {}).get("locations", []))
        if shared:
            raise ConflictError(
                f"{sorted(shared)[0]} is already being counted in {number}.",
                code="count-in-progress",
            )


def preview_count(
    session: Session, *, locations: Sequence[str] = (), zone: str | None = None
) -> list[str]:
    """The bins :func:`create_count` would count (reads only), with the same refusals."""
    codes = {b.code for b in _bins_to_count(session, locations, zone)}
    _refuse_overlap(session, codes)
    return sorted(codes)


def create_count(
    session: Session,
    *,
    actor: Actor,
    locations: Sequence[str] = (),
    zone: str | None = None,
    assignee: str | None = None,
    note: str = "",
) -> Document:
    """Open a count with one line per balance (and its expected serials) at those bins."""
    bins = _bins_to_count(session, locations, zone)
    codes = {b.code: b.id for b in bins}
    _refuse_overlap(session, set(codes))
    assignee_id = user_by_name(session, assignee).id if assignee else None
    doc = new_document(
        session,
        kind=DocKind.COUNT,
        actor=actor,
        status=DocStatus.OPEN,
        note=note,
        assignee_id=assignee_id,
        data={"locations": sorted(codes), "zone": zone},
    )
    ids = list(codes.values())
    expected: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for code, sku_id, loc_id, lot_id in session.execute(
        select(Serial.code, Serial.sku_id, Serial.location_id, Serial.lot_id)
        .where(Serial.location_id.in_(ids))
        .order_by(Serial.code)
    ):
        expected[(sku_id, loc_id, lot_id)].append(code)
    balances = session.execute(
        select(Balance.sku_id, Balance.location_id, Balance.lot_id, Balance.on_hand)
        .join(Location, Location.id == Balance.location_id)
        .join(Sku, Sku.id == Balance.sku_id)
        .join(Lot, Lot.id == Balance.lot_id)
        .where(Balance.location_id.in_(ids), Balance.on_hand != 0)
        .order_by(Location.code, Sku.code, Lot.code)
    ).all()
    for no, (sku_id, loc_id, lot_id, on_hand) in enumerate(balances, start=1):
        session.add(
            DocumentLine(
                document_id=doc.id,
                line_no=no,
                sku_id=sku_id,
                lot_id=lot_id,
                from_location_id=loc_id,
                quantity=on_hand,
                status=LineStatus.OPEN,
                data={"expected": expected.get((sku_id, loc_id, lot_id), []), "seen": []},
            )
        )
    session.flush()
    set_status(session, doc, status=DocStatus.OPEN, actor=actor)
    return doc


def get_count(session: Session, *, number: str, lock: bool = False) -> Document:
    """A count document with its lines; NotFoundError (``unknown-count``) otherwise."""
    stmt = select(Document).where(Document.number == number, Document.kind == DocKind.COUNT)
    if lock:  # PostgreSQL: two people submitting the same count queue here
        stmt = stmt.with_for_update()
    doc = session.scalar(stmt.options(selectinload(Document.lines)))
    if doc is None:
        raise NotFoundError(f"No count numbered '{number}'.", code="unknown-count")
    return doc


def _expect_status(doc: Document, *statuses: DocStatus) -> None:
    if doc.status not in statuses:
        raise ConflictError(
            f"Count {doc.number} is {doc.status}; this needs it {' or '.join(statuses)}.",
            code="count-wrong-status",
        )


def _seen_serials(
    session: Session, line: DocumentLine, codes: Sequence[str], location_id: int
) -> list[Serial]:
    """Serials the counter saw: they must be this SKU and lot, here or written off earlier."""
    wanted = scans.piece_codes(session, codes)
    found = {s.code: s for s in session.scalars(select(Serial).where(Serial.code.in_(wanted)))}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ValidationFailed(
            f"Line {line.line_no}: serial {missing[0]} is not in the books; "
            "record the piece with a 'found' adjustment.",
            code="unknown-serial",
        )
    serials = [found[c] for c in wanted]
    kinds = pairs(
        session,
        select(Location.id, Location.kind).where(Location.id.in_({s.location_id for s in serials})),
    )
    for s in serials:
        if s.sku_id != line.sku_id or s.lot_id != line.lot_id:
            raise SerialError(
                f"Line {line.line_no}: serial {s.code} is another SKU or lot.",
                code="serial-mismatch",
            )
        if s.location_id != location_id and kinds[s.location_id] not in _WRITTEN_OFF:
            raise SerialError(
                f"Line {line.line_no}: serial {s.code} is booked at another "
                "location; resolve it with a transfer first.",
                code="serial-elsewhere",
            )
    return serials


def _record(session: Session, line: DocumentLine, entry: CountLineIn, serialised: bool) -> None:
    if not serialised and entry.serials:
        raise SerialError(f"Line {line.line_no}: this SKU is not serialised; name no serials.")
    seen: list[str] = []
    if serialised:
        if len(entry.serials) != entry.counted:
            raise SerialError(
                f"Line {line.line_no}: counted {entry.counted} pieces but named "
                f"{len(entry.serials)} serials.",
                code="serials-required",
            )
        assert line.from_location_id is not None
        seen = sorted(
            s.code for s in _seen_serials(session, line, entry.serials, line.from_location_id)
        )
    expected = list((line.data or {}).get("expected", []))
    variance = entry.counted - line.quantity
    differs = variance != 0 or (serialised and set(seen) != set(expected))
    line.counted_quantity = entry.counted
    line.data = {**(line.data or {}), "seen": seen, "variance": variance}
    line.status = LineStatus.VARIANCE if differs else LineStatus.CLOSED
    line.done_quantity = entry.counted if not differs else 0


def _line_for(
    session: Session, doc: Document, entry: CountLineIn, by_no: dict[int, DocumentLine]
) -> DocumentLine:
    """The count line an entry reports on; stock nobody expected gets a new line."""
    if entry.line_no is not None:
        if entry.line_no not in by_no:
            raise ValidationFailed(
                f"Count {doc.number} has no line {entry.line_no}.", code="unknown-count-line"
            )
        return by_no[entry.line_no]
    if not (entry.sku and entry.lot and entry.location):
        raise ValidationFailed(
            "Name a line_no, or sku, lot and location for extra stock.", code="count-line-ref"
        )
    sku, lot = sku_by_code(session, entry.sku), lot_by_code(session, entry.lot)
    where = scans.location(session, entry.location)
    if where.code not in (doc.data or {}).get("locations", []):
        raise ValidationFailed(
            f"{where.code} is not part of count {doc.number}.", code="location-not-in-count"
        )
    for line in by_no.values():
        if (line.sku_id, line.lot_id, line.from_location_id) == (sku.id, lot.id, where.id):
            return line
    line = DocumentLine(
        document_id=doc.id,
        line_no=len(by_no) + 1,
        sku_id=sku.id,
        lot_id=lot.id,
        from_location_id=where.id,
        quantity=0,
        status=LineStatus.OPEN,
        data={"expected": [], "seen": []},
    )
    session.add(line)
    doc.lines.append(line)
    by_no[line.line_no] = line
    return line


def submit_count(
    session: Session,
    *,
    actor: Actor,
    number: str,
    lines: Sequence[CountLineIn] = (),
    bins: Sequence[BinScanIn] = (),
) -> Document:
    """Record what was counted, by line or by bin as scanned (see `core.documents.count_scans`);
    lines that match close, the rest wait for approval."""
    doc = get_count(session, number=number, lock=True)
    _expect_status(doc, DocStatus.OPEN, DocStatus.RECOUNT)
    if doc.assignee_id not in (None, actor.id) and not allowed(actor, "count:approve"):
        raise PermissionDenied(
            f"Count {doc.number} is assigned to someone else.", code="not-assignee"
        )
    by_no = {ln.line_no: ln for ln in doc.lines}
    reported: set[int] = set()
    for entry in [*lines, *scan_entries(session, doc, bins)]:
        line = _line_for(session, doc, entry, by_no)
        if line.line_no in reported or line.status != LineStatus.OPEN:
            raise ValidationFailed(
                f"Line {line.line_no} is reported twice or already closed.",
                code="count-line-not-open",
            )
        reported.add(line.line_no)
        _record(session, line, entry, session.get_one(Sku, line.sku_id).serialised)
    missing = sorted(n for n, ln in by_no.items() if ln.status == LineStatus.OPEN)
    if missing:
        raise ValidationFailed(
            f"Report every open line; missing: {missing[:10]}.", code="count-incomplete"
        )
    session.flush()
    set_status(session, doc, status=DocStatus.COUNTED, actor=actor)
    if all(ln.status == LineStatus.CLOSED for ln in doc.lines):
        set_status(session, doc, status=DocStatus.CLOSED, actor=actor)
    return doc


def _serial_moves(session: Session, line: DocumentLine, adjustment: Location) -> list[MoveRequest]:
    assert line.from_location_id is not None and line.lot_id is not None
    here = line.from_location_id
    current = {
        s.code: s
        for s in session.scalars(
            select(Serial).where(
                Serial.location_id == here,
                Serial.sku_id == line.sku_id,
                Serial.lot_id == line.lot_id,
            )
        )
    }
    seen_codes = list((line.data or {}).get("seen", []))
    seen = {s.code: s for s in _seen_serials(session, line, seen_codes, here)}
    missing = tuple(s.id for c, s in sorted(current.items()) if c not in seen)
    moves = []
    if missing:
        moves.append(
            MoveRequest(
                line.sku_id,
                line.lot_id,
                here,
                adjustment.id,
                len(missing),
                missing,
                document_line_id=line.id,
            )
        )
    back: dict[int, list[int]] = defaultdict(list)
    for code, serial in sorted(seen.items()):
        if code not in current:
            back[serial.location_id].append(serial.id)
    moves.extend(
        MoveRequest(
            line.sku_id, line.lot_id, origin, here, len(ids), tuple(ids), document_line_id=line.id
        )
        for origin, ids in back.items()
    )
    return moves


def _quantity_moves(
    session: Session, line: DocumentLine, adjustment: Location
) -> list[MoveRequest]:
    assert line.from_location_id is not None and line.lot_id is not None
    book = (
        session.scalar(
            select(Balance.on_hand).where(
                Balance.sku_id == line.sku_id,
                Balance.location_id == line.from_location_id,
                Balance.lot_id == line.lot_id,
            )
        )
        or 0
    )
    delta = (line.counted_quantity or 0) - book
    if delta == 0:
        return []
    origin, target = (
        (adjustment.id, line.from_location_id)
        if delta > 0
        else (line.from_location_id, adjustment.id)
    )
    return [
        MoveRequest(line.sku_id, line.lot_id, origin, target, abs(delta), document_line_id=line.id)
    ]


def approve_count(session: Session, *, actor: Actor, number: str) -> Document:
    """Post every variance to or from V-ADJUSTMENT and close the count (managers only)."""
    doc = get_count(session, number=number, lock=True)
    _expect_status(doc, DocStatus.COUNTED)
    adjustment = virtual_location(session, Kind.ADJUSTMENT)
    moves: list[MoveRequest] = []
    for line in doc.lines:
        if line.status != LineStatus.VARIANCE:
            continue
        serialised = session.get_one(Sku, line.sku_id).serialised
        maker = _serial_moves if serialised else _quantity_moves
        moves.extend(maker(session, line, adjustment))
        line.status = LineStatus.ADJUSTED
        line.done_quantity = line.counted_quantity or 0
        line.done_by_id = actor.id
    if moves:
        post_moves(
            session,
            document_id=doc.id,
            document_kind=doc.kind,
            actor=actor,
            reason="count variance",
            moves=moves,
        )
    doc.approved_by_id = actor.id
    set_status(session, doc, status=DocStatus.APPROVED, actor=actor)
    return doc


def reject_count(session: Session, *, actor: Actor, number: str, reason: str = "") -> Document:
    """Send the lines with a variance back to be counted again."""
    doc = get_count(session, number=number, lock=True)
    _expect_status(doc, DocStatus.COUNTED)
    for line in doc.lines:
        if line.status == LineStatus.VARIANCE:
            line.status = LineStatus.OPEN
            line.counted_quantity = None
            line.data = {"expected": (line.data or {}).get("expected", []), "seen": []}
    doc.data = {
        **(doc.data or {}),
        "rejections": [*(doc.data or {}).get("rejections", []), reason or "recount"],
    }
    set_status(session, doc, status=DocStatus.RECOUNT, actor=actor)
    return doc


def count_read(session: Session, doc: Document, *, blind: bool) -> CountRead:
    """The API view of a count; ``blind`` hides what the books expect."""
    lines = list(doc.lines)
    skus = pairs(session, select(Sku.id, Sku.code).where(Sku.id.in_({ln.sku_id for ln in lines})))
    lots = pairs(session, select(Lot.id, Lot.code).where(Lot.id.in_({ln.lot_id for ln in lines})))
    locs = pairs(
        session,
        select(Location.id, Location.code).where(
            Location.id.in_({ln.from_location_id for ln in lines})
        ),
    )
    people = pairs(
        session,
        select(User.id, User.username).where(
            User.id.in_({doc.created_by_id, doc.assignee_id, doc.approved_by_id})
        ),
    )
    return CountRead(
        number=doc.number,
        status=doc.status,
        blind=blind,
        assignee=people.get(doc.assignee_id) if doc.assignee_id is not None else None,
        created_by=people.get(doc.created_by_id, "?"),
        approved_by=people.get(doc.approved_by_id) if doc.approved_by_id is not None else None,
        created_at=doc.created_at,
        closed_at=doc.closed_at,
        note=doc.note,
        locations=list((doc.data or {}).get("locations", [])),
        lines=[_line_read(ln, skus, lots, locs, blind) for ln in lines],
    )


def _line_read(
    line: DocumentLine,
    skus: dict[int, str],
    lots: dict[int, str],
    locs: dict[int, str],
    blind: bool,
) -> CountLineRead:
    data = line.data or {}
    counted = line.counted_quantity
    return CountLineRead(
        line_no=line.line_no,
        sku=skus[line.sku_id],
        lot=lots.get(line.lot_id or 0),
        location=locs.get(line.from_location_id or 0, "?"),
        status=line.status,
        expected=None if blind else line.quantity,
        expected_serials=None if blind else list(data.get("expected", [])),
        counted=counted,
        seen_serials=list(data.get("seen", [])),
        variance=None if blind or counted is None else counted - line.quantity,
    )
