"""What one person may see: check digits, customers, and bins under their blind count.

Every read that shows a location's check digits, an order's customer or a bin's stock asks
:func:`visibility_for` once per request and passes the result down. Hidden values stay in
the response as ``null`` (the shape never changes with the role); stock at a bin under a live
blind count of the reader is left out of lists, and asking for such a bin or a piece in it by
name is refused with ``blind-count-open`` (403). One rule, :meth:`Visibility.visible_rows`,
filters rows, a document's lines (:meth:`Visibility.document`) and the events pushed to
browsers (:meth:`Visibility.event`); :func:`changes_view` says which events make a reader's
visibility stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.documents.models import DocKind, DocStatus, Document
from core.documents.schemas import DocumentRead
from core.errors import PermissionDenied
from core.events import DocumentPosted, Event, LocationsChanged
from core.locations.models import Location
from core.people.permissions import allowed
from core.people.security import Actor

__all__ = [
    "FULL_VIEW",
    "LIVE_COUNT",
    "BlindCountOpen",
    "Visibility",
    "changes_view",
    "visibility_for",
]

#: Count statuses during which the counter must not learn the books' figures: counting,
#: counted and waiting for approval (a rejection sends it back to be counted again).
LIVE_COUNT = (DocStatus.OPEN, DocStatus.COUNTED, DocStatus.RECOUNT)
#: Fields of a row, a document line or an event that name a bin.
BIN_KEYS = ("location", "from_location", "to_location")


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

    def hides(self, row: Mapping[str, object]) -> bool:
        """Whether ``row`` names a bin under the reader's live blind count (any of `BIN_KEYS`)."""
        return any(row.get(key) in self.hidden_codes for key in BIN_KEYS)

    def shown(self, row: Mapping[str, object]) -> dict[str, object]:
        """``row`` with its check digits and customer null where the reader may not see them."""
        out = dict(row)
        if not self.check_digits and "check_digits" in out:
            out["check_digits"] = None
        if not self.customers and "customer" in out:
            out["customer"] = None
        return out

    def visible_rows(self, rows: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
        """Rows that name no hidden bin, with check digits and customers blanked if hidden."""
        return [self.shown(r) for r in rows if not self.hides(r)]

    def document(self, read: DocumentRead) -> DocumentRead:
        """A document as the reader may see it: lines into or out of a hidden bin left out (as
        `/moves` leaves their moves out), and its data through `visible_rows` (a recall's
        ``quarantined`` rows, a shipment's ``customer``)."""
        lines = [ln for ln in read.lines if not self.hides(ln.model_dump())]
        return read.model_copy(update={"lines": lines, "data": self._data(read.data)})

    def event(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        """An event (`Event.to_dict` form) as the reader may see it, or None when it is only
        about hidden bins: a pick at one, or moves that all touch one (the others are kept)."""
        shown = None if self.hides(data) else self._data(data)
        if shown is not None and data.get("moves") and not shown["moves"]:
            return None
        return shown

    def _data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` through `shown`, and each list (or tuple) of rows in it through
        `visible_rows`."""
        return {
            key: self.visible_rows(value)
            if isinstance(value, list | tuple) and all(isinstance(v, Mapping) for v in value)
            else value
            for key, value in self.shown(data).items()
        }


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


def changes_view(event: Event) -> bool:
    """Whether ``event`` may change what someone may see: a count opened, counted, approved
    or sent back (its bins are hidden or shown), or locations changed."""
    return isinstance(event, LocationsChanged) or (
        isinstance(event, DocumentPosted) and event.kind == DocKind.COUNT
    )


def visibility_for(session: Session, actor: Actor) -> Visibility:
    """What ``actor`` may see now (one small query when their role counts blind)."""
    bins = [] if allowed(actor, "count:expected") else _blind_bins(session, actor)
    return Visibility(
        check_digits=allowed(actor, "locations:check-digits"),
        customers=allowed(actor, "customers:read"),
        hidden_bins=frozenset(i for i, _ in bins),
        hidden_codes=frozenset(c for _, c in bins),
    )
