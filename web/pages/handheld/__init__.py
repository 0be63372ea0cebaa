"""Handheld pages (/hh/...): receive, put away, pick, count, transfer and zone sign-on on a
phone or PDA with a scanner in keyboard-wedge mode.

Why the posting is done in the browser, by ``assets/handheld.js``, and not by Dash callbacks:
on a flaky warehouse network a request can reach the server and its answer be lost. The retry
must carry the same ``Idempotency-Key`` so the server replays the first answer instead of
posting twice, and the key has to be made when the person scans (not when a request is sent)
and kept until an answer arrives, across reloads. A Dash callback makes a new request for
every attempt and forgets everything when one fails, so it cannot keep the key. The script
keeps an outbox in ``localStorage`` (each write with its key), sends it in order with the
signed-in person's bearer token, keeps it while offline and says so on the page.

Dash draws the screens (layout, routing, the reader's language); the script holds no words of
its own: every string it shows comes from the page (``texts.TEXTS``, translated at draw time).
Codes are never parsed in the browser: a scan is looked up with ``POST /api/scan`` and posted
as scanned, so a piece's QR, a location's QR, a plain code and an RFID EPC work alike.
"""

from __future__ import annotations

from web.i18n import N_
from web.pages.handheld.pages import SCREENS, menu_layout, screen_layout
from web.pages.shell import NavItem

__all__ = ["HANDHELD_NAV"]

#: The start screen in the navigation bar (for the roles that pick), its screens reached from
#: it; each screen is gated by the permission of what it posts.
HANDHELD_NAV: list[NavItem] = [
    NavItem("/hh", N_("Handheld"), "pick:write", menu_layout),
    *(NavItem(s.path, s.title, s.permission, screen_layout(s), menu=False) for s in SCREENS),
]
