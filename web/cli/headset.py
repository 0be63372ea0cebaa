"""`facet headset`: stream a microphone or WAV files to `/ws/voice` and speak the prompts;
`facet headset enrol`: train the picker's voice over `/ws/voice/enrol` the same way.

Both stream at ``--rate`` (16000, wideband, or 8000, narrowband as Bluetooth hands-free and
DECT headsets carry it): WAVs and the microphone are resampled to it and the server is told
with ``?rate=``. Progress is printed as JSON lines.
"""

from __future__ import annotations

import base64
import json
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

import numpy as np
import typer

from assistant.speech.audio import read_wav, silence, to_pcm, wav_to_pcm
from assistant.speech.base import SAMPLE_RATE, SAMPLE_RATES
from web.extras import exit_unless_installed

__all__ = ["Connection", "StreamDecimator", "app", "read_script", "run_enrol_script",
           "run_script"]

app = typer.Typer(help="Headset client for voice picking (talks to the /ws/voice websocket).")

CHUNK_MS = 100  # one websocket frame of audio
# Seconds to wait for the server's handshake answer: a headset on warehouse Wi-Fi, or a
# server busy adapting another voice, can take longer than the library's 10 s.
OPEN_TIMEOUT_S = 30.0
Emit = Callable[[dict[str, Any]], None]
Speak = Callable[[bytes], None]
Stop = Callable[[dict[str, Any]], bool]

#: What the dialogue client prints, and the enrolment's messages that end it.
DIALOGUE_SHOWN = ("prompt", "command", "error", "end")
ENROL_END = ("enrol-done", "enrol-cancelled", "error")


class Connection(Protocol):
    """The websocket operations the client needs (websockets' sync client, or TestClient)."""

    def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        ...

    def send_text(self, data: str) -> None:
        """Send a text frame."""
        ...

    def receive_text(self) -> str:
        """Wait for the next text frame."""
        ...


class _WebsocketsConnection:
    """Adapts `websockets.sync.client.ClientConnection` to `Connection`.

    The server closes normally once a dialogue ends, possibly while the client is still
    sending the tail of the last answer: what it had not sent is dropped then, and the
    messages the server sent before closing ("Goodbye", end) are still read in order.
    """

    def __init__(self, ws: Any) -> None:
        from websockets.exceptions import ConnectionClosedOK

        self._ws = ws
        self._closed_ok = ConnectionClosedOK

    def _send(self, data: str | bytes) -> None:
        try:
            self._ws.send(data)
        except self._closed_ok:
            pass  # the server said goodbye; receive_text drains what it sent first

    def send_bytes(self, data: bytes) -> None:
        self._send(data)

    def send_text(self, data: str) -> None:
        self._send(data)

    def receive_text(self) -> str:
        message = self._ws.recv()
        return message if isinstance(message, str) else message.decode("utf-8")


class StreamDecimator:
    """Brings a 16 kHz PCM stream down to `rate`, chunk by chunk, as one signal: a low-pass
    FIR below the new Nyquist frequency (its state carried across chunks), then every n-th
    sample."""

    def __init__(self, rate: int, source: int = SAMPLE_RATE) -> None:
        """Decimate from `source` Hz to `rate` Hz (an integer divisor of it)."""
        from scipy.signal import firwin

        if source % rate:
            raise ValueError(f"{rate} Hz does not divide {source} Hz")
        self.step = source // rate
        self._taps = firwin(63, 0.9 / self.step) if self.step > 1 else np.ones(1)
        self._state = np.zeros(self._taps.size - 1)
        self._phase = 0  # index in the next chunk of the first sample to keep

    def __call__(self, pcm: bytes) -> bytes:
        """The chunk's samples at the output rate."""
        if self.step == 1:
            return pcm
        from scipy.signal import lfilter

        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
        filtered, self._state = lfilter(self._taps, [1.0], samples, zi=self._state)
        kept = filtered[self._phase :: self.step]
        self._phase = (self._phase - samples.size) % self.step
        return to_pcm(kept)


def read_script(path: Path) -> list[Path]:
    """WAV paths from a script file: one per line, relative to the file; # comments."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    names = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return [p if p.is_absolute() else Path(path).parent / p for p in map(Path, names)]


def _public(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k not in ("audio", "time")}


def _pump(conn: Connection, emit: Emit, speak: Speak | None, stop: Stop,
          shown: Callable[[str], bool]) -> dict[str, Any]:
    """Read messages, emitting those `shown` and speaking their audio, until `stop` says so."""
    while True:
        message = json.loads(conn.receive_text())
        if shown(str(message.get("type"))):
            emit(_public(message))
        if speak is not None and message.get("audio"):
            speak(base64.b64decode(message["audio"]))
        if stop(message):
            return message


def _dialogue(conn: Connection, emit: Emit, speak: Speak | None,
              until: tuple[str, ...]) -> dict[str, Any]:
    """`_pump` for a picking dialogue: until a message of type in `until`, or the end."""
    return _pump(conn, emit, speak, lambda m: m.get("type") in (*until, "end"),
                 lambda kind: kind in DIALOGUE_SHOWN)


def _send_audio(conn: Connection, wav: Path, rate: int) -> None:
    """A WAV at `rate`, then 600 ms of silence, in 100 ms frames, then a flush."""
    pcm = read_wav(wav, rate) + silence(600, rate)
    chunk = rate * CHUNK_MS // 1000 * 2
    for start in range(0, len(pcm), chunk):
        conn.send_bytes(pcm[start : start + chunk])
    conn.send_text(json.dumps({"type": "flush"}))


def run_script(conn: Connection, wavs: Iterable[Path], emit: Emit, speak: Speak | None = None,
               *, rate: int = SAMPLE_RATE) -> bool:
    """Drive a dialogue from WAV files (one answer each); True if it reached sign-off."""
    if _dialogue(conn, emit, speak, ("prompt",)).get("type") == "end":
        return True
    for wav in wavs:
        _send_audio(conn, wav, rate)
        if _dialogue(conn, emit, speak, ("flushed",)).get("type") == "end":
            return True
    return False


def _enrolment(conn: Connection, emit: Emit, speak: Speak | None, stop: Stop) -> dict[str, Any]:
    """`_pump` for an enrolment: every enrol-* message and error is shown."""
    return _pump(conn, emit, speak, lambda m: m.get("type") in ENROL_END or stop(m),
                 lambda kind: kind.startswith("enrol-") or kind == "error")


def run_enrol_script(conn: Connection, wavs: Iterable[Path], emit: Emit,
                     speak: Speak | None = None, *, rate: int = SAMPLE_RATE) -> bool:
    """Answer each enrolment prompt with the next WAV; True once the profile is stored."""
    seen: set[str] = set()

    def note(message: dict[str, Any]) -> None:
        seen.add(str(message.get("type")))
        emit(message)

    first = _enrolment(conn, note, speak,
                       lambda m: m.get("type") == "enrol-prompt" and bool(m.get("index")))
    if first.get("type") in ENROL_END:
        return first.get("type") == "enrol-done"
    for wav in wavs:
        if "enrol-adapting" in seen:
            break
        _send_audio(conn, wav, rate)
        last = _enrolment(conn, note, speak, lambda m: m.get("type") == "flushed")
        if last.get("type") in ENROL_END:
            return last.get("type") == "enrol-done"
    if "enrol-adapting" not in seen:
        return False  # the script ran out before the phrases did
    return _enrolment(conn, note, speak, lambda m: False).get("type") == "enrol-done"


def _print_json(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _player() -> Speak | None:
    try:
        import sounddevice as sd
    except (ImportError, OSError):
        return None

    def play(wav: bytes) -> None:
        samples = np.frombuffer(wav_to_pcm(wav), dtype="<i2")
        sd.play(samples, SAMPLE_RATE, blocking=True)

    return play


def _stream_microphone(conn: Connection, device: str | None, speak: Speak | None,
                       rate: int, listen: Callable[[Speak], dict[str, Any]]) -> dict[str, Any]:
    """Send microphone audio at `rate` until `listen` returns (it reads the server's messages
    in a thread); the microphone is muted while a prompt plays. Its last message."""
    import sounddevice as sd

    frames: queue.Queue[bytes] = queue.Queue()
    speaking = threading.Event()
    ended = threading.Event()
    last: dict[str, Any] = {}
    decimate = StreamDecimator(rate)

    def on_audio(data: Any, count: int, when: Any, status: Any) -> None:
        if not speaking.is_set():
            frames.put(bytes(data))

    def say(wav: bytes) -> None:
        speaking.set()
        try:
            if speak is not None:
                speak(wav)
        finally:
            speaking.clear()

    def read() -> None:
        try:
            last.update(listen(say))
        finally:
            ended.set()

    threading.Thread(target=read, daemon=True).start()
    with sd.RawInputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                           blocksize=SAMPLE_RATE * CHUNK_MS // 1000, device=device,
                           callback=on_audio):
        while not ended.is_set():
            try:
                conn.send_bytes(decimate(frames.get(timeout=0.2)))
            except queue.Empty:
                continue
    return last


def _bearer(token: str | None) -> dict[str, str] | None:
    """The handshake's Authorization header for ``token`` (URLs end up in access logs)."""
    return {"Authorization": f"Bearer {token}"} if token else None


def _target(url: str, **query: object) -> str:
    """`url` with the query parameters that are set."""
    params = urlencode({k: v for k, v in query.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{params}" if params else url


def _check_rate(rate: int) -> int:
    if rate not in SAMPLE_RATES:
        raise typer.BadParameter(f"use one of {', '.join(map(str, SAMPLE_RATES))}")
    return rate


RATE = typer.Option(SAMPLE_RATE, callback=_check_rate,
                    help="Band to stream: 16000 (wideband) or 8000 (narrowband headsets).")
TOKEN = typer.Option(None,
                     help="Access token, sent as an Authorization: Bearer header on the "
                          "handshake (never in the URL).")
SCRIPT = typer.Option(None, exists=True, dir_okay=False,
                      help="Answers file: one WAV path per line.")
SPEAK = typer.Option(None, "--speak/--no-speak",
                     help="Play prompt audio (default: on with a microphone).")
DEVICE = typer.Option(None, help="sounddevice input device name or index.")


@app.callback(invoke_without_command=True)
def headset(
    ctx: typer.Context,
    url: str = typer.Option("ws://127.0.0.1:8000/ws/voice", help="The /ws/voice endpoint."),
    token: str | None = TOKEN,
    script: Path | None = SCRIPT,
    speak: bool | None = SPEAK,
    device: str | None = DEVICE,
    rate: int = RATE,
) -> None:
    """Run a voice-picking dialogue from a microphone, or from WAV files with --script."""
    if ctx.invoked_subcommand is not None:
        return
    if script is None:  # the microphone needs sounddevice (PortAudio)
        exit_unless_installed("headset")
    from websockets.sync.client import connect

    player = _player() if (speak if speak is not None else script is None) else None
    with connect(_target(url, rate=rate), additional_headers=_bearer(token),
                 max_size=None, open_timeout=OPEN_TIMEOUT_S) as ws:
        conn = _WebsocketsConnection(ws)
        if script is not None:
            finished = run_script(conn, read_script(script), _print_json, player, rate=rate)
            raise typer.Exit(code=0 if finished else 1)
        _stream_microphone(conn, device, player, rate,
                           lambda say: _dialogue(conn, _print_json, say, ()))


@app.command("enrol")
def enrol(
    url: str = typer.Option("ws://127.0.0.1:8000/ws/voice/enrol",
                            help="The /ws/voice/enrol endpoint."),
    token: str | None = TOKEN,
    operator: str | None = typer.Option(
        None, help="Whose voice (admins and managers); default: the signed-in person's."),
    script: Path | None = SCRIPT,
    speak: bool | None = SPEAK,
    device: str | None = DEVICE,
    rate: int = RATE,
) -> None:
    """Train a picker's voice: say each phrase back, into the microphone or from WAVs.

    With --script each prompt is answered by the next WAV listed. Exit 0 once the voice
    profile is stored, 1 otherwise (Ctrl-C cancels; nothing is stored).
    """
    if script is None:
        exit_unless_installed("headset")
    from websockets.sync.client import connect

    player = _player() if (speak if speak is not None else script is None) else None
    with connect(_target(url, rate=rate, operator=operator),
                 additional_headers=_bearer(token), max_size=None,
                 open_timeout=OPEN_TIMEOUT_S) as ws:
        conn = _WebsocketsConnection(ws)
        if script is not None:
            stored = run_enrol_script(conn, read_script(script), _print_json, player, rate=rate)
            raise typer.Exit(code=0 if stored else 1)
        try:
            last = _stream_microphone(conn, device, player, rate,
                                      lambda say: _enrolment(conn, _print_json, say,
                                                             lambda m: False))
        except KeyboardInterrupt:
            conn.send_text(json.dumps({"type": "cancel"}))
            raise typer.Exit(code=1) from None
        raise typer.Exit(code=0 if last.get("type") == "enrol-done" else 1)
