"""Scale drivers: the protocol, the line-protocol driver, the fake, and the URL that picks one."""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Protocol
from urllib.parse import parse_qs, urlparse

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "FakeScale",
    "LineScale",
    "Scale",
    "ScaleError",
    "ScaleReading",
    "ScaleSettings",
    "open_scale",
    "parse_line",
]

_GRAMS = {"g": 1.0, "mg": 0.001, "kg": 1000.0, "ct": 0.2}
# An optional status word (S S / S D / ST / US / GS / NT...), a signed number, a unit.
_LINE = re.compile(
    r"^\s*(?:(?P<status>[A-Za-z]{1,2}(?:[ ,]+[A-Za-z])?)[ ,]+)?"
    r"(?P<value>[+-]?\s*\d+(?:[.,]\d+)?)\s*(?P<unit>mg|kg|ct|g)\b",
    re.IGNORECASE,
)
_UNSTABLE = {"S D", "US", "D", "SD"}


class ScaleError(Exception):
    """The scale gave no usable reading (none configured, silent, unstable or unreadable)."""

    def __init__(self, message: str, *, code: str = "scale-unavailable") -> None:
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True)
class ScaleReading:
    """A reading in grams, whether the balance called it stable, and the line as sent."""

    grams: float
    stable: bool = True
    raw: str = ""


class Scale(Protocol):
    """A balance: each call to ``read`` gives its current reading."""

    def read(self) -> ScaleReading:
        """The current reading; `ScaleError` when the balance gives none."""
        ...


def parse_line(line: str) -> ScaleReading | None:
    """A balance's output line as a reading, or None for lines that carry no weight.

    >>> parse_line("S S      3.215 g")
    ScaleReading(grams=3.215, stable=True, raw='S S      3.215 g')
    >>> parse_line("US,+00016.07 ct").stable
    False
    >>> parse_line("ES") is None
    True
    """
    found = _LINE.match(line)
    if found is None:
        return None
    status = re.sub(r"[ ,]+", " ", (found["status"] or "").upper()).strip()
    value = float(found["value"].replace(" ", "").replace(",", "."))
    grams = round(value * _GRAMS[found["unit"].lower()], 6)
    return ScaleReading(grams, status not in _UNSTABLE, line.strip())


@dataclass
class FakeScale:
    """A scale for tests and demos: gives the readings it was given, in turn, then the last."""

    readings: Sequence[float] = (3.2,)
    _at: int = field(default=0, init=False)

    def read(self) -> ScaleReading:
        """The next reading."""
        if not self.readings:
            raise ScaleError("The fake scale has no readings.")
        grams = self.readings[min(self._at, len(self.readings) - 1)]
        self._at += 1
        return ScaleReading(float(grams), True, f"{grams} g")


@dataclass
class LineScale:
    """A balance that writes one reading a line (serial port, USB CDC, file or FIFO).

    Lines are read until a stable weight comes (at most ``max_lines``); a ``command`` (such as
    MT-SICS ``SI``) is written first when the stream takes one.

    >>> import io
    >>> LineScale(io.StringIO("S D 3.1 g\\nS S 3.215 g\\n")).read().grams
    3.215
    """

    stream: IO[str]
    command: str | None = None
    max_lines: int = 50

    def _lines(self) -> Iterator[str]:
        for _ in range(self.max_lines):
            line = self.stream.readline()
            if not line:
                return
            yield line

    def read(self) -> ScaleReading:
        """The first stable reading on the stream."""
        if self.command:
            self.stream.write(self.command + "\r\n")
            self.stream.flush()
        last: ScaleReading | None = None
        for line in self._lines():
            reading = parse_line(line)
            if reading is not None and reading.stable:
                return reading
            last = reading or last
        if last is not None:
            raise ScaleError("The scale did not settle: keep the piece still and read again.",
                             code="scale-unstable")
        raise ScaleError("The scale sent no weight: check it is on, connected and in grams.")


class ScaleSettings(BaseSettings):
    """Which scale the web app reads for the handheld's 'Read scale' button."""

    model_config = SettingsConfigDict(env_prefix="FACET_SCALE_", extra="forbid")

    url: str = Field(default="", description="fake:3.2,3.21 | file:///path | "
                     "serial:///dev/ttyUSB0?baud=9600&command=SI; empty: no scale (readings "
                     "are typed).")
    timeout_s: float = Field(default=2.0, gt=0, le=30, description="How long to wait for a "
                             "serial balance's answer.")


def _serial_stream(path: str, query: dict[str, list[str]], timeout_s: float) -> IO[str]:
    baud = int(query.get("baud", ["9600"])[0])
    try:
        serial: Any = importlib.import_module("serial")  # pyserial, when installed
    except ImportError:
        return open(path, "r+", encoding="ascii", errors="replace", newline="")
    port = serial.Serial(path, baudrate=baud, timeout=timeout_s)
    pair: Any = io.BufferedRWPair(port, port)
    return io.TextIOWrapper(pair, encoding="ascii", errors="replace", newline="",
                            line_buffering=True)


def open_scale(url: str, *, timeout_s: float = 2.0) -> Scale:
    """The scale ``url`` names (see the package docstring); `ScaleError` when none is set."""
    if not url.strip():
        raise ScaleError("No scale is configured (FACET_SCALE_URL): type the weight.",
                         code="no-scale")
    parsed = urlparse(url.strip())
    query = parse_qs(parsed.query)
    if parsed.scheme == "fake":
        values = [v for v in (url.split(":", 1)[1].split("?")[0]).split(",") if v.strip()]
        return FakeScale([float(v) for v in values])
    try:
        if parsed.scheme == "file":
            stream: IO[str] = open(parsed.path, encoding="ascii", errors="replace")
        elif parsed.scheme == "serial":
            stream = _serial_stream(parsed.path, query, timeout_s)
        else:
            raise ScaleError(f"Unknown scale URL {url!r}: use fake:, file:// or serial://.",
                             code="bad-scale-url")
    except OSError as exc:
        raise ScaleError(f"Cannot open the scale at {parsed.path}: {exc.strerror}.") from exc
    return LineScale(stream, command=query.get("command", [None])[0])
