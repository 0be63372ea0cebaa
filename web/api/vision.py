"""REST and MJPEG routes of the camera wall, under ``/api/vision``.

The routes get the running :class:`vision.VisionSupervisor` through the
``web.services.vision_supervisor`` dependency (503 ``vision-not-configured`` without cameras):
``create_app`` starts it on start-up, stops it on shutdown, and mounts this router behind its
authentication (the routes here check no credentials themselves).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from vision.messages import CameraStatusReport
from vision.stream import MJPEG_MEDIA_TYPE, mjpeg_frames_async
from vision.supervisor import VisionSupervisor
from web.services import vision_supervisor

router = APIRouter(prefix="/api/vision", tags=["vision"])


class CameraList(BaseModel):
    """Status of every camera tile."""

    running: bool = Field(description="Whether the vision supervisor is running.")
    cameras: list[CameraStatusReport] = Field(description="One status per camera.")


Supervisor = Annotated[VisionSupervisor, Depends(vision_supervisor)]


@router.get("/cameras", response_model=CameraList)
def list_cameras(supervisor: Supervisor) -> CameraList:
    """Every camera with its state (online, offline, error...), frame rate and last error."""
    return CameraList(running=supervisor.running, cameras=supervisor.statuses())


@router.get("/cameras/{name}", response_model=CameraStatusReport)
def camera_status(name: str, supervisor: Supervisor) -> CameraStatusReport:
    """One camera's status."""
    status = supervisor.status(name)
    if status is None:
        raise _unknown(name)
    return status


@router.get("/cameras/{name}/snapshot.jpg")
def camera_snapshot(name: str, supervisor: Supervisor) -> Any:
    """The camera's latest frame with boxes and zones drawn, as one JPEG."""
    jpeg = supervisor.annotated_jpeg(name)
    if jpeg is None:
        raise _unknown(name)
    return Response(content=jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/cameras/{name}/mjpeg")
async def camera_mjpeg(
    name: str, request: Request, supervisor: Supervisor,
    max_frames: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Any:
    """A multipart MJPEG stream of the camera with boxes and zones drawn."""
    if supervisor.status(name) is None:
        raise _unknown(name)

    async def frames() -> Any:
        async for chunk in mjpeg_frames_async(
            lambda: supervisor.annotated_jpeg(name),
            fps=supervisor.settings.mjpeg_fps,
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
