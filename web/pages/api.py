"""How the pages call the REST API: over HTTP, with the signed-in person's bearer token.

Dash callbacks run on the server, in the process that serves the API. They call it as any
client does, with an HTTP request carrying the person's token, so authentication, permissions,
validation and the ``{"error": {"code", "message"}}`` envelope are the API's own, with no second
copy of them to drift (calling the core's services directly would repeat each route's
permission, schema and error mapping in the pages).

The request goes to the listener the page's own request came in on (the server address of
its ASGI scope), over plain HTTP and never through ``HTTP_PROXY``: not to the public base URL,
which behind a reverse proxy, a TLS terminator or a ``0.0.0.0`` bind may not be reachable
from the server itself. TLS belongs to the proxy in front (see the README); the pages need a
TCP listener (``facet serve`` always has one). Failed sign-ins are counted against the
browser's address, which the pages name in a header vouched for by a key only the app knows
(``core.people.signin.client_key``). The pages' WSGI threads have their own limit
(``web.pages.PAGE_THREADS``) so a burst of page callbacks cannot take every worker thread the
API routes they are waiting for need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flask
import httpx
from fastapi import FastAPI

from core.api_deps import context_of
from core.people.permissions import PERMISSIONS
from core.people.signin import CLIENT_HEADER, CLIENT_KEY_HEADER, client_key

__all__ = ["Api", "ApiError", "Auth", "can", "auth_from"]

MAX_PAGE = 500
#: The longest a page waits for one API answer (a twin scenario or a chat reply is the slowest).
TIMEOUT_S = 120.0


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


def own_listener() -> str:
    """``http://host:port`` of the socket the current page request came in on."""
    if not flask.has_request_context():
        raise RuntimeError("The pages call the API only while they answer a request.")
    environ = flask.request.environ
    host, port = str(environ["SERVER_NAME"]), environ["SERVER_PORT"]
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _error_of(status: int, body: Any) -> ApiError:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return ApiError(status, str(error.get("code", "error")), str(error.get("message", "")))
    return ApiError(status, "http-error", str(body)[:300] or "The server gave no reason.")


class Api:
    """A synchronous HTTP client of the app's own REST API, for the pages' callbacks."""

    def __init__(self, app: FastAPI, *, timeout: float = TIMEOUT_S) -> None:
        self._app = app
        # One pooled client for every callback thread (httpx.Client is thread-safe);
        # trust_env=False: a proxy from the environment must not see the loopback calls.
        self._client = httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False)

    def call(self, method: str, path: str, auth: Auth | None, **kwargs: Any) -> Any:
        """Call ``path``; return the decoded JSON or raise :class:`ApiError`."""
        response = self._send(method, path, auth, **kwargs)
        is_json = response.headers.get("content-type", "").startswith("application/json")
        body = response.json() if is_json else response.text
        if response.status_code >= 400:
            raise _error_of(response.status_code, body)
        return body

    def answer(self, method: str, path: str, auth: Auth | None, **kwargs: Any) -> tuple[int, Any]:
        """Call ``path``; the status and the decoded JSON, refusals included (an import's 422
        carries its report)."""
        response = self._send(method, path, auth, **kwargs)
        is_json = response.headers.get("content-type", "").startswith("application/json")
        return response.status_code, response.json() if is_json else response.text

    def get_bytes(self, path: str, auth: Auth | None) -> bytes:
        """GET a binary body (a snapshot JPEG) or raise :class:`ApiError`."""
        response = self._send("GET", path, auth)
        if response.status_code >= 400:
            raise _error_of(response.status_code, response.json())
        return response.content

    def post_bytes(self, path: str, auth: Auth | None, body: Any) -> tuple[bytes, str]:
        """POST a JSON body for a binary answer (a PDF of labels): its bytes and media type."""
        response = self._send("POST", path, auth, json=body)
        kind = response.headers.get("content-type", "")
        if response.status_code >= 400:
            body = response.json() if "json" in kind else response.text
            raise _error_of(response.status_code, body)
        return response.content, kind

    def _send(self, method: str, path: str, auth: Auth | None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {auth.token}"} if auth else {}
        headers.update(kwargs.pop("headers", None) or {})
        try:
            return self._client.request(method, own_listener() + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:  # shown on the page like a refusal, never a traceback
            message = f"The API could not be reached or did not answer in time ({exc})."
            raise ApiError(503, "api-unreachable", message) from exc

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
        browser's, which failed sign-ins are counted against (this client's own is the server's)."""
        key = client_key(context_of(self._app).token_key)
        headers = {CLIENT_HEADER: address, CLIENT_KEY_HEADER: key} if address else {}
        body = self.call("POST", "/api/auth/token", None, headers=headers,
                         data={"username": username, "password": password})
        return {"token": body["access_token"], "username": body["username"], "role": body["role"],
                "must_change_password": bool(body.get("must_change_password")),
                "language": body.get("language")}
