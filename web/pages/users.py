"""People: the admins' user list (deactivate, activate, role, password reset) and everyone's
"My password" form, which is also the only page while a password change is pending."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, dcc, html, no_update
from dash import ctx as trigger

from web.pages.api import ApiError, Auth, auth_from
from web.pages.ui import PageContext, attrs, card, error_box, field, ok_box

__all__ = ["users_layout", "account_layout", "register", "user_rows", "ROLES"]

ROLES = ("admin", "manager", "clerk", "picker", "qc_inspector", "finance_auditor", "security")


def user_rows(users: list[dict[str, Any]]) -> html.Table:
    """One row per person with the actions an admin has on them."""
    head = ["User", "Name", "Role", "Active", "Password", "Change role", "", "Temporary password"]
    rows = []
    for u in users:
        name = u["username"]
        toggle = "deactivate" if u["active"] else "activate"
        rows.append(html.Tr([
            html.Td(name), html.Td(u["full_name"]), html.Td(u["role"]),
            html.Td("yes" if u["active"] else "no"),
            html.Td("must change" if u.get("must_change_password") else ""),
            html.Td(html.Div([
                dcc.Dropdown(id={"type": "us-role", "user": name}, options=list(ROLES),
                             value=u["role"], clearable=False, style={"width": "11rem"}),
                html.Button("Set", id={"type": "us-do", "user": name, "op": "role"},
                            n_clicks=0, className="link"),
            ], className="row")),
            html.Td(html.Button(toggle.capitalize(), n_clicks=0, className="link",
                                id={"type": "us-do", "user": name, "op": toggle})),
            html.Td(html.Div([
                dcc.Input(id={"type": "us-temp", "user": name}, type="password",
                          placeholder="8+ characters", autoComplete="new-password",
                          style={"width": "9rem"}),
                html.Button("Reset", id={"type": "us-do", "user": name, "op": "reset"},
                            n_clicks=0, className="link"),
            ], className="row")),
        ], id=f"user-{name}", **attrs({"data-active": "1" if u["active"] else "0"})))
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                      id="us-table")


def users_layout(auth: Auth | None = None) -> html.Div:
    """The admins' page of users."""
    return html.Div([
        html.H2("Users"),
        html.P("Deactivating, changing a role or resetting a password ends that person's "
               "sessions at once; a reset password must be changed at the next sign-in.",
               className="hint"),
        dcc.Store(id="us-changed"),
        html.Div(id="us-msg"),
        html.Div(id="us-list"),
    ], id="users-page")


def account_layout(auth: Auth | None = None, *, forced: bool = False) -> html.Div:
    """The change-my-password form (``forced``: the only thing a pending change allows)."""
    intro = (html.Div("Choose your own password before you continue: the one you signed in "
                      "with was temporary or published.", className="msg msg-info",
                      id="pw-forced")
             if forced else None)
    return html.Div([
        html.H2("My password"),
        intro,
        card("Change my password",
             field("Current password", dcc.Input(id="pw-current", type="password",
                                                 autoComplete="current-password")),
             field("New password", dcc.Input(id="pw-new", type="password",
                                             autoComplete="new-password"),
                   "8 to 256 characters; not the demo password."),
             field("New password again", dcc.Input(id="pw-again", type="password",
                                                   autoComplete="new-password")),
             html.Button("Change password", id="pw-go", n_clicks=0, className="primary"),
             html.Div(id="pw-msg")),
    ], id="account-page")


def _act(ctx: PageContext, auth: Auth | None, op: str, name: str,
         role: str | None, temp: str | None) -> str:
    if op == "role":
        ctx.api.call("PUT", f"/api/users/{name}/role", auth, json={"role": role})
        return f"{name} is now {role}; their sessions ended."
    if op == "reset":
        if not temp:
            raise ValueError("Type a temporary password for the reset first.")
        ctx.api.post(f"/api/users/{name}/password-reset", auth, {"password": temp})
        return f"{name} has a temporary password and must change it at the next sign-in."
    ctx.api.post(f"/api/users/{name}/{op}", auth)
    return f"{name}: {op}d."


def register(dash_app: Dash, ctx: PageContext) -> None:
    """The user list, its actions and the password form."""

    @dash_app.callback(Output("us-list", "children"), Input("us-changed", "data"),
                       State("auth", "data"))
    def listing(_changed: Any, auth_data: dict[str, Any] | None) -> Any:
        try:
            return user_rows(ctx.api.get("/api/users", auth_from(auth_data)))
        except ApiError as exc:
            return error_box(exc)

    @dash_app.callback(
        Output("us-msg", "children"), Output("us-changed", "data"),
        Input({"type": "us-do", "user": ALL, "op": ALL}, "n_clicks"),
        State({"type": "us-role", "user": ALL}, "value"),
        State({"type": "us-role", "user": ALL}, "id"),
        State({"type": "us-temp", "user": ALL}, "value"),
        State({"type": "us-temp", "user": ALL}, "id"),
        State("auth", "data"), prevent_initial_call=True,
    )
    def act(clicks: list[int | None], roles: list[str | None], role_ids: list[dict[str, str]],
            temps: list[str | None], temp_ids: list[dict[str, str]],
            auth_data: dict[str, Any] | None) -> tuple[Any, Any]:
        if not trigger.triggered_id or not any(clicks):
            return no_update, no_update
        name, op = trigger.triggered_id["user"], trigger.triggered_id["op"]
        role = dict(zip([i["user"] for i in role_ids], roles, strict=True)).get(name)
        temp = dict(zip([i["user"] for i in temp_ids], temps, strict=True)).get(name)
        try:
            done = _act(ctx, auth_from(auth_data), op, name, role, temp)
        except ApiError as exc:
            return error_box(exc), no_update
        except ValueError as exc:
            return error_box(str(exc)), no_update
        return ok_box(done), f"{op}:{name}:{sum(c or 0 for c in clicks)}"

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
            return error_box("Give your current password and a new one."), no_update, no_update
        if new != again:
            return (error_box("The two new passwords differ; type the same one twice."),
                    no_update, no_update)
        try:
            body = ctx.api.post("/api/me/password", auth_from(auth_data),
                                {"current_password": current, "new_password": new})
        except ApiError as exc:
            return error_box(exc), no_update, no_update
        fresh = {"token": body["access_token"], "username": body["username"],
                 "role": body["role"], "must_change_password": False}
        done = ok_box("Password changed; your other sessions have ended.")
        return None, fresh, html.Div(done, id="pw-changed")
