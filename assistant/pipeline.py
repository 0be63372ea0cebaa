"""The chat pipeline in the style of Home Assistant's Assist: intent -> handler -> response.

Every stage emits a start and an end event into the run record; an error becomes an ``error``
event with a stable kebab-case code (and a polite answer); the run always ends with
``run-end``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import AmbiguousError, AssistantError, ChatError
from assistant.handlers.base import Answer
from assistant.intents.matcher import IntentMatch
from core import CoreError

__all__ = ["Pipeline", "PipelineEvent", "PipelineRun"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PipelineEvent:
    """One event of a run: its type, when (ms since the run started) and details."""

    type: str
    ms: float
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"type": self.type, "ms": self.ms, "data": self.data}


@dataclass
class PipelineRun:
    """The record of one question: events, the match, the answer and any error code."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    events: list[PipelineEvent] = field(default_factory=list)
    match: IntentMatch | None = None
    answer: Answer | None = None
    error: str | None = None
    _started: float = field(default_factory=time.perf_counter, repr=False)

    def emit(self, type_: str, **data: Any) -> None:
        """Append an event."""
        ms = round((time.perf_counter() - self._started) * 1000, 3)
        self.events.append(PipelineEvent(type_, ms, data))


Recognise = Callable[[str], IntentMatch]
Handle = Callable[[IntentMatch], Answer]
Respond = Callable[[IntentMatch, Answer], Answer]


@dataclass(frozen=True)
class Pipeline:
    """Runs the three stages for a question and records what happened."""

    recognise: Recognise
    handle: Handle
    respond: Respond

    def run(self, text: str) -> PipelineRun:
        """Answer ``text``; never raises: failures end up as an error event and answer."""
        run = PipelineRun()
        run.emit("run-start", text=text, stages=["intent", "handler", "response"])
        try:
            run.emit("intent-start", text=text)
            run.match = self.recognise(text)
            run.emit("intent-end", intent=run.match.intent, slots=run.match.slots,
                     score=run.match.score, matcher=run.match.matcher)
            run.emit("handler-start", intent=run.match.intent)
            answer = self.handle(run.match)
            run.emit("handler-end", rows=len(answer.data))
            run.emit("response-start")
            run.answer = self.respond(run.match, answer)
            run.emit("response-end", text=run.answer.text)
        except AmbiguousError as exc:  # the answer asks back: it carries the choices
            self._fail(run, exc.code, exc.message, exc.data, choices=exc.choices)
        except ChatError as exc:
            self._fail(run, exc.code, exc.message, exc.data)
        except AssistantError as exc:
            self._fail(run, exc.code, exc.message, [])
        except CoreError as exc:
            self._fail(run, exc.code, exc.message, [])
        except Exception:  # the run must end with an answer and an end event whatever happens
            log.exception("chat pipeline failed on %r", text)
            self._fail(run, "internal-error", "Something went wrong answering that.", [])
        finally:
            run.emit("run-end", error=run.error)
        return run

    @staticmethod
    def _fail(
        run: PipelineRun, code: str, message: str, data: list[dict[str, Any]], *,
        choices: list[dict[str, str]] | None = None,
    ) -> None:
        run.error = code
        run.answer = Answer(message, list(data), choices=list(choices or []))
        run.emit("error", code=code, message=message)
