"""A limit on the size of request bodies, before anything reads them.

A pure ASGI middleware: a ``Content-Length`` over the limit is answered 413 at once, without
reading a byte of the body; a body without one (chunked) is counted as it streams in and cut off
the moment it passes the limit. Either way the answer is the project's error envelope with the
code ``body-too-large``. Bulk document writes (receipts, putaways, transfers, adjustments, count
results, purchase orders) and the pages' callbacks get a larger limit than the rest of the API.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import HTTPException  # its detail may be a dict (the error envelope)
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.errors import error_body

__all__ = ["BULK_PATHS", "BodyLimit", "too_large"]

# Writes whose bodies carry one line per piece: a receipt of 10,000 serials is a few MiB.
BULK_PATHS: tuple[str, ...] = (
    "/api/receipts", "/api/putaways", "/api/transfers", "/api/adjustments", "/api/counts",
    "/api/purchase-orders", "/_dash-update-component", "/api/imports",
)


def too_large(limit: int) -> dict[str, str]:
    """The error detail of a body over ``limit`` bytes."""
    return {"code": "body-too-large",
            "message": f"The request body is larger than {limit} bytes; send less per request."}


class BodyLimit:
    """ASGI middleware refusing HTTP request bodies over ``limit`` bytes (``bulk_limit`` on the
    paths starting with one of ``bulk_paths``) with 413 ``body-too-large``."""

    def __init__(self, app: ASGIApp, *, limit: int, bulk_limit: int,
                 bulk_paths: Iterable[str] = BULK_PATHS) -> None:
        self.app = app
        self.limit = limit
        self.bulk_limit = max(limit, bulk_limit)
        self.bulk_paths = tuple(bulk_paths)

    def limit_for(self, path: str) -> int:
        """The limit on the body of a request to ``path``."""
        return self.bulk_limit if path.startswith(self.bulk_paths) else self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None:
            if declared > limit:
                await _reject(limit, scope, receive, send)
            else:
                # The server reads exactly Content-Length bytes as this request's body (HTTP/1.1
                # framing, enforced by uvicorn's parser), so there is nothing left to count.
                await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # FastAPI lets an HTTPException through its body parsing, and the app's
                    # handler answers it in the error envelope; anything else is caught below.
                    raise HTTPException(413, detail=too_large(limit))
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await JSONResponse(error_body(**too_large(limit)), 413)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before the app sees it
    return None


async def _reject(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(error_body(**too_large(limit)), 413, headers={"Connection": "close"})
    await response(scope, receive, send)
