"""The vault's two-person rule (issue 13: one person could sign on to the vault alone and so
silence its camera): a sign-on to a secure zone is countersigned by a second, different, active
person who may enter it, at the door (name and password) or already signed on inside."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import CoreSettings, Database
from core.audit.models import AuditEntry
from core.errors import ConflictError, PermissionDenied
from core.locations.presence import (
    ZonePresence,
    present,
    sign_off,
    sign_on,
    verify_witness,
)
from core.people.service import deactivate_user
from tests.builders import PASSWORD, Builder
from tests.core.api.test_api_core import error_code, login, seed
from tests.core.people.test_access_control import _vault
from web.app import Settings, create_app


def _people(session: Session) -> dict[str, object]:
    b = Builder(session)
    b.warehouse()
    _vault(b)
    people = {
        name: b.user(name, role)
        for name, role in (
            ("mia", "manager"),
            ("sam", "security"),
            ("ada", "admin"),
            ("pia", "picker"),
            ("tom", "manager"),
        )
    }
    deactivate_user(session, actor=b.actor, username="tom")
    return {"builder": b, **people}


def _audit(session: Session, action: str) -> list[tuple[str, dict[str, object]]]:
    rows = session.execute(
        select(AuditEntry.actor, AuditEntry.detail)
        .where(AuditEntry.action == action)
        .order_by(AuditEntry.id)
    ).all()
    return [(actor, json.loads(detail)) for actor, detail in rows]


def _recorded(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count(ZonePresence.id))) or 0,
        session.scalar(select(func.count(AuditEntry.id))) or 0,
    )


def test_alone_at_the_vault_is_refused_and_nothing_is_recorded(db: Database) -> None:
    with db.write() as session:
        p = _people(session)
        before = _recorded(session)
        for zone in ("VLT", "HS"):
            with pytest.raises(PermissionDenied) as refused:
                sign_on(session, actor=p["mia"], zone=zone)
            assert refused.value.code == "witness-required"
            assert "second person" in refused.value.message
        assert _recorded(session) == before
        sign_on(session, actor=p["pia"], zone="Z1")  # an ordinary zone needs no witness


def test_a_wrong_witness_is_refused(db: Database) -> None:
    with db.write() as session:
        p = _people(session)
        mia = p["mia"]
        cases = [
            ("sam", "wrong-password"),  # wrong password
            ("nobody", PASSWORD),  # no such person
            ("mia", PASSWORD),  # herself
            ("pia", PASSWORD),  # may not enter the vault
            ("tom", PASSWORD),  # deactivated
        ]
        for username, password in cases:
            with pytest.raises(PermissionDenied) as refused:
                verify_witness(session, actor=mia, username=username, password=password)
            assert refused.value.code == "witness-refused", username
        # A witness named but neither inside nor giving a password.
        with pytest.raises(PermissionDenied) as refused:
            sign_on(session, actor=mia, zone="VLT", witness="sam")
        assert refused.value.code == "witness-refused"
        assert session.scalar(select(func.count(ZonePresence.id))) == 0


def test_countersigned_sign_on_audits_both_people(db: Database) -> None:
    with db.write() as session:
        p = _people(session)
        mia, sam, ada = p["mia"], p["sam"], p["ada"]
        witness = verify_witness(session, actor=mia, username="sam", password=PASSWORD)
        sign_on(session, actor=mia, zone="VLT", witness=witness)
        sign_on(session, actor=sam, zone="VLT")  # mia, inside, is his witness
        sign_on(session, actor=ada, zone="VLT", witness="mia")
        with pytest.raises(ConflictError):
            sign_on(session, actor=sam, zone="VLT")
        assert _audit(session, "zone.sign_on") == [
            ("mia", {"witness": "sam", "witnessed_by": "password"}),
            ("sam", {"witness": "mia", "witnessed_by": "signed-on"}),
            ("ada", {"witness": "mia", "witnessed_by": "signed-on"}),
        ]
        sign_off(session, actor=mia, zone="VLT")
        sign_off(session, actor=ada, zone="VLT")
        assert _audit(session, "zone.sign_off") == [
            ("mia", {"remaining": ["sam", "ada"]}),
            ("ada", {"remaining": ["sam"]}),
        ]
        assert [row["username"] for row in present(session, zone="VLT")] == ["sam"]
        # sam, now alone, is no witness for his own return.
        sign_off(session, actor=sam, zone="VLT")
        with pytest.raises(PermissionDenied) as refused:
            sign_on(session, actor=sam, zone="VLT")
        assert refused.value.code == "witness-required"


def test_a_witness_deactivated_after_the_password_check_is_refused(db: Database) -> None:
    with db.write() as session:
        p = _people(session)
        witness = verify_witness(session, actor=p["mia"], username="sam", password=PASSWORD)
        deactivate_user(session, actor=p["builder"].actor, username="sam")  # type: ignore[attr-defined]
        with pytest.raises(PermissionDenied) as refused:
            sign_on(session, actor=p["mia"], zone="VLT", witness=witness)
        assert refused.value.code == "witness-refused"


@contextmanager
def _client(db_url: str, **core: object) -> Iterator[TestClient]:
    settings = Settings(
        core=CoreSettings(database_url=db_url, secret_key="test-signing-key-" * 3, **core)  # type: ignore[arg-type]
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_vault_sign_on_over_http(db: Database, db_url: str) -> None:
    seed(db, users={"mia": "manager", "sam": "security", "pia": "picker"})
    with db.write() as session:
        _vault(Builder(session))
    with _client(db_url, sign_in_limit_per_user="4/5minutes") as client:
        mia, sam = login(client, "mia"), login(client, "sam")
        url = "/api/presence/sign-on"
        alone = client.post(url, json={"zone": "VLT"}, headers=mia)
        assert (alone.status_code, error_code(alone)) == (403, "witness-required")
        wrong = {"zone": "VLT", "witness": "sam", "witness_password": "not-his"}
        refused = client.post(url, json=wrong, headers=mia)
        assert (refused.status_code, error_code(refused)) == (403, "witness-refused")
        assert "not-his" not in refused.text
        for bad in ({**wrong, "witness_password": ""}, {**wrong, "witness": "x" * 65}):
            assert client.post(url, json=bad, headers=mia).status_code == 422
        assert client.get("/api/presence", headers=mia).json()["items"] == []
        right = {**wrong, "witness_password": PASSWORD}
        assert client.post(url, json=right, headers=mia).status_code == 201
        assert client.post(url, json={"zone": "VLT"}, headers=sam).status_code == 201
        who = client.get("/api/presence", params={"zone": "VLT"}, headers=mia).json()
        assert sorted(p["username"] for p in who["items"]) == ["mia", "sam"]
        off = client.post("/api/presence/sign-off", json={"zone": "VLT"}, headers=mia)
        assert off.status_code == 200
        # Guessing a witness's password through the vault door counts as failed sign-ins.
        answers = [client.post(url, json=wrong, headers=sam) for _ in range(5)]
        codes = [(a.status_code, error_code(a)) for a in answers]
        assert (429, "too-many-attempts") in codes, codes
        assert answers[-1].headers.get("Retry-After")
    with db.read() as session:
        assert [actor for actor, _ in _audit(session, "zone.sign_on")] == ["mia", "sam"]


def test_the_vault_camera_alerts_when_one_is_left_alone(db: Database) -> None:
    """Sign-ons through the core, seen by the camera rule through the app's adapter."""
    from datetime import UTC, datetime, timedelta

    from vision.domain import Box, TrackedObject
    from vision.protocols import Providers
    from vision.rules import RuleConfig, SceneView, TrackView, unauthorised_presence_rule
    from vision.zones import parse_zones
    from web.adapters.vision import CoreAuthorisation

    zones = parse_zones([{"name": "VLT", "kind": "vault", "restricted": True,
                          "min_signed_on": 2, "polygon": [[0, 0], [9, 0], [9, 9]]}])  # fmt: skip
    providers = Providers(CoreAuthorisation(db))

    def alerts() -> list[str]:
        moment = datetime.now(UTC) + timedelta(seconds=1)
        seen = TrackView(TrackedObject(7, "person", 0.9, Box(1, 1, 3, 3)), ("VLT",), moment)
        scene = SceneView("vault-door", moment, (seen,))
        return [
            f.message for f in unauthorised_presence_rule(scene, zones, RuleConfig(), providers)
        ]

    with db.write() as session:
        p = _people(session)
        witness = verify_witness(session, actor=p["mia"], username="sam", password=PASSWORD)
        sign_on(session, actor=p["mia"], zone="VLT", witness=witness)
        sign_on(session, actor=p["sam"], zone="VLT")
    assert alerts() == []
    with db.write() as session:
        sign_off(session, actor=p["sam"], zone="VLT")  # type: ignore[arg-type]
    (message,) = alerts()
    assert "1 of the 2 authorised people" in message and "mia" in message
