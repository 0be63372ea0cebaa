"""What one person may see: check digits, customers, and bins under their blind count.

Every read that shows a location's check digits, an order's customer or a bin's stock asks
:func:`visibility_for` once per request and passes the result down. Hidden values stay in
the response as ``null`` (the shape never changes with the role); stock at a bin under a live
blind count of the reader is left out of lists, and asking for such a bin or a piece in it by
name is refused with ``blind-count-open`` (403).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.documents.models import DocKind, DocStatus, Document
from core.errors import PermissionDenied
from core.locations.models import Location
from core.people.permissions import allowed
from core.people.security import Actor

__all__ = ["FULL_VIEW", "LIVE_COUNT", "BlindCountOpen", "Visibility", "visibility_for"]

#: Count statuses during which the counter must not learn the books' figures: counting,
#: counted and waiting for approval (a rejection sends it back to be counted again).
LIVE_COUNT = (DocStatus.OPEN, DocStatus.COUNTED, DocStatus.RECOUNT)


class BlindCountOpen(PermissionDenied):
    """The reader has a live blind count on this bin: its stock is hidden until approval."""

    code = "blind-count-open"


@dataclass(frozen=True)
class Visibility:
    """What a reader may see; the default (`FULL_VIEW`) sees everything."""

    check_digits: bool = True
    customers: bool = True
    #: Location ids of bins under a live count the reader counts blind.
    hidden_bins: frozenset[int] = frozenset()
    #: Their codes, for messages and for filtering rows that carry codes only.
    hidden_codes: frozenset[str] = frozenset()

    def digits(self, value: str | None) -> str | None:
        """``value`` when the reader may see check digits, else None."""
        return value if self.check_digits else None

    def customer(self, value: str | None) -> str | None:
        """``value`` when the reader may see customers, else None."""
        return value if self.customers else None

    def refuse_bin(self, code: str) -> None:
        """`BlindCountOpen` when ``code`` is a bin under the reader's live blind count."""
        if code in self.hidden_codes:
            raise BlindCountOpen(
                f"{code} is in a blind count you are doing; its stock stays hidden until the "
                "count is approved.",
            )

    def visible_rows(
        self, rows: Iterable[dict[str, object]], key: str = "location"
    ) -> list[dict[str, object]]:
        """Rows whose ``key`` is not a hidden bin, with check digits blanked if hidden."""
        kept = [r for r in rows if r.get(key) not in self.hidden_codes]
        if not self.check_digits:
            kept = [{**r, "check_digits": None} if "check_digits" in r else r for r in kept]
        return kept


FULL_VIEW = Visibility()


def _blind_bins(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Bins of live counts the actor may work (assigned to them, or to nobody)."""
    docs = session.scalars(
        select(Document.data).where(
            Document.kind == DocKind.COUNT.value,
            Document.status.in_(LIVE_COUNT),
            or_(Document.assignee_id.is_(None), Document.assignee_id == actor.id),
        )
    )
    codes = {code for data in docs for code in (data or {}).get("locations", [])}
    if not codes:
        return []
    rows = session.execute(select(Location.id, Location.code).where(Location.code.in_(codes)))
    return [(loc_id, code) for loc_id, code in rows]


def visibility_for(session: Session, actor: Actor) -> Visibility:
    """What ``actor`` may see now (one small query when their role counts blind)."""
    bins = [] if allowed(actor, "count:expected") else _blind_bins(session, actor)
    return Visibility(
        check_digits=allowed(actor, "locations:check-digits"),
        customers=allowed(actor, "customers:read"),
        hidden_bins=frozenset(i for i, _ in bins),
        hidden_codes=frozenset(c for _, c in bins),
    )
