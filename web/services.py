"""The app's services: built once by ``create_app``, reached through typed dependencies.

``create_app`` builds one :class:`Services` and keeps it at ``app.state.services`` (the only
thing the web layer keeps on ``app.state``; the core's routers get their part, a
:class:`~core.api_deps.CoreContext`, through ``core.api_deps.provide``). Routes ask for it,
or for the narrower part they use, with the dependencies below; tests that mount a single
router may override a narrow dependency (``app.dependency_overrides[voice_services]``).
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Protocol, cast

import anyio
from fastapi import Depends, FastAPI, HTTPException
from starlette.requests import HTTPConnection

from assistant.settings import AssistantSettings
from core import Database, EventBus
from core.api_deps import CoreContext

if TYPE_CHECKING:  # types only: these modules import this one for its dependencies
    from fastapi import WebSocket

    from assistant.chat import Assistant
    from assistant.speech import SpeechEngine
    from assistant.voice import PickingBackend
    from vision.supervisor import VisionSupervisor
    from web.adapters.live_hub import LiveHub
    from web.adapters.twin_live import LiveTwin
    from web.api.tickets import TicketBook
    from web.events.runtime import EventsRuntime
    from web.integrations.channels.base import Connector
    from web.observability.metrics import Metrics
    from web.settings import Settings

__all__ = [
    "AUTO",
    "Services",
    "Speaker",
    "camera_supervisor",
    "VoiceServices",
    "chat_assistant",
    "live_twin",
    "services",
    "services_of",
    "vision_supervisor",
    "voice_services",
]


class _Auto(enum.Enum):
    AUTO = "auto"


class Speaker(Protocol):
    """Speaks a prompt: espeak-ng, or a fake in tests."""

    def wav(self, text: str) -> bytes | None:
        """The prompt as a WAV file."""


#: "Build it from the settings on first use" (for parts that are expensive or optional).
AUTO = _Auto.AUTO


@dataclass
class VoiceServices:
    """What the headset websockets (``/ws/voice``, ``/ws/voice/enrol``) need."""

    settings: AssistantSettings
    #: One picking backend per headset connection.
    backend_factory: Callable[[], PickingBackend]
    #: Who may open a headset socket (sync or async; a falsy result or an exception refuses
    #: it); None admits everyone (a router mounted alone, in tests).
    authenticate: Callable[[WebSocket], object] | None = None
    #: An operator's stored enrolment for an engine, if any.
    profiles: Callable[[str, str], bytes | None] | None = None
    #: Phrases the enrolment asks for instead of the language's own (demos and tests).
    enrolment_script: tuple[str, ...] = ()
    speech_engine: SpeechEngine | _Auto = AUTO
    #: Spoken prompts; None: text only.
    tts: Speaker | None | _Auto = AUTO

    def engine(self) -> SpeechEngine:
        """The speech engine shared by every headset (built from the settings on first use)."""
        if self.speech_engine is AUTO:
            from assistant.speech.factory import create_speech_engine

            self.speech_engine = create_speech_engine(self.settings)
        return self.speech_engine

    def speaker(self) -> Speaker | None:
        """What speaks the prompts (espeak-ng from the settings on first use), or None."""
        if self.tts is AUTO:
            from assistant.speech.factory import create_tts

            self.tts = create_tts(self.settings)
        return self.tts


@dataclass
class Services:
    """Everything ``create_app`` builds once and the routes share."""

    settings: Settings
    #: Database, core settings, token key, write slots, sign-in guard, the twin's routing.
    core: CoreContext
    bus: EventBus
    tickets: TicketBook
    #: Builds the chat assistant: on first use (:attr:`assistant`), as a process nobody chats
    #: with (a test's server, a web worker without warm-up) need not read its data.
    assistant_factory: Callable[[], Assistant]
    live_twin: LiveTwin
    voice: VoiceServices
    #: Events between processes: the transport (none for memory://) and the outbox relay;
    #: ``events.status()`` is the readiness check (transport reachable, relay lag).
    events: EventsRuntime
    #: The camera workers; None until start-up starts them, and without a cameras file.
    vision: VisionSupervisor | None = None
    #: The browsers' event fan-out; made by the first ``/ws/events`` client, on the loop
    #: that serves the websockets.
    live_hub: LiveHub | None = None
    #: The Prometheus metrics (``web.observability``); set where the routes are mounted.
    metrics: Metrics | None = None
    #: Sales channels' connectors by channel code (the channels file; empty without one).
    channels: dict[str, Connector] = field(default_factory=dict)

    _assistant: Assistant | None = field(default=None, init=False, repr=False)
    _assistant_lock: threading.Lock = field(default_factory=threading.Lock, init=False,
                                            repr=False)

    @property
    def assistant(self) -> Assistant:
        """The chat assistant, built by :attr:`assistant_factory` on first use (once, whichever
        thread asks first)."""
        with self._assistant_lock:
            if self._assistant is None:
                self._assistant = self.assistant_factory()
            return self._assistant

    @assistant.setter
    def assistant(self, value: Assistant) -> None:
        """Use ``value`` as the chat assistant (a test's own)."""
        with self._assistant_lock:
            self._assistant = value

    @property
    def assistant_built(self) -> bool:
        """Whether :attr:`assistant` has been built already."""
        return self._assistant is not None

    @property
    def db(self) -> Database:
        """The app's database."""
        return self.core.db

    @property
    def token_key(self) -> str:
        """The key that signs access tokens."""
        return self.core.token_key


def services_of(app: FastAPI) -> Services:
    """The services ``create_app`` built for ``app``."""
    found: Services = app.state.services
    return found


async def services(connection: HTTPConnection) -> Services:
    """The app's services (for an HTTP request or a websocket)."""
    return services_of(connection.app)


async def chat_assistant(connection: HTTPConnection) -> Assistant:
    """The chat assistant (built in a worker thread on first use, off the event loop)."""
    found = services_of(connection.app)
    if found.assistant_built:
        return found.assistant
    return await anyio.to_thread.run_sync(lambda: found.assistant)


async def live_twin(connection: HTTPConnection) -> LiveTwin:
    """The twin mirroring the live warehouse."""
    return services_of(connection.app).live_twin


async def voice_services(connection: HTTPConnection) -> VoiceServices:
    """What the headset websockets need."""
    return services_of(connection.app).voice


async def camera_supervisor(connection: HTTPConnection) -> VisionSupervisor | None:
    """The camera supervisor, None when no cameras are configured."""
    return services_of(connection.app).vision


# The parameter is typed loosely on purpose: FastAPI resolves it at run time, and the vision
# package is imported only where cameras run.
async def vision_supervisor(
    found: Annotated[object, Depends(camera_supervisor)],
) -> VisionSupervisor:
    """The running camera supervisor; 503 ``vision-not-configured`` without cameras."""
    supervisor = cast("VisionSupervisor | None", found)
    if supervisor is None:
        raise HTTPException(
            status_code=503,
            detail={"code": "vision-not-configured", "message": "no cameras are configured"},
        )
    return supervisor
