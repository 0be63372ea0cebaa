"""The certificates and hallmarks register: record, correct, look up, and select for recall.

A certificate or hallmark belongs to one piece (serial) or one lot. A lab's report numbers have
a known shape per lab, so a mistyped number is refused at once; the same lab may not issue the
same number twice. Lots carried a certificate lab and number before this register existed:
lookups read those too (``source = "lot record"``), so nothing filed there is lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.audit import service as audit
from core.certificates.models import Certificate, Hallmark
from core.certificates.schemas import (
    CertificateCreate,
    CertificateRead,
    CertificateUpdate,
    HallmarkCreate,
    HallmarkRead,
    HallmarkUpdate,
    PieceMarks,
)
from core.errors import ConflictError, NotFoundError, ValidationFailed
from core.lots.models import Lot, Serial
from core.lots.service import lot_by_code, serials_by_codes
from core.people.security import Actor

__all__ = [
    "CLARITIES",
    "CUTS",
    "FINENESSES",
    "LAB_FORMATS",
    "Selection",
    "certificate",
    "check_number",
    "find_certificates",
    "find_hallmarks",
    "hallmark_mark",
    "piece_marks",
    "register_certificate",
    "register_hallmark",
    "select_by_batch",
    "select_by_hallmark",
    "update_certificate",
    "update_hallmark",
]

#: Each lab's report number as printed, and how a person reads that shape.
LAB_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "GIA": (re.compile(r"^\d{7,10}$"), "7 to 10 digits"),
    "IGI": (re.compile(r"^(LG)?\d{8,10}$"), "8 to 10 digits, LG before them for lab-grown"),
    "HRD": (re.compile(r"^\d{8,12}$"), "8 to 12 digits"),
    "NGTC": (re.compile(r"^[A-Z]{0,2}\d{8,12}$"), "8 to 12 digits after up to two letters"),
    "AGS": (re.compile(r"^\d{9,12}$"), "9 to 12 digits"),
    "GRS": (re.compile(r"^GRS\d{4}-\d{5,7}$"), "GRS, the year, a dash and 5 to 7 digits"),
    "SSEF": (re.compile(r"^\d{5,7}$"), "5 to 7 digits"),
    "GUBELIN": (re.compile(r"^\d{8}$"), "8 digits"),
}
CLARITIES = ("FL", "IF", "VVS1", "VVS2", "VS1", "VS2", "SI1", "SI2", "SI3", "I1", "I2", "I3")
CUTS = ("Ideal", "Excellent", "Very Good", "Good", "Fair", "Poor")
#: Legal standards of fineness (parts per thousand) for gold, silver, platinum and palladium.
FINENESSES = (333, 375, 417, 500, 585, 750, 800, 830, 850, 900, 916, 925, 950, 958, 990, 999)
_SPACES = re.compile(r"[\s]+")


def check_number(lab: str, number: str) -> tuple[str, str]:
    """The lab and report number as stored (upper case, no spaces), or ValidationFailed."""
    key = _SPACES.sub("", lab).upper().replace("Ü", "U")
    if key not in LAB_FORMATS:
        raise ValidationFailed(
            f"Unknown lab '{lab}': use one of {', '.join(LAB_FORMATS)}.", code="unknown-lab"
        )
    value = _SPACES.sub("", number).upper()
    pattern, shape = LAB_FORMATS[key]
    if not pattern.match(value):
        raise ValidationFailed(
            f"'{number}' is not a {key} report number ({shape}).",
            code="invalid-certificate-number",
        )
    return key, value


def _grading(data: CertificateCreate | CertificateUpdate) -> dict[str, object]:
    """The grading fields as stored: clarity and cut checked against the scales labs use."""
    clarity = data.clarity.strip().upper() if data.clarity else None
    if clarity is not None and clarity not in CLARITIES:
        raise ValidationFailed(
            f"Clarity '{data.clarity}' is not a grade ({', '.join(CLARITIES)}).",
            code="invalid-clarity",
        )
    cut = None
    if data.cut:
        cut = next((c for c in CUTS if c.lower() == " ".join(data.cut.split()).lower()), None)
        if cut is None:
            raise ValidationFailed(
                f"Cut '{data.cut}' is not a grade ({', '.join(CUTS)}).", code="invalid-cut"
            )
    return {
        "issued_on": data.issued_on,
        "batch": data.batch.strip().upper() if data.batch else None,
        "carat": data.carat,
        "colour": data.colour.strip() if data.colour else None,
        "clarity": clarity,
        "cut": cut,
        "note": data.note,
    }


def _target(session: Session, serial: str | None, lot: str | None) -> tuple[int | None, int | None]:
    """(serial id, lot id) of the piece or lot a request names; unknown ones are 404."""
    if serial is not None:
        return serials_by_codes(session, [serial])[0].id, None
    assert lot is not None
    return None, lot_by_code(session, lot).id


def _duplicate(lab: str, number: str) -> ConflictError:
    return ConflictError(
        f"{lab} certificate {number} is already registered.", code="duplicate-certificate"
    )


def register_certificate(
    session: Session, *, actor: Actor, data: CertificateCreate
) -> CertificateRead:
    """Register a lab certificate against a piece or a lot (409 if that lab's number exists)."""
    lab, number = check_number(data.lab, data.number)
    grading = _grading(data)
    serial_id, lot_id = _target(session, data.serial, data.lot)
    if session.scalar(
        select(Certificate.id).where(Certificate.lab == lab, Certificate.number == number)
    ) is not None:
        raise _duplicate(lab, number)
    cert = Certificate(lab=lab, number=number, serial_id=serial_id, lot_id=lot_id,
                       created_by=actor.username, **grading)
    try:
        with session.begin_nested():  # a racing twin trips the unique key: same answer
            session.add(cert)
            session.flush()
    except IntegrityError as exc:
        raise _duplicate(lab, number) from exc
    if lot_id is not None:
        held = session.get_one(Lot, lot_id)
        if not held.certificate_no:
            held.certificate_lab, held.certificate_no = lab, number
    read = _cert_reads(session, [cert])[0]
    audit.record(session, actor=actor.username, action="certificate.register",
                 entity=f"{lab} {number}", detail=read.model_dump(mode="json"))
    return read


def _registered(session: Session, lab: str, number: str) -> Certificate:
    key, value = check_number(lab, number)
    cert = session.scalar(
        select(Certificate).where(Certificate.lab == key, Certificate.number == value)
    )
    if cert is None:
        raise NotFoundError(f"No {key} certificate {value} in the register.",
                            code="unknown-certificate")
    return cert


def update_certificate(
    session: Session, *, actor: Actor, lab: str, number: str, data: CertificateUpdate
) -> CertificateRead:
    """Correct a registered certificate's date, batch or grading (fields sent replace)."""
    cert = _registered(session, lab, number)
    grading = _grading(data)
    for name in data.model_fields_set:
        setattr(cert, name, grading[name])
    session.flush()
    read = _cert_reads(session, [cert])[0]
    audit.record(session, actor=actor.username, action="certificate.update",
                 entity=f"{cert.lab} {cert.number}",
                 detail={k: str(grading[k]) for k in sorted(data.model_fields_set)})
    return read


def _codes(session: Session, serial_ids: set[int], lot_ids: set[int]) -> tuple[
        dict[int, str], dict[int, str]]:
    # (Result has a keys() method: dict() would take it for a mapping; pass its rows.)
    serials = dict(session.execute(select(Serial.id, Serial.code).where(
        Serial.id.in_(serial_ids))).all()) if serial_ids else {}
    lots = dict(session.execute(select(Lot.id, Lot.code).where(
        Lot.id.in_(lot_ids))).all()) if lot_ids else {}
    return serials, lots


def _cert_reads(session: Session, certs: Sequence[Certificate]) -> list[CertificateRead]:
    serials, lots = _codes(session, {c.serial_id for c in certs if c.serial_id},
                           {c.lot_id for c in certs if c.lot_id})
    return [
        CertificateRead(
            lab=c.lab, number=c.number, issued_on=c.issued_on, batch=c.batch, carat=c.carat,
            colour=c.colour, clarity=c.clarity, cut=c.cut, note=c.note,
            serial=serials.get(c.serial_id) if c.serial_id else None,
            lot=lots.get(c.lot_id) if c.lot_id else None,
            created_by=c.created_by, created_at=c.created_at,
        )
        for c in certs
    ]


def _lot_records(session: Session, *conditions: ColumnElement[bool]) -> list[CertificateRead]:
    """Certificates filed on lots themselves (``lots.certificate_no``) not in the register."""
    registered = select(Certificate.id).where(
        Certificate.number == func.upper(Lot.certificate_no)
    ).exists()
    rows = session.execute(
        select(Lot.code, Lot.certificate_lab, Lot.certificate_no)
        .where(Lot.certificate_no.is_not(None), ~registered, *conditions)
        .order_by(Lot.code).limit(200)
    ).all()
    return [
        CertificateRead(lab=(lab or "").upper(), number=number, issued_on=None, batch=None,
                        carat=None, colour=None, clarity=None, cut=None, note="", serial=None,
                        lot=code, source="lot record")
        for code, lab, number in rows
    ]


def find_certificates(
    session: Session, *, number: str | None = None, lab: str | None = None,
    batch: str | None = None, limit: int = 200,
) -> list[CertificateRead]:
    """Certificates by number (exact, spaces and case ignored), lab and/or batch; with no
    filter the register's newest ``limit``."""
    where: list[ColumnElement[bool]] = []
    legacy: list[ColumnElement[bool]] = []
    if number:
        value = _SPACES.sub("", number).upper()
        where.append(Certificate.number == value)
        legacy.append(func.upper(Lot.certificate_no) == value)
    if lab:
        key = _SPACES.sub("", lab).upper()
        where.append(Certificate.lab == key)
        legacy.append(func.upper(Lot.certificate_lab) == key)
    if batch:
        where.append(Certificate.batch == batch.strip().upper())
    order = (Certificate.lab, Certificate.number) if where else (Certificate.id.desc(),)
    certs = session.scalars(select(Certificate).where(*where).order_by(*order).limit(limit)).all()
    found = _cert_reads(session, certs)
    if number and not batch:
        found += _lot_records(session, *legacy)
    return found


def certificate(session: Session, *, lab: str, number: str) -> CertificateRead:
    """One certificate by lab and number: the register's, else a lot's own record; else 404."""
    key, value = check_number(lab, number)
    found = find_certificates(session, number=value, lab=key)
    if not found:
        raise NotFoundError(f"No {key} certificate {value}.", code="unknown-certificate")
    return found[0]


def hallmark_mark(office: str, fineness: int, sponsor: str, date_letter: str) -> str:
    """The four parts of a hallmark read together: ``LON-750-JM-z`` (the date letter's case
    is kept: assay offices use both cases in different cycles)."""
    return f"{office.upper()}-{fineness}-{sponsor.upper()}-{date_letter}"


def _marks(data: HallmarkCreate | HallmarkUpdate) -> dict[str, object]:
    if data.fineness not in FINENESSES:
        raise ValidationFailed(
            f"Fineness {data.fineness} is not a standard ({', '.join(map(str, FINENESSES))}).",
            code="invalid-fineness",
        )
    return {
        "office": data.office.upper(), "fineness": data.fineness,
        "sponsor": data.sponsor.upper(), "date_letter": data.date_letter,
        "mark": hallmark_mark(data.office, data.fineness, data.sponsor, data.date_letter),
    }


def register_hallmark(session: Session, *, actor: Actor, data: HallmarkCreate) -> HallmarkRead:
    """Record the hallmark on a piece or a lot (one each: 409 ``hallmark-exists``)."""
    marks = _marks(data)
    serial_id, lot_id = _target(session, data.serial, data.lot)
    column = Hallmark.serial_id if serial_id is not None else Hallmark.lot_id
    exists = ConflictError(
        f"{data.serial or data.lot} already has a hallmark; correct it instead.",
        code="hallmark-exists",
    )
    if session.scalar(select(Hallmark.id).where(column == (serial_id or lot_id))) is not None:
        raise exists
    mark = Hallmark(serial_id=serial_id, lot_id=lot_id, created_by=actor.username, **marks)
    try:
        with session.begin_nested():
            session.add(mark)
            session.flush()
    except IntegrityError as exc:
        raise exists from exc
    read = _hall_reads(session, [mark])[0]
    audit.record(session, actor=actor.username, action="hallmark.register",
                 entity=read.serial or read.lot or "", detail=read.model_dump(mode="json"))
    return read


def update_hallmark(
    session: Session, *, actor: Actor, hallmark_id: int, data: HallmarkUpdate
) -> HallmarkRead:
    """Correct a hallmark that was misread."""
    mark = session.get(Hallmark, hallmark_id)
    if mark is None:
        raise NotFoundError(f"No hallmark {hallmark_id}.", code="unknown-hallmark")
    before = mark.mark
    for name, value in _marks(data).items():
        setattr(mark, name, value)
    session.flush()
    read = _hall_reads(session, [mark])[0]
    audit.record(session, actor=actor.username, action="hallmark.update",
                 entity=read.serial or read.lot or "", detail={"from": before, "to": read.mark})
    return read


def _hall_reads(session: Session, marks: Sequence[Hallmark]) -> list[HallmarkRead]:
    serials, lots = _codes(session, {m.serial_id for m in marks if m.serial_id},
                           {m.lot_id for m in marks if m.lot_id})
    return [
        HallmarkRead(
            id=m.id, mark=m.mark, office=m.office, fineness=m.fineness, sponsor=m.sponsor,
            date_letter=m.date_letter,
            serial=serials.get(m.serial_id) if m.serial_id else None,
            lot=lots.get(m.lot_id) if m.lot_id else None,
            created_by=m.created_by, created_at=m.created_at,
        )
        for m in marks
    ]


def _mark_condition(mark: str) -> ColumnElement[bool]:
    """A hallmark's mark as typed: parts by dashes or spaces, office and sponsor any case."""
    parts = [p for p in re.split(r"[\s\-/]+", mark.strip()) if p]
    if len(parts) != 4 or not parts[1].isdigit():
        raise ValidationFailed(
            f"'{mark}' is not a hallmark: office-fineness-sponsor-date letter, e.g. LON-750-JM-z.",
            code="invalid-hallmark",
        )
    return Hallmark.mark == hallmark_mark(parts[0], int(parts[1]), parts[2], parts[3])


def find_hallmarks(
    session: Session, *, mark: str | None = None, serial: str | None = None,
    lot: str | None = None, limit: int = 200,
) -> list[HallmarkRead]:
    """Hallmarks by mark (``LON-750-JM-z``), by piece or by lot; newest first."""
    where: list[ColumnElement[bool]] = []
    if mark:
        where.append(_mark_condition(mark))
    if serial:
        where.append(Hallmark.serial_id == serials_by_codes(session, [serial])[0].id)
    if lot:
        where.append(Hallmark.lot_id == lot_by_code(session, lot).id)
    stmt = select(Hallmark).where(*where).order_by(Hallmark.id.desc()).limit(limit)
    return _hall_reads(session, session.scalars(stmt).all())


def piece_marks(session: Session, code: str) -> PieceMarks:
    """A piece's certificates and hallmark, its own first, then its lot's."""
    piece = serials_by_codes(session, [code])[0]
    lot = session.get_one(Lot, piece.lot_id)
    own = (Certificate.serial_id == piece.id) | (Certificate.lot_id == lot.id)
    certs = _cert_reads(session, session.scalars(
        select(Certificate).where(own).order_by(Certificate.lot_id.is_not(None), Certificate.id)
    ).all())
    if lot.certificate_no and not any(c.number == lot.certificate_no.upper() for c in certs):
        certs += _lot_records(session, Lot.id == lot.id)
    marks = session.scalars(
        select(Hallmark).where((Hallmark.serial_id == piece.id) | (Hallmark.lot_id == lot.id))
        .order_by(Hallmark.lot_id.is_not(None))
    ).all()
    return PieceMarks(serial=piece.code, lot=lot.code, certificates=certs,
                      hallmarks=_hall_reads(session, marks))


@dataclass(frozen=True)
class Selection:
    """What a recall selector names: whole lots, and single pieces outside those lots."""

    selector: str
    value: str
    lot_ids: frozenset[int]
    serial_ids: frozenset[int]


def _selection(session: Session, selector: str, value: str,
               rows: Sequence[tuple[int | None, int | None]]) -> Selection:
    lots = frozenset(lot for _, lot in rows if lot is not None)
    pieces = {s for s, _ in rows if s is not None}
    if pieces and lots:  # a piece of a lot named whole is recalled with its lot
        inside = session.scalars(
            select(Serial.id).where(Serial.id.in_(pieces), Serial.lot_id.in_(lots))
        ).all()
        pieces -= set(inside)
    return Selection(selector, value, lots, frozenset(pieces))


def select_by_batch(session: Session, batch: str) -> Selection:
    """The pieces and lots whose certificates came in the lab report batch ``batch``."""
    value = batch.strip().upper()
    rows = [(s, lot) for s, lot in session.execute(
        select(Certificate.serial_id, Certificate.lot_id).where(Certificate.batch == value)
    )]
    if not rows:
        raise NotFoundError(f"No certificate of batch {value}.", code="unknown-certificate-batch")
    return _selection(session, "certificate_batch", value, rows)


def select_by_hallmark(session: Session, mark: str) -> Selection:
    """The pieces and lots struck with the hallmark ``mark`` (``LON-750-JM-z``)."""
    rows = [(s, lot) for s, lot in session.execute(
        select(Hallmark.serial_id, Hallmark.lot_id).where(_mark_condition(mark))
    )]
    if not rows:
        raise NotFoundError(f"No piece or lot carries hallmark {mark}.", code="unknown-hallmark")
    return _selection(session, "hallmark", mark.strip(), rows)
