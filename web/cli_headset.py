"""`facet headset`: stream a microphone or WAV files to `/ws/voice` and speak the prompts."""

from __future__ import annotations

import base64
import json
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

import typer

from assistant.speech.audio import read_wav, silence, wav_to_pcm

__all__ = ["Connection", "app", "read_script", "run_script"]

app = typer.Typer(help="Headset client for voice picking (talks to the /ws/voice websocket).")

CHUNK_BYTES = 3200  # 100 ms of 16 kHz 16-bit mono
Emit = Callable[[dict[str, Any]], None]


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
    """Adapts `websockets.sync.client.ClientConnection` to `Connection`."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws

    def send_bytes(self, data: bytes) -> None:
        self._ws.send(data)

    def send_text(self, data: str) -> None:
        self._ws.send(data)

    def receive_text(self) -> str:
        message = self._ws.recv()
        return message if isinstance(message, str) else message.decode("utf-8")


def read_script(path: Path) -> list[Path]:
    """WAV paths from a script file: one per line, relative to the file; # comments."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    names = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return [p if p.is_absolute() else Path(path).parent / p for p in map(Path, names)]


def _public(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k not in ("audio", "time")}


def _pump(conn: Connection, emit: Emit, speak: Callable[[bytes], None] | None,
          until: tuple[str, ...]) -> dict[str, Any]:
    """Read messages, emitting prompts and commands, until one of type in `until` or end."""
    while True:
        message = json.loads(conn.receive_text())
        kind = message.get("type")
        if kind in ("prompt", "command", "error", "end"):
            emit(_public(message))
        if kind == "prompt" and speak is not None and message.get("audio"):
            speak(base64.b64decode(message["audio"]))
        if kind in until or kind == "end":
            return message


def run_script(conn: Connection, wavs: Iterable[Path], emit: Emit,
               speak: Callable[[bytes], None] | None = None) -> bool:
    """Drive a dialogue from WAV files (one answer each); True if it reached sign-off."""
    if _pump(conn, emit, speak, ("prompt",)).get("type") == "end":
        return True
    for wav in wavs:
        pcm = read_wav(wav) + silence(600)
        for start in range(0, len(pcm), CHUNK_BYTES):
            conn.send_bytes(pcm[start : start + CHUNK_BYTES])
        conn.send_text(json.dumps({"type": "flush"}))
        if _pump(conn, emit, speak, ("flushed",)).get("type") == "end":
            return True
    return False


def _print_json(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _player() -> Callable[[bytes], None] | None:
    try:
        import sounddevice as sd
    except (ImportError, OSError):
        return None

    def play(wav: bytes) -> None:
        import numpy as np

        samples = np.frombuffer(wav_to_pcm(wav), dtype="<i2")
        sd.play(samples, 16000, blocking=True)

    return play


def _stream_microphone(conn: Connection, emit: Emit, device: str | None,
                       speak: Callable[[bytes], None] | None) -> None:
    """Send microphone audio until sign-off; the microphone is muted while a prompt plays."""
    import sounddevice as sd

    frames: queue.Queue[bytes] = queue.Queue()
    speaking = threading.Event()
    ended = threading.Event()

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

    def listen() -> None:
        _pump(conn, emit, say, ())
        ended.set()

    threading.Thread(target=listen, daemon=True).start()
    with sd.RawInputStream(samplerate=16000, channels=1, dtype="int16", blocksize=1600,
                           device=device, callback=on_audio):
        while not ended.is_set():
            try:
                conn.send_bytes(frames.get(timeout=0.2))
            except queue.Empty:
                continue


@app.callback(invoke_without_command=True)
def headset(
    url: str = typer.Option("ws://127.0.0.1:8000/ws/voice", help="The /ws/voice endpoint."),
    token: str | None = typer.Option(None, help="Access token, sent as ?token=..."),
    script: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Answers file: one WAV path per line."
    ),
    speak: bool | None = typer.Option(
        None, "--speak/--no-speak", help="Play prompt audio (default: on with a microphone)."
    ),
    device: str | None = typer.Option(None, help="sounddevice input device name or index."),
) -> None:
    """Run a voice-picking dialogue from a microphone, or from WAV files with --script."""
    from websockets.sync.client import connect

    target = f"{url}{'&' if '?' in url else '?'}token={token}" if token else url
    player = _player() if (speak if speak is not None else script is None) else None
    with connect(target, max_size=None) as ws:
        conn = _WebsocketsConnection(ws)
        if script is not None:
            finished = run_script(conn, read_script(script), _print_json, player)
            raise typer.Exit(code=0 if finished else 1)
        _stream_microphone(conn, _print_json, device, player)
