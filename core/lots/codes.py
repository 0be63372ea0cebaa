"""One reading of every code a person scans or types: plain codes, label QRs and RFID EPCs.

A scanner in keyboard-wedge mode types whatever the label carries: a piece's QR
(``FACET:S:<serial>``), a location's QR (``FACET:L:<code>``), the Code 128 of the plain code,
or, from an RFID reader, the piece's EPC in hex. Every field that takes a location or a piece
reads it here, so what works in one place works in all of them, and a label of the wrong kind
is refused by name (``not-a-location``, ``not-a-piece``) rather than reported as unknown.

>>> read("  FACET:L:A01-01-1-01\\r\\n")
Scanned(kind='location', code='A01-01-1-01')
>>> read("e28011606000020").kind
'plain'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.errors import (
    InvalidCodeError,
    NotALocation,
    NotAPiece,
    NotFoundError,
    SerialError,
)
from core.locations.models import Location
from core.locations.service import location_by_code
from core.lots import qr
from core.lots.models import Serial

__all__ = [
    "EPC_PATTERN",
    "MAX_CODE",
    "Scanned",
    "is_epc",
    "location",
    "location_code",
    "normal_epc",
    "piece_codes",
    "piece_key",
    "read",
]

#: The longest code read: labels carry at most 48 characters (plus the ``FACET:S:`` prefix);
#: anything longer is a scanner that ran two labels together, or junk.
MAX_CODE = 128
#: An EPC as the readers give it: 32 to 128 bits in hex (the column holds 32 digits).
EPC_PATTERN = r"^[0-9A-Fa-f]{8,32}$"
_EPC = re.compile(EPC_PATTERN)
_CHUNK = 500  # codes per IN (...) list: well under every database's parameter limit


@dataclass(frozen=True)
class Scanned:
    """What a code says it is: a piece's or a location's QR, or a plain code (or EPC)."""

    kind: Literal["serial", "location", "plain"]
    code: str


def read(value: str) -> Scanned:
    """Classify a scanned or typed code; `InvalidCodeError` for junk no label carries."""
    text = value.strip()  # wedge scanners end a read with Enter or Tab
    if not text:
        raise InvalidCodeError("Nothing was scanned: the code is empty.")
    if len(text) > MAX_CODE:
        raise InvalidCodeError(
            f"A code is at most {MAX_CODE} characters; this one has {len(text)}. "
            "Scan one label at a time."
        )
    if not text.isprintable():
        raise InvalidCodeError("The code holds control characters; scan the label again.")
    if text.startswith("FACET:"):
        kind, code = qr.parse(text)
        return Scanned("serial" if kind == "serial" else "location", code)
    return Scanned("plain", text)


def is_epc(text: str) -> bool:
    """Whether ``text`` could be an RFID EPC (8 to 32 hex digits, either case)."""
    return _EPC.match(text) is not None


def normal_epc(text: str) -> str:
    """An EPC as stored: upper-case hex; `InvalidCodeError` if it is not hex."""
    value = text.strip()
    if not is_epc(value):
        raise InvalidCodeError(f"'{value[:40]}' is not an EPC: 8 to 32 hex digits.")
    return value.upper()


def location_code(value: str) -> str:
    """The location code of a plain code or a location QR; a piece's QR is `NotALocation`."""
    scanned = read(value)
    if scanned.kind == "serial":
        raise NotALocation(
            f"{scanned.code} is a piece's label; scan the location's label (FACET:L:...) "
            "or type its code."
        )
    return scanned.code


def location(session: Session, value: str) -> Location:
    """The location a scan names; a piece's code or EPC is `NotALocation`, else unknown."""
    code = location_code(value)
    try:
        return location_by_code(session, code)
    except NotFoundError:
        if _names_a_piece(session, code):
            raise NotALocation(
                f"{code} is a piece, not a location; scan the location's label."
            ) from None
        raise


def _names_a_piece(session: Session, code: str) -> bool:
    """Whether ``code`` is a serial's code or EPC (asked only once a location lookup failed)."""
    found = session.scalar(
        select(Serial.id).where(or_(Serial.code == code, Serial.epc == code.upper())).limit(1)
    )
    return found is not None


def piece_key(value: str) -> str:
    """A serial code or EPC from a plain code or a piece QR; a location QR is `NotAPiece`."""
    scanned = read(value)
    if scanned.kind == "location":
        raise NotAPiece(
            f"{scanned.code} is a location's label; scan the piece's label or RFID tag."
        )
    return scanned.code


def _epc_matches(session: Session, keys: Sequence[str]) -> tuple[set[str], dict[str, str]]:
    """Of EPC-shaped ``keys``: those that are serial codes as given, and EPC -> serial code."""
    codes: set[str] = set()
    by_epc: dict[str, str] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        upper = [k.upper() for k in chunk]
        for epc, code in session.execute(
            select(Serial.epc, Serial.code).where(
                or_(Serial.epc.in_(upper), Serial.code.in_(chunk))
            )
        ):
            if code in chunk:
                codes.add(code)
            if epc is not None:
                by_epc[epc] = code
    return codes, by_epc


def piece_codes(session: Session, values: Sequence[str]) -> list[str]:
    """Serial codes of scanned pieces (codes, QRs or EPCs), in order; each piece once.

    A piece's own code wins over another's EPC; EPCs are matched case-insensitively. Only
    codes shaped like an EPC cost a query here, so the usual scan (a serial code or QR)
    reaches the caller's own lookup untouched; codes that match nothing are left for that
    lookup to report as unknown.
    """
    keys = [piece_key(v) for v in values]
    candidates = sorted({k for k in keys if is_epc(k)})
    if candidates:
        codes, by_epc = _epc_matches(session, candidates)
        keys = [by_epc.get(k.upper(), k) if is_epc(k) and k not in codes else k for k in keys]
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise SerialError(
                f"Piece {key} is named twice (by its code, QR or EPC).", code="duplicate-serial"
            )
        seen.add(key)
    return keys
