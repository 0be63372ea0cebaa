"""People registering the same lab number at once: one certificate, the others 409 (both
databases)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from core import Database
from core.certificates import register_certificate
from core.certificates.models import Certificate
from core.certificates.schemas import CertificateCreate
from core.errors import CoreError
from tests.core.certificates.support import shop

RACERS = 4


def test_racing_registrations_keep_one(db: Database) -> None:
    with db.write() as session:
        s = shop(session)
        actor, pieces = s.b.actor, s.l1
    start = threading.Barrier(RACERS)

    def one(i: int) -> str:
        start.wait()
        try:
            with db.write() as session:
                register_certificate(session, actor=actor, data=CertificateCreate(
                    lab="GIA", number="2141438167", serial=pieces[i]))
        except CoreError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = list(pool.map(one, range(RACERS)))
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"duplicate-certificate", "busy"}, outcomes
    with db.read() as session:
        assert session.scalar(select(func.count(Certificate.id))) == 1
