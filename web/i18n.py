"""The UI's languages: English (the source strings) and Simplified Chinese, from gettext catalogues.

Every string a person reads on a page is wrapped in ``_()`` where the page is drawn (not at
import time, so it follows each request's language); module-level constants are marked with
``N_()`` and translated with ``_()`` when shown. Babel extracts the marked strings into
``web/locale/messages.pot`` and each language's ``web/locale/<lang>/LC_MESSAGES/messages.po``
holds its translations (``make messages`` refreshes both). The ``.po`` files are read as they
are, so there is no compiled ``.mo`` to drift from them.

A request's language is the ``facet_lang`` cookie (set by the language switch and at sign-in
from the person's saved choice), else the best match of the browser's ``Accept-Language``,
else English. Outside a request (a report built in a worker, a test), :func:`use_language`
sets it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path

import flask
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

__all__ = ["COOKIE", "DEFAULT", "LANGUAGES", "N_", "_", "language", "negotiate",
           "translations", "use_language"]

#: The UI languages, by code, each named in its own language (as the switch shows them).
LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}
DEFAULT = "en"
COOKIE = "facet_lang"
LOCALE_DIR = Path(__file__).with_name("locale")

_current: ContextVar[str | None] = ContextVar("facet_language", default=None)


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of ``lang`` (English, or a language without a catalogue: none)."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not po.is_file():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The language for a request: a valid cookie, else the browser's preference, else English.

    >>> negotiate(None, "zh-CN,zh;q=0.9,en;q=0.8")
    'zh'
    >>> negotiate("en", "zh-CN")
    'en'
    """
    if cookie in LANGUAGES:
        return str(cookie)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT


def language() -> str:
    """The language of what is being drawn now."""
    chosen = _current.get()
    if chosen is not None:
        return chosen
    if flask.has_request_context():
        request = flask.request
        return negotiate(request.cookies.get(COOKIE), request.headers.get("Accept-Language"))
    return DEFAULT


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Draw in ``lang`` inside the block, whatever the request asks for."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str, **values: object) -> str:
    """``message`` in the current language; ``{name}`` placeholders filled from ``values``."""
    text = translations(language()).gettext(message)
    return text.format(**values) if values else text


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it with ``_()`` where it is shown."""
    return message
