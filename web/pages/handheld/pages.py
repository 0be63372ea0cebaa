"""The handheld screens: one column, big targets, a scan field that always has the focus.

Dash draws each screen's frame in the reader's language; ``assets/handheld.js`` does the work
on it (see the package's docstring for why the script, not callbacks, posts the scans).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from web.i18n import N_, _
from web.pages.api import Auth, can
from web.pages.handheld.texts import texts_json
from web.pages.ui import attrs

__all__ = ["SCREENS", "Screen", "menu_layout", "screen_layout"]


@dataclass(frozen=True)
class Screen:
    """A handheld screen: its path under /hh, title, one-line purpose and permission."""

    slug: str
    title: str
    purpose: str
    permission: str

    @property
    def path(self) -> str:
        """Where the screen lives."""
        return f"/hh/{self.slug}"


SCREENS: tuple[Screen, ...] = (
    Screen("receive", N_("Receive"), N_("Goods in against a purchase order"), "receipt:write"),
    Screen("putaway", N_("Put away"), N_("Scan pieces, then the bin"), "putaway:write"),
    Screen("pick", N_("Pick"), N_("Your pick list, bin by bin"), "pick:write"),
    Screen("count", N_("Count"), N_("Blind count of a bin, by scan or RFID"), "count:write"),
    Screen("transfer", N_("Transfer"), N_("Move pieces to another bin"), "transfer:write"),
    Screen("sign-on", N_("Zones"), N_("Sign on to or off a zone"), "read"),
)


def _root(page: str, auth: Auth, children: list[Any]) -> html.Div:
    """The element the script attaches to, with the strings it shows."""
    return html.Div(children, id="hh-root", className="hh", **attrs({
        "data-hh-page": page, "data-hh-user": auth.username, "data-hh-text": texts_json(),
    }))


def _status() -> html.Div:
    """Connection state and what waits in the outbox (filled in by the script)."""
    return html.Div([
        html.Span(_("Online"), id="hh-net", className="hh-net"),
        html.Span(id="hh-queue", className="hh-queue"),
    ], className="hh-status", role="status")


def menu_layout(auth: Auth) -> html.Div:
    """The handheld start screen: a big tile per screen the role may use."""
    tiles = [
        dcc.Link([html.Strong(_(s.title)), html.Span(_(s.purpose))], href=s.path,
                 className="hh-tile", id=f"hh-go-{s.slug}")
        for s in SCREENS if can(auth.role, s.permission)
    ]
    return _root("menu", auth, [
        _status(),
        html.H2(_("Handheld")),
        html.Div(tiles, className="hh-tiles"),
        html.Ol(id="hh-log", className="hh-log"),
    ])


def screen_layout(screen: Screen) -> Callable[[Auth], html.Div]:
    """The layout function of one screen (the shell calls it with the signed-in person)."""

    def layout(auth: Auth) -> html.Div:
        return _root(screen.slug, auth, [
            _status(),
            html.Div([
                dcc.Link("‹ " + _("Handheld"), href="/hh", className="hh-back", id="hh-back"),
                html.H2(_(screen.title)),
            ], className="hh-head"),
            html.Div(id="hh-prompt", className="hh-prompt", **attrs({"aria-live": "polite"})),
            # The script makes the input itself: React must not own a field a scanner types into.
            html.Div(id="hh-scan-box", className="hh-scan-box", **attrs({
                "data-placeholder": _("Scan or type a code, then Enter"),
                "data-label": _("Scan"),
                "data-keyboard": _("On-screen keyboard on or off")})),
            html.Div(id="hh-work", className="hh-work"),
            html.Div(id="hh-actions", className="hh-actions"),
            html.Ol(id="hh-log", className="hh-log", **attrs({"aria-live": "polite"})),
        ])

    layout.__doc__ = f"The handheld {screen.slug} screen."
    return layout
