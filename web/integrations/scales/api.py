"""``GET /api/scale/reading``: the configured balance's current reading, for the handheld's
'Read scale' button (the reading is then sent with the pick like a typed one)."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, HTTPException

from core.api_deps import allow
from core.people.security import Actor
from web.integrations.scales.drivers import ScaleError, ScaleSettings, open_scale

router = APIRouter(tags=["weighing"])


def _read(settings: ScaleSettings) -> dict[str, object]:
    scale = open_scale(settings.url, timeout_s=settings.timeout_s)
    try:
        reading = scale.read()
    finally:
        close = getattr(getattr(scale, "stream", None), "close", None)
        if close is not None:
            close()
    return {"grams": reading.grams, "stable": reading.stable, "raw": reading.raw}


@router.get("/api/scale/reading")
async def reading(_: Annotated[Actor, Depends(allow("weigh:write"))]) -> dict[str, object]:
    """The scale's current stable reading in grams; 404 ``no-scale`` when none is configured
    (readings are typed), 503 ``scale-unavailable`` or ``scale-unstable`` when it gives no
    usable reading."""
    try:
        # A serial balance answers within its timeout: off the event loop.
        return await anyio.to_thread.run_sync(_read, ScaleSettings())
    except ScaleError as exc:
        status = 404 if exc.code == "no-scale" else 503
        raise HTTPException(status, {"code": exc.code, "message": exc.message}) from exc
