"""Who may sign on to a secure zone (issue 13: any signed-in user could sign on to the vault
and so silence its camera alert)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import Database
from core.audit.models import AuditEntry
from core.errors import PermissionDenied
from core.locations.models import Kind, Location, Tier
from core.locations.presence import ZonePresence, is_secure_zone, present, sign_on, verify_witness
from core.locations.schemas import LocationCreate
from core.locations.service import create_location
from tests.builders import PASSWORD, Builder
from tests.core.api.test_api_core import ROLES, api, error_code, login, seed


def _vault(b: Builder) -> None:
    """VLT, a zone of vault bins; HS, a zone marked high-security itself (Z1 holds a vault bin
    among ordinary ones: not a vault)."""
    s, a = b.session, b.actor
    create_location(s, actor=a, data=LocationCreate(code="VLT", tier=Tier.ZONE, parent="WH"))
    create_location(s, actor=a, data=LocationCreate(code="V01", tier=Tier.AISLE, parent="VLT"))
    create_location(s, actor=a, data=LocationCreate(code="V01-1", tier=Tier.BAY, parent="V01"))
    create_location(s, actor=a, data=LocationCreate(code="V01-1-1", tier=Tier.LEVEL,
                                                    parent="V01-1"))
    create_location(s, actor=a, data=LocationCreate(code="V01-1-1-01", tier=Tier.BIN,
                                                    parent="V01-1-1", kind=Kind.VAULT,
                                                    check_digits="47"))
    create_location(s, actor=a, data=LocationCreate(code="HS", tier=Tier.ZONE, parent="WH",
                                                    security_level=2))


def test_only_roles_with_presence_vault_sign_on_to_a_secure_zone(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        _vault(b)
        pia, mia, sam = b.user("pia", "picker"), b.user("mia", "manager"), b.user("sam", "security")
        entries = session.scalar(select(func.count(AuditEntry.id)))
        for zone in ("VLT", "HS"):
            with pytest.raises(PermissionDenied) as refused:
                sign_on(session, actor=pia, zone=zone)
            assert refused.value.code == "zone-not-permitted"
        # A refusal leaves nothing behind: no presence, no audit entry.
        assert session.scalar(select(func.count(ZonePresence.id))) == 0
        assert session.scalar(select(func.count(AuditEntry.id))) == entries
        sign_on(session, actor=pia, zone="Z1")  # an ordinary zone: anyone may
        # Each countersigned by the other (the vault's two-person rule).
        by_sam = verify_witness(session, actor=mia, username="sam", password=PASSWORD)
        sign_on(session, actor=mia, zone="VLT", witness=by_sam)
        by_mia = verify_witness(session, actor=sam, username="mia", password=PASSWORD)
        sign_on(session, actor=sam, zone="HS", witness=by_mia)
        assert {(p["zone"], p["username"]) for p in present(session)} == {
            ("Z1", "pia"), ("VLT", "mia"), ("HS", "sam")}
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "zone.sign_on")).all()
        assert len(actions) == 3


def test_a_zone_is_secure_through_what_it_holds(db: Database) -> None:
    with db.write() as session:
        b = Builder(session)
        b.warehouse()
        _vault(b)

        def secure(code: str) -> bool:
            zone_id = session.scalar(select(Location.id).where(Location.code == code))
            assert zone_id is not None
            return is_secure_zone(session, zone_id)

        assert (secure("VLT"), secure("HS"), secure("Z1")) == (True, True, False)


def test_a_picker_cannot_sign_on_to_the_vault_over_http(db: Database, db_url: str) -> None:
    seed(db, users={**ROLES, "sam": "security"})
    with db.write() as session:
        _vault(Builder(session))
    with api(db_url) as client:
        picker, manager = login(client, "pia"), login(client, "mia")
        body = {"zone": "VLT"}
        refused = client.post("/api/presence/sign-on", json=body, headers=picker)
        assert (refused.status_code, error_code(refused)) == (403, "zone-not-permitted")
        assert "VLT" in refused.json()["error"]["message"]
        witnessed = {**body, "witness": "sam", "witness_password": PASSWORD}
        answer = client.post("/api/presence/sign-on", json=witnessed, headers=manager)
        assert answer.status_code == 201
        who = client.get("/api/presence", params={"zone": "VLT"}, headers=manager).json()
        assert [p["username"] for p in who["items"]] == ["mia"]
