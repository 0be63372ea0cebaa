"""Accounts (issue 13): tokens are checked against the database, so deactivation, a role
change and a password change or reset apply at once; a pending password change confines a
token to changing it; the last active admin cannot be removed; every change is audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core import CoreSettings, Database
from core.audit.models import AuditEntry
from core.people.service import DEMO_PASSWORD, create_user, system_actor
from tests.builders import PASSWORD
from tests.core.api.test_api_core import error_code, login, seed
from web.app import Settings, create_app

KEY = "accounts-test-signing-key-" * 2
USERS = {"ada": "admin", "mia": "manager", "cleo": "clerk"}


def _app(db_url: str, **core: Any) -> TestClient:
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key=KEY, **core))
    return TestClient(create_app(settings))


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[TestClient]:
    seed(db, users=USERS)
    with _app(db_url) as c:
        yield c


def _bearer(answer: Any) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _sign_in(c: TestClient, username: str, password: str = PASSWORD) -> Any:
    return c.post("/api/auth/token", data={"username": username, "password": password})


def _audited(db: Database, action: str, entity: str) -> int:
    with db.read() as session:
        return len(
            session.scalars(
                select(AuditEntry.id).where(
                    AuditEntry.action == action, AuditEntry.entity == entity
                )
            ).all()
        )


def test_a_deactivated_users_token_is_refused_at_once(client: TestClient, db: Database) -> None:
    """It used to keep writing for up to 12 h: activity was read from the token only."""
    admin, clerk = login(client, "ada"), login(client, "cleo")
    assert client.get("/api/stock", headers=clerk).status_code == 200
    answer = client.post("/api/users/cleo/deactivate", headers=admin)
    assert answer.status_code == 200 and answer.json()["active"] is False
    refused = client.get("/api/stock", headers=clerk)
    assert (refused.status_code, error_code(refused)) == (401, "account-inactive")
    assert (_sign_in(client, "cleo").status_code, error_code(_sign_in(client, "cleo"))) == (
        401,
        "bad-credentials",
    )
    assert _audited(db, "user.deactivate", "cleo") == 1
    # Reactivated: a new sign-in works, the old token stays revoked.
    assert client.post("/api/users/cleo/activate", headers=admin).json()["active"] is True
    assert error_code(client.get("/api/stock", headers=clerk)) == "token-revoked"
    assert client.get("/api/stock", headers=_bearer(_sign_in(client, "cleo"))).status_code == 200
    assert _audited(db, "user.activate", "cleo") == 1


def test_a_role_change_applies_at_once(client: TestClient, db: Database) -> None:
    """A demoted manager used to keep the manager's rights until the token expired."""
    admin, manager = login(client, "ada"), login(client, "mia")
    assert client.get("/api/users", headers=admin).status_code == 200
    answer = client.put("/api/users/mia/role", json={"role": "picker"}, headers=admin)
    assert (answer.status_code, answer.json()["role"]) == (200, "picker")
    refused = client.get("/api/audit", headers=manager)
    assert (refused.status_code, error_code(refused)) == (401, "token-revoked")
    now_picker = login(client, "mia")
    assert client.get("/api/audit", headers=now_picker).status_code == 403
    assert _audited(db, "user.role", "mia") == 1
    bad = client.put("/api/users/mia/role", json={"role": "wizard"}, headers=admin)
    assert bad.status_code == 422


def test_a_password_change_revokes_old_tokens(client: TestClient, db: Database) -> None:
    old = login(client, "cleo")
    wrong = client.post(
        "/api/me/password",
        json={"current_password": "not-the-password", "new_password": "a-new-secret-1"},
        headers=old,
    )
    assert (wrong.status_code, error_code(wrong)) == (422, "wrong-password")
    for weak in ("short", PASSWORD, DEMO_PASSWORD):
        answer = client.post(
            "/api/me/password",
            json={"current_password": PASSWORD, "new_password": weak},
            headers=old,
        )
        assert answer.status_code == 422, weak
    changed = client.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": "a-new-secret-1"},
        headers=old,
    )
    fresh = _bearer(changed)
    assert error_code(client.get("/api/stock", headers=old)) == "token-revoked"
    assert client.get("/api/stock", headers=fresh).status_code == 200
    assert _sign_in(client, "cleo").status_code == 401
    assert _sign_in(client, "cleo", "a-new-secret-1").status_code == 200
    assert _audited(db, "user.password-change", "cleo") == 1


def test_a_reset_password_must_be_changed_before_anything_else(
    client: TestClient, db: Database
) -> None:
    admin, old = login(client, "ada"), login(client, "cleo")
    answer = client.post(
        "/api/users/cleo/password-reset", json={"password": "temporary-1"}, headers=admin
    )
    assert answer.status_code == 200 and answer.json()["must_change_password"] is True
    assert error_code(client.get("/api/stock", headers=old)) == "token-revoked"
    signed = _sign_in(client, "cleo", "temporary-1")
    assert signed.json()["must_change_password"] is True
    pending = _bearer(signed)
    for method, path in (
        ("GET", "/api/stock"),
        ("POST", "/api/adjustments"),
        ("GET", "/api/users"),
    ):
        refused = client.request(method, path, headers=pending, json={})
        assert (refused.status_code, error_code(refused)) == (403, "password-change-required")
        assert "/api/me/password" in refused.json()["error"]["message"]
    assert client.get("/api/me", headers=pending).json()["must_change_password"] is True
    changed = client.post(
        "/api/me/password",
        json={"current_password": "temporary-1", "new_password": "cleos-own-secret"},
        headers=pending,
    )
    assert changed.json()["must_change_password"] is False
    assert client.get("/api/stock", headers=_bearer(changed)).status_code == 200
    assert _audited(db, "user.password-reset", "cleo") == 1


def test_the_last_active_admin_stays(client: TestClient) -> None:
    admin = login(client, "ada")
    for method, path, body in (
        ("POST", "/api/users/ada/deactivate", None),
        ("PUT", "/api/users/ada/role", {"role": "manager"}),
    ):
        answer = client.request(method, path, json=body, headers=admin)
        assert (answer.status_code, error_code(answer)) == (409, "last-admin"), path
    assert (
        client.put("/api/users/mia/role", json={"role": "admin"}, headers=admin).status_code == 200
    )
    assert client.post("/api/users/ada/deactivate", headers=admin).status_code == 200
    missing = client.post("/api/users/nobody/deactivate", headers=login(client, "mia"))
    assert (missing.status_code, error_code(missing)) == (404, "unknown-user")


def test_only_admins_manage_users(client: TestClient) -> None:
    manager = login(client, "mia")
    for method, path, body in (
        ("POST", "/api/users/cleo/deactivate", None),
        ("POST", "/api/users/cleo/activate", None),
        ("PUT", "/api/users/cleo/role", {"role": "admin"}),
        ("POST", "/api/users/cleo/password-reset", {"password": "temporary-1"}),
    ):
        answer = client.request(method, path, json=body, headers=manager)
        assert (answer.status_code, error_code(answer)) == (403, "forbidden"), path


def test_the_demo_password_must_be_changed_outside_demo_mode(db: Database, db_url: str) -> None:
    """`make run`'s admin kept the published demo password: outside demo mode (and for a
    demo loaded there) the first sign-in must change it."""
    with db.write() as session:
        actor = system_actor(session)
        create_user(session, actor=actor, username="admin", password=DEMO_PASSWORD, role="admin")
        create_user(
            session,
            actor=actor,
            username="boss",
            password=DEMO_PASSWORD,
            role="admin",
            must_change_password=True,
        )
    with _app(db_url, demo_mode=True) as demo:
        assert _sign_in(demo, "admin", DEMO_PASSWORD).json()["must_change_password"] is False
        assert _sign_in(demo, "boss", DEMO_PASSWORD).json()["must_change_password"] is True
    with _app(db_url) as real:
        signed = _sign_in(real, "admin", DEMO_PASSWORD)
        assert signed.json()["must_change_password"] is True
        refused = real.get("/api/stock", headers=_bearer(signed))
        assert error_code(refused) == "password-change-required"
    with _app(db_url, demo_mode=True) as demo:  # the pending change is kept in the database
        assert _sign_in(demo, "admin", DEMO_PASSWORD).json()["must_change_password"] is True


def test_forged_or_odd_tokens_are_refused(client: TestClient) -> None:
    for token in ("", "abc", "a.b.c", "Bearer"):
        answer = client.get("/api/stock", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, token
