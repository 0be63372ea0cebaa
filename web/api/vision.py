"""REST and MJPEG routes of the camera wall, under ``/api/vision``.

Two ways to serve them, chosen by :func:`router_for`:

- cameras in this process (the embedded set-up): the routes read the running
  :class:`vision.VisionSupervisor` through the ``web.services.vision_supervisor`` dependency
  (503 ``vision-not-configured`` without cameras); ``facet vision serve`` mounts the same
  router over its :class:`~web.vision_service.runner.VisionService`;
- cameras in a vision service (``FACET_WEB_VISION_URL``): the routes forward to it with httpx,
  streaming the MJPEG, and answer 503 ``vision-unreachable`` when it does not answer.

``create_app`` mounts the router behind its authentication (the routes check no credentials).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, NoReturn, Protocol
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from vision.messages import CameraStatusReport
from vision.settings import VisionSettings
from vision.stream import MJPEG_MEDIA_TYPE, mjpeg_frames_async
from web.services import vision_supervisor

__all__ = ["CameraList", "CameraSource", "proxy_router", "router", "router_for"]

#: Connect and read limits towards the vision service (an MJPEG read waits for the next frame).
PROXY_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
MJPEG_TIMEOUT = httpx.Timeout(15.0, connect=2.0)


class CameraSource(Protocol):
    """What the routes read: a VisionSupervisor, or the vision service's leases over several."""

    settings: VisionSettings

    @property
    def running(self) -> bool:
        """Whether cameras are being run."""

    def statuses(self) -> list[CameraStatusReport]:
        """Every camera's status."""

    def status(self, camera: str) -> CameraStatusReport | None:
        """One camera's status (None: unknown camera)."""

    def annotated_jpeg(self, camera: str) -> bytes | None:
        """The camera's latest annotated frame (None: unknown camera)."""


class CameraList(BaseModel):
    """Status of every camera tile."""

    running: bool = Field(description="Whether the vision supervisor is running.")
    cameras: list[CameraStatusReport] = Field(description="One status per camera.")
    instance: str | None = Field(
        default=None,
        description="The vision service instance that answered; null when the cameras run "
        "inside the web app.",
    )
    leaders: dict[str, str | None] = Field(
        default_factory=dict,
        description="Camera name -> the vision service instance that runs it (null: none yet); "
        "empty when the cameras run inside the web app.",
    )


router = APIRouter(prefix="/api/vision", tags=["vision"])
Source = Annotated[CameraSource, Depends(vision_supervisor)]


@router.get("/cameras", response_model=CameraList)
def list_cameras(source: Source) -> CameraList:
    """Every camera with its state (online, offline, error...), frame rate and last error."""
    leaders = getattr(source, "leaders", None)
    return CameraList(
        running=source.running,
        cameras=source.statuses(),
        instance=getattr(source, "instance", None),
        leaders=leaders() if callable(leaders) else {},
    )


@router.get("/cameras/{name}", response_model=CameraStatusReport)
def camera_status(name: str, source: Source) -> CameraStatusReport:
    """One camera's status."""
    status = source.status(name)
    if status is None:
        raise _unknown(name)
    return status


@router.get("/cameras/{name}/snapshot.jpg")
def camera_snapshot(name: str, source: Source) -> Any:
    """The camera's latest frame with boxes and zones drawn, as one JPEG."""
    jpeg = source.annotated_jpeg(name)
    if jpeg is None:
        raise _unknown(name)
    return Response(content=jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


MaxFrames = Annotated[int | None, Query(ge=1, le=1_000_000)]


@router.get("/cameras/{name}/mjpeg")
async def camera_mjpeg(
    name: str, request: Request, source: Source, max_frames: MaxFrames = None
) -> Any:
    """A multipart MJPEG stream of the camera with boxes and zones drawn."""
    if source.status(name) is None:
        raise _unknown(name)

    async def frames() -> Any:
        async for chunk in mjpeg_frames_async(
            lambda: source.annotated_jpeg(name),
            fps=source.settings.mjpeg_fps,
            max_frames=max_frames,
        ):
            if await request.is_disconnected():
                break
            yield chunk

    return StreamingResponse(
        frames(), media_type=MJPEG_MEDIA_TYPE, headers={"Cache-Control": "no-store"}
    )


def _unknown(name: str) -> HTTPException:
    return HTTPException(
        status_code=404, detail={"code": "camera-not-found", "message": f"no camera {name!r}"}
    )


def router_for(vision_url: str | None, token: str = "") -> APIRouter:
    """The camera routes: forwarded to ``vision_url`` when set, else the in-process ones."""
    return proxy_router(vision_url, token) if vision_url else router


class _Upstream:
    """Requests to one vision service, with its failures turned into clear HTTP answers."""

    def __init__(self, base_url: str, token: str = "") -> None:
        self.base = base_url.rstrip("/") + "/api/vision"
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def unreachable(self, exc: Exception) -> HTTPException:
        reason = type(exc).__name__
        return HTTPException(status_code=503, detail={
            "code": "vision-unreachable",
            "message": f"The vision service at {self.base} did not answer ({reason}); check that "
            "`facet vision serve` runs there and that FACET_WEB_VISION_URL names it.",
        })

    @staticmethod
    def refused(response: httpx.Response) -> NoReturn:
        """Pass on the service's own 4xx/503 error; anything else is a 502 ``vision-error``."""
        try:
            error = response.json().get("error") or {}
        except ValueError:
            error = {}
        status = response.status_code
        if status == 401:  # the operator's set-up, not the signed-in person's
            raise HTTPException(status_code=502, detail={
                "code": "vision-token-refused",
                "message": "The vision service refused this web app's FACET_WEB_VISION_TOKEN; "
                "set the same token for `facet serve` and `facet vision serve`.",
            })
        if status < 500 or status == 503:
            code, message = error.get("code", "vision-error"), error.get("message", response.text)
            raise HTTPException(status_code=status, detail={"code": code, "message": message})
        raise HTTPException(status_code=502, detail={
            "code": "vision-error",
            "message": f"The vision service answered {status}; see its log.",
        })

    async def get(self, path: str) -> httpx.Response:
        """GET ``path`` of the camera API; raises the HTTP error to answer when it fails."""
        try:
            async with httpx.AsyncClient(timeout=PROXY_TIMEOUT, headers=self.headers) as client:
                response = await client.get(self.base + path)
        except httpx.HTTPError as exc:
            raise self.unreachable(exc) from exc
        if response.status_code != 200:
            self.refused(response)
        return response

    async def stream(self, path: str, params: dict[str, Any]) -> StreamingResponse:
        """A streamed GET, relayed chunk by chunk until either side goes away."""
        client = httpx.AsyncClient(timeout=MJPEG_TIMEOUT, headers=self.headers)
        try:
            response = await client.send(
                client.build_request("GET", self.base + path, params=params), stream=True
            )
        except httpx.HTTPError as exc:
            await client.aclose()
            raise self.unreachable(exc) from exc
        if response.status_code != 200:
            await response.aread()
            await client.aclose()
            self.refused(response)

        async def relay() -> AsyncIterator[bytes]:
            try:
                async for chunk in response.aiter_raw():
                    yield chunk
            except httpx.HTTPError:
                return  # the service went away mid-stream: end this stream, the tile retries
            finally:
                await response.aclose()
                await client.aclose()

        media = response.headers.get("content-type", MJPEG_MEDIA_TYPE)
        return StreamingResponse(relay(), media_type=media, headers={"Cache-Control": "no-store"})


def proxy_router(vision_url: str, token: str = "") -> APIRouter:
    """The camera routes forwarded to the vision service at ``vision_url`` (with ``token``)."""
    upstream = _Upstream(vision_url, token)
    proxy = APIRouter(prefix="/api/vision", tags=["vision"])

    @proxy.get("/cameras", response_model=CameraList)
    async def list_cameras() -> CameraList:
        """Every camera with its state, as the vision service reports it."""
        return CameraList.model_validate((await upstream.get("/cameras")).json())

    @proxy.get("/cameras/{name}", response_model=CameraStatusReport)
    async def camera_status(name: str) -> CameraStatusReport:
        """One camera's status, from the vision service."""
        found = await upstream.get(f"/cameras/{_quoted(name)}")
        return CameraStatusReport.model_validate(found.json())

    @proxy.get("/cameras/{name}/snapshot.jpg")
    async def camera_snapshot(name: str) -> Any:
        """The camera's latest annotated frame, from the vision service."""
        found = await upstream.get(f"/cameras/{_quoted(name)}/snapshot.jpg")
        return Response(found.content, media_type="image/jpeg",
                        headers={"Cache-Control": "no-store"})

    @proxy.get("/cameras/{name}/mjpeg")
    async def camera_mjpeg(name: str, max_frames: MaxFrames = None) -> Any:
        """The camera's MJPEG stream, relayed from the vision service."""
        params = {} if max_frames is None else {"max_frames": max_frames}
        return await upstream.stream(f"/cameras/{_quoted(name)}/mjpeg", params)

    return proxy


def _quoted(name: str) -> str:
    return quote(name, safe="")  # a name never walks out of /cameras/
