"""Standard security headers on every HTTP answer (pages, API, assets, errors).

A small pure-ASGI middleware (no per-request task or body copy, so the hot API paths keep
their speed). The Content-Security-Policy is the strictest the pages run under:

- scripts from the app itself, the Dash page's own inline scripts by hash (the renderer start
  and the clientside callbacks; ``Dash.csp_hashes()``), and ``blob:`` for the voice console's
  AudioWorklet (built from a string in voice.js); no ``unsafe-inline``, no ``unsafe-eval``;
- styles from the app and inline (Dash components and plotly set ``style`` attributes);
- images and audio from the app, ``data:`` (labels, spoken prompts) and ``blob:`` (camera
  frames); websockets and fetches to the same origin only;
- no framing by other sites (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``), no plugins,
  forms post only to the app, ``<base>`` pinned.

The API documentation (``/docs``, ``/redoc``: FastAPI's Swagger UI and ReDoc pages, which load
their scripts from a CDN and start them inline) gets a policy of its own that allows that CDN
and inline scripts; those pages show only the OpenAPI schema.

``Permissions-Policy`` grants the microphone to the app itself (the voice console) and denies
the camera, geolocation and payment APIs. HSTS is sent only on HTTPS requests (the scheme
uvicorn reports, which honours ``X-Forwarded-Proto`` from trusted proxies).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DOCS_POLICY", "SecurityHeaders", "content_security_policy"]

HSTS = "max-age=31536000; includeSubDomains"
DOCS_PATHS = ("/docs", "/redoc")
DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
        "font-src 'self' data: https://fonts.gstatic.com",
        "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """The policy of every answer; ``script_hashes`` are quoted ``'sha256-...'`` sources."""
    scripts = " ".join(["'self'", "blob:", *script_hashes])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "media-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response start."""

    def __init__(self, app: ASGIApp, *, script_hashes: Iterable[str] = ()) -> None:
        self.app = app
        self._common: list[tuple[bytes, bytes]] = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"microphone=(self), camera=(), geolocation=(), payment=()"),
        ]
        pages = content_security_policy(script_hashes).encode()
        docs = DOCS_POLICY.encode()
        hsts = (b"strict-transport-security", HSTS.encode())
        # (docs?, https?) -> headers
        self._sets = {
            (is_docs, https): [
                *self._common,
                (b"content-security-policy", docs if is_docs else pages),
                *([hsts] if https else []),
            ]
            for is_docs in (False, True)
            for https in (False, True)
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        is_docs = path.startswith(DOCS_PATHS)
        extra = self._sets[(is_docs, scope.get("scheme") == "https")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(pair for pair in extra if pair[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
