"""The UI language per person (issue 16): chosen with PUT /api/me/language, returned by
GET /api/me and by sign-in, null following the browser; unknown languages are refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core import CoreSettings, Database
from core.people.service import reset_password, system_actor
from tests.builders import PASSWORD
from tests.core.api.test_api_core import error_code, login, seed
from web.app import Settings, create_app

KEY = "language-test-signing-key-" * 2
USERS = {"ada": "admin", "cleo": "clerk"}


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[TestClient]:
    seed(db, users=USERS)
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key=KEY))
    with TestClient(create_app(settings)) as c:
        yield c


def _sign_in(c: TestClient, username: str, password: str = PASSWORD) -> dict[str, Any]:
    answer = c.post("/api/auth/token", data={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_new_person_follows_the_browser(client: TestClient) -> None:
    assert _sign_in(client, "cleo")["language"] is None
    assert client.get("/api/me", headers=login(client, "cleo")).json()["language"] is None


def test_the_chosen_language_is_kept_and_returned_at_sign_in(client: TestClient) -> None:
    clerk = login(client, "cleo")
    answer = client.put("/api/me/language", headers=clerk, json={"language": "zh"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["language"] == "zh"
    assert client.get("/api/me", headers=clerk).json()["language"] == "zh"
    assert _sign_in(client, "cleo")["language"] == "zh"
    # Only the person's own choice changed.
    assert _sign_in(client, "ada")["language"] is None


def test_null_goes_back_to_the_browser(client: TestClient) -> None:
    clerk = login(client, "cleo")
    client.put("/api/me/language", headers=clerk, json={"language": "en"})
    answer = client.put("/api/me/language", headers=clerk, json={"language": None})
    assert answer.status_code == 200 and answer.json()["language"] is None
    assert _sign_in(client, "cleo")["language"] is None


@pytest.mark.parametrize("body", [{"language": "fr"}, {"language": "ZH"}, {"language": ""},
                                  {"language": "x" * 40}, {"language": 3}, {}, {"lang": "zh"}])
def test_unknown_languages_are_refused_and_nothing_changes(client: TestClient,
                                                            body: dict[str, Any]) -> None:
    clerk = login(client, "cleo")
    client.put("/api/me/language", headers=clerk, json={"language": "zh"})
    answer = client.put("/api/me/language", headers=clerk, json=body)
    assert answer.status_code == 422, answer.text
    if body.get("language") in ("fr", "ZH", ""):
        assert error_code(answer) == "unknown-language"
        assert "en, zh" in answer.json()["error"]["message"]
    assert client.get("/api/me", headers=clerk).json()["language"] == "zh"


def test_signed_out_callers_are_refused(client: TestClient) -> None:
    answer = client.put("/api/me/language", json={"language": "zh"})
    assert answer.status_code == 401


def test_allowed_while_a_password_change_is_pending(client: TestClient, db: Database) -> None:
    """The page that asks for the new password must be readable in the person's language."""
    with db.write() as session:
        reset_password(session, actor=system_actor(session), username="cleo",
                       password="temporary-pass-1")
    token = _sign_in(client, "cleo", "temporary-pass-1")
    assert token["must_change_password"] is True
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    answer = client.put("/api/me/language", headers=headers, json={"language": "zh"})
    assert answer.status_code == 200, answer.text
    assert client.get("/api/stock", headers=headers).status_code == 403
