"""QR label payloads for pieces and locations: ``FACET:S:<serial>`` and ``FACET:L:<location>``."""

from __future__ import annotations

import re

from core.errors import InvalidQRError, NotAPiece

_PAYLOAD = re.compile(r"^FACET:(?P<kind>[SL]):(?P<code>[A-Za-z0-9][A-Za-z0-9._\-]{0,47})$")


def serial_payload(code: str) -> str:
    """The QR text printed on a piece's label."""
    return f"FACET:S:{code}"


def location_payload(code: str) -> str:
    """The QR text printed on a location label."""
    return f"FACET:L:{code}"


def parse(payload: str) -> tuple[str, str]:
    """Split a payload into (``serial`` or ``location``, code); raise InvalidQRError if bad."""
    match = _PAYLOAD.match(payload.strip())
    if match is None:
        raise InvalidQRError(
            f"'{payload[:60]}' is not a Facet label; expected FACET:S:<serial> or FACET:L:<code>"
        )
    return ("serial" if match["kind"] == "S" else "location"), match["code"]


def serial_code(value: str) -> str:
    """A serial code from either a plain code or a piece's QR payload."""
    if value.startswith("FACET:"):
        kind, code = parse(value)
        if kind != "serial":
            raise NotAPiece(f"{code} is a location's label; scan the piece's label or RFID tag.")
        return code
    if not value or ":" in value or len(value) > 48:
        raise InvalidQRError(f"'{value[:60]}' is neither a serial code nor a piece label")
    return value
