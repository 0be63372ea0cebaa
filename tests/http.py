"""The real app over HTTP in tests: a client on a test database, a person's bearer headers and
an error answer's stable code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from core import CoreSettings
from tests.builders import PASSWORD
from web.app import Settings, create_app

__all__ = ["api_client", "error_code", "login"]


@contextmanager
def api_client(db_url: str, secret_key: str = "http-test-key-" * 3) -> Iterator[TestClient]:
    """A test client on the whole app, bound to ``db_url``."""
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key=secret_key))
    with TestClient(create_app(settings)) as client:
        yield client


def login(client: TestClient, username: str) -> dict[str, str]:
    """Bearer headers for a person made with the builder's password."""
    answer = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def error_code(answer: Any) -> str:
    """The stable code of an error answer."""
    return str(answer.json()["error"]["code"])
