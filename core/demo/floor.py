"""Life on the floor for the demo: rejected scans, weekly cycle counts, the odd adjustment.

Modest amounts, as a well-run warehouse has them: a few refused check digits or serials per
picker a week, a Friday count of the bins picked that week (about one line in twelve off by a
piece, so some variances trace to a pick), and an adjustment every week or two with a reason
code. Everything goes through the services, so the ledger and the audit chain verify clean.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.clock import use_clock
from core.documents.adjustments import adjust
from core.documents.counts import approve_count, create_count, submit_count
from core.documents.models import DocStatus, DocumentLine
from core.documents.schemas import AdjustmentCreate, AdjustmentLineIn, CountLineIn
from core.errors import CoreError
from core.ledger.models import Balance
from core.locations.models import Location
from core.lots.models import Lot, Serial
from core.orders.exceptions import record_pick_exception
from core.people.security import Actor

__all__ = ["FloorLife"]

# Reasons of the odd adjustment, by weight; "found" brings back a piece a count missed.
ADJUSTMENTS = {"damaged": 30, "found": 25, "data_error": 20, "sample": 12, "theft": 5,
               "scrap": 8}
COUNT_VARIANCE = 0.08  # share of counted lines found a piece off
ADJUST_CHANCE = 0.15  # per working day
COUNT_RANDOM_BINS = 2  # besides the bins picked that week


@dataclass
class FloorLife:
    """What happens besides orders: called by the history generator once a day."""

    rng: random.Random
    clerk: Actor
    manager: Actor
    pick_bins: list[str]
    picked: set[int] = field(default_factory=set)  # bin ids picked from since the last count
    lost: list[tuple[str, str, str, str]] = field(default_factory=list)  # serial, sku, lot, bin
    done: Counter[str] = field(default_factory=Counter)

    def rejected_scans(self, session: Session, picker: Actor, pick_list_id: int,
                       start: datetime, minutes: float) -> None:
        """Refuse 0-2 scans of the day's list (wrong check digits or serial) as picking goes."""
        lines = session.execute(
            select(DocumentLine.id, DocumentLine.from_location_id, Location.check_digits,
                   Sku.serialised)
            .join(Location, Location.id == DocumentLine.from_location_id)
            .join(Sku, Sku.id == DocumentLine.sku_id)
            .where(DocumentLine.document_id == pick_list_id)).all()
        self.picked.update(line.from_location_id for line in lines)
        for _n in range(self.rng.choices((0, 1, 2), weights=(25, 45, 30))[0] if lines else 0):
            line = self.rng.choice(lines)
            serial = line.serialised and self.rng.random() < 0.35
            given = ("".join(self.rng.choices(string.ascii_uppercase + string.digits, k=4))
                     if serial else _other_digits(self.rng, line.check_digits))
            record_pick_exception(
                session, actor=picker, line_id=line.id,
                kind="wrong-serial" if serial else "wrong-check-digits", given=given,
                source="voice" if serial or self.rng.random() < 0.7 else "api",
                at=start + timedelta(minutes=self.rng.uniform(0, minutes)))
            self.done["rejected_scans"] += 1

    def end_of_day(self, session: Session, day: date, counter: Actor) -> None:
        """After shipping (21:00): now and then an adjustment; Fridays, count the week's bins."""
        at = datetime(day.year, day.month, day.day, 21, 30, tzinfo=UTC)
        if self.rng.random() < ADJUST_CHANCE:
            with use_clock(lambda: at - timedelta(minutes=30)):
                self._adjust(session)
        if day.weekday() == 4:
            with use_clock(lambda: at):
                self._count(session, counter)

    # -- counts ---------------------------------------------------------------------------

    def _count(self, session: Session, counter: Actor) -> None:
        codes = set(session.scalars(select(Location.code).where(Location.id.in_(self.picked))))
        codes = set(self.rng.sample(sorted(codes), min(len(codes), 6)))
        codes |= set(self.rng.sample(self.pick_bins, COUNT_RANDOM_BINS))
        self.picked.clear()
        try:
            with session.begin_nested():
                doc = create_count(session, actor=self.clerk, locations=sorted(codes),
                                   assignee=counter.username, note="weekly cycle count")
                submit_count(session, actor=counter, number=doc.number,
                             lines=[self._counted(session, ln) for ln in doc.lines])
                if doc.status == DocStatus.COUNTED:
                    approve_count(session, actor=self.manager, number=doc.number)
                    self.done["count_variances"] += 1
        except CoreError:
            return  # a bin still being counted, say: skip this week's count
        self.done["counts"] += 1

    def _counted(self, session: Session, line: DocumentLine) -> CountLineIn:
        """What the counter finds: the books, or now and then a piece more or less."""
        expected = list((line.data or {}).get("expected", []))
        counted, seen = line.quantity, expected
        if self.rng.random() < COUNT_VARIANCE:
            if expected:  # a serialised piece missing: a later adjustment may find it
                missing = self.rng.choice(expected)
                seen = [s for s in expected if s != missing]
                counted -= 1
                self.lost.append(self._where(session, missing))
            else:
                counted = max(0, counted + self.rng.choice((-1, 1)))
        return CountLineIn(line_no=line.line_no, counted=counted, serials=seen)

    @staticmethod
    def _where(session: Session, serial: str) -> tuple[str, str, str, str]:
        row = session.execute(
            select(Serial.code, Sku.code, Lot.code, Location.code)
            .join(Sku, Sku.id == Serial.sku_id).join(Lot, Lot.id == Serial.lot_id)
            .join(Location, Location.id == Serial.location_id).where(Serial.code == serial)
        ).one()
        return (str(row[0]), str(row[1]), str(row[2]), str(row[3]))

    # -- adjustments ----------------------------------------------------------------------

    def _adjust(self, session: Session) -> None:
        reason = self.rng.choices(list(ADJUSTMENTS), weights=list(ADJUSTMENTS.values()))[0]
        if reason == "found" and not self.lost:
            reason = "damaged"
        line = self._found() if reason == "found" else (
            self._plain(session) if reason == "data_error" else self._piece(session))
        if line is None:
            return
        try:
            with session.begin_nested():
                adjust(session, actor=self.clerk, data=AdjustmentCreate(
                    reason=reason, note="demo", lines=[line]))
        except CoreError:
            return
        self.done[f"adjustments_{reason}"] += 1

    def _found(self) -> AdjustmentLineIn:
        serial, sku, lot, where = self.lost.pop(self.rng.randrange(len(self.lost)))
        return AdjustmentLineIn(sku=sku, lot=lot, location=where, quantity=1, serials=[serial])

    def _piece(self, session: Session) -> AdjustmentLineIn | None:
        """One serialised piece in a pick bin, to write off (the first from a random id on)."""
        start = self.rng.randint(1, session.scalar(select(func.max(Serial.id))) or 1)
        row = session.execute(
            select(Serial.code, Sku.code, Lot.code, Location.code)
            .join(Sku, Sku.id == Serial.sku_id).join(Lot, Lot.id == Serial.lot_id)
            .join(Location, Location.id == Serial.location_id)
            .where(Serial.id >= start, Location.kind == "pick_face")
            .order_by(Serial.id).limit(1)).first()
        if row is None:
            return None
        code, sku, lot, where = row
        return AdjustmentLineIn(sku=sku, lot=lot, location=where, quantity=-1, serials=[code])

    def _plain(self, session: Session) -> AdjustmentLineIn | None:
        """A piece more or less of an unserialised SKU in a pick bin (a booking slip)."""
        start = self.rng.randint(1, session.scalar(select(func.max(Balance.id))) or 1)
        row = session.execute(
            select(Sku.code, Lot.code, Location.code, Balance.on_hand - Balance.reserved)
            .join(Sku, Sku.id == Balance.sku_id).join(Lot, Lot.id == Balance.lot_id)
            .join(Location, Location.id == Balance.location_id)
            .where(Balance.id >= start, Sku.serialised.is_(False),
                   Location.kind == "pick_face", Balance.on_hand > 0)
            .order_by(Balance.id).limit(1)).first()
        if row is None:
            return None
        sku, lot, where, free = row
        delta = -1 if free > 0 and self.rng.random() < 0.6 else 1
        return AdjustmentLineIn(sku=sku, lot=lot, location=where, quantity=delta)


def _other_digits(rng: random.Random, digits: str | None) -> str:
    """Two check digits that are not the bin's (a neighbouring bin's, as a rule)."""
    own = int(digits) if digits and digits.isdigit() else 0
    return f"{(own + rng.randint(1, 98)) % 100:02d}"
