"""core.lots.codes: one reading of plain codes, label QRs and EPCs, with clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from core.errors import (
    CoreError,
    InvalidCodeError,
    InvalidQRError,
    NotALocation,
    NotAPiece,
    NotFoundError,
    SerialError,
)
from core.lots import codes
from core.lots.models import Serial
from core.lots.service import serial_rows_by_codes, serials_by_codes
from tests.builders import Builder


@pytest.mark.parametrize(("value", "kind", "code"), [
    ("A01-01-1-01", "plain", "A01-01-1-01"),
    ("FACET:L:A01-01-1-01\r\n", "location", "A01-01-1-01"),
    ("\tFACET:S:RING-1-T-0 ", "serial", "RING-1-T-0"),
    ("e2801160600002", "plain", "e2801160600002"),
    ("戒指-1", "plain", "戒指-1"),
])
def test_read_says_what_a_label_is(value: str, kind: str, code: str) -> None:
    assert codes.read(value) == codes.Scanned(kind, code)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "error"), [
    ("", InvalidCodeError),
    ("   \r\n", InvalidCodeError),
    ("X" * 10_000, InvalidCodeError),
    ("A01\x0701", InvalidCodeError),
    ("A01\x00", InvalidCodeError),
    ("A\ud800B", InvalidCodeError),
    ("FACET:X:A01", InvalidQRError),
    ("FACET:L:", InvalidQRError),
    ("FACET:S:has space", InvalidQRError),
])
def test_junk_is_refused_as_a_422(value: str, error: type[CoreError]) -> None:
    with pytest.raises(error) as raised:
        codes.read(value)
    assert raised.value.status == 422


def test_a_label_of_the_wrong_kind_is_refused_by_name() -> None:
    with pytest.raises(NotALocation) as wrong:
        codes.location_code("FACET:S:RING-1-T-0")
    assert (wrong.value.status, wrong.value.code) == (422, "not-a-location")
    with pytest.raises(NotAPiece) as other:
        codes.piece_key("FACET:L:A01-01-1-01")
    assert (other.value.status, other.value.code) == (422, "not-a-piece")
    assert codes.location_code("FACET:L:Z1") == codes.location_code("Z1") == "Z1"


@given(st.text(max_size=300))
def test_any_text_reads_as_a_label_or_a_4xx(text: str) -> None:
    try:
        scanned = codes.read(text)
    except CoreError as refused:
        assert 400 <= refused.status < 500
    else:
        assert scanned.code and len(scanned.code) <= codes.MAX_CODE
        assert scanned.code == scanned.code.strip()


def test_epcs_are_hex_of_8_to_32_digits_and_kept_upper_case() -> None:
    assert codes.normal_epc(" e2801160600002a1 ") == "E2801160600002A1"
    for bad in ("e280", "g2801160600002a1", "E" * 33, "E2801160-600002"):
        assert not codes.is_epc(bad)
        with pytest.raises(InvalidCodeError):
            codes.normal_epc(bad)


@pytest.fixture
def tagged(session: Session) -> tuple[list[str], list[str]]:
    """Bins, and three pieces whose tags carry EPCs (stored upper case)."""
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    b.sku("RING-1")
    pieces = b.stock("RING-1", "L-1", 3, bins[0])
    for i, code in enumerate(pieces):
        piece = session.query(Serial).filter_by(code=code).one()
        piece.epc = f"E20000000000000000000A{i:02X}"
    session.flush()
    return bins, pieces


def test_pieces_resolve_by_code_qr_and_epc_in_any_case(
    session: Session, tagged: tuple[list[str], list[str]]
) -> None:
    _, pieces = tagged
    scanned = [pieces[0], f"FACET:S:{pieces[1]}", "e20000000000000000000a02"]
    assert codes.piece_codes(session, scanned) == pieces
    assert [s.code for s in serials_by_codes(session, scanned)] == pieces
    assert [r.code for r in serial_rows_by_codes(session, scanned[2:])] == pieces[2:]


def test_a_piece_named_twice_by_code_and_epc_is_refused(
    session: Session, tagged: tuple[list[str], list[str]]
) -> None:
    _, pieces = tagged
    with pytest.raises(SerialError) as twice:
        codes.piece_codes(session, [pieces[0], "E20000000000000000000A00"])
    assert twice.value.code == "duplicate-serial"


def test_unknown_epcs_stay_unknown(session: Session, tagged: tuple[list[str], list[str]]) -> None:
    with pytest.raises(NotFoundError) as unknown:
        serials_by_codes(session, ["E20000000000000000000AFF"])
    assert unknown.value.code == "unknown-serial"


def test_locations_resolve_by_code_or_qr_and_refuse_pieces(
    session: Session, tagged: tuple[list[str], list[str]]
) -> None:
    bins, pieces = tagged
    assert codes.location(session, f"FACET:L:{bins[1]}").code == bins[1]
    assert codes.location(session, f" {bins[2]}\n").code == bins[2]
    for piece in (pieces[0], "e20000000000000000000a01", f"FACET:S:{pieces[0]}"):
        with pytest.raises(NotALocation):
            codes.location(session, piece)
    with pytest.raises(NotFoundError) as unknown:
        codes.location(session, "FACET:L:NO-SUCH-BIN")
    assert unknown.value.code == "unknown-location"


def test_a_pieces_own_code_wins_over_another_pieces_epc(
    session: Session, tagged: tuple[list[str], list[str]]
) -> None:
    """A lower-case hex code may equal another piece's EPC read in lower case: the code wins,
    and the EPC in its stored (upper) case still names its own piece."""
    b = Builder(session)
    (hexed,) = b.receive("RING-1", "L-1", 1, prefix="e20000000000000000000a0")
    assert hexed == "e20000000000000000000a0-00000" and not codes.is_epc(hexed)
    piece = session.query(Serial).filter_by(code=hexed).one()
    piece.code = "e20000000000000000000a01"  # what an older system may have printed
    session.flush()
    _, pieces = tagged
    assert codes.piece_codes(session, ["e20000000000000000000a01"]) == ["e20000000000000000000a01"]
    assert codes.piece_codes(session, ["E20000000000000000000A01"]) == [pieces[1]]
