"""Map errors to ``{"error": {"code", "message"}}`` answers with 4xx statuses."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException

from core import CoreError

log = logging.getLogger(__name__)


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
        status = getattr(exc, "status", 400)
        code = getattr(exc, "code", "error")
        return JSONResponse(error_body(code, str(getattr(exc, "message", exc))), status_code=status)

    async def validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse(error_body("invalid-request", _validation_message(exc)), 422)

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        code = {404: "not-found", 405: "method-not-allowed", 401: "not-authenticated"}.get(
            exc.status_code, "http-error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)),
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

    async def busy(_: Request, exc: Exception) -> JSONResponse:
        if "locked" not in str(exc) and "busy" not in str(exc):
            log.error("database error: %s", exc)
            return JSONResponse(
                error_body(
                    "database-error", "The database failed; the operators have the details."
                ),
                500,
            )
        log.warning("database busy: %s", exc)
        return JSONResponse(error_body("busy", "The database is busy; retry shortly."), 503)

    app.add_exception_handler(CoreError, core_error)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity)
    app.add_exception_handler(OperationalError, busy)
