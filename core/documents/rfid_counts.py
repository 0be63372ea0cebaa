"""RFID counts: the tags a handheld or portal reader saw, turned into per-bin variances at once.

A reader reports every tag in range: SGTIN-96 (or other) EPCs in hex, and a tag may be
reported many times. Each tag is matched to a piece by its EPC (or, for tags that carry the
piece's code, by the serial code). Against the books this gives, for every bin of the count:

- **missing** pieces: booked in the bin, not read;
- **extra** pieces: read, but booked at another location (``recorded-elsewhere``), written off
  earlier (``written-off``: they come back when the count is approved), or a tag that names no
  piece (``unknown-tag``).

A read may name the bin it was taken at (a handheld at one bin); without one (a portal reading
a whole zone) a piece booked anywhere in the count counts as seen at its own bin. The bins'
pieces are then submitted through :func:`core.documents.counts.submit_count`, so approval
posts the variances as every other count does; there is no second posting path.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import IO, Literal, Protocol

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalogue.models import Sku
from core.documents.counts import get_count, submit_count
from core.documents.models import DocStatus, Document, LineStatus
from core.documents.schemas import BinScanIn
from core.errors import InvalidCodeError, ValidationFailed
from core.locations.models import Kind, Location
from core.lots import codes as scans
from core.lots.models import Serial
from core.people.security import Actor

__all__ = [
    "MAX_READS",
    "BinVariance",
    "BinVarianceRead",
    "FakeReader",
    "LineReader",
    "RfidCount",
    "RfidCountRead",
    "TagRead",
    "TagReader",
    "Variance",
    "bin_variances",
    "compare",
    "parse_reads",
    "reads_of",
    "rfid_count",
]

#: The most tag reads one upload may carry (a portal pass over a large zone, with repeats).
MAX_READS = 100_000
_CHUNK = 500  # codes per IN (...) list
_WRITTEN_OFF = frozenset({Kind.ADJUSTMENT, Kind.SCRAP})
Reason = Literal["not-read", "recorded-elsewhere", "written-off", "unknown-tag"]


class TagReader(Protocol):
    """An RFID reader (handheld or portal): each call to ``read`` gives the tags in range."""

    def read(self) -> Iterable[str]:
        """The tag ids (EPCs in hex) seen in one inventory round, repeats allowed."""
        ...


@dataclass
class FakeReader:
    """A reader for tests and demos: replays the tags it was given."""

    tags: Sequence[str] = ()

    def read(self) -> Iterable[str]:
        """The tags given, in order."""
        return iter(self.tags)


@dataclass
class LineReader:
    """A reader that writes one tag per line to a serial port or USB CDC stream (the ASCII
    output mode of most handheld and fixed UHF readers), read until the stream ends.

    >>> list(LineReader(io.StringIO("e2801160\\r\\n\\n3034ABCD\\n")).read())
    ['e2801160', '3034ABCD']
    """

    stream: IO[str]

    def read(self) -> Iterable[str]:
        """The tags of one round: every non-blank line, trimmed."""
        return (line.strip() for line in self.stream if line.strip())


@dataclass(frozen=True)
class TagRead:
    """One tag as uploaded: its line in the upload, the tag id, and the bin if one was named."""

    line: int
    tag: str
    location: str | None = None


@dataclass(frozen=True)
class Variance:
    """A piece missing from its bin, or one read where the books do not expect it."""

    kind: Literal["missing", "extra"]
    reason: Reason
    serial: str | None
    tag: str | None
    location: str | None  # the bin it concerns (None: read by a portal, bin unknown)
    recorded_at: str | None = None  # where the books have the piece


@dataclass(frozen=True)
class BinVariance:
    """One bin's result: how many pieces the books expect, how many were read there."""

    location: str
    expected: int
    read: int
    missing: tuple[Variance, ...] = ()
    extra: tuple[Variance, ...] = ()


@dataclass(frozen=True)
class RfidCount:
    """Every bin's variances, extras no bin can be named for, and whether it was submitted."""

    number: str | None
    tags: int
    bins: tuple[BinVariance, ...]
    unplaced: tuple[Variance, ...] = ()
    submitted: bool = False
    status: str | None = None
    seen: Mapping[str, tuple[str, ...]] = dc_field(default_factory=dict)


@dataclass(frozen=True)
class _Piece:
    serial: str
    location: str
    written_off: bool


def reads_of(tags: Iterable[str], location: str | None = None) -> list[TagRead]:
    """Tags from a reader or a JSON list as reads (numbered from 1), each checked."""
    reads = [TagRead(n, _tag(n, t), location) for n, t in enumerate(tags, start=1)]
    _refuse_too_many(len(reads))
    return reads


def parse_reads(text: str, location: str | None = None) -> list[TagRead]:
    """Reads from a text or CSV upload: one tag per line, or ``epc[,location]`` columns.

    Blank lines and a header line (``epc``/``tag``) are skipped. A bad tag is refused with
    its line number (`ValidationFailed`, code ``bad-epc``).

    >>> [(r.line, r.tag, r.location) for r in parse_reads("epc,bin\\ne2801160,B1\\n\\nE2801161")]
    [(2, 'E2801160', 'B1'), (4, 'E2801161', None)]
    """
    reads: list[TagRead] = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0]:
            continue
        if n == 1 and cells[0].lower() in {"epc", "tag", "tag_id", "code"}:
            continue
        where = cells[1] if len(cells) > 1 and cells[1] else location
        reads.append(TagRead(n, _tag(n, cells[0]), where))
    _refuse_too_many(len(reads))
    return reads


def _refuse_too_many(n: int) -> None:
    if n > MAX_READS:
        raise ValidationFailed(
            f"At most {MAX_READS} tag reads per upload; this one has {n}.", code="too-many-reads"
        )


def _tag(line: int, value: object) -> str:
    """A tag id as kept: an EPC in capitals, or a piece's code (from its QR)."""
    if not isinstance(value, str):
        raise ValidationFailed(f"Line {line}: a tag is text, not {value!r}.", code="bad-epc")
    try:
        key = scans.piece_key(value)
    except (InvalidCodeError, ValidationFailed) as exc:
        raise ValidationFailed(f"Line {line}: {exc.message}", code="bad-epc") from None
    return key.upper() if scans.is_epc(key) else key


def _pieces(session: Session, reads: Sequence[TagRead]) -> dict[str, _Piece]:
    """The piece each distinct tag names (by EPC first, then by serial code)."""
    tags = sorted({r.tag for r in reads})
    found: dict[str, tuple[str, int]] = {}
    for start in range(0, len(tags), _CHUNK):
        chunk = tags[start : start + _CHUNK]
        epcs = [t for t in chunk if scans.is_epc(t)]
        for code, epc, loc in session.execute(
            select(Serial.code, Serial.epc, Serial.location_id).where(Serial.epc.in_(epcs))
        ):
            if epc is not None:
                found[epc] = (code, loc)
        rest = [t for t in chunk if t not in found]
        for code, loc in session.execute(
            select(Serial.code, Serial.location_id).where(Serial.code.in_(rest))
        ):
            found[code] = (code, loc)
    places = {
        lid: (code, kind)
        for lid, code, kind in session.execute(
            select(Location.id, Location.code, Location.kind).where(
                Location.id.in_({loc for _, loc in found.values()})
            )
        )
    }
    return {
        tag: _Piece(code, places[loc][0], places[loc][1] in _WRITTEN_OFF)
        for tag, (code, loc) in found.items()
    }


def compare(
    expected: Mapping[str, Iterable[str]],
    reads: Sequence[TagRead],
    pieces: Mapping[str, tuple[str, str, bool]],
) -> tuple[list[BinVariance], list[Variance], dict[str, list[str]]]:
    """Per-bin variances (pure): ``expected`` bin -> serials, ``pieces`` tag -> (serial, booked
    at, written off). Returns the bins, the extras without a bin, and the serials seen per bin.

    >>> bins, loose, seen = compare({"B1": ["S1", "S2"]}, [TagRead(1, "E1"), TagRead(2, "E9")],
    ...                             {"E1": ("S1", "B1", False)})
    >>> [(v.kind, v.serial or v.tag) for v in [*bins[0].missing, *loose]]
    [('missing', 'S2'), ('extra', 'E9')]
    """
    books = {b: set(s) for b, s in expected.items()}
    seen: dict[str, list[str]] = {b: [] for b in books}
    extra: dict[str | None, list[Variance]] = defaultdict(list)
    done: set[str] = set()
    for read in reads:
        piece = pieces.get(read.tag)
        key = piece[0] if piece else read.tag
        if key in done:  # readers report a tag many times
            continue
        done.add(key)
        if piece is None:
            extra[read.location].append(
                Variance("extra", "unknown-tag", None, read.tag, read.location))
            continue
        serial, booked, written_off = piece
        here = read.location or booked
        if booked == here and here in books:
            seen[here].append(serial)
        elif written_off and read.location is not None:
            seen[here].append(serial)  # found again: the count brings it back
            extra[here].append(Variance("extra", "written-off", serial, read.tag, here, booked))
        else:
            extra[read.location].append(
                Variance("extra", "recorded-elsewhere", serial, read.tag, read.location, booked))
    bins = []
    for bin_code in sorted(books):
        found = set(seen[bin_code])
        missing = tuple(
            Variance("missing", "not-read", s, None, bin_code, bin_code)
            for s in sorted(books[bin_code] - found)
        )
        bins.append(BinVariance(bin_code, len(books[bin_code]), len(found), missing,
                                tuple(extra.pop(bin_code, []))))
    return bins, [v for vs in extra.values() for v in vs], seen


def _expected(session: Session, bins: Sequence[str]) -> dict[str, list[str]]:
    """Serials the books hold now at each bin."""
    out: dict[str, list[str]] = {b: [] for b in bins}
    for code, where in session.execute(
        select(Serial.code, Location.code)
        .join(Location, Location.id == Serial.location_id)
        .where(Location.code.in_(list(bins)))
    ):
        out[where].append(code)
    return out


def _variances(
    session: Session, bins: Sequence[str], reads: Sequence[TagRead]
) -> tuple[list[BinVariance], list[Variance], dict[str, list[str]]]:
    outside = sorted({r.location for r in reads if r.location is not None} - set(bins))
    if outside:
        raise ValidationFailed(
            f"{outside[0]} is not one of the bins counted here.", code="location-not-in-count"
        )
    found = {t: (p.serial, p.location, p.written_off) for t, p in _pieces(session, reads).items()}
    bad = next((r for r in reads if r.tag not in found and not scans.is_epc(r.tag)), None)
    if bad is not None:  # a foreign EPC is an extra; junk that is no EPC is a bad upload
        raise ValidationFailed(
            f"Line {bad.line}: '{bad.tag[:40]}' is neither an EPC (8 to 32 hex digits) nor "
            "a piece's code.",
            code="bad-epc",
        )
    return compare(_expected(session, bins), reads, found)


def bin_variances(session: Session, *, location: str, reads: Sequence[TagRead]) -> RfidCount:
    """Variances of one bin from a reader's tags, without a count document (reads only)."""
    code = scans.location(session, location).code
    placed = [TagRead(r.line, r.tag, r.location or code) for r in reads]
    bins, loose, seen = _variances(session, [code], placed)
    return RfidCount(None, len(reads), tuple(bins), tuple(loose),
                     seen={b: tuple(s) for b, s in seen.items()})


def _refuse_unserialised(session: Session, doc: Document) -> None:
    """RFID tags are on pieces: a count with open unserialised lines needs them typed."""
    open_skus = {ln.sku_id for ln in doc.lines if ln.status == LineStatus.OPEN}
    plain = session.scalar(
        select(Sku.code).where(Sku.id.in_(open_skus), Sku.serialised.is_(False)).limit(1)
    )
    if plain is not None:
        raise ValidationFailed(
            f"Count {doc.number} has open lines of {plain}, which is not serialised; report "
            "them with /submit, or count those bins apart.",
            code="count-has-unserialised-lines",
        )


def rfid_count(
    session: Session,
    *,
    actor: Actor,
    number: str,
    reads: Sequence[TagRead],
    submit: bool = True,
) -> RfidCount:
    """Variances of a count's bins from the reader's tags; with ``submit``, the pieces seen
    are reported per bin through `submit_count` (all or nothing)."""
    doc = get_count(session, number=number, lock=submit)
    if submit and not reads:  # a reader that saw nothing is more likely off than the bins empty
        raise ValidationFailed("The upload holds no tags; nothing was submitted.", code="no-tags")
    bins = list((doc.data or {}).get("locations", []))
    placed = [TagRead(r.line, r.tag, r.location and scans.location_code(r.location))
              for r in reads]
    result, loose, seen = _variances(session, bins, placed)
    if submit:
        _refuse_unserialised(session, doc)
        scans_in = [BinScanIn(location=b, pieces=s) for b, s in seen.items()]
        doc = submit_count(session, actor=actor, number=number, bins=scans_in)
    return RfidCount(doc.number, len(reads), tuple(result), tuple(loose), submit, doc.status,
                     {b: tuple(s) for b, s in seen.items()})


class BinVarianceRead(BaseModel):
    """One bin over HTTP; for blind roles the books' side (expected, missing) is null."""

    location: str
    expected: int | None
    read: int
    missing: list[Variance] | None
    extra: list[Variance]


class RfidCountRead(BaseModel):
    """The result of an RFID count over HTTP."""

    number: str | None
    status: DocStatus | None
    submitted: bool
    tags: int = Field(description="Tag reads received (repeats included).")
    bins: list[BinVarianceRead]
    unplaced: list[Variance] = Field(
        description="Extras read by a portal with no bin named: booked outside the count, or "
        "tags that name no piece."
    )

    @classmethod
    def of(cls, result: RfidCount, *, blind: bool) -> RfidCountRead:
        """The HTTP view of ``result``."""
        return cls(
            number=result.number, submitted=result.submitted,
            status=DocStatus(result.status) if result.status else None,
            tags=result.tags, unplaced=list(result.unplaced),
            bins=[
                BinVarianceRead(location=b.location, expected=None if blind else b.expected,
                                read=b.read, missing=None if blind else list(b.missing),
                                extra=list(b.extra))
                for b in result.bins
            ],
        )
