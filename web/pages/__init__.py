"""The Dash pages people use every day, mounted on the FastAPI app under ``/``.

``mount_pages(app)`` builds the Dash app (which runs on Flask), wraps it as ASGI and mounts it
last, so ``/api``, ``/docs``, ``/openapi.json`` and ``/ws/*`` keep answering from FastAPI.
Call it after every router is included.
"""

from __future__ import annotations

from pathlib import Path

from dash import Dash
from fastapi import FastAPI
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from web.i18n import N_
from web.pages import (
    alerts,
    catalogue,
    channels,
    custody,
    finance,
    inventory,
    label_print,
    locations,
    orders,
    overview,
    packing,
    picking,
    returns,
    suppliers,
    twin_page,
    users,
)
from web.pages.api import Api
from web.pages.handheld import HANDHELD_NAV
from web.pages.shell import NavItem, register_shell, shell_layout
from web.pages.ui import PageContext
from web.pages.wsgi import wsgi_as_asgi

__all__ = ["mount_pages", "build_dash", "NAV"]

ASSETS = Path(__file__).with_name("assets")
RESERVED = ("/api", "/docs", "/redoc", "/openapi.json", "/ws")

NAV: list[NavItem] = [
    NavItem("/overview", N_("Overview"), "read", overview.layout),
    NavItem("/inventory", N_("Inventory"), "read", inventory.layout),
    NavItem("/twin", N_("Twin"), "read", twin_page.layout),
    NavItem("/alerts", N_("Alert wall"), "alerts:read", alerts.layout),
    NavItem("/orders", N_("Orders"), "read", orders.layout),
    NavItem("/channels", N_("Channels"), "channels:read", channels.layout),
    NavItem("/finance", N_("Finance"), "finance:read", finance.layout),
    NavItem("/picking", N_("Picking"), "read", picking.layout),
    NavItem("/packing", N_("Packing"), "ship:write", packing.layout),
    NavItem("/returns", N_("Returns"), "returns:write", returns.layout),
    NavItem("/custody", N_("Custody"), "transfer:write", custody.layout),
    NavItem("/catalogue", N_("Catalogue"), "read", catalogue.layout),
    NavItem("/locations", N_("Locations"), "read", locations.layout),
    NavItem("/suppliers", N_("Suppliers"), "purchase:read", suppliers.layout),
    NavItem("/labels", N_("Label printing"), "read", label_print.layout),
    NavItem("/users", N_("Users"), "users:write", users.users_layout),
    NavItem("/account", N_("My password"), "read", users.account_layout),
    *HANDHELD_NAV,
]


def _hooks_registered() -> None:
    """Dash 4 scans every installed distribution's entry points for ``dash_hooks`` at each
    ``Dash()`` (its "only once" flag is never set): 0.3-0.4 s per app here. The first scan has
    loaded any hooks there are; later apps skip it."""
    from dash._hooks import HooksManager

    HooksManager._registered = True


def build_dash(app: FastAPI) -> Dash:
    """The Dash app whose callbacks call ``app``'s REST API over HTTP (``web.pages.api``)."""
    ctx = PageContext(api=Api(app), app=app)
    dash_app = Dash(
        __name__,
        title="Facet",
        assets_folder=str(ASSETS),
        suppress_callback_exceptions=True,
        update_title=None,  # type: ignore[arg-type]  # Dash documents None: no "Updating..."
        serve_locally=True,
    )
    _hooks_registered()
    dash_app.layout = shell_layout
    register_shell(dash_app, ctx, NAV)
    for page in (overview, inventory, twin_page, alerts, users, orders, picking, packing,
                 catalogue, locations, suppliers, label_print, channels, finance, returns,
                 custody):
        page.register(dash_app, ctx)
    return dash_app


class _Pages:
    """The Dash app as ASGI; paths that belong to the API never fall through to a page."""

    def __init__(self, wsgi: ASGIApp) -> None:
        self._wsgi = wsgi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and not path.startswith(RESERVED):
            await self._wsgi(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1000})
            return
        if scope["type"] == "http":
            body = {"error": {"code": "not-found", "message": f"Nothing at {path}."}}
            await JSONResponse(body, 404)(scope, receive, send)


def mount_pages(app: FastAPI) -> Dash:
    """Mount the pages at ``/`` behind every API route; ``/`` stops redirecting to ``/docs``."""
    dash_app = build_dash(app)
    # The pages replace the API documentation as the front door.
    app.router.routes[:] = [
        r for r in app.router.routes if not (isinstance(r, Route) and r.path == "/")
    ]
    app.router.routes.append(Mount("/", app=_Pages(wsgi_as_asgi(dash_app.server)), name="pages"))
    return dash_app
