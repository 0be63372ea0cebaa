"""How the pages call the REST API: in-process, with the signed-in person's bearer token.

Dash callbacks run on the server. Rather than opening an HTTP connection back to the host they
were served from (which breaks behind proxies, TLS terminators and ``0.0.0.0`` binds), they
call the FastAPI app in the same process through an ASGI transport. Every call still goes
through the real routes: authentication, permissions, validation and the
``{"error": {"code", "message"}}`` envelope are exactly what any other client gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.testclient import TestClient

from core.people.permissions import PERMISSIONS

__all__ = ["Api", "ApiError", "Auth", "can", "auth_from"]

MAX_PAGE = 500


class ApiError(Exception):
    """A refused or failed API call, carrying the API's stable code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def plain(self) -> str:
        """The error as a person reads it."""
        return f"{self.message} ({self.code}, HTTP {self.status})"


@dataclass(frozen=True)
class Auth:
    """The signed-in person as kept in the browser's session store."""

    token: str
    username: str
    role: str


def auth_from(data: dict[str, Any] | None) -> Auth | None:
    """The :class:`Auth` in a session-store value, or None when nobody is signed in."""
    if not data or not data.get("token"):
        return None
    return Auth(str(data["token"]), str(data.get("username", "")), str(data.get("role", "")))


def can(role: str | None, permission: str) -> bool:
    """Whether ``role`` carries ``permission`` (the API checks again on every call)."""
    return bool(role) and role in PERMISSIONS.get(permission, frozenset())


def _error_of(status: int, body: Any) -> ApiError:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return ApiError(status, str(error.get("code", "error")), str(error.get("message", "")))
    return ApiError(status, "http-error", str(body)[:300] or "The server gave no reason.")


class Api:
    """A synchronous client of the app's own REST API."""

    def __init__(self, app: FastAPI) -> None:
        # No ``with``: the app's lifespan belongs to the real server, not to this client.
        self._client = TestClient(app, base_url="http://facet.internal",
                                  raise_server_exceptions=False)

    def call(self, method: str, path: str, auth: Auth | None, **kwargs: Any) -> Any:
        """Call ``path``; return the decoded JSON or raise :class:`ApiError`."""
        headers = {"Authorization": f"Bearer {auth.token}"} if auth else {}
        headers.update(kwargs.pop("headers", None) or {})
        response = self._client.request(method, path, headers=headers, **kwargs)
        is_json = response.headers.get("content-type", "").startswith("application/json")
        body = response.json() if is_json else response.text
        if response.status_code >= 400:
            raise _error_of(response.status_code, body)
        return body

    def get_bytes(self, path: str, auth: Auth | None) -> bytes:
        """GET a binary body (a snapshot JPEG) or raise :class:`ApiError`."""
        headers = {"Authorization": f"Bearer {auth.token}"} if auth else {}
        response = self._client.get(path, headers=headers)
        if response.status_code >= 400:
            raise _error_of(response.status_code, response.json())
        return response.content

    def get(self, path: str, auth: Auth | None, **params: Any) -> Any:
        """GET with query parameters (None values are left out)."""
        clean = {k: v for k, v in params.items() if v not in (None, "")}
        return self.call("GET", path, auth, params=clean)

    def post(self, path: str, auth: Auth | None, body: Any = None) -> Any:
        """POST a JSON body."""
        return self.call("POST", path, auth, json=body)

    def get_all(self, path: str, auth: Auth | None, *, limit: int = 5000, **params: Any) -> list:
        """Every item of a paged list (``items``/``total``), up to ``limit`` items."""
        items: list[Any] = []
        while len(items) < limit:
            page = self.get(path, auth, limit=MAX_PAGE, offset=len(items), **params)
            items.extend(page["items"])
            if not page["items"] or len(items) >= int(page.get("total", 0)):
                break
        return items[:limit]

    def sign_in(self, username: str, password: str, address: str | None = None) -> dict[str, Any]:
        """Exchange a username and password for the session-store value; ``address`` is the
        browser's, which failed sign-ins are counted against (this client has none of its own)."""
        headers = {"X-Facet-Client-Address": address} if address else {}
        body = self.call("POST", "/api/auth/token", None, headers=headers,
                         data={"username": username, "password": password})
        return {"token": body["access_token"], "username": body["username"], "role": body["role"],
                "must_change_password": bool(body.get("must_change_password"))}
