"""People: the admins' user list (add, change role, deactivate, activate, reset a password; each
person's UI language shown) and everyone's "My password" form, which is also the only page while
a password change is pending."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.i18n import LANGUAGES, N_, _
from web.pages.api import ApiError, Auth, auth_from
from web.pages.masterdata import (
    column,
    dropdown,
    grid,
    path,
    quick_filter,
    register_quick_filter,
    text,
)
from web.pages.ui import PageContext, card, error_box, field, ok_box

__all__ = ["users_layout", "account_layout", "register", "user_rows", "ROLES"]

ROLES = ("admin", "manager", "clerk", "picker", "qc_inspector", "finance_auditor", "security")
#: Each role as a person reads it (the codes are the API's).
ROLE_LABELS = {"admin": N_("admin"), "manager": N_("manager"), "clerk": N_("clerk"),
               "picker": N_("picker"), "qc_inspector": N_("QC inspector"),
               "finance_auditor": N_("finance auditor"), "security": N_("security")}


def _role(code: str) -> str:
    return _(ROLE_LABELS[code]) if code in ROLE_LABELS else code


def _role_options() -> list[dict[str, str]]:
    return [{"label": _role(r), "value": r} for r in ROLES]


def user_rows(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The grid's rows: each person with their role, state and UI language in words."""
    return [{
        **u, "role_text": _role(u["role"]),
        "active_text": _("yes") if u["active"] else _("no"),
        "password_text": _("must change") if u.get("must_change_password") else "",
        "language_text": LANGUAGES.get(u.get("language") or "", _("as the browser")),
    } for u in users]


def _columns() -> list[dict[str, Any]]:
    return [column("username", _("User"), pinned="left"),
            column("full_name", _("Name"), minWidth=150), column("role_text", _("Role")),
            column("active_text", _("Active")), column("password_text", _("Password")),
            column("language_text", _("Language")), column("operator_id", _("Operator ID"))]


def _add_card() -> html.Section:
    return card(_("Add a person"), html.Div([
        field(_("User name"), dcc.Input(id="us-new-name", type="text", maxLength=64,
                                        autoComplete="off"), _("lower case: anna.li")),
        field(_("Full name"), dcc.Input(id="us-new-full", type="text", maxLength=128)),
        field(_("Role"), dropdown(id="us-new-role", options=_role_options(), value="picker",
                                      clearable=False, className="md-dd")),
        field(_("Temporary password"), dcc.Input(id="us-new-pass", type="password",
                                                 autoComplete="new-password"),
              _("8+ characters; changed at the first sign-in")),
        field(_("Operator ID"), dcc.Input(id="us-new-operator", type="text", maxLength=16),
              _("digits a picker says to sign on by voice (optional)")),
    ], className="md-form"),
        html.Button(_("Add person"), id="us-new-go", n_clicks=0, className="primary"))


def _actions_card() -> html.Section:
    return card(_("Selected person"), html.Div(id="us-which", className="hint"), html.Div([
        field(_("Role"), dropdown(id="us-role", options=_role_options(), clearable=False,
                                      className="md-dd")),
        html.Button(_("Change role"), id="us-do-role", n_clicks=0),
        html.Button(_("Deactivate"), id="us-do-toggle", n_clicks=0),
    ], className="row"), html.Div([
        field(_("Temporary password"), dcc.Input(id="us-temp", type="password",
                                                 placeholder=_("8+ characters"),
                                                 autoComplete="new-password")),
        html.Button(_("Reset password"), id="us-do-reset", n_clicks=0),
    ], className="row"))


def users_layout(auth: Auth | None = None) -> html.Div:
    """The admins' page of users."""
    return html.Div([
        html.H2(_("Users")),
        html.P(_("Deactivating, changing a role or resetting a password ends that person's "
                 "sessions at once; a reset password must be changed at the next sign-in."),
               className="hint"),
        dcc.Store(id="us-changed"),
        html.Div(id="us-msg"),
        quick_filter("us-grid"),
        grid("us-grid", _columns(), row_id="username", height=360),
        html.Div([_actions_card(), _add_card()], className="md-cards"),
    ], id="users-page", className="md-page")


def account_layout(auth: Auth | None = None, *, forced: bool = False) -> html.Div:
    """The change-my-password form (``forced``: the only thing a pending change allows)."""
    intro = (html.Div(_("Choose your own password before you continue: the one you signed in "
                        "with was temporary or published."), className="msg msg-info",
                      id="pw-forced")
             if forced else None)
    return html.Div([
        html.H2(_("My password")),
        intro,
        card(_("Change my password"),
             field(_("Current password"), dcc.Input(id="pw-current", type="password",
                                                    autoComplete="current-password")),
             field(_("New password"), dcc.Input(id="pw-new", type="password",
                                                autoComplete="new-password"),
                   _("8 to 256 characters; not the demo password.")),
             field(_("New password again"), dcc.Input(id="pw-again", type="password",
                                                      autoComplete="new-password")),
             html.Button(_("Change password"), id="pw-go", n_clicks=0, className="primary"),
             html.Div(id="pw-msg")),
    ], id="account-page")


def _act(ctx: PageContext, auth: Auth | None, op: str, name: str,
         role: str | None, temp: str | None) -> str:
    """Do ``op`` (role, toggle, reset) to ``name``; the message that says it was done."""
    if op == "role":
        ctx.api.call("PUT", f"/api/users/{path(name)}/role", auth, json={"role": role})
        return _("{name} is now {role}; their sessions ended.", name=name, role=_role(role or ""))
    if op == "reset":
        if not temp:
            raise ValueError(_("Type a temporary password for the reset first."))
        ctx.api.post(f"/api/users/{path(name)}/password-reset", auth, {"password": temp})
        return _("{name} has a temporary password and must change it at the next sign-in.",
                 name=name)
    # flip what is stored, not what the page showed when the row was picked
    now = next((u for u in ctx.api.get("/api/users", auth) if u["username"] == name), None)
    if now is None:
        raise ValueError(_("{name} is no longer in the list.", name=name))
    if now["active"]:
        ctx.api.post(f"/api/users/{path(name)}/deactivate", auth)
        return _("{name} is deactivated and can no longer sign in.", name=name)
    ctx.api.post(f"/api/users/{path(name)}/activate", auth)
    return _("{name} is active again.", name=name)


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The user list, its actions, adding a person and the password form."""
    register_quick_filter(dash_app, "us-grid")
    _register_list(dash_app, ctx)
    _register_password(dash_app, ctx)


def _register_list(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(Output("us-grid", "rowData"), Input("us-changed", "data"),
                       State("auth", "data"))
    def listing(_changed: Any, auth_data: dict[str, Any] | None) -> Any:
        try:
            return user_rows(ctx.api.get("/api/users", auth_from(auth_data)))
        except ApiError:
            return []

    @dash_app.callback(
        Output("us-which", "children"), Output("us-role", "value"),
        Output("us-do-toggle", "children"),
        Input("us-grid", "selectedRows"), Input("us-grid", "rowData"),
    )
    def pick(rows: list[dict[str, Any]] | None, data: list[dict[str, Any]] | None) -> Any:
        if not rows:
            return _("Click a person in the list."), None, _("Deactivate")
        # the list's fresh copy of the row: a selection keeps the data it was made with
        u = next((r for r in data or [] if r["username"] == rows[0]["username"]), rows[0])
        return (html.Strong(u["username"], id="us-selected"), u["role"],
                _("Deactivate") if u["active"] else _("Activate"))

    @dash_app.callback(
        Output("us-msg", "children"), Output("us-changed", "data"),
        Input("us-do-role", "n_clicks"), Input("us-do-toggle", "n_clicks"),
        Input("us-do-reset", "n_clicks"), State("us-grid", "selectedRows"),
        State("us-role", "value"), State("us-temp", "value"), State("auth", "data"),
        prevent_initial_call=True,
    )
    def act(role_clicks: int, toggle: int, reset: int, rows: list[dict[str, Any]] | None,
            role: str | None, temp: str | None,
            auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not (role_clicks or toggle or reset):
            return no_update, no_update
        if not rows:
            return error_box(_("Click a person in the list first.")), no_update
        name, op = rows[0]["username"], str(trigger.triggered_id).removeprefix("us-do-")
        try:
            done = _act(ctx, auth_from(auth_data), op, name, role, temp)
        except ApiError as exc:
            return error_box(exc), no_update
        except ValueError as exc:
            return error_box(str(exc)), no_update
        return ok_box(done), f"{op}:{name}:{role_clicks}:{toggle}:{reset}"

    @dash_app.callback(
        Output("us-msg", "children", allow_duplicate=True),
        Output("us-changed", "data", allow_duplicate=True),
        Input("us-new-go", "n_clicks"), State("us-new-name", "value"),
        State("us-new-full", "value"), State("us-new-role", "value"),
        State("us-new-pass", "value"), State("us-new-operator", "value"),
        State("auth", "data"), prevent_initial_call=True,
    )
    def add(clicks: int, name: str | None, full: str | None, role: str | None,
            password: str | None, operator: str | None,
            auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not clicks:
            return no_update, no_update
        body = {"username": text(name), "full_name": text(full) or "", "role": role,
                "password": password or "", "operator_id": text(operator)}
        try:
            made = ctx.api.post("/api/users", auth_from(auth_data), body)
        except ApiError as exc:
            return error_box(exc), no_update
        return (ok_box(_("{name} added as {role}.", name=made["username"],
                         role=_role(made["role"]))), f"new:{made['username']}")


def _register_password(dash_app: Dash, ctx: PageContext) -> None:
    @dash_app.callback(
        Output("pw-msg", "children"), Output("auth", "data", allow_duplicate=True),
        Output("flash", "children", allow_duplicate=True),
        Input("pw-go", "n_clicks"), State("pw-current", "value"), State("pw-new", "value"),
        State("pw-again", "value"), State("auth", "data"), prevent_initial_call=True,
    )
    def change(clicks: int | None, current: str | None, new: str | None, again: str | None,
               auth_data: dict[str, Any] | None) -> tuple[Any, Any, Any]:
        if not clicks:
            return no_update, no_update, no_update
        if not current or not new:
            return error_box(_("Give your current password and a new one.")), no_update, \
                no_update
        if new != again:
            return (error_box(_("The two new passwords differ; type the same one twice.")),
                    no_update, no_update)
        try:
            body = ctx.api.post("/api/me/password", auth_from(auth_data),
                                {"current_password": current, "new_password": new})
        except ApiError as exc:
            return error_box(exc), no_update, no_update
        fresh = {**(auth_data or {}), "token": body["access_token"],
                 "username": body["username"], "role": body["role"],
                 "must_change_password": False}
        done = ok_box(_("Password changed; your other sessions have ended."))
        return None, fresh, html.Div(done, id="pw-changed")
