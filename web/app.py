"""The composition root: ``create_app(settings)`` builds the database, bus and routers."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Depends, FastAPI
from fastapi.responses import RedirectResponse
from sqlalchemy import text

from core import CoreSettings, Database, EventBus
from core.routers import ROUTERS
from web import errors
from web.settings import WebSettings


def _mount_parts(app: FastAPI) -> None:
    """Routers of the twin (and, as they land, the other parts) behind sign-in."""
    from core.api_deps import allow
    from web import api_twin, api_vision, twin_live

    twin_live.attach(app, app.state.db)
    app.include_router(twin_live.router)
    app.include_router(api_twin.router, dependencies=[Depends(allow("read"))])
    app.include_router(api_vision.router, dependencies=[Depends(allow("alerts:read"))])


@dataclass
class Settings:
    """Every package's settings, read from the environment unless given."""

    core: CoreSettings = field(default_factory=CoreSettings)
    web: WebSettings = field(default_factory=WebSettings)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app: database, event bus, REST routers, error handling."""
    settings = settings or Settings()
    bus = EventBus()
    db = Database(settings.core.database_url, bus=bus, echo=settings.core.echo_sql)
    app = FastAPI(
        title="Facet",
        description="Warehouse system for jewellery and fashion accessories.",
        version="0.1.0",
    )
    app.state.settings = settings
    app.state.core_settings = settings.core
    app.state.token_key = settings.core.resolved_secret_key()
    app.state.db = db
    app.state.bus = bus
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix="/api")
    _mount_parts(app)

    @app.get("/api/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness and database reachability (no sign-in needed)."""
        with db.read() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "database": db.dialect}

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        """Until the pages land, the interactive API documentation is the front door."""
        return RedirectResponse("/docs")

    @app.on_event("startup")
    def _start_cameras() -> None:
        if settings.web.cameras_file is not None:
            from web.vision_adapters import start_vision

            start_vision(app, db, settings.web.cameras_file)

    @app.on_event("shutdown")
    def _close() -> None:
        vision = getattr(app.state, "vision", None)
        if vision is not None:
            vision.stop()
        db.dispose()

    return app
