"""The one place that writes stock: moves, serial locations and balances, in one transaction.

Concurrency is left to the database: source balances are decremented by a conditional UPDATE
(``on_hand - q >= reserved``), so two pickers racing for the last piece cannot both win, and
serials move with ``UPDATE ... WHERE location_id = source``, so a piece is in one place only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Integer,
    String,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, object_session

from core.audit import service as audit
from core.catalogue.models import Sku
from core.clock import now
from core.errors import InsufficientStockError, LotBlockedError, SerialError, ValidationFailed
from core.events import MovedLine, StockMoved, record, touch_skus
from core.ledger.integrity import MOVES_ACTION, move_record
from core.ledger.models import Balance, MoveSerial, StockMove
from core.locations.models import VIRTUAL_KINDS, Kind, Location, Tier
from core.lots.models import Lot, LotStatus, Serial
from core.people.security import Actor
from core.prepared import Prepared, driver_dialect

__all__ = [
    "LocationRef", "LotRef", "MoveRequest", "Refs", "SkuRef", "change_reserved", "post_moves",
]

_CHUNK = 500
# Where stock of a lot that is not approved may still go.
_BLOCKED_LOT_DESTINATIONS = frozenset({Kind.QUARANTINE, Kind.SUPPLIER, Kind.SCRAP, Kind.ADJUSTMENT})


# Hot-path statements are built once and run on the session's connection: on SQLite, building
# and routing an ORM statement costs more than executing it.
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_SKU_IDS: BindParameter[int] = bindparam("sku_ids", expanding=True)
_LOT_IDS: BindParameter[int] = bindparam("lot_ids", expanding=True)
_LOC_IDS: BindParameter[int] = bindparam("loc_ids", expanding=True)
# One round trip for the SKUs, lots and locations a posting names.
_REFS = union_all(
    select(literal("s"), Sku.id, Sku.code, cast(Sku.serialised, String), literal("")).where(
        Sku.id.in_(_SKU_IDS)
    ),
    select(literal("l"), Lot.id, Lot.code, Lot.status, literal("")).where(Lot.id.in_(_LOT_IDS)),
    select(literal("o"), Location.id, Location.code, Location.kind, Location.tier).where(
        Location.id.in_(_LOC_IDS)
    ),
)
# The same for a single move (a pick confirmation), with scalar parameters so it runs prepared.
_P_REFS_ONE = Prepared(
    union_all(
        select(literal("s"), Sku.id, Sku.code, cast(Sku.serialised, String), literal("")).where(
            Sku.id == bindparam("sku_id")
        ),
        select(literal("l"), Lot.id, Lot.code, Lot.status, literal("")).where(
            Lot.id == bindparam("lot_id")
        ),
        select(literal("o"), Location.id, Location.code, Location.kind, Location.tier).where(
            Location.id.in_([bindparam("from_id"), bindparam("to_id")])
        ),
    )
)
_BAL = Balance.__table__
_Q, _R = bindparam("q", type_=Integer), bindparam("r", type_=Integer)
_TAKE = (
    update(_BAL)
    .where(
        _BAL.c.sku_id == bindparam("sku"),
        _BAL.c.location_id == bindparam("loc"),
        _BAL.c.lot_id == bindparam("lot"),
        _BAL.c.reserved >= _R,
        _BAL.c.on_hand - _Q >= _BAL.c.reserved - _R,
    )
    .values(on_hand=_BAL.c.on_hand - _Q, reserved=_BAL.c.reserved - _R)
)
_UPSERT = {
    name: maker(_BAL)
    .values(
        sku_id=bindparam("sku"),
        location_id=bindparam("loc"),
        lot_id=bindparam("lot"),
        on_hand=bindparam("q"),
        reserved=0,
    )
    .on_conflict_do_update(
        index_elements=["sku_id", "location_id", "lot_id"],
        set_={"on_hand": _BAL.c.on_hand + bindparam("q")},
    )
    for name, maker in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_SER = Serial.__table__
_MOVE_SERIALS = (
    update(_SER)
    .where(
        _SER.c.id.in_(_IDS),
        _SER.c.location_id == bindparam("src"),
        _SER.c.sku_id == bindparam("sku"),
        _SER.c.lot_id == bindparam("lot"),
    )
    .values(location_id=bindparam("dst"))
)
_MOVE_COLUMNS = (
    "created_at",
    "sku_id",
    "lot_id",
    "from_location_id",
    "to_location_id",
    "quantity",
    "document_id",
    "document_line_id",
    "reason",
    "actor_id",
    "reverses_move_id",
)
# The single-move, single-serial case (a pick confirmation) runs prepared on the raw cursor.
_P_TAKE = Prepared(_TAKE)
_P_UPSERT = {name: Prepared(stmt) for name, stmt in _UPSERT.items()}
_P_INSERT_MOVE = Prepared(
    insert(StockMove.__table__)
    .values({name: bindparam(name) for name in _MOVE_COLUMNS})
    .returning(StockMove.__table__.c.id)
)
_P_LINK = Prepared(
    insert(MoveSerial.__table__).values(
        move_id=bindparam("move_id"), serial_id=bindparam("serial_id")
    )
)
_P_MOVE_ONE_SERIAL = Prepared(
    update(_SER)
    .where(
        _SER.c.id == bindparam("id"),
        _SER.c.location_id == bindparam("src"),
        _SER.c.sku_id == bindparam("sku"),
        _SER.c.lot_id == bindparam("lot"),
    )
    .values(location_id=bindparam("dst"))
)
_INSERT_MOVES = insert(StockMove.__table__).returning(
    StockMove.__table__.c.id, sort_by_parameter_order=True
)


@dataclass(frozen=True)
class MoveRequest:
    """One move to post. ``release_reserved`` is how much reserved stock it consumes."""

    sku_id: int
    lot_id: int
    from_location_id: int
    to_location_id: int
    quantity: int
    serial_ids: tuple[int, ...] = ()
    release_reserved: int = 0
    document_line_id: int | None = None
    reverses_move_id: int | None = None


class SkuRef(NamedTuple):
    """What a posting needs of a SKU: its code and whether it is serialised."""

    code: str
    serialised: bool


class LotRef(NamedTuple):
    """What a posting needs of a lot: its code and status (a ``LotStatus`` value)."""

    code: str
    status: str


class LocationRef(NamedTuple):
    """What a posting needs of a location: its code, kind and tier (``Kind``/``Tier`` values)."""

    code: str
    kind: str
    tier: str


@dataclass(frozen=True)
class Refs:
    """The SKUs, lots and locations that moves name, by id."""

    skus: dict[int, SkuRef]
    lots: dict[int, LotRef]
    locations: dict[int, LocationRef]


def _load_refs(session: Session, moves: Sequence[MoveRequest]) -> Refs:
    if len(moves) == 1:
        m = moves[0]
        found = _P_REFS_ONE.run(session, {
            "sku_id": m.sku_id, "lot_id": m.lot_id, "from_id": m.from_location_id,
            "to_id": m.to_location_id,
        }).fetchall()
    else:
        found = session.connection().execute(_REFS, {
            "sku_ids": list({m.sku_id for m in moves}),
            "lot_ids": list({m.lot_id for m in moves}),
            "loc_ids": list({m.from_location_id for m in moves}
                            | {m.to_location_id for m in moves}),
        }).all()
    refs = Refs({}, {}, {})
    for tag, ident, code, a, b in found:
        if tag == "s":
            refs.skus[ident] = SkuRef(code, a in ("1", "true", "True"))
        elif tag == "l":
            refs.lots[ident] = LotRef(code, a)
        else:
            refs.locations[ident] = LocationRef(code, a, b)
    return refs


def _validate(move: MoveRequest, refs: Refs) -> None:
    if move.quantity <= 0:
        raise ValidationFailed(f"Quantity must be positive, got {move.quantity}.")
    if move.sku_id not in refs.skus or move.lot_id not in refs.lots:
        raise ValidationFailed("Unknown SKU or lot in a move.", code="unknown-reference")
    for loc_id in (move.from_location_id, move.to_location_id):
        if loc_id not in refs.locations:
            raise ValidationFailed(f"Unknown location id {loc_id}.", code="unknown-location")
        code, kind, tier = refs.locations[loc_id]
        if kind not in VIRTUAL_KINDS and tier != Tier.BIN:
            raise ValidationFailed(
                f"Location {code} is a {tier}, not a bin; stock lies in bins.",
                code="location-holds-no-stock",
            )
    if move.from_location_id == move.to_location_id:
        raise ValidationFailed("A move needs two different locations.", code="same-location")
    sku_code, serialised = refs.skus[move.sku_id]
    if serialised and len(set(move.serial_ids)) != move.quantity:
        raise SerialError(
            f"{sku_code} is serialised: name {move.quantity} distinct serials, "
            f"got {len(set(move.serial_ids))}.",
            code="serials-required",
        )
    if not serialised and move.serial_ids:
        raise SerialError(f"{sku_code} is not serialised; do not name serials.")
    lot_code, status = refs.lots[move.lot_id]
    dest_kind = refs.locations[move.to_location_id].kind
    if status != LotStatus.APPROVED and dest_kind not in _BLOCKED_LOT_DESTINATIONS:
        code = "lot-recalled" if status == LotStatus.RECALLED else "lot-not-approved"
        raise LotBlockedError(
            f"Lot {lot_code} is {status}; it may only go to quarantine, scrap or back to the "
            "supplier.",
            code=code,
        )


def _upsert_balance(session: Session, move: MoveRequest, location_id: int, delta: int) -> None:
    dialect = driver_dialect(session).name
    _P_UPSERT["postgresql" if dialect == "postgresql" else "sqlite"].run(
        session, {"sku": move.sku_id, "loc": location_id, "lot": move.lot_id, "q": delta}
    )


def _take_from_source(session: Session, move: MoveRequest, refs: Refs) -> None:
    code, kind, _tier = refs.locations[move.from_location_id]
    if kind in VIRTUAL_KINDS:
        _upsert_balance(session, move, move.from_location_id, -move.quantity)
        return
    result = _P_TAKE.run(
        session,
        {
            "sku": move.sku_id,
            "loc": move.from_location_id,
            "lot": move.lot_id,
            "q": move.quantity,
            "r": move.release_reserved,
        },
    )
    if result.rowcount != 1:
        sku, lot = refs.skus[move.sku_id].code, refs.lots[move.lot_id].code
        raise InsufficientStockError(
            f"Not enough free stock of {sku} lot {lot} at {code} to move {move.quantity}."
        )


def _move_serials(session: Session, move: MoveRequest, refs: Refs) -> None:
    ids = list(move.serial_ids)
    moved = 0
    if len(ids) == 1:
        params = {
            "id": ids[0],
            "src": move.from_location_id,
            "sku": move.sku_id,
            "lot": move.lot_id,
            "dst": move.to_location_id,
        }
        moved = _P_MOVE_ONE_SERIAL.run(session, params).rowcount
        ids_left: list[int] = []
    else:
        ids_left = ids
    for start in range(0, len(ids_left), _CHUNK):
        chunk = ids_left[start : start + _CHUNK]
        result = session.connection().execute(
            _MOVE_SERIALS,
            {
                "ids": chunk,
                "src": move.from_location_id,
                "sku": move.sku_id,
                "lot": move.lot_id,
                "dst": move.to_location_id,
            },
        )
        moved += result.rowcount
    if moved != len(ids):
        where = refs.locations[move.from_location_id].code
        raise SerialError(
            f"{len(ids) - moved} of the named serials are not {refs.skus[move.sku_id].code} "
            f"lot {refs.lots[move.lot_id].code} at {where}.",
            code="serial-not-here",
        )


def post_moves(
    session: Session,
    *,
    document_id: int,
    document_kind: str,
    actor: Actor,
    reason: str,
    moves: Sequence[MoveRequest],
    refs: Refs | None = None,
) -> list[int]:
    """Post ``moves`` for one document; all or nothing (the caller's transaction rolls back).

    ``refs`` may carry what the caller already read of the SKUs, lots and locations the moves
    name (the pick path reads it with its line); it is validated all the same.
    """
    if not moves:
        raise ValidationFailed("Nothing to post: the document has no quantities.", code="empty")
    session.flush()  # the statements below run on the connection: ORM changes must be there
    if refs is None:
        refs = _load_refs(session, moves)
    for move in moves:
        _validate(move, refs)
    for move in moves:
        _take_from_source(session, move, refs)
        _upsert_balance(session, move, move.to_location_id, move.quantity)
        if move.serial_ids:
            _move_serials(session, move, refs)
    at = now()
    rows = [
        {
            "created_at": at,
            "sku_id": m.sku_id,
            "lot_id": m.lot_id,
            "from_location_id": m.from_location_id,
            "to_location_id": m.to_location_id,
            "quantity": m.quantity,
            "document_id": document_id,
            "document_line_id": m.document_line_id,
            "reason": reason,
            "actor_id": actor.id,
            "reverses_move_id": m.reverses_move_id,
        }
        for m in moves
    ]
    if len(rows) == 1:
        move_ids = [_P_INSERT_MOVE.run(session, rows[0]).fetchone()[0]]
    else:
        move_ids = list(session.connection().execute(_INSERT_MOVES, rows).scalars())
    links = [
        {"move_id": move_id, "serial_id": serial_id}
        for move_id, move in zip(move_ids, moves, strict=True)
        for serial_id in move.serial_ids
    ]
    if len(links) == 1:
        _P_LINK.run(session, links[0])
    elif links:
        session.connection().execute(insert(MoveSerial.__table__), links)
    _record_event(session, document_id, document_kind, actor, moves, move_ids, refs)
    touch_skus(session, {m.sku_id for m in moves})
    _audit(session, document_id, document_kind, actor, moves, move_ids, rows)
    return move_ids


def _audit(
    session: Session,
    document_id: int,
    document_kind: str,
    actor: Actor,
    moves: Sequence[MoveRequest],
    move_ids: Sequence[int],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """One audit entry per posting with every move's full content (see core.ledger.integrity:
    `facet audit verify` compares each ledger row with it)."""
    recorded = [
        move_record(move_id, serial_ids=m.serial_ids, **row)
        for move_id, m, row in zip(move_ids, moves, rows, strict=True)
    ]
    audit.record(
        session,
        actor=actor.username,
        action=MOVES_ACTION,
        entity=f"{document_kind}:{document_id}",
        detail={"document": document_id, "kind": document_kind, "moves": recorded},
    )


def _record_event(
    session: Session,
    document_id: int,
    document_kind: str,
    actor: Actor,
    moves: Sequence[MoveRequest],
    move_ids: Iterable[int],
    refs: Refs,
) -> None:
    lines = tuple(
        MovedLine(
            move_id=move_id,
            sku=refs.skus[m.sku_id].code,
            lot=refs.lots[m.lot_id].code,
            from_location=refs.locations[m.from_location_id].code,
            to_location=refs.locations[m.to_location_id].code,
            quantity=m.quantity,
        )
        for move_id, m in zip(move_ids, moves, strict=True)
    )
    record(
        session,
        StockMoved(
            document_id=document_id, document_kind=document_kind, actor=actor.username, moves=lines
        ),
    )


# Reserve and release, prepared once and run on the raw cursor (every order line reserves).
_P_RESERVE = Prepared(
    update(_BAL)
    .where(
        _BAL.c.sku_id == bindparam("sku"),
        _BAL.c.location_id == bindparam("loc"),
        _BAL.c.lot_id == bindparam("lot"),
        _BAL.c.on_hand - _BAL.c.reserved >= bindparam("q"),
    )
    .values(reserved=_BAL.c.reserved + bindparam("q"))
)
_P_RELEASE = Prepared(
    update(_BAL)
    .where(
        _BAL.c.sku_id == bindparam("sku"),
        _BAL.c.location_id == bindparam("loc"),
        _BAL.c.lot_id == bindparam("lot"),
        _BAL.c.reserved + bindparam("q") >= 0,
    )
    .values(reserved=_BAL.c.reserved + bindparam("q"))
)


def change_reserved(
    session: Session, *, sku_id: int, location_id: int, lot_id: int, delta: int
) -> None:
    """Reserve (delta > 0) or release (delta < 0) stock; never more than is free."""
    if delta == 0:
        return
    if session.autoflush:  # as session.execute would: what the session holds goes first
        session.flush()
    stmt = _P_RESERVE if delta > 0 else _P_RELEASE
    result = stmt.run(session, {"sku": sku_id, "loc": location_id, "lot": lot_id, "q": delta})
    if result.rowcount != 1:
        raise InsufficientStockError(
            "Not enough free stock to reserve." if delta > 0 else "Reservation already released."
        )
    touch_skus(session, (sku_id,))


@sa_event.listens_for(Lot.status, "set")
def _lot_status_set(lot: Lot, value: str, old: object, _initiator: object) -> None:
    # A lot approved, held or recalled changes what channels may be promised of its SKUs.
    session = object_session(lot)
    if session is None or value == old or lot.id is None:
        return
    with session.no_autoflush:
        held = session.scalars(select(Balance.sku_id).where(Balance.lot_id == lot.id).distinct())
        touch_skus(session, held.all())


def ledger_totals(session: Session) -> dict[tuple[int, int, int], int]:
    """On hand per (sku, location, lot) folded from the ledger alone."""
    totals: dict[tuple[int, int, int], int] = {}
    inbound = select(
        StockMove.sku_id, StockMove.to_location_id, StockMove.lot_id, func.sum(StockMove.quantity)
    ).group_by(StockMove.sku_id, StockMove.to_location_id, StockMove.lot_id)
    outbound = select(
        StockMove.sku_id, StockMove.from_location_id, StockMove.lot_id, func.sum(StockMove.quantity)
    ).group_by(StockMove.sku_id, StockMove.from_location_id, StockMove.lot_id)
    for sign, stmt in ((1, inbound), (-1, outbound)):
        for sku_id, loc_id, lot_id, qty in session.execute(stmt):
            key = (sku_id, loc_id, lot_id)
            totals[key] = totals.get(key, 0) + sign * int(qty)
    return totals


def rebuild_balances(session: Session) -> int:
    """Rewrite every on-hand figure from the ledger; returns how many rows changed."""
    totals = ledger_totals(session)
    changed = 0
    existing = {
        (b.sku_id, b.location_id, b.lot_id): b for b in session.scalars(select(Balance)).all()
    }
    for key, qty in totals.items():
        balance = existing.get(key)
        if balance is None:
            session.add(Balance(sku_id=key[0], location_id=key[1], lot_id=key[2], on_hand=qty))
            changed += 1
        elif balance.on_hand != qty:
            balance.on_hand = qty
            changed += 1
    for key, balance in existing.items():
        if key not in totals and balance.on_hand != 0:
            balance.on_hand = 0
            changed += 1
    session.flush()
    return changed
