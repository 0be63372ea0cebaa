"""The frame around every page: sign-in, role-aware navigation and the page router."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flask
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as callback_context

from web.extras import Extra, installed, missing_message
from web.i18n import COOKIE, LANGUAGES, N_, _, language
from web.pages import chat, reports, users, voice
from web.pages.api import ApiError, Auth, auth_from, can
from web.pages.ui import ROLE_NAMES, PageContext, attrs, error_box, field
from web.services import services_of

__all__ = ["NavItem", "shell_layout", "register_shell", "landing_for", "set_language_cookie"]

#: How long the browser keeps the language cookie (a year; the account keeps the choice too).
COOKIE_AGE_S = 365 * 24 * 3600


@dataclass(frozen=True)
class NavItem:
    """A page in the navigation: its path, label (marked with ``N_``, shown with ``_``), the
    permission it needs, its layout and the optional extra (``facet[assistant]``...) whose API
    it uses."""

    path: str
    label: str
    permission: str
    layout: Callable[[Auth], Any]
    extra: Extra | None = None
    #: False for pages reached from another page (the handheld screens under /hh), not the bar.
    menu: bool = True

    def available(self) -> bool:
        """Whether the extra this page needs (if any) is installed."""
        return self.extra is None or installed(self.extra)


#: The assistant's pages, appended to the navigation the app gives: the chat for every role
#: that reads (the assistant checks each question's own role), the voice console for the
#: picking roles and the supervisor's view of pickers for managers and admins.
ASSISTANT_NAV: tuple[NavItem, ...] = (
    NavItem("/chat", N_("Chat"), "read", chat.layout, extra="assistant"),
    NavItem("/voice", N_("Voice"), "pick:write", voice.console_layout, extra="assistant"),
    NavItem("/pickers", N_("Pickers"), "count:approve", voice.supervisor_layout),
    NavItem("/reports", N_("Reports"), "audit:read", reports.layout),
)


def landing_for(role: str) -> str:
    """Where a person lands after signing in: the page of their daily work."""
    return {"picker": "/hh", "security": "/alerts", "clerk": "/inventory",
            "qc_inspector": "/inventory"}.get(role, "/overview")


def language_switch() -> dcc.Dropdown:
    """The top bar's language choice: each language named in its own words."""
    return dcc.Dropdown(id="lang-switch", value=language(), clearable=False, searchable=False,
                        options=[{"label": name, "value": code}
                                 for code, name in LANGUAGES.items()],
                        className="lang-switch")


def shell_layout() -> html.Div:
    """Stores, the websocket bridge, navigation, the language switch and the page container."""
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        dcc.Store(id="auth", storage_type="session"),
        dcc.Store(id="live-event"),
        dcc.Store(id="lang-reload"),
        html.Span(id="lang-reloading", hidden=True),
        html.Div(id="live-status", className="live-status", title=_("live events"),
                 **attrs({"data-live": _("live"), "data-offline": _("offline")})),
        html.Header([html.A("Facet", href="/", className="brand"),
                     html.Nav(id="nav", className="nav"), language_switch()], className="top"),
        html.Div(id="flash"),  # a message that outlives the page it came from
        html.Main(id="page", className="page"),
    ])


def signin_layout(message: Any = None, *, demo: bool = False) -> html.Div:
    """The sign-in form (``demo``: with the demo users' published password)."""
    users_ = ", ".join(("admin", "manager", "clerk", "picker", "qc", "auditor", "security"))
    hint = html.P([_("Demo: sign in as {users} with the password", users=users_), " ",
                   html.Code("facet-demo"), _(".")],
                  className="hint", id="signin-demo") if demo else None
    return html.Div([
        html.H2(_("Sign in")),
        field(_("User name"), dcc.Input(id="signin-user", type="text", autoComplete="username",
                                        autoFocus=True)),
        field(_("Password"), dcc.Input(id="signin-pass", type="password", n_submit=0,
                                       autoComplete="current-password")),
        html.Button(_("Sign in"), id="signin-go", n_clicks=0, className="primary"),
        html.Div(message, id="signin-msg"),
        hint,
    ], className="card signin", id="signin-page")


def _under(path: str, parent: str) -> tuple[str, ...]:
    """``path`` when it lies under ``parent`` (``/hh/pick`` under ``/hh``), else nothing."""
    return (path,) if path.startswith(parent.rstrip("/") + "/") else ()


def _nav(items: list[NavItem], role: str, username: str, path: str) -> list[Any]:
    links: list[Any] = [
        dcc.Link(_(item.label), href=item.path, id=f"nav-{item.path.strip('/')}",
                 className="active" if path in (item.path, *_under(path, item.path)) else "")
        for item in items if item.menu and can(role, item.permission) and item.available()
    ]
    # Chat and voice-console pages slot in here when they land, gated by role like the rest.
    links.append(html.Span(f"{username} · {_(ROLE_NAMES.get(role, role))}", className="who",
                           id="who"))
    links.append(html.Button(_("Sign out"), id="signout", n_clicks=0, className="link"))
    return links


def register_shell(dash_app: Dash, ctx: PageContext, items: list[NavItem]) -> None:
    """Route paths to page layouts (for the signed-in role) and handle sign-in and sign-out."""
    items = [*items, *(i for i in ASSISTANT_NAV if i.path not in {x.path for x in items})]
    for page in (chat, voice, reports):
        page.register(dash_app, ctx)
    by_path = {item.path: item for item in items}

    dash_app.clientside_callback(
        ClientsideFunction(namespace="facet", function_name="connect"),
        Output("live-status", "children"), Input("auth", "data"),
    )

    @dash_app.callback(Output("page", "children"), Output("nav", "children"),
                       Output("flash", "children"),
                       Input("url", "pathname"), Input("auth", "data"))
    def route(path: str | None, auth_data: dict[str, Any] | None) -> tuple[Any, Any, Any]:
        # A new token (after a password change) keeps the flash; moving elsewhere clears it.
        flash = no_update if callback_context.triggered_id == "auth" else None
        return (*_page(path, auth_data), flash)

    def _page(path: str | None, auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        auth = auth_from(auth_data)
        if auth is None:
            return signin_layout(demo=services_of(ctx.app).core.settings.demo_mode), []
        if (auth_data or {}).get("must_change_password"):  # the API allows nothing else
            return users.account_layout(auth, forced=True), _nav([], auth.role, auth.username, "")
        path = path if path in by_path else landing_for(auth.role)
        item = by_path[path]
        nav = _nav(items, auth.role, auth.username, path)
        if not can(auth.role, item.permission):
            return html.Div(_("Your role ({role}) may not open {page}.",
                              role=_(ROLE_NAMES.get(auth.role, auth.role)), page=_(item.label)),
                            className="msg msg-info"), nav
        if item.extra is not None and not item.available():
            return html.Div([_("This page is off: a part of Facet it needs is not installed."),
                             html.Br(), html.Code(missing_message(item.extra))],
                            className="msg msg-info"), nav
        return item.layout(auth), nav

    @dash_app.callback(
        Output("auth", "data"), Output("url", "pathname"), Output("lang-reload", "data"),
        Output("signin-msg", "children"),
        Input("signin-go", "n_clicks"), Input("signin-pass", "n_submit"),
        State("signin-user", "value"), State("signin-pass", "value"), State("url", "pathname"),
        prevent_initial_call=True,
    )
    def sign_in(_c: int, _s: int, user: str | None, password: str | None,
                path: str | None) -> tuple[Any, Any, Any, Any]:
        if not user or not password:
            return no_update, no_update, no_update, error_box(
                _("Give your user name and password."))
        try:
            data = ctx.api.sign_in(user.strip(), password, flask.request.remote_addr)
        except ApiError as exc:
            return no_update, no_update, no_update, error_box(exc)
        target = path if path in by_path and can(data["role"], by_path[path].permission) \
            else landing_for(data["role"])
        chosen = data.get("language")
        if chosen in LANGUAGES:  # the account's choice wins over the browser's
            set_language_cookie(chosen)
        # Drawn in another language than the person's: the whole page is drawn again.
        reload = chosen if chosen in LANGUAGES and chosen != language() else no_update
        return data, target, reload, None

    @dash_app.callback(Output("lang-reload", "data", allow_duplicate=True),
                       Output("flash", "children", allow_duplicate=True),
                       Input("lang-switch", "value"), State("auth", "data"),
                       prevent_initial_call=True)
    def switch_language(chosen: str | None, auth_data: dict[str, Any] | None) -> Any:
        if chosen not in LANGUAGES or chosen == language():
            return no_update, no_update
        auth = auth_from(auth_data)
        if auth is not None:  # kept with the account, so every device follows it
            try:
                ctx.api.call("PUT", "/api/me/language", auth, json={"language": chosen})
            except ApiError as exc:
                return no_update, error_box(exc)
        set_language_cookie(chosen)
        return chosen, None

    # The language cookie is in place once the callback answers: draw everything again.
    dash_app.clientside_callback(
        "function(lang) { if (lang) { window.location.reload(); } return null; }",
        Output("lang-reloading", "children"), Input("lang-reload", "data"),
        prevent_initial_call=True,
    )

    @dash_app.server.after_request
    def html_lang(response: flask.Response) -> flask.Response:
        # Screen readers, fonts (CJK glyph choice) and the browser's translate offer read it.
        if (response.mimetype == "text/html" and not response.direct_passthrough
                and "Content-Encoding" not in response.headers):
            body = response.get_data(as_text=True)
            if "<html>" in body:
                response.set_data(body.replace("<html>", f'<html lang="{language()}">', 1))
        return response

    @dash_app.callback(Output("auth", "data", allow_duplicate=True),
                       Output("url", "pathname", allow_duplicate=True),
                       Input("signout", "n_clicks"), prevent_initial_call=True)
    def sign_out(clicks: int | None) -> tuple[Any, Any]:
        if not clicks:
            return no_update, no_update
        return None, "/signin"


def set_language_cookie(lang: str) -> None:
    """Keep ``lang`` in the browser's language cookie (set on the callback's answer)."""
    callback_context.response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE_S, samesite="Lax",
                                         path="/")
