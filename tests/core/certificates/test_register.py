"""The certificates and hallmarks register: recording, lookups, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from core.certificates import (
    certificate,
    find_certificates,
    find_hallmarks,
    piece_marks,
    register_certificate,
    update_certificate,
)
from core.certificates.schemas import CertificateCreate, CertificateUpdate
from core.errors import CoreError
from core.lots.service import lot_by_code
from tests.core.certificates.support import certify, hallmark, shop


def _refused(fn: object, *args: object, **kwargs: object) -> tuple[str, int]:
    with pytest.raises(CoreError) as err:
        fn(*args, **kwargs)  # type: ignore[operator]
    return err.value.code, err.value.status


def test_register_and_look_up(session: Session) -> None:
    s = shop(session)
    certify(s.b, "2141438167", serial=s.l1[0], batch="gia-b-0412")
    certify(s.b, "LG 612345678", serial=s.l1[1], lab="igi")
    certify(s.b, "1601234567", lot="L-2", lab="HRD", batch="GIA-B-0412")
    found = find_certificates(session, number="2141438167")
    assert [(c.lab, c.number, c.serial, c.lot, c.batch, c.clarity, c.cut) for c in found] == [
        ("GIA", "2141438167", s.l1[0], None, "GIA-B-0412", "VS1", "Excellent")]
    assert certificate(session, lab="IGI", number="lg612345678").serial == s.l1[1]
    assert {c.serial or c.lot for c in find_certificates(session, batch="GIA-B-0412")} == {
        s.l1[0], "L-2"}
    # A lot's certificate is written onto the lot too when it had none.
    assert lot_by_code(session, "L-2").certificate_no == "1601234567"


def test_lookup_reads_a_lots_own_certificate_fields(session: Session) -> None:
    s = shop(session)
    lot = lot_by_code(session, "L-1")
    lot.certificate_lab, lot.certificate_no = "ngtc", "N202312345"
    session.flush()
    found = find_certificates(session, number="n202312345")
    assert [(c.lab, c.lot, c.source) for c in found] == [("NGTC", "L-1", "lot record")]
    assert s.l1  # the shop is there


def test_refusals(session: Session) -> None:
    s = shop(session)
    certify(s.b, "2141438167", serial=s.l1[0])

    def create(**kw: object) -> object:
        data = {"lab": "GIA", "number": "2141438199", "serial": s.l1[2], **kw}
        return register_certificate(session, actor=s.b.actor, data=CertificateCreate(**data))

    assert _refused(create, number="2141438167") == ("duplicate-certificate", 409)
    assert _refused(create, number="21 4143 8167") == ("duplicate-certificate", 409)
    assert _refused(create, lab="XYZ") == ("unknown-lab", 422)
    assert _refused(create, number="12AB") == ("invalid-certificate-number", 422)
    assert _refused(create, clarity="VVS9") == ("invalid-clarity", 422)
    assert _refused(create, cut="Superb") == ("invalid-cut", 422)
    assert _refused(create, serial="NOPE-1") == ("unknown-serial", 404)
    # The same number from another lab is another certificate.
    create(lab="HRD", number="2141438167")
    hallmark(s.b, serial=s.l1[0])
    with pytest.raises(CoreError) as err:
        hallmark(s.b, serial=s.l1[0])
    assert err.value.code == "hallmark-exists"
    with pytest.raises(CoreError) as err:
        hallmark(s.b, serial=s.l1[1], fineness=751)
    assert err.value.code == "invalid-fineness"


def test_update_and_piece_marks(session: Session) -> None:
    s = shop(session)
    certify(s.b, "2141438167", serial=s.l1[0])
    certify(s.b, "16012345678", lot="L-1", lab="HRD")
    hallmark(s.b, lot="L-1")
    update_certificate(session, actor=s.b.actor, lab="gia", number="2141438167",
                       data=CertificateUpdate(batch="B-9", carat=0.61))
    marks = piece_marks(session, s.l1[0])
    assert [(c.lab, c.number, c.batch, c.carat) for c in marks.certificates] == [
        ("GIA", "2141438167", "B-9", 0.61), ("HRD", "16012345678", None, 0.52)]
    assert [h.mark for h in marks.hallmarks] == ["LON-750-JM-z"]
    assert [h.lot for h in find_hallmarks(session, mark="lon 750 jm z")] == ["L-1"]
    assert find_hallmarks(session, mark="LON-750-JM-Z") == []  # the date letter's case counts
