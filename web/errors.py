"""Map errors to ``{"error": {"code", "message"}}`` answers with 4xx statuses.

The one 5xx on purpose is 503 ``busy`` (with ``Retry-After``) for every way a lock timeout
surfaces: SQLite's write lock at begin, statement or commit, a PostgreSQL ``lock_timeout`` or
statement timeout or deadlock, and a connection pool that stayed full.
"""

from __future__ import annotations

import logging
import sqlite3

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from core import CoreError
from core.dberrors import DataError, DBAPIError, IntegrityError, PoolTimeout, is_busy
from core.errors import DatabaseBusy

__all__ = ["busy_response", "error_body", "install", "is_busy"]

log = logging.getLogger(__name__)


def busy_response(message: str = "The database is busy; retry shortly.") -> JSONResponse:
    """503 ``busy`` with a ``Retry-After``."""
    return JSONResponse(
        error_body("busy", message),
        503,
        headers={"Retry-After": str(DatabaseBusy.retry_after_s)},
    )


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The error envelope every 4xx answer uses."""
    return {"error": {"code": code, "message": message}}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    async def core_error(_: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, DatabaseBusy):
            log.warning("database busy: %s", exc)
            return busy_response(exc.message)
        status = getattr(exc, "status", 400)
        code = getattr(exc, "code", "error")
        return JSONResponse(
            error_body(code, str(getattr(exc, "message", exc))),
            status_code=status,
            headers=getattr(exc, "headers", None),  # Retry-After of a 429 too-many-attempts
        )

    async def validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse(error_body("invalid-request", _validation_message(exc)), 422)

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        code = {404: "not-found", 405: "method-not-allowed", 401: "not-authenticated",
                413: "body-too-large"}.get(exc.status_code, "http-error")
        message = str(exc.detail)
        if isinstance(exc.detail, dict) and {"code", "message"} <= exc.detail.keys():
            code, message = str(exc.detail["code"]), str(exc.detail["message"])  # routers' own
        return JSONResponse(
            error_body(code, message),
            exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    async def integrity(_: Request, exc: Exception) -> JSONResponse:
        log.info("integrity error: %s", exc)
        return JSONResponse(
            error_body(
                "conflict",
                "That conflicts with existing data "
                "(a duplicate code or a concurrent change); retry.",
            ),
            409,
        )

    async def data_error(_: Request, exc: Exception) -> JSONResponse:
        # The database refused a value (SQLSTATE class 22): input the edge let through.
        log.warning("value refused by the database: %s", exc)
        return JSONResponse(
            error_body(
                "invalid-input",
                "A value is not one the database can store (too long, out of range, or with "
                "a NUL character); correct it and retry.",
            ),
            422,
        )

    async def database_error(_: Request, exc: Exception) -> JSONResponse:
        if not is_busy(exc):
            log.error("database error: %s", exc)
            return JSONResponse(
                error_body(
                    "database-error", "The database failed; the operators have the details."
                ),
                500,
            )
        log.warning("database busy: %s", exc)
        return busy_response()

    app.add_exception_handler(CoreError, core_error)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity)
    app.add_exception_handler(DataError, data_error)
    # IntegrityError is a DBAPIError too; the more specific handler above wins.
    app.add_exception_handler(DBAPIError, database_error)
    app.add_exception_handler(PoolTimeout, database_error)
    app.add_exception_handler(sqlite3.OperationalError, database_error)
