"""Logging, configured once per process: one handler, text or JSON lines, secrets blanked.

:func:`log_config` is the ``logging.config.dictConfig`` dictionary every Facet process uses;
``facet`` commands apply it with :func:`configure_logging` and ``facet serve`` also hands it to
uvicorn (``log_config=``), so each web worker, spawned fresh, configures itself the same way.
Uvicorn's loggers have no handler of their own: their records reach the one root handler, which
carries the secret-redacting filter (``?token=``, ``?ticket=``) and the request id.

With ``FACET_LOG_JSON=true`` each record is one JSON object on one line: ``timestamp`` (UTC,
ISO 8601), ``level``, ``logger``, ``message``, ``process`` (the worker's pid) and the record's
extras (``request_id``, ``method``, ``path``, ``status``, ``duration_ms`` on an access line).
"""

from __future__ import annotations

import contextvars
import logging
import logging.config
import sys
from typing import Any, TextIO

from web.settings import OperationsSettings

__all__ = [
    "ACCESS_LOGGER",
    "RequestIdFilter",
    "StderrHandler",
    "configure_logging",
    "current_request_id",
    "log_config",
    "request_id_var",
]

#: The logger of the access lines (one per HTTP request, written by the request middleware).
ACCESS_LOGGER = "facet.access"

#: The id of the request being served (for log records written while serving it).
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "facet_request_id", default=None
)

_TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(process)d"
_JSON_RENAMES = {"levelname": "level", "name": "logger"}
_configured: dict[str, Any] | None = None


def current_request_id() -> str | None:
    """The id of the HTTP request this code is serving, if any."""
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to records written while a request is served (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp the record with the current request id, unless it carries one already."""
        request_id = request_id_var.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


class StderrHandler(logging.StreamHandler):
    """A stream handler that writes to whatever ``sys.stderr`` is when a record is emitted.

    Test runners and ``CliRunner`` swap ``sys.stderr`` for a buffer they close afterwards; a
    handler bound to the stream at configuration time would then write to a closed file.
    """

    def __init__(self, level: int = logging.NOTSET) -> None:
        logging.Handler.__init__(self, level)

    @property
    def stream(self) -> TextIO:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """Ignored: the handler always follows ``sys.stderr``."""


def _formatter(json_lines: bool) -> dict[str, Any]:
    if json_lines:
        return {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": _JSON_FIELDS,
            "rename_fields": _JSON_RENAMES,
            "timestamp": True,  # record.created as UTC ISO 8601, under "timestamp"
        }
    return {"format": _TEXT_FORMAT}


def log_config(settings: OperationsSettings) -> dict[str, Any]:
    """The ``dictConfig`` dictionary of a Facet process (also uvicorn's ``log_config``)."""
    level = settings.log_level.upper()
    formatter = _formatter(settings.log_json)
    passthrough = {"handlers": [], "propagate": True}  # to the root's one handler
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # uvicorn sets use_colors on these two names when asked; both are the same here.
        "formatters": {"default": formatter, "access": dict(formatter)},
        "filters": {
            # The filters sit on the handler, so records of every logger pass them.
            "redact": {"()": "web.api.tickets.RedactSecrets"},
            "request_id": {"()": "web.observability.logs.RequestIdFilter"},
        },
        "handlers": {
            "default": {
                "class": "web.observability.logs.StderrHandler",
                "formatter": "default",
                "filters": ["redact", "request_id"],
            },
        },
        "root": {"level": level, "handlers": ["default"]},
        "loggers": {
            "uvicorn": {**passthrough, "level": level},
            "uvicorn.error": dict(passthrough),
            "uvicorn.access": dict(passthrough),
            ACCESS_LOGGER: dict(passthrough),
        },
    }


def _handler(settings: OperationsSettings) -> logging.Handler:
    """The one handler of :func:`log_config`, built directly."""
    from web.api.tickets import RedactSecrets

    handler = StderrHandler()
    formatter: logging.Formatter
    if settings.log_json:
        from pythonjsonlogger.json import JsonFormatter

        formatter = JsonFormatter(_JSON_FIELDS, rename_fields=_JSON_RENAMES, timestamp=True)
    else:
        formatter = logging.Formatter(_TEXT_FORMAT)
    handler.setFormatter(formatter)
    handler.addFilter(RedactSecrets())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(settings: OperationsSettings, *, force: bool = False) -> dict[str, Any]:
    """Apply :func:`log_config` to this process, once (again only with ``force``); returns it.

    Not through ``dictConfig``: it closes every handler ever made in the process, and some
    libraries' handlers (absl's) close the stream they hold, which may be a test runner's.
    """
    global _configured
    config = log_config(settings)
    if _configured is None or force or _configured != config:
        level = config["root"]["level"]
        root = logging.getLogger()
        for old in list(root.handlers):  # a test's log capture keeps seeing records
            if not type(old).__module__.startswith("_pytest"):
                root.removeHandler(old)
        root.addHandler(_handler(settings))
        root.setLevel(level)
        for name, options in config["loggers"].items():
            logger = logging.getLogger(name)
            logger.handlers.clear()  # their records reach the root's one handler
            logger.propagate = True
            logger.setLevel(options.get("level", logging.NOTSET))
        logging.captureWarnings(True)  # warnings become log records, formatted the same way
        _configured = config
    return config
