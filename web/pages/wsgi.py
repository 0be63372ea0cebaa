"""The Dash app (Flask, WSGI) served as ASGI on worker threads of its own.

A page callback calls the API over HTTP (``web.pages.api``) and waits for the answer on its
worker thread; the API's sync routes need a worker thread of the same process to answer. If the
pages took their threads from the pool the routes use, a burst of callbacks could hold every
thread while each waits for a route that can get none. So the pages have their own limit,
``PAGE_THREADS``: the routes' pool is never theirs to exhaust.
"""

from __future__ import annotations

import warnings
from typing import Any

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

with warnings.catch_warnings():  # deprecated in favour of a2wsgi, which is not a dependency
    warnings.simplefilter("ignore")
    from starlette.middleware.wsgi import WSGIResponder, build_environ

__all__ = ["PAGE_THREADS", "wsgi_as_asgi"]

#: Page requests served at once (each holds one thread, callbacks included).
PAGE_THREADS = 16


class _Responder(WSGIResponder):
    """Starlette's WSGI responder, running the WSGI app under the pages' thread limit."""

    limiter: anyio.CapacityLimiter

    async def __call__(self, receive: Receive, send: Send) -> None:
        """Read the body, run the app on a pages thread, stream its answer out."""
        body, more_body = b"", True
        while more_body:
            message = await receive()
            body += message.get("body", b"")
            more_body = message.get("more_body", False)
        environ = build_environ(self.scope, body)
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(self.sender, send)
            async with self.stream_send:
                await anyio.to_thread.run_sync(
                    self.wsgi, environ, self.start_response, limiter=self.limiter
                )
        if self.exc_info is not None:
            raise self.exc_info[0].with_traceback(self.exc_info[1], self.exc_info[2])


class _LimitedWSGI:
    """A WSGI app as ASGI (HTTP only), ``threads`` requests at a time."""

    def __init__(self, app: Any, threads: int) -> None:
        self._app = app
        self._threads = threads
        self._limiter: anyio.CapacityLimiter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request."""
        if self._limiter is None:  # made on the serving loop, by its first request
            self._limiter = anyio.CapacityLimiter(self._threads)
        responder = _Responder(self._app, scope)
        responder.limiter = self._limiter
        await responder(receive, send)


def wsgi_as_asgi(server: Any, threads: int = PAGE_THREADS) -> ASGIApp:
    """The WSGI ``server`` (Dash's Flask app) as an ASGI app on its own threads."""
    return _LimitedWSGI(server, threads)
