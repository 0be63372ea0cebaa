"""Weigh pieces at custody changes; hold a piece whose reading is outside its tolerance.

A reading within tolerance is added to the caller's session and commits with the caller's
move. A reading outside it must survive the caller's rollback (the move is refused, the hold
and the security alert are not), so it is queued on the session and written in a transaction
of its own as soon as the caller's transaction ends, whether it commits or rolls back. That
waits for the caller on purpose: on SQLite a second writer would wait for the caller's own
write lock.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from core.alerts.service import raise_alert
from core.audit import service as audit
from core.catalogue.models import Sku, Style
from core.clock import as_utc, now
from core.db import AUDIT_KEY
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.events import touch_skus
from core.fields import MAX_GRAMS
from core.locations.models import Location
from core.lots import codes as scans
from core.lots.models import Serial
from core.people.security import Actor
from core.weighing.errors import BadWeight, PieceOnHold, WeightOutOfTolerance
from core.weighing.models import Weighing, WeightHold, WeightTolerance
from core.weighing.settings import weighing_settings

__all__ = [
    "DEFAULT_TOLERANCES",
    "EVENTS",
    "ensure_not_held",
    "ensure_serials_not_held",
    "hold_piece",
    "holds",
    "release_hold",
    "set_piece_weights",
    "set_tolerance",
    "tolerance_for",
    "tolerances",
    "PieceGroup",
    "record_receipt_weights",
    "weigh",
    "weigh_groups",
    "weigh_pieces",
    "weighings_of",
]

log = logging.getLogger(__name__)

EVENTS = (
    "receipt", "qc", "pick", "pack", "vault-in", "vault-out", "transfer", "return",
    "memo-out", "memo-back", "consignment-in", "repair-out", "repair-back", "check",
)
"""The custody events Facet itself weighs at; the set is open (any short kebab-case word)."""
_EVENT = re.compile(r"^[a-z][a-z0-9-]{0,23}$")
# Grams either way when neither the table nor the settings name a category's tolerance:
# small pieces are weighed on a 0.001 g balance, large ones on a 0.01 g scale.
DEFAULT_TOLERANCES: dict[str, float] = {
    "ring": 0.02, "earrings": 0.02, "pendant": 0.02, "brooch": 0.03, "cufflinks": 0.03,
    "bracelet": 0.05, "necklace": 0.05, "bangle": 0.05, "chain": 0.05, "anklet": 0.05,
}
_HELD_KEY = "facet_weighing_held"


@dataclass(frozen=True)
class _Piece:
    id: int
    code: str
    category: str
    location_id: int
    location: str
    own_g: float | None  # the piece's weight from receipt/QC; None: never weighed
    nominal_g: float  # the SKU's gross weight
    sku_id: int


@dataclass(frozen=True)
class _Held:
    """A reading outside tolerance, written after the caller's transaction ends."""

    piece: _Piece
    event: str
    measured_g: float
    expected_g: float
    tolerance_g: float
    location_id: int | None
    location: str
    reference: str | None
    user_id: int
    actor: str
    at: datetime


def _reading(measured_g: object) -> float:
    if isinstance(measured_g, bool) or not isinstance(measured_g, int | float):
        raise BadWeight("A weight is a number of grams.")
    value = float(measured_g)
    if not math.isfinite(value) or value <= 0 or value > MAX_GRAMS:
        raise BadWeight(
            f"A weight must be above 0 g and at most {MAX_GRAMS:,.0f} g; got {measured_g!r}. "
            "Check the scale reads grams and is tared."
        )
    return round(value, 4)


def _event(name: str) -> str:
    if not isinstance(name, str) or not _EVENT.match(name):
        raise ValidationFailed(
            f"Event {name!r} is not a custody event (such as {', '.join(EVENTS[:6])}).",
            code="bad-weigh-event",
        )
    return name


def _piece(session: Session, serial: str) -> _Piece:
    code = scans.piece_codes(session, [serial])[0]
    row = session.execute(
        select(Serial.id, Serial.code, Style.category, Serial.location_id, Location.code,
               Serial.gross_weight_g, Serial.weight_g, Sku.gross_weight_g, Serial.sku_id)
        .join(Sku, Sku.id == Serial.sku_id)
        .join(Style, Style.id == Sku.style_id)
        .join(Location, Location.id == Serial.location_id)
        .where(Serial.code == code)
    ).first()
    if row is None:
        raise NotFoundError(f"No piece {code}.", code="unknown-serial")
    sid, scode, category, loc_id, loc, gross, weight, nominal, sku_id = row
    return _Piece(sid, scode, category, loc_id, loc, gross if gross is not None else weight,
                  nominal, sku_id)


def tolerance_for(session: Session, category: str) -> float:
    """Grams either way a reading of a piece of ``category`` may differ from its weight."""
    stored = session.get(WeightTolerance, category)
    if stored is not None:
        return stored.tolerance_g
    return DEFAULT_TOLERANCES.get(category, weighing_settings().default_tolerance_g)


def _where(session: Session, piece: _Piece, location: str | None) -> tuple[int, str]:
    if location is None or not location.strip():
        return piece.location_id, piece.location
    found = scans.location(session, location)
    return found.id, found.code


def weigh(
    session: Session, *, actor: Actor, serial: str, measured_g: float, event: str,
    location: str | None = None, reference: str | None = None,
) -> Weighing:
    """Record a scale reading of one piece at a custody change.

    Within tolerance the reading is added to ``session`` (it commits with the caller's move).
    Outside it the reading, a hold on the piece and a security alert naming who, where,
    expected and measured weight are written in a transaction of their own once the caller's
    ends (so they survive its rollback), and `WeightOutOfTolerance` is raised: post nothing.
    A piece never weighed before is compared with its SKU's nominal gross weight (within
    ``FACET_WEIGH_FIRST_WEIGHING_PCT``) and the reading becomes its own weight.
    """
    measured = _reading(measured_g)
    event = _event(event)
    reference = reference[:64] if reference else None
    piece = _piece(session, serial)
    loc_id, loc = _where(session, piece, location)
    tolerance = tolerance_for(session, piece.category)
    expected = piece.own_g if piece.own_g is not None else piece.nominal_g
    allowed = tolerance
    if piece.own_g is None:
        allowed = max(tolerance, piece.nominal_g * weighing_settings().first_weighing_pct / 100)
    if round(abs(measured - expected), 6) <= allowed + 1e-9:
        weighing = Weighing(
            serial_id=piece.id, event=event, measured_g=measured, expected_g=expected,
            tolerance_g=allowed, within=True, location_id=loc_id, reference=reference,
            user_id=actor.id, actor=actor.username, at=now(),
        )
        session.add(weighing)
        if piece.own_g is None:  # the first weighing of the piece becomes its weight
            serial_row = session.get_one(Serial, piece.id)
            serial_row.gross_weight_g = measured
            if serial_row.weight_g is None:
                serial_row.weight_g = measured
        session.flush()
        return weighing
    held = _Held(piece, event, measured, expected, allowed, loc_id, loc, reference, actor.id,
                 actor.username, now())
    session.info.setdefault(_HELD_KEY, []).append(held)
    raise WeightOutOfTolerance(
        f"Piece {piece.code} weighs {measured:g} g; {expected:g} g ± {allowed:g} g expected "
        f"({measured - expected:+.3f} g). It is on hold and a security alert was raised; "
        "nothing was moved. Put it aside for a supervisor.",
        serial=piece.code, expected_g=expected, measured_g=measured, tolerance_g=allowed,
    )


@dataclass(frozen=True)
class PieceGroup:
    """Pieces of a move weighed at one event and place (a transfer line, a pick line...)."""

    serial_ids: Sequence[int]
    event: str
    location: str | None = None
    required: bool | None = None  # None: FACET_WEIGH_REQUIRED_EVENTS decides
    may_be_held: bool = False  # held pieces may go here (a quarantine bin, for inspection)


def weigh_pieces(
    session: Session, *, actor: Actor, serial_ids: Sequence[int],
    weights: Mapping[str, float] | None, event: str, location: str | None = None,
    reference: str | None = None, required: bool | None = None, check_holds: bool = True,
) -> list[Weighing]:
    """Check the pieces of a move are not held, and weigh those ``weights`` gives a reading.

    ``weights`` maps a piece (code, QR or EPC) to grams; every piece needs one when
    ``required`` (default: the event is in ``FACET_WEIGH_REQUIRED_EVENTS``). Every piece is
    weighed before the first reading outside tolerance is raised, so each bad one is held.
    With no readings and none required this costs one query (the hold check).
    """
    return weigh_groups(session, actor=actor, weights=weights, reference=reference,
                        groups=[PieceGroup(serial_ids, event, location, required)],
                        check_holds=check_holds)


def weigh_groups(
    session: Session, *, actor: Actor, groups: Sequence[PieceGroup],
    weights: Mapping[str, float] | None, reference: str | None = None,
    check_holds: bool = True,
) -> list[Weighing]:
    """:func:`weigh_pieces` for a move whose pieces go through several events or places.

    Without ``check_holds`` held pieces are weighed and may move (goods coming back into the
    warehouse's custody, such as a customer's return into quarantine).
    """
    if check_holds:
        ensure_serials_not_held(
            session, [i for g in groups if not g.may_be_held for i in g.serial_ids])
    settings = weighing_settings()
    need = [g.required if g.required is not None else settings.required(g.event)
            for g in groups]
    if not weights and not any(n and g.serial_ids for n, g in zip(need, groups, strict=True)):
        return []
    codes = [_codes_of(session, g.serial_ids) for g in groups]
    readings = _by_code(session, weights or {}, {c for group in codes for c in group})
    for group, group_codes, required in zip(groups, codes, need, strict=True):
        missing = [code for code in group_codes if code not in readings]
        if required and missing:
            raise ValidationFailed(
                f"Weigh every piece at {group.event}: no reading for {', '.join(missing[:5])}.",
                code="weight-required",
            )
    done: list[Weighing] = []
    refused: list[WeightOutOfTolerance] = []
    for group, group_codes in zip(groups, codes, strict=True):
        for code in group_codes:
            if code not in readings:
                continue
            try:
                done.append(weigh(session, actor=actor, serial=code, measured_g=readings[code],
                                  event=group.event, location=group.location,
                                  reference=reference))
            except WeightOutOfTolerance as exc:
                refused.append(exc)
    if refused:
        raise refused[0]
    return done


def record_receipt_weights(
    session: Session, *, actor: Actor, readings: Sequence[tuple[int, float]],
    location_id: int | None, reference: str | None,
) -> None:
    """The receiving scale's readings (serial id, gross grams): each piece's first weighing."""
    # Only readings a scale can give (old callers may pass any float).
    sane = [(sid, g) for sid, g in readings if math.isfinite(g) and 0 < g <= MAX_GRAMS]
    if not sane:
        return
    at = now()
    session.execute(insert(Weighing), [
        {"serial_id": sid, "event": "receipt", "measured_g": grams, "expected_g": None,
         "tolerance_g": 0.0, "within": True, "location_id": location_id,
         "reference": reference, "user_id": actor.id, "actor": actor.username, "at": at}
        for sid, grams in sane
    ])


def _codes_of(session: Session, serial_ids: Sequence[int]) -> list[str]:
    codes: list[str] = []
    for start in range(0, len(serial_ids), 500):
        codes.extend(session.scalars(
            select(Serial.code).where(Serial.id.in_(serial_ids[start:start + 500]))))
    return codes


def _by_code(
    session: Session, weights: Mapping[str, float], expected: set[str]
) -> dict[str, float]:
    if len(weights) > 10_000:
        raise BadWeight("At most 10,000 readings at once.")
    if not weights:
        return {}
    codes = scans.piece_codes(session, list(weights))
    readings = {code: _reading(grams) for code, grams in zip(codes, weights.values(), strict=True)}
    other = [code for code in readings if code not in expected]
    if other:
        raise ValidationFailed(
            f"A reading names piece {other[0]}, which this move does not carry.",
            code="weight-for-other-piece",
        )
    return readings


@event.listens_for(Session, "after_transaction_end")
def _after_transaction(session: Session, transaction: SessionTransaction) -> None:
    """Write the holds queued on ``session`` once its outermost transaction has ended."""
    if transaction.parent is not None or _HELD_KEY not in session.info:
        return
    held: list[_Held] = session.info.pop(_HELD_KEY)
    info = {AUDIT_KEY: session.info[AUDIT_KEY]} if AUDIT_KEY in session.info else {}
    # The same Session subclass (its factory's listeners publish the alert after commit).
    fresh = type(session)(bind=session.bind, info=info, expire_on_commit=False)
    try:
        with fresh.begin():
            for h in held:
                _hold(fresh, h)
    except Exception:  # the caller's own outcome must stand; a lost hold is logged loudly
        log.exception("Could not record the weight hold of %s", [h.piece.code for h in held])
    finally:
        fresh.close()


def _hold(session: Session, h: _Held) -> None:
    weighing = Weighing(
        serial_id=h.piece.id, event=h.event, measured_g=h.measured_g, expected_g=h.expected_g,
        tolerance_g=h.tolerance_g, within=False, location_id=h.location_id,
        reference=h.reference, user_id=h.user_id, actor=h.actor, at=h.at,
    )
    session.add(weighing)
    session.flush()
    diff = h.measured_g - h.expected_g
    reason = (f"weighed {h.measured_g:g} g at {h.event}, expected {h.expected_g:g} g "
              f"± {h.tolerance_g:g} g ({diff:+.3f} g)")
    if _open_hold(session, h.piece.id) is None:
        session.add(WeightHold(serial_id=h.piece.id, weighing_id=weighing.id, reason=reason,
                               held_at=h.at, held_by=h.actor))
        touch_skus(session, (h.piece.sku_id,))
    alert = raise_alert(
        session, camera="scale", zone=h.location, rule="weight-out-of-tolerance",
        severity="high", raised_at=h.at,
        message=f"Piece {h.piece.code} {reason} by {h.actor} at {h.location}; piece held.",
    )
    alert.location_id = h.location_id
    audit.record(session, actor=h.actor, action="weighing.hold", entity=f"serial:{h.piece.code}",
                 detail={"event": h.event, "measured_g": h.measured_g,
                         "expected_g": h.expected_g, "tolerance_g": h.tolerance_g,
                         "location": h.location, "reference": h.reference,
                         "weighing": weighing.id, "alert": alert.id})
    session.flush()


def _open_hold(session: Session, serial_id: int) -> WeightHold | None:
    return session.scalar(
        select(WeightHold).where(WeightHold.serial_id == serial_id,
                                 WeightHold.released_at.is_(None)).limit(1)
    )


def ensure_serials_not_held(session: Session, serial_ids: Sequence[int]) -> None:
    """`PieceOnHold` when any of the pieces (by id) is on a weight hold."""
    if not serial_ids:
        return
    for start in range(0, len(serial_ids), 500):
        held = session.execute(
            select(Serial.code, WeightHold.reason)
            .join(WeightHold, WeightHold.serial_id == Serial.id)
            .where(WeightHold.serial_id.in_(serial_ids[start:start + 500]),
                   WeightHold.released_at.is_(None))
            .limit(1)
        ).first()
        if held is not None:
            raise PieceOnHold(
                f"Piece {held[0]} is on a weight hold ({held[1]}); it may not be picked, packed, "
                "moved or handed over until a supervisor releases it."
            )


def ensure_not_held(session: Session, serial_codes: Sequence[str]) -> None:
    """`PieceOnHold` when any of the pieces (codes, QRs or EPCs) is on a weight hold."""
    if not serial_codes:
        return
    codes = scans.piece_codes(session, serial_codes)
    ids = list(session.scalars(select(Serial.id).where(Serial.code.in_(codes))))
    ensure_serials_not_held(session, ids)


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed("Say why (a reason is required).", code="reason-required")
    return text


def hold_piece(session: Session, *, actor: Actor, serial: str, reason: str) -> WeightHold:
    """Put a piece on hold by hand (a supervisor who doubts it); audited."""
    text = _reason(reason)
    piece = _piece(session, serial)
    if _open_hold(session, piece.id) is not None:
        raise ConflictError(f"Piece {piece.code} is already on hold.", code="already-on-hold")
    hold = WeightHold(serial_id=piece.id, reason=text[:256], held_at=now(),
                      held_by=actor.username)
    session.add(hold)
    session.flush()
    touch_skus(session, (piece.sku_id,))  # no longer promisable: channels hear at once
    audit.record(session, actor=actor.username, action="weighing.hold",
                 entity=f"serial:{piece.code}", detail={"reason": text, "by_hand": True})
    return hold


def release_hold(session: Session, *, actor: Actor, serial: str, reason: str) -> WeightHold:
    """Release a piece's hold with the supervisor's finding; audited."""
    text = _reason(reason)
    piece = _piece(session, serial)
    hold = session.scalar(
        select(WeightHold).where(WeightHold.serial_id == piece.id,
                                 WeightHold.released_at.is_(None)).with_for_update()
    )
    if hold is None:
        raise ConflictError(f"Piece {piece.code} is not on hold.", code="not-on-hold")
    hold.released_at, hold.released_by_id, hold.release_reason = now(), actor.id, text[:512]
    session.flush()
    touch_skus(session, (piece.sku_id,))  # promisable again
    audit.record(session, actor=actor.username, action="weighing.release",
                 entity=f"serial:{piece.code}", detail={"hold": hold.id, "reason": text})
    return hold


def weighings_of(session: Session, *, serial: str) -> list[dict[str, Any]]:
    """Every weighing of a piece, oldest first: when, where, who, expected and measured."""
    piece = _piece(session, serial)
    rows = session.execute(
        select(Weighing, Location.code)
        .outerjoin(Location, Location.id == Weighing.location_id)
        .where(Weighing.serial_id == piece.id)
        .order_by(Weighing.id)
    )
    return [
        {"id": w.id, "at": as_utc(w.at), "event": w.event, "measured_g": w.measured_g,
         "expected_g": w.expected_g, "tolerance_g": w.tolerance_g,
         "difference_g": round(w.measured_g - w.expected_g, 4)
         if w.expected_g is not None else None,
         "within": w.within, "location": loc, "reference": w.reference, "actor": w.actor}
        for w, loc in rows
    ]


def holds(session: Session, *, open_only: bool = True, limit: int = 200) -> list[dict[str, Any]]:
    """Weight holds, newest first (only the open ones by default)."""
    stmt = (select(WeightHold, Serial.code).join(Serial, Serial.id == WeightHold.serial_id)
            .order_by(WeightHold.id.desc()).limit(limit))
    if open_only:
        stmt = stmt.where(WeightHold.released_at.is_(None))
    return [
        {"id": h.id, "serial": code, "reason": h.reason, "held_at": as_utc(h.held_at),
         "held_by": h.held_by, "weighing_id": h.weighing_id,
         "released_at": as_utc(h.released_at) if h.released_at else None,
         "release_reason": h.release_reason}
        for h, code in session.execute(stmt)
    ]


def set_piece_weights(
    session: Session, *, actor: Actor, serial: str, gross_g: float, net_g: float | None = None,
) -> Serial:
    """Record a piece's own gross (and net) weight, as measured at receipt or QC; audited."""
    gross = _reading(gross_g)
    net = _reading(net_g) if net_g is not None else None
    if net is not None and net > gross:
        raise BadWeight(f"Net weight {net:g} g exceeds gross weight {gross:g} g; the net "
                        "weight is the metal alone.")
    piece = _piece(session, serial)
    row = session.get_one(Serial, piece.id)
    before = {"gross_weight_g": row.gross_weight_g, "net_weight_g": row.net_weight_g}
    row.gross_weight_g, row.weight_g = gross, gross
    if net is not None:
        row.net_weight_g = net
    session.flush()
    audit.record(session, actor=actor.username, action="serial.weights",
                 entity=f"serial:{piece.code}",
                 detail={"before": before, "gross_weight_g": gross, "net_weight_g": net})
    return row


def tolerances(session: Session) -> list[dict[str, Any]]:
    """The tolerance of every category there is (catalogue, built-in defaults, table)."""
    stored = {t.category: t.tolerance_g for t in session.scalars(select(WeightTolerance))}
    names = set(session.scalars(select(Style.category).distinct())) | set(DEFAULT_TOLERANCES)
    default = weighing_settings().default_tolerance_g
    return [
        {"category": c,
         "tolerance_g": stored.get(c, DEFAULT_TOLERANCES.get(c, default)),
         "source": "table" if c in stored else "built-in" if c in DEFAULT_TOLERANCES
         else "default"}
        for c in sorted(names | set(stored))
    ]


def set_tolerance(
    session: Session, *, actor: Actor, category: str, tolerance_g: float
) -> WeightTolerance:
    """Set a category's tolerance (grams either way); audited."""
    name = (category or "").strip().lower()
    if not name or len(name) > 32:
        raise ValidationFailed("Name a category (at most 32 characters).", code="bad-category")
    grams = _reading(tolerance_g)
    if grams > 100:
        raise BadWeight("A tolerance above 100 g checks nothing; give grams either way.")
    row = session.get(WeightTolerance, name)
    before = row.tolerance_g if row is not None else None
    if row is None:
        row = WeightTolerance(category=name, tolerance_g=grams, updated_at=now())
        session.add(row)
    else:
        row.tolerance_g, row.updated_at = grams, now()
    session.flush()
    audit.record(session, actor=actor.username, action="weighing.tolerance",
                 entity=f"category:{name}", detail={"before": before, "tolerance_g": grams})
    return row


def held_count(session: Session, *, sku_id: int, location_id: int, lot_id: int) -> int:
    """Pieces of a SKU and lot in a bin on an open weight hold: on hand, but no order and no
    hand-over may count on them until they are released."""
    return int(session.scalar(
        select(func.count()).select_from(WeightHold)
        .join(Serial, Serial.id == WeightHold.serial_id)
        .where(Serial.sku_id == sku_id, Serial.location_id == location_id,
               Serial.lot_id == lot_id, WeightHold.released_at.is_(None))) or 0)
